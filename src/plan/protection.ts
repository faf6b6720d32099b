/**
 * The protection layer of a site: its AWS Backup plans (with their copy targets and tag
 * selections) and the archive restores deployed there: the blueprint's entries, and one for every
 * replica a recovery file system reads whose objects reach GLACIER or DEEP_ARCHIVE.
 */
import type { ArchiveRestore, BackupPlan, Blueprint, Site } from '../blueprint/model';
import { archiveRestoreEntries as allArchiveRestores } from '../blueprint/topology';
import { getObjectSelector } from '../aws/cloudtrail';
import { partitionOf } from '../aws/regions';
import { accountOf, objectsArn, restoreTrailLogBucketName, restoreTrailName, roleName, shortHash, vaultArn, vaultName } from './arns';
import { operationalBucket } from './operational';
import { managedServicePolicies, serviceTrust } from '../aws/policies';
import { backupEventRules, backupPlanAlarms, restoreAlarms, restoreEventRules } from './monitoring';
import { restoreTestPlan, restoreTestsAt } from './restore-testing';
import type { ArchiveRestorePlan, ArchiveRestoreTrailPlan, BackupEventRulePlan, BackupPlanPlan, Layer, RestoreFunctionPlan, RestoreTestPlan } from './types';

/** How long the archive-restore trail's own log objects are kept. */
export const TRAIL_LOG_EXPIRATION_DAYS = 30;
/**
 * The managed policy of the AWS Backup service role of a plan: backups and copies only.
 * `...ForRestores` would let the role create and delete EC2/EBS/RDS/EFS/DynamoDB resources, and
 * lustreform never runs a restore job through it (failover restores through Terraform's
 * `backup_id`; restore tests have their own role at the tested site, src/plan/restore-testing.ts).
 */
export const BACKUP_MANAGED_POLICIES = ['AWSBackupServiceRolePolicyForBackup'] as const;

export const plansAt = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.site === site);
export const plansCopyingInto = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.copyTo.some((c) => c.site === site));

