/**
 * The storage layer of a site: its buckets with their grants, the replication roles of the buckets
 * that replicate out, its backup vault (when it runs a plan or receives copies) and what
 * `replicate-existing` needs (when an edge out of it asks for `existingObjects: batch`).
 */
import { sameAccount, type Blueprint, type Bucket, type Site } from '../blueprint/model';
import { directionsFrom, directionsInto } from '../blueprint/topology';
import { partitionOf } from '../aws/regions';
import { accessLogBucketName, accountOf, batchReportBucketName, batchRoleName, bucketArn, objectsArn, replicationRoleName, roleArn, vaultName } from './arns';
import { plansAt, plansCopyingInto } from './protection';
import { draName, repositoriesReading } from './lustre';
import { operationalBucket } from './operational';
import { serviceTrust } from '../aws/policies';
import type { BatchReplicationPlan, BucketPlan, ReplicationRolePlan, Statement, StorageStackPlan, VaultPlan } from './types';

/** Batch Replication reports and manifests expire after this many days. */
export const BATCH_REPORT_EXPIRATION_DAYS = 30;

/** A statement id from a key: letters and digits only. */
export const sid = (key: string): string => key.replace(/[^A-Za-z0-9]/g, '');
const unique = (xs: string[]) => [...new Set(xs)];
const keyArn = (b: Bucket) => (b.encryption.kind === 'kms-key' ? b.encryption.keyArn : undefined);

/** Buckets of `site` that replicate somewhere (each gets a replication role and configuration). */
export const replicatingBuckets = (m: Blueprint, site: Site): Bucket[] => [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).length > 0);

/** Source buckets of `site` with at least one edge asking for `existingObjects: batch`. */
export const batchSources = (m: Blueprint, site: Site): Bucket[] =>
  [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).some((d) => d.edge.existingObjects === 'batch'));

/** Whether `site` has a backup vault: it runs a plan or receives copies. */
export const hasVault = (m: Blueprint, site: Site): boolean => plansAt(m, site).length > 0 || plansCopyingInto(m, site).length > 0;

/**
 * A blueprint bucket. S3 applies the shortest of overlapping expirations, so the bucket-wide
 * noncurrent-version rule is left out next to a lifecycle rule with its own (BKT007 warns).
 */
export function bucketPlan(m: Blueprint, b: Bucket): BucketPlan {
  const ownNoncurrent = b.lifecycle.some((r) => r.noncurrentVersionExpirationDays !== undefined);
  return {
    key: b.key,
    name: b.name,
    arn: bucketArn(b),
    adopt: b.adopt,
    protect: b.protect && !b.adopt,
    encryption: b.encryption,
    versioning: b.versioning,
    lifecycle: b.lifecycle.map(({ path: _path, ...rule }) => rule),
    noncurrentVersionExpirationDays: b.versioning && b.noncurrentVersionExpirationDays && !ownNoncurrent ? b.noncurrentVersionExpirationDays : undefined,
    statements: b.adopt ? [] : [...replicationGrants(m, b), ...fileSystemGrants(m, b)],
  };
}

/**
 * Lets the replication roles of other accounts write replicas into `destination`. The principal
 * is the source account with a condition on the role ARN, not the role itself: a policy naming a
 * role that does not exist yet is refused, and the role lives in another stack that may deploy later.
 */
