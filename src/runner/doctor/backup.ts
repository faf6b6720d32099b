/**
 * AWS Backup copies across accounts need both accounts in one AWS Organization and cross-account
 * backup enabled for it ("Both source and destination account must be a member of the same
 * organization", AWS re:Post, "backup-troubleshoot-cross-account-copy"). Organizations
 * DescribeOrganization, from each account, names its organization and management account.
 * AWS Backup DescribeGlobalSettings (isCrossAccountBackupEnabled) answers only in the
 * organization's management account: from any other, the row says who must check it.
 */
import { DescribeGlobalSettingsCommand } from '@aws-sdk/client-backup';
import { DescribeOrganizationCommand, type Organization } from '@aws-sdk/client-organizations';
import type { Site } from '../../blueprint/model';
import { errorName, isDenied, whyNot, type DoctorContext } from './context';

export async function checkBackupCopies(ctx: DoctorContext): Promise<void> {
  const orgs = new Map<string, Promise<Organization | null | Error>>();
  const orgOf = (site: Site) => {
    const account = ctx.accountOf(site);
    if (!orgs.has(account)) {
      orgs.set(
        account,
        ctx
          .clients(site)
          .organizations.send(new DescribeOrganizationCommand({}))
          .then((r) => r.Organization ?? null)
          .catch((err: Error) => (errorName(err) === 'AWSOrganizationsNotInUseException' ? null : err)),
      );
    }
    return orgs.get(account)!;
  };
  const seen = new Set<string>();
  for (const copy of ctx.expected.crossAccountCopies) {
    if (!ctx.inScope(copy.source) && !ctx.inScope(copy.destination)) continue;
    const src = ctx.accountOf(copy.source);
    const dst = ctx.accountOf(copy.destination);
    const pair = `${src} -> ${dst}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const subject = `${copy.plan}: ${copy.source.key} (${src}) -> ${copy.destination.key} (${dst})`;
    const why = ctx.unreachable(copy.source) ?? ctx.unreachable(copy.destination);
    if (why) {
      ctx.add('backup copy organization', subject, 'skip', why);
      continue;
    }
    const [a, b] = await Promise.all([orgOf(copy.source), orgOf(copy.destination)]);
    let org: Organization | undefined;
    if (a instanceof Error || b instanceof Error) ctx.add('backup copy organization', subject, 'skip', whyNot(a instanceof Error ? a : b, 'organizations:DescribeOrganization'));
    else if (a === null || b === null) ctx.add('backup copy organization', subject, 'fail', `account ${a === null ? src : dst} is in no AWS Organization: cross-account copies need both accounts in one`);
    else if (a.Id !== b.Id) ctx.add('backup copy organization', subject, 'fail', `${src} is in ${a.Id}, ${dst} in ${b.Id}: cross-account copies need both accounts in one organization`);
    else {
      org = a;
      ctx.add('backup copy organization', subject, 'ok', `both in ${org.Id} (management account ${org.MasterAccountId})`);
    }
    await crossAccountSetting(ctx, subject, copy.source, org);
  }
}

async function crossAccountSetting(ctx: DoctorContext, subject: string, source: Site, org: Organization | undefined): Promise<void> {
  const management = org?.MasterAccountId;
  const managementSite = [...ctx.model.sites.values()].find((s) => ctx.accountOf(s) === management && !ctx.unreachable(s));
  const asker = managementSite ?? source;
  const mustCheck = `the management account${management ? ` ${management}` : ''} must check it: AWS Backup > Settings > Cross-account management, or \`aws backup describe-global-settings\` there`;
  try {
    const settings = (await ctx.clients(asker).backup.send(new DescribeGlobalSettingsCommand({}))).GlobalSettings ?? {};
    const on = settings.isCrossAccountBackupEnabled === 'true';
    ctx.add('cross-account backup', subject, on ? 'ok' : 'fail', on ? `enabled (read in ${ctx.accountOf(asker)})` : `isCrossAccountBackupEnabled is ${settings.isCrossAccountBackupEnabled ?? 'unset'}: enable it in the management account (\`aws backup update-global-settings --global-settings isCrossAccountBackupEnabled=true\`)`);
  } catch (err) {
    const reason = managementSite ? whyNot(err, 'backup:DescribeGlobalSettings') : `readable only from the organization's management account, which the blueprint does not name${isDenied(err) || errorName(err) === 'InvalidRequestException' ? '' : ` (${whyNot(err, 'backup:DescribeGlobalSettings')})`}; ${mustCheck}`;
    ctx.add('cross-account backup', subject, 'skip', reason);
  }
}