/** Every archive restore to deploy (the blueprint's entries and those of archived replicas that recovery file systems read). */
export const archiveRestoreEntries = (m: Blueprint): ArchiveRestore[] => allArchiveRestores(m);

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
 * How every restore function runs and is fed. No reserved concurrency: a new account's quota can be
 * 10 and Lambda refuses any reservation that leaves fewer than 10 unreserved ("decreases account's
 * UnreservedConcurrentExecution below its minimum value"), so the apply would fail there. A burst of
 * misses (a job reading a whole archived tree) is bounded instead by the SQS queue between the rule
 * and the function: its event source mapping's `scaling_config.maximum_concurrency` ("Limits the
 * number of concurrent instances that the Amazon SQS event source can invoke", 2 to 1000: Lambda API
 * Reference, ScalingConfig) holds the function to 5 at a time while the rest wait in the queue.
 * The queue's visibility timeout is six times the function's ("set the source queue's visibility
 * timeout to at least six times the configuration timeout on your function": Lambda Developer Guide,
 * "Creating and configuring an Amazon SQS event source mapping"); a message received 5 times without
 * success moves to the dead-letter queue, which keeps it 14 days (SQS's maximum).
 */
export const RESTORE_FUNCTION: RestoreFunctionPlan = {
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  timeoutSeconds: 60,
  memoryMb: 256,
  logRetentionDays: 30,
  // Re-check delay of the completion re-checks: SQS's maximum DelaySeconds.
  recheckSeconds: 900,
  reservedConcurrency: undefined,
  maximumConcurrency: 5,
  batchSize: 10,
  visibilityTimeoutSeconds: 6 * 60,
  maxReceiveCount: 5,
  deadLetterRetentionSeconds: 14 * 24 * 3600,
};

/**
 * An archive restore as its protection stack renders it: its selector on the site's one trail,
 * the names the rule, queues and function take, and how the function runs.
 */
export function archiveRestorePlan(m: Blueprint, entry: ArchiveRestore): ArchiveRestorePlan {
  const bucket = entry.bucket;
  const region = bucket.site.region;
  const name = restoreName(m, entry);
  const key = restoreKey(entry);
  return {
    key,
    name,
    bucketKey: bucket.key,
    bucketName: bucket.name,
    bucketKeyArn: bucket.encryption.kind === 'kms-key' ? bucket.encryption.keyArn : undefined,
    objectsArn: objectsArn(bucket, entry.prefix),
    region,
    partition: partitionOf(region),
    accountId: accountOf(bucket.site),
    prefix: entry.prefix,
    tier: entry.tier,
    days: entry.days,
    notify: entry.notify,
    trailName: restoreTrailName(m, bucket.site),
    queue: `${name}-queue`,
    logGroup: { retentionDays: entry.logRetentionDays, kmsKeyArn: bucket.site.operationalKmsKeyArn },
    tracing: entry.tracing,
    deadLetterQueue: `${name}-dlq`,
    notifyTopic: `${name}-notify`,
    function: RESTORE_FUNCTION,
    alarms: restoreAlarms(m, bucket.site, key, name, `${name}-queue`, `${name}-dlq`),
  };
}

/**
 * The one CloudTrail trail of a site's archive restores: CloudTrail allows 5 trails per region,
 * counting the account's own, so the site's entries share a trail with an advanced event selector
 * each (GetObject data events under the entry's bucket/prefix only: data events cost per event),
 * logging into its own log bucket (CloudTrail's bucket policy conditioned on the trail ARN). Rule
 * RST006 refuses more entries than the trail's selectors can hold (src/aws/cloudtrail.ts).
 */
export function archiveRestoreTrail(m: Blueprint, site: Site, entries: ArchiveRestore[]): ArchiveRestoreTrailPlan {
  const region = site.region;
  const partition = partitionOf(region);
  const accountId = accountOf(site);
  const name = restoreTrailName(m, site);
  const arn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`;
  const logBucketName = restoreTrailLogBucketName(m, site, accountId);
  const logBucketArn = `arn:${partition}:s3:::${logBucketName}`;
  const logBucket = operationalBucket('restore_trail_logs', logBucketName, region, TRAIL_LOG_EXPIRATION_DAYS, [
    { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: logBucketArn, Condition: { StringEquals: { 'aws:SourceArn': arn } } },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logBucketArn}/AWSLogs/${accountId}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': arn } },
    },
  ], site.operationalKmsKeyArn);
  return { name, arn, logBucket, kmsKeyArn: site.operationalKmsKeyArn, selectors: entries.map((e) => getObjectSelector(partition, e.bucket.name, e.prefix)) };
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
      managedPolicies: managedServicePolicies(partition, BACKUP_MANAGED_POLICIES),
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

/** The backup plans run at `site`, the restore tests run there, the archive restores deployed there (with their one trail), and what backup plans wait for (the file systems, the vaults copies go to). */
export function protectionAt(
  m: Blueprint,
  site: Site,
): { backupPlans: BackupPlanPlan[]; restoreTests: RestoreTestPlan[]; archiveRestore: ArchiveRestorePlan[]; restoreTrail?: ArchiveRestoreTrailPlan; backupEvents: BackupEventRulePlan[]; waitsFor: [Site, Layer][] } {
  const plans = plansAt(m, site);
  const tests = restoreTestsAt(m, site);
  const restores = archiveRestoreEntries(m).filter((e) => e.bucket.site === site);
  return {
    backupPlans: plans.map((p) => backupPlanPlan(m, p)),
    restoreTests: tests.map((p) => restoreTestPlan(m, p)),
    backupEvents: [...(plans.length ? backupEventRules(m, site) : []), ...(tests.length ? restoreEventRules(m, site) : [])],
    archiveRestore: restores.map((e) => archiveRestorePlan(m, e)),
    restoreTrail: restores.length ? archiveRestoreTrail(m, site, restores) : undefined,
    waitsFor: plans.flatMap((p): [Site, Layer][] => [[site, 'lustre'], ...p.copyTo.map((c): [Site, Layer] => [c.site, 'storage'])]),
  };
}
