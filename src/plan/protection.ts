/**
 * The protection layer of a site: its AWS Backup plans (with their copy targets and tag
 * selections) and the archive restores deployed there: the blueprint's entries, and one for every
 * replica a recovery file system reads whose objects reach GLACIER or DEEP_ARCHIVE.
 */
import type { ArchiveRestore, BackupPlan, Blueprint, Site } from '../blueprint/model';
import { archivedReplicas } from '../blueprint/topology';
import { partitionOf } from '../aws/regions';
import { schemaDefault } from '../blueprint/schema';
import { accountOf, objectsArn, roleName, shortHash, vaultArn, vaultName } from './arns';
import { operationalBucket } from './operational';
import { serviceTrust } from '../aws/policies';
import { backupEventRules, backupPlanAlarms, restoreAlarms } from './monitoring';
import type { ArchiveRestorePlan, BackupEventRulePlan, BackupPlanPlan, Layer } from './types';

/** How long the archive-restore trail's own log objects are kept. */
export const TRAIL_LOG_EXPIRATION_DAYS = 30;
/**
 * The managed policy of the AWS Backup service role of a plan: backups and copies only.
 * `...ForRestores` would let the role create and delete EC2/EBS/RDS/EFS/DynamoDB resources, and
 * lustreform never runs a restore job through it (failover restores through Terraform's `backup_id`).
 */
export const BACKUP_MANAGED_POLICIES = ['AWSBackupServiceRolePolicyForBackup'] as const;

export const plansAt = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.site === site);
export const plansCopyingInto = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.copyTo.some((c) => c.site === site));

/**
 * Every archive restore to deploy: the blueprint's entries, and one for each replica a recovery
 * file system reads whose objects reach GLACIER or DEEP_ARCHIVE (else its first reads after a
 * failover fail), at the recovery site, with the tier, days and addresses of the source's entry
 * (the schema's defaults and no addresses when the source has none). Deployed with the site's
 * protection stack in normal times, so it is in place before a failover.
 */
export function archiveRestoreEntries(m: Blueprint): ArchiveRestore[] {
  const entries = [...m.archiveRestore];
  for (const rec of m.recovery) {
    for (const { repository: r, replica } of archivedReplicas(m, rec)) {
      if (entries.some((e) => e.bucket === replica && r.prefix.startsWith(e.prefix))) continue;
      const source = m.archiveRestore.find((e) => e.bucket === r.bucket && r.prefix.startsWith(e.prefix));
      entries.push({
        path: rec.path,
        bucket: replica,
        prefix: r.prefix,
        tier: source?.tier ?? schemaDefault<ArchiveRestore['tier']>('archiveRestore', 'tier'),
        days: source?.days ?? schemaDefault<number>('archiveRestore', 'days'),
        notify: source?.notify ?? [],
        logRetentionDays: source?.logRetentionDays ?? schemaDefault<number>('archiveRestore', 'logRetentionDays'),
        tracing: source?.tracing ?? schemaDefault<ArchiveRestore['tracing']>('archiveRestore', 'tracing'),
      });
    }
  }
  return entries;
}

const prefixHash = (entry: ArchiveRestore) => shortHash(entry.prefix, 6);

/**
 * What an entry's resources are keyed by: its bucket and prefix, never its place in the list, so
 * adding, removing or reordering entries leaves the others' addresses and names as they are.
 * `<bucket key>` for the whole bucket, `<bucket key>_<hash of the prefix>` for a prefix.
 */
export const restoreKey = (entry: ArchiveRestore): string => (entry.prefix ? `${entry.bucket.key}_${prefixHash(entry)}` : entry.bucket.key);

/** `<blueprint>-restore-<bucket key>[-<hash of the prefix>]`; at most 64 characters with room for -recheck. */
export function restoreName(m: Blueprint, entry: ArchiveRestore): string {
  const suffix = entry.prefix ? `-${prefixHash(entry)}` : '';
  return `${m.name}-restore-${entry.bucket.key.toLowerCase().replace(/_/g, '-')}`.slice(0, 64 - suffix.length - 9) + suffix;
}

/**
 * An archive restore as its protection stack renders it: a CloudTrail trail logging only GetObject
 * data events under the bucket/prefix into its own log bucket (CloudTrail's bucket policy
 * conditioned on the trail ARN), and the names the rule, function and queues take.
 */
