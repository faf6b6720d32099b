/**
 * KMS keys: each key the blueprint names exists, is enabled (KeyState Enabled; Disabled,
 * PendingDeletion, PendingImport and Unavailable keys cannot encrypt) and lives in the region that
 * uses it (KMS keys are regional: DescribeKey's Arn names the key's region). Where the key policy
 * can be read (GetKeyPolicy works only in the key's own account: it has no cross-account use), it
 * must admit what lustreform needs: FSx's S3 service-linked role on repository buckets, the source
 * account's replication role on replication destinations, the destination account on keys of file
 * systems copied to it (AWS re:Post, "backup-troubleshoot-cross-account-copy": the source key
 * policy must allow the destination account), AWS Backup on vault keys. Where it cannot be read,
 * the row says who must check what.
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import { errorName, isDenied, whyNot, type DoctorContext } from './context';
import type { KeyUse } from './expectations';
import { admits } from './key-policy';

/** `arn:<partition>:kms:<region>:<account>:key/<id>` (or alias/<name>): its region and account. */
export function keyArnParts(arn: string): { region: string; account: string } | undefined {
  const m = /^arn:[^:]+:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/.+$/.exec(arn);
  return m ? { region: m[1], account: m[2] } : undefined;
}

export async function checkKeys(ctx: DoctorContext): Promise<void> {
  const byKey = new Map<string, KeyUse[]>();
  for (const u of ctx.expected.keys) if (ctx.inScope(u.site)) byKey.set(u.keyArn, [...(byKey.get(u.keyArn) ?? []), u]);
  for (const [arn, uses] of byKey) {
    const parts = keyArnParts(arn);
    const reachable = uses.filter((u) => !ctx.unreachable(u.site));
    if (!reachable.length) {
      for (const u of uses) ctx.add('KMS key', `${u.what} ${arn}`, 'skip', ctx.unreachable(u.site)!);
      continue;
    }
    if (!parts) {
      for (const u of uses) ctx.add('KMS key', `${u.what} ${arn}`, 'fail', 'not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)');
      continue;
    }
    // Read the key from its own account when the blueprint names that account, else from the user's.
    const owner = [...ctx.model.sites.values()].find((s) => ctx.accountOf(s) === parts.account && !ctx.unreachable(s));
    const reader = owner ?? reachable[0].site;
    const kms = ctx.clients(reader).kms(parts.region);
    let meta: KeyMetadata | undefined;
    try {
      meta = (await kms.send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata;
    } catch (err) {
      for (const u of uses) {
        const bad = u.standby === 'cold' ? 'warn' : 'fail';
        if (errorName(err) === 'NotFoundException') ctx.add('KMS key', `${u.what} ${arn}`, bad, `no such key in ${parts.region} of ${parts.account}`);
        else if (isDenied(err) && !owner) ctx.add('KMS key', `${u.what} ${arn}`, 'skip', `the key is in account ${parts.account}, which the blueprint does not name, and its policy does not let ${ctx.accountOf(reader)} describe it: its owner must check it is enabled and admits ${needsText(u)}`);
        else ctx.add('KMS key', `${u.what} ${arn}`, 'skip', whyNot(err, 'kms:DescribeKey'));
      }
      continue;
    }
    const keyRegion = keyArnParts(meta?.Arn ?? arn)?.region ?? parts.region;
    for (const u of uses) {
      const bad = u.standby === 'cold' ? 'warn' : 'fail';
      const state = meta?.KeyState ?? (meta?.Enabled ? 'Enabled' : 'unknown');
      if (state !== 'Enabled') ctx.add('KMS key', `${u.what} ${arn}`, bad, `KeyState ${state}: ${state === 'PendingDeletion' ? 'cancel its deletion and enable it' : 'enable it'}, or name another key`);
      else if (keyRegion !== u.site.region) ctx.add('KMS key', `${u.what} ${arn}`, bad, `the key is in ${keyRegion}, used at ${u.site.key} in ${u.site.region}: KMS keys are regional; use a key (or a multi-Region replica) in ${u.site.region}`);
      else ctx.add('KMS key', `${u.what} ${arn}`, 'ok', `Enabled, ${keyRegion}, ${meta?.KeyManager === 'AWS' ? 'AWS managed' : 'customer managed'}`);
    }
    const needs = uses.flatMap((u) => u.needs.map((n) => ({ u, n })));
    if (!needs.length) continue;
    let policy: string | undefined;
    try {
      if (!owner) throw Object.assign(new Error('GetKeyPolicy has no cross-account use'), { name: 'AccessDeniedException' });
      policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }))).Policy;
    } catch (err) {
      for (const { u, n } of needs) {
        const reason = !owner ? `the key is in account ${parts.account}, which the blueprint does not name, and a key policy is readable only there: its owner must check it lets ${n.who} use ${n.actions.join(', ')}` : whyNot(err, 'kms:GetKeyPolicy');
        ctx.add('key policy', `${u.what}: ${n.who}`, 'skip', reason);
      }
      continue;
    }
    for (const { u, n } of needs) {
      const a = admits(policy ?? '{}', n);
      const bad = u.standby === 'cold' ? 'warn' : 'fail';
      ctx.add('key policy', `${u.what}: ${n.who}`, a.level === 'ok' ? 'ok' : a.level === 'partial' ? 'warn' : bad, a.detail);
    }
  }
}

const needsText = (u: KeyUse) => (u.needs.length ? u.needs.map((n) => `${n.who} (${n.actions.join(', ')})`).join('; ') : `${u.what}'s account`);
