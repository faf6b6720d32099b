/**
 * Identifiers that cross sites, computed from the blueprint so no stack reads another's state.
 */
import { createHash } from 'node:crypto';
import type { Blueprint, Bucket, Site } from '../blueprint/model';
import { partitionOf } from '../aws/regions';

export const bucketArn = (b: Bucket): string => `arn:${partitionOf(b.site.region)}:s3:::${b.name}`;
/** Objects under `prefix` ("" = all). */
export const objectsArn = (b: Bucket, prefix = ''): string => `${bucketArn(b)}/${prefix}*`;

/** Account id of a site; `${data.aws_caller_identity...}` only when no accounts are named (one ambient account). */
export function siteAccount(site: Site): string | undefined {
  return site.account?.id;
}

export const roleName = (m: Blueprint, purpose: string, key: string): string => `${m.name}-${purpose}-${key}`.slice(0, 64);

/**
 * ARN of a role lustreform creates in `site`'s account. Without named accounts the account id is
 * the ambient one, which a stack passes in as `accountId` (from aws_caller_identity).
 */
export function roleArn(m: Blueprint, site: Site, purpose: string, key: string, accountId = siteAccount(site)): string {
  return `arn:${partitionOf(site.region)}:iam::${accountId}:role/${roleName(m, purpose, key)}`;
}

/** The replication role of a source bucket: one per source, holding all its edges. */
export const replicationRoleName = (m: Blueprint, source: Bucket): string => roleName(m, 'repl', source.key);

export const vaultName = (m: Blueprint, site: Site): string => `${m.name}-${site.key}`;
export function vaultArn(m: Blueprint, site: Site, accountId = siteAccount(site)): string {
  return `arn:${partitionOf(site.region)}:backup:${site.region}:${accountId}:backup-vault:${vaultName(m, site)}`;
}

/** The S3 Batch Replication role of a site (storage layer), used by `lustreform replicate-existing`. */
export const batchRoleName = (m: Blueprint, site: Site): string => roleName(m, 'batch-repl', site.key);

/** The report (and generated manifest) bucket of a site's Batch Replication jobs: globally unique through the account id. */
export function batchReportBucketName(m: Blueprint, site: Site, accountId: string): string {
  const hash = createHash('sha256').update(`${site.key}/${site.region}`).digest('hex').slice(0, 6);
  return `${m.name}-batch-${hash}-${accountId}`;
}
