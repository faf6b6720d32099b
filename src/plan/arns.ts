/**
 * Names and identifiers, computed from the blueprint so no stack reads another's state.
 *
 * Without `accounts`, every site is the one account of the ambient credentials, which no plan can
 * know: identifiers that hold it hold AMBIENT_ACCOUNT instead, which a stack renders as its own
 * caller identity (`data.aws_caller_identity`) and the runner as STS GetCallerIdentity's answer.
 */
import { createHash } from 'node:crypto';
import type { Blueprint, Bucket, Site } from '../blueprint/model';
import { partitionOf } from '../aws/regions';

/** Stands for the ambient account in plan values (never reaches a synthesized stack or an API call). */
export const AMBIENT_ACCOUNT = '<ambient-account>';

/** The account id of a site: the blueprint's, else AMBIENT_ACCOUNT. */
export const accountOf = (site: Site): string => site.account?.id ?? AMBIENT_ACCOUNT;

/** Stands for a file system's id in alarm dimensions and dashboards: known only in its own stack, which puts it in. */
export const fileSystemIdOf = (key: string): string => `<file-system-id:${key}>`;
/** The file system key of a fileSystemIdOf marker in a text, and where. */
export const FILE_SYSTEM_ID_MARKER = /<file-system-id:([^>]+)>/g;

/** `text` with the ambient account replaced by `accountId`. */
export const withAccount = (text: string, accountId: string): string => text.split(AMBIENT_ACCOUNT).join(accountId);

/** A short, stable hash of a text, for names that must not change when lists are reordered. */
export const shortHash = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);

export const bucketArn = (b: Bucket): string => `arn:${partitionOf(b.site.region)}:s3:::${b.name}`;
/** Objects under `prefix` ("" = all). */
export const objectsArn = (b: Bucket, prefix = ''): string => `${bucketArn(b)}/${prefix}*`;

export const roleName = (m: Blueprint, purpose: string, key: string): string => `${m.name}-${purpose}-${key}`.slice(0, 64);

/** ARN of a role lustreform creates in `site`'s account. */
export function roleArn(m: Blueprint, site: Site, purpose: string, key: string): string {
  return `arn:${partitionOf(site.region)}:iam::${accountOf(site)}:role/${roleName(m, purpose, key)}`;
}

/** The replication role of a source bucket: one per source, holding all its edges. */
export const replicationRoleName = (m: Blueprint, source: Bucket): string => roleName(m, 'repl', source.key);

export const vaultName = (m: Blueprint, site: Site): string => `${m.name}-${site.key}`;
export function vaultArn(m: Blueprint, site: Site): string {
  return `arn:${partitionOf(site.region)}:backup:${site.region}:${accountOf(site)}:backup-vault:${vaultName(m, site)}`;
}

/** The S3 Batch Replication role of a site (storage layer), used by `lustreform replicate-existing`. */
export const batchRoleName = (m: Blueprint, site: Site): string => roleName(m, 'batch-repl', site.key);

/** The report (and generated manifest) bucket of a site's Batch Replication jobs: globally unique through the account id. */
export function batchReportBucketName(m: Blueprint, site: Site, accountId: string): string {
  return `${m.name}-batch-${shortHash(`${site.key}/${site.region}`, 6)}-${accountId}`;
}

/** The one CloudTrail trail of a site's archive restores. */
export const restoreTrailName = (m: Blueprint, site: Site): string => `${m.name}-restore-${site.key}`;

/** The log bucket of a site's archive-restore trail: globally unique through the account id. */
export function restoreTrailLogBucketName(m: Blueprint, site: Site, accountId: string): string {
  return `${m.name}-trail-${shortHash(`${site.key}/${site.region}`, 6)}-${accountId}`;
}

/** The access-log bucket of a site's buckets with `accessLogging`: globally unique through the account id. */
export function accessLogBucketName(m: Blueprint, site: Site, accountId: string): string {
  return `${m.name}-access-logs-${shortHash(`${site.key}/${site.region}`, 6)}-${accountId}`;
}

/**
 * A restore testing plan or selection name: 1-50 letters, digits and underscores (the provider's
 * validation of `name` on aws_backup_restore_testing_plan and _selection: ^[0-9A-Za-z_]+$, at most
 * 50). Other characters become `_`; a longer name keeps 43 characters and a hash of the whole.
 */
export function restoreTestingName(raw: string): string {
  const name = raw.replace(/[^0-9A-Za-z_]/g, '_');
  return name.length <= 50 ? name : `${name.slice(0, 43)}_${shortHash(name, 6)}`;
}