export function archiveRestorePlan(m: Blueprint, entry: ArchiveRestore): ArchiveRestorePlan {
  const bucket = entry.bucket;
  const region = bucket.site.region;
  const partition = partitionOf(region);
  const accountId = accountOf(bucket.site);
  const name = restoreName(m, entry);
  const key = restoreKey(entry);
  const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`;
  const logBucketName = `${m.name}-trail-${shortHash(`${bucket.name}/${entry.prefix}`, 10)}`;
  const logBucketArn = `arn:${partition}:s3:::${logBucketName}`;
  const logBucket = operationalBucket(`restore_${key}_trail_logs`, logBucketName, region, TRAIL_LOG_EXPIRATION_DAYS, [
    { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: logBucketArn, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logBucketArn}/AWSLogs/${accountId}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
    },
  ], bucket.site.operationalKmsKeyArn);
  const operationalKey = bucket.site.operationalKmsKeyArn;
  return {
    key,
    name,
    bucketKey: bucket.key,
    bucketName: bucket.name,
    bucketKeyArn: bucket.encryption.kind === 'kms-key' ? bucket.encryption.keyArn : undefined,
    objectsArn: objectsArn(bucket, entry.prefix),
    region,
    partition,
    accountId,
    prefix: entry.prefix,
    tier: entry.tier,
    days: entry.days,
    notify: entry.notify,
    trail: { name, arn: trailArn, logBucket, kmsKeyArn: operationalKey },
    logGroup: { retentionDays: entry.logRetentionDays, kmsKeyArn: operationalKey },
    tracing: entry.tracing,
    deadLetterQueue: `${name}-dlq`,
    recheckQueue: `${name}-recheck`,
    notifyTopic: `${name}-notify`,
    alarms: restoreAlarms(m, bucket.site, key, name, `${name}-dlq`),
  };
}

/**
 * An AWS Backup plan: one rule with the cron schedule, start and completion windows and a
 * delete-after lifecycle (no cold storage: FSx has none), copy actions to the vaults of other
 * sites (ARNs computed, not read from their stacks), a service role with AWS's managed policies,
 * and a selection per file system by its lustreform tags, so the plan never needs the file
 * system's id from another stack.
 */
export function backupPlanPlan(m: Blueprint, plan: BackupPlan): BackupPlanPlan {
  const partition = partitionOf(plan.site.region);
  return {
    key: plan.key,
    name: `${m.name}-${plan.key}`,
    vaultName: vaultName(m, plan.site),
    schedule: plan.schedule,
    startWindowMinutes: plan.startWindowMinutes,
    completionWindowMinutes: plan.completionWindowMinutes,
    retentionDays: plan.retentionDays,
    copies: plan.copyTo.map((c) => ({ vaultArn: vaultArn(m, c.site), retentionDays: c.retentionDays })),
    recoveryPointTags: { 'lustreform:blueprint': m.name, 'lustreform:plan': plan.key },
    role: {
      name: roleName(m, 'backup', plan.key),
      description: `AWS Backup plan ${plan.key} (lustreform)`,
      // AWS Backup acts for this account's plans. No aws:SourceArn: the AWS Backup Developer Guide
      // documents none for the service role (its confused-deputy guidance covers vault access
      // policies and notification topics), and a backup job serves a plan, a vault and a resource.
      trust: serviceTrust('backup.amazonaws.com', { account: accountOf(plan.site) }),
      managedPolicies: BACKUP_MANAGED_POLICIES.map((p) => ({ name: p, arn: `arn:${partition}:iam::aws:policy/service-role/${p}` })),
    },
    selections: plan.fileSystems.map((fs) => ({
      fileSystemKey: fs.key,
      name: `${m.name}-${plan.key}-${fs.key}`.slice(0, 50),
      // FSx file systems of this account and region that carry all three tags (conditions are ANDed).
      resources: [`arn:${partition}:fsx:${plan.site.region}:${accountOf(plan.site)}:file-system/*`],
      tags: [
        { key: 'aws:ResourceTag/lustreform:blueprint', value: m.name },
        { key: 'aws:ResourceTag/lustreform:site', value: plan.site.key },
        { key: 'aws:ResourceTag/lustreform:filesystem', value: fs.key },
      ],
    })),
    alarms: backupPlanAlarms(m, plan),
  };
}

/** The backup plans run at `site` and the archive restores deployed there, and what backup plans wait for (the file systems, the vaults copies go to). */
export function protectionAt(m: Blueprint, site: Site): { backupPlans: BackupPlanPlan[]; archiveRestore: ArchiveRestorePlan[]; backupEvents: BackupEventRulePlan[]; waitsFor: [Site, Layer][] } {
  const plans = plansAt(m, site);
  return {
    backupPlans: plans.map((p) => backupPlanPlan(m, p)),
    backupEvents: plans.length ? backupEventRules(m, site) : [],
    archiveRestore: archiveRestoreEntries(m)
      .filter((e) => e.bucket.site === site)
      .map((e) => archiveRestorePlan(m, e)),
    waitsFor: plans.flatMap((p): [Site, Layer][] => [[site, 'lustre'], ...p.copyTo.map((c): [Site, Layer] => [c.site, 'storage'])]),
  };
}