function replicationGrants(m: Blueprint, destination: Bucket): Statement[] {
  return directionsInto(m, destination)
    .filter((d) => !sameAccount(d.source.site, d.destination.site))
    .flatMap((r) => {
      const account = accountOf(r.source.site);
      const condition = { ArnEquals: { 'aws:PrincipalArn': roleArn(m, r.source.site, 'repl', r.source.key) } };
      const principal = { AWS: `arn:${partitionOf(r.source.site.region)}:iam::${account}:root` };
      return [
        { Sid: `ReplicateFrom${sid(r.source.key)}`, Effect: 'Allow', Principal: principal, Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'], Resource: objectsArn(destination, r.edge.prefix), Condition: condition },
        { Sid: `VersioningFor${sid(r.source.key)}`, Effect: 'Allow', Principal: principal, Action: 's3:GetBucketVersioning', Resource: bucketArn(destination), Condition: condition },
      ] satisfies Statement[];
    });
}

/**
 * Lets FSx in other accounts reach `bucket`: for every repository of a file system in another
 * account, that account's FSx S3 service-linked roles get the bucket-level and prefix-level access
 * FSx needs, and nothing beyond the repository's prefix.
 */
function fileSystemGrants(m: Blueprint, bucket: Bucket): Statement[] {
  return repositoriesReading(m, bucket).flatMap(({ fileSystem: fs, repository: r }) => {
    if (sameAccount(fs.site, bucket.site) || !fs.site.account) return [];
    const partition = partitionOf(fs.site.region);
    const principal = { AWS: `arn:${partition}:iam::${fs.site.account.id}:root` };
    const condition = { ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${fs.site.account.id}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*` } };
    const id = sid(`FSx${fs.key}${draName(r.fileSystemPath)}`);
    const bucketActions = ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketAcl', 's3:GetBucketNotification', ...(r.autoImport.length ? ['s3:PutBucketNotification'] : [])];
    const objectActions = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectAttributes', ...(r.autoExport.length || r.purpose !== 'input' ? ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:AbortMultipartUpload'] : [])];
    return [
      { Sid: `${id}Bucket`, Effect: 'Allow', Principal: principal, Action: bucketActions, Resource: bucketArn(bucket), Condition: condition },
      { Sid: `${id}Objects`, Effect: 'Allow', Principal: principal, Action: objectActions, Resource: objectsArn(bucket, r.prefix), Condition: condition },
    ] satisfies Statement[];
  });
}

/**
 * The role S3 assumes to replicate out of `source`. Least privilege: read-for-replication on the
 * source objects under each rule's prefix, replicate actions on the destination objects under
 * that prefix, owner override only across accounts, and KMS decrypt/encrypt on exactly the
 * buckets' keys, through S3 in their regions.
 */
function replicationRole(m: Blueprint, source: Bucket): ReplicationRolePlan {
  const rules = directionsFrom(m, source);
  const statements: Statement[] = [
    { Sid: 'SourceBucket', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: bucketArn(source) },
    { Sid: 'SourceObjects', Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: unique(rules.map((r) => objectsArn(source, r.edge.prefix))) },
    { Sid: 'DestinationObjects', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: unique(rules.map((r) => objectsArn(r.destination, r.edge.prefix))) },
  ];
  const foreign = rules.filter((r) => !sameAccount(r.source.site, r.destination.site));
  if (foreign.length) statements.push({ Sid: 'OwnerOverride', Effect: 'Allow', Action: 's3:ObjectOwnerOverrideToBucketOwner', Resource: unique(foreign.map((r) => objectsArn(r.destination, r.edge.prefix))) });
  const sourceKey = keyArn(source);
  if (sourceKey) statements.push({ Sid: 'DecryptSource', Effect: 'Allow', Action: 'kms:Decrypt', Resource: sourceKey, Condition: { StringEquals: { 'kms:ViaService': `s3.${source.site.region}.amazonaws.com` } } });
  for (const r of rules) {
    const k = keyArn(r.destination);
    if (k) statements.push({ Sid: `EncryptInto${sid(r.destination.key)}`, Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: k, Condition: { StringEquals: { 'kms:ViaService': `s3.${r.destination.site.region}.amazonaws.com` } } });
  }
  // S3 assumes the role for the source bucket's replication: its account and ARN (S3 User Guide,
  // "Setting up permissions for live replication"; IAM User Guide, "The confused deputy problem").
  const trust = serviceTrust('s3.amazonaws.com', { account: accountOf(source.site), arn: bucketArn(source) });
  return { sourceKey: source.key, roleName: replicationRoleName(m, source), description: `S3 replication out of ${source.name} (lustreform)`, trust, statements };
}

/**
 * The site's one AWS Backup vault: locked as its plans say (governance: no cooling-off period;
 * compliance: `changeable_for_days`, then immutable), open to copies from exactly the other
 * accounts whose plans copy into it.
 */
function vault(m: Blueprint, site: Site): VaultPlan {
  const lock = plansAt(m, site).find((p) => p.vaultLock)?.vaultLock;
  const partition = partitionOf(site.region);
  const sources = [...new Set(plansCopyingInto(m, site).filter((p) => !sameAccount(p.site, site)).map((p) => p.site.account?.id))].filter((a): a is string => !!a).sort();
  return {
    siteKey: site.key,
    name: vaultName(m, site),
    kmsKeyArn: site.backupVaultKmsKeyArn,
    lock: lock && { minRetentionDays: lock.minRetentionDays, maxRetentionDays: lock.maxRetentionDays, changeableForDays: lock.mode === 'compliance' ? lock.changeableForDays : undefined },
    copyFrom: sources.map((a) => `arn:${partition}:iam::${a}:root`),
    organizationId: site.backupVaultOrganizationId,
  };
}

/**
 * A report bucket for the Batch Replication jobs' generated manifests and completion reports, and
 * the role S3 Batch Operations assumes, allowed to start replication of exactly the source buckets
 * with `existingObjects: batch`, generate their manifests and write into the report bucket.
 */
function batchReplication(m: Blueprint, site: Site, sources: Bucket[]): BatchReplicationPlan {
  const report = operationalBucket(`batch_reports_${site.key}`, batchReportBucketName(m, site, accountOf(site)), site.region, BATCH_REPORT_EXPIRATION_DAYS, [], site.operationalKmsKeyArn);
  const account = accountOf(site);
  // The report bucket's name is predictable (it holds the account id): the role writes only into
  // a bucket this account owns, so a bucket someone else created under that name gets nothing.
  const ownBucket = { StringEquals: { 's3:ResourceAccount': account } };
  return {
    siteKey: site.key,
    roleName: batchRoleName(m, site),
    description: `S3 Batch Replication of existing objects at ${site.key} (lustreform)`,
    reportBucket: report,
    // Batch Operations assumes the role for jobs of this account in this region.
    trust: serviceTrust('batchoperations.s3.amazonaws.com', { account, arn: `arn:${partitionOf(site.region)}:s3:${site.region}:${account}:job/*` }),
    statements: [
      { Sid: 'InitiateReplication', Effect: 'Allow', Action: 's3:InitiateReplication', Resource: sources.map((b) => objectsArn(b)) },
      { Sid: 'GenerateManifests', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'], Resource: sources.map((b) => bucketArn(b)) },
      { Sid: 'ManifestsAndReports', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], Resource: `${report.arn}/*`, Condition: ownBucket },
      { Sid: 'ReportBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: report.arn, Condition: ownBucket },
      ...(site.operationalKmsKeyArn
        ? [{ Sid: 'ReportKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: site.operationalKmsKeyArn, Condition: { StringEquals: { 'kms:ViaService': `s3.${site.region}.amazonaws.com` } } } satisfies Statement]
        : []),
    ],
  };
}

/** Server access log objects expire after this many days. */
export const ACCESS_LOG_EXPIRATION_DAYS = 90;

/**
 * The site's access-log bucket: where buckets with `accessLogging` deliver S3 server access logs
 * (the target must be in the source's region and account, so one per site). SSE-S3 even with the
 * site's operational key: S3 server access logging cannot deliver into an SSE-KMS bucket (S3 User
 * Guide, "Enabling Amazon S3 server access logging"). The logging service may write only for
 * those buckets of this account (aws:SourceArn, aws:SourceAccount), as S3 recommends.
 */
function accessLogBucket(m: Blueprint, site: Site, logged: Bucket[]): BucketPlan {
  const account = accountOf(site);
  const name = accessLogBucketName(m, site, account);
  const arn = `arn:${partitionOf(site.region)}:s3:::${name}`;
  return operationalBucket(`access_logs_${site.key}`, name, site.region, ACCESS_LOG_EXPIRATION_DAYS, [
    {
      Sid: 'S3ServerAccessLogs',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${arn}/*`,
      Condition: { ArnLike: { 'aws:SourceArn': logged.map((b) => bucketArn(b)) }, StringEquals: { 'aws:SourceAccount': account } },
    },
  ]);
}

/** What the storage stack of `site` holds, or undefined when it holds nothing. */
export function storageAt(m: Blueprint, site: Site): Pick<StorageStackPlan, 'buckets' | 'replicationRoles' | 'vault' | 'batchReplication' | 'accessLogBucket'> | undefined {
  const here = [...m.buckets.values()].filter((b) => b.site === site);
  const sources = batchSources(m, site);
  const logged = here.filter((b) => b.accessLogging && !b.adopt);
  const logs = logged.length ? accessLogBucket(m, site, logged) : undefined;
  const contents = {
    buckets: here.map((b) => ({ ...bucketPlan(m, b), ...(logs && logged.includes(b) ? { accessLogs: { targetBucket: logs.name, targetPrefix: `${b.key}/` } } : {}) })),
    accessLogBucket: logs,
    replicationRoles: replicatingBuckets(m, site).map((b) => replicationRole(m, b)),
    vault: hasVault(m, site) ? vault(m, site) : undefined,
    batchReplication: sources.length ? batchReplication(m, site, sources) : undefined,
  };
  return contents.buckets.length || contents.replicationRoles.length || contents.vault ? contents : undefined;
}
