import type { Blueprint, Site } from '../blueprint/model';
import type { ModelPath } from '../blueprint/findings';
import { fileSystemsOf, hit, type Rule } from './rule';

/** Every customer-managed key the blueprint names, with the site that uses it and where it is written. */
function keysOf(m: Blueprint): { arn: string; site: Site; path: ModelPath; what: string }[] {
  return [
    ...fileSystemsOf(m).flatMap((fs) => (fs.kmsKeyArn ? [{ arn: fs.kmsKeyArn, site: fs.site, path: [...fs.path, 'kmsKeyArn'], what: `file system ${fs.key}` }] : [])),
    ...[...m.buckets.values()].flatMap((b) => (b.encryption.kind === 'kms-key' ? [{ arn: b.encryption.keyArn, site: b.site, path: [...b.path, 'encryption', 'kmsKeyArn'], what: `bucket ${b.key}` }] : [])),
    ...[...m.sites.values()].flatMap((s) => (s.backupVaultKmsKeyArn ? [{ arn: s.backupVaultKmsKeyArn, site: s, path: [...s.path, 'backupVaultKmsKeyArn'], what: `the backup vault of ${s.key}` }] : [])),
    ...[...m.sites.values()].flatMap((s) => (s.operationalKmsKeyArn ? [{ arn: s.operationalKmsKeyArn, site: s, path: [...s.path, 'operationalKmsKeyArn'], what: `lustreform's own resources at ${s.key}` }] : [])),
    ...m.recovery.flatMap((r) => (r.kmsKeyArn ? [{ arn: r.kmsKeyArn, site: r.site, path: [...r.path, 'kmsKeyArn'], what: `the rebuilt ${r.fileSystem.key}` }] : [])),
  ];
}

export const kmsRules: Rule[] = [
  {
    id: 'KMS001',
    severity: 'warning',
    summary: 'A KMS key (file system, bucket, backup vault, recovery) is in another account than the site that uses it: its key policy must let that account use it.',
    check: (m) =>
      keysOf(m).flatMap((k) => {
        const keyAccount = k.arn.split(':')[4];
        const siteAccount = k.site.account?.id;
        return siteAccount && keyAccount !== siteAccount
          ? [hit(k.path, `the key is in account ${keyAccount}, ${k.what} in ${siteAccount} (site ${k.site.key}): the key's policy must grant account ${siteAccount} kms:Encrypt, Decrypt, GenerateDataKey* and CreateGrant, or every write fails; lustreform does not manage key policies. Prefer a key in ${siteAccount}`)]
          : [];
      }),
  },
  {
    id: 'KMS002',
    severity: 'error',
    summary: "A file system's KMS key is in another region than the file system.",
    check: (m) =>
      fileSystemsOf(m).flatMap((fs) => {
        const region = fs.kmsKeyArn?.split(':')[3];
        return region && region !== fs.site.region ? [hit([...fs.path, 'kmsKeyArn'], `the key is in ${region}, the file system in ${fs.site.region}; FSx needs a key of its own region`)] : [];
      }),
  },
];
