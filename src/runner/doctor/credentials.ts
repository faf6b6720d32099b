/**
 * Credentials: each account's role can be assumed and lands in the account the blueprint names
 * (STS GetCallerIdentity through the assumed role). Every other check of an account that fails
 * here is skipped, saying so, instead of failing once per call.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Site } from '../../blueprint/model';
import type { AccountClients } from './clients';
import { whyNot } from './context';

export interface Identity {
  /** Account id per account key ('' for the ambient one) that answered. */
  accounts: Map<string, string>;
  /** Why an account key cannot be used. */
  failed: Map<string, string>;
  rows: { key: string; subject: string; ok: boolean; detail: string }[];
}

export const accountKey = (site: Site): string => site.account?.key ?? '';

export async function checkCredentials(sites: Site[], clients: (site: Site) => AccountClients): Promise<Identity> {
  const out: Identity = { accounts: new Map(), failed: new Map(), rows: [] };
  const bySite = new Map<string, Site>();
  for (const s of sites) if (!bySite.has(accountKey(s))) bySite.set(accountKey(s), s);
  for (const [key, site] of bySite) {
    const c = clients(site);
    const subject = key ? `account ${key} (${site.account!.id})` : 'ambient credentials';
    const how = c.role ? `assumed ${c.role}${c.role === site.account?.planRole && c.role !== site.account?.assumeRole ? ' (planRole, LUSTREFORM_PLAN=1)' : ''}` : 'the ambient credentials';
    try {
      const id = await c.sts.send(new GetCallerIdentityCommand({}));
      if (!id.Account) throw new Error('STS did not say which account these credentials belong to');
      if (site.account && id.Account !== site.account.id) {
        const reason = `${how} lands in account ${id.Account}, not ${site.account.id} as the blueprint says${c.role ? '' : '; give the account an assumeRole or sign in to it'}`;
        out.failed.set(key, `the credentials of account ${key} are wrong (see credentials)`);
        out.rows.push({ key, subject, ok: false, detail: reason });
        continue;
      }
      out.accounts.set(key, id.Account);
      out.rows.push({ key, subject, ok: true, detail: `${how}: ${id.Arn ?? id.Account}` });
    } catch (err) {
      out.failed.set(key, `cannot sign in to account ${key || 'of the ambient credentials'} (see credentials)`);
      out.rows.push({ key, subject, ok: false, detail: `${how.replace(/^assumed/, 'cannot assume')}: ${whyNot(err, c.role ? 'sts:AssumeRole' : 'sts:GetCallerIdentity')}` });
    }
  }
  return out;
}
