import type { Blueprint, Site } from '../blueprint/model';
import type { ModelPath } from '../blueprint/findings';
import { fileSystemsOf, hit, type Rule } from './rule';
import { bucketReaders } from '../blueprint/topology';
import { fsxKeyStatement } from '../aws/fsx';
import { partitionOf } from '../aws/regions';

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
  {
    id: 'KMS003',
    severity: 'warning',
    summary: "A bucket a file system reads (a repository, or the replica a recovery copy reads) uses a customer-managed key: the key policy must admit that file system's FSx service-linked role, which is new for every file system (a rebuilt one too).",
    check: (m) =>
      [...m.buckets.values()].flatMap((b) => {
        if (b.encryption.kind !== 'kms-key') return [];
        const readers = bucketReaders(m, b);
        if (!readers.length) return [];
        const partition = partitionOf(b.site.region);
        const who = readers.map((r) => (r.recovery ? `${r.fileSystem.key} rebuilt at ${r.site.key} (${r.recovery.standby} standby: a new id at every failover)` : `${r.fileSystem.key} at ${r.site.key}`)).join(', ');
        const statements = [...new Map(readers.map((r) => [r.site.account?.id ?? '<this account>', r.site])).values()].map((site) =>
          JSON.stringify(fsxKeyStatement({ partition, account: site.account?.id ?? '<this account>', fileSystemId: '<file system id>', buckets: [b.name], bucketRegion: b.site.region })),
        );
        return [
          hit(
            [...b.path, 'encryption', 'kmsKeyArn'],
            `bucket ${b.key} uses the customer-managed key ${b.encryption.keyArn}; FSx reads and writes it through each file system's own service-linked role AWSServiceRoleForFSxS3Access_<file system id> (path aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/; file system ${who}), which gets no KMS permission from IAM: until the key policy admits it, imports and exports of those paths fail. Add to the key policy (lustreform does not manage key policies), once per file system id: ${statements.join(' ')}. \`lustreform verify\` checks it on the live file system; the runbook's failover steps repeat it for the rebuilt one`,
          ),
        ];
      }),
  },
];
