/**
 * What every site watches (`monitoring:`, on by default): the alarms of what it runs, each in the
 * stack of what it watches, all notifying the site's alarm topic `<blueprint>-<site>-alarms` in its
 * storage stack, plus the AWS Backup failure events and one dashboard per site. Replication latency
 * is published in the destination bucket's region, so its alarms and a topic there,
 * `<blueprint>-<site>-alarms-<region>`, live in the replication stack: the storage stack, which a
 * failover deploys, places nothing in another site's region. Metrics and their dimension sets come from
 * src/aws/metrics.ts; how each alarm treats missing data follows how its service publishes.
 *
 * The alarm topic has no KMS key: CloudWatch and EventBridge cannot use the AWS managed key
 * `alias/aws/sns` (its key policy cannot be changed to admit them; AWS re:Post knowledge center
 * "cloudwatch-configure-alarm-sns"), and a customer-managed key costs $1 a month per site for
 * notifications that carry alarm names and states, not data. Its policy admits CloudWatch alarms
 * of this account (aws:SourceAccount, aws:SourceArn) and EventBridge (which takes no conditions in
 * SNS topic policies: EventBridge User Guide, "Amazon SNS permissions").
 */
import type { BackupPlan, Blueprint, FileSystem, Site } from '../blueprint/model';
import type { ReplicationDirection } from '../blueprint/topology';
import { partitionOf } from '../aws/regions';
import { denyInsecureTransport } from '../aws/policies';
import {
  BACKUP_JOBS_COMPLETED,
  BACKUP_JOBS_FAILED,
  FSX_FREE_CAPACITY,
  FSX_PERIOD_SECONDS,
  FSX_QUEUE_AGE,
  FSX_READ_BYTES,
  FSX_WRITE_BYTES,
  LAMBDA_ERRORS,
  MAX_ALARM_WINDOW_HOURS,
  missedBackupWindowHours,
  S3_BYTES_PENDING,
  S3_FAILED_REPLICATION,
  S3_REPLICATION_LATENCY,
  SQS_OLDEST,
  SQS_VISIBLE,
  type MetricFact,
} from '../aws/metrics';
import { accountOf, fileSystemIdOf, vaultArn, vaultName } from './arns';
import type { AlarmKind, AlarmPlan, AlarmTopicPlan, BackupEventRulePlan, DashboardPlan, DashboardWidget, Statement } from './types';



export const alarmTopicName = (m: Blueprint, site: Site, region = site.region): string => (region === site.region ? `${m.name}-${site.key}-alarms` : `${m.name}-${site.key}-alarms-${region}`);
export const alarmTopicArn = (m: Blueprint, site: Site, region = site.region): string => `arn:${partitionOf(region)}:sns:${region}:${accountOf(site)}:${alarmTopicName(m, site, region)}`;
/** Every alarm of a site starts so: `verify` reads them by this prefix. */
export const alarmPrefix = (m: Blueprint, site: Site): string => `${m.name}-${site.key}-`;

/** What each kind of alarm means and what to do first (the runbook's table). */
export const ALARM_KINDS: Record<AlarmKind, { means: string; first: string }> = {
  'free-capacity': { means: 'a file system is filling up: writes fail with ENOSPC when it is full', first: 'grow `storageCapacity` in the blueprint and deploy (capacity only grows), or release files already exported (`lfs hsm_release`)' },
  'export-backlog': { means: 'changes wait for auto-export longer than allowed: S3 (and its replicas) lag behind the file system', first: 'look for mass renames or a full S3 path in the FSx log group; before any teardown run `npx lustreform export -b <blueprint> --wait`' },
  'repository-errors': { means: 'FSx logged data repository errors (failed imports or exports: access denied, a key it may not use, paths S3 refuses)', first: 'read the file system\'s log group (/aws/fsx/...), stream datarepo_<file system id>; fix the bucket policy or key policy it names, then `npx lustreform verify -b <blueprint>`' },
  'replication-failed': { means: 'S3 could not replicate objects of a rule: the DR copy misses them', first: 'check the destination bucket and its KMS key policy (they must admit the source account\'s replication role), then replicate what failed: `npx lustreform replicate-existing -b <blueprint> --wait`' },
  'replication-latency': { means: 'replication lags longer than allowed: the recovery point grows', first: 'check `BytesPendingReplication` on the site\'s dashboard and the destination\'s health; RTC rules promise 15 minutes' },
  'backup-missed': { means: 'no backup completed in the plan\'s interval: the newest recovery point is getting old', first: 'look at the plan\'s jobs in AWS Backup (console or `aws backup list-backup-jobs`); a job never started can mean the selection matches no file system (its lustreform tags) or the role lacks permissions' },
  'restore-errors': { means: 'the archive-restore function failed (an invocation error or timeout): reads of archived objects are not being restored', first: 'read the function\'s log group /aws/lambda/<function>; its queue retries each read up to 5 times, then moves it to the dead-letter queue' },
  'restore-backlog': { means: 'reads of archived objects wait in the restore queue for more than an hour: the function is throttled, or its event source mapping is disabled', first: 'check the function\'s throttles and the account\'s unreserved concurrency (`npx lustreform doctor -b <blueprint>`), and that the event source mapping of the queue <function>-queue is Enabled' },
  'restore-dead-letters': { means: 'restore requests failed after every retry and wait in the dead-letter queue', first: 'read a message of the queue (its event), fix the cause in the function\'s log, then restore with `npx lustreform import -b <blueprint> --restore-archived`' },
};

interface AlarmSpec {
  kind: AlarmKind;
  subject: string;
  description: string;
  metric: MetricFact;
  dimensions: Record<string, string>;
  periodSeconds: number;
  evaluationPeriods?: number;
  comparison: AlarmPlan['comparison'];
  threshold: number;
  treatMissingData: AlarmPlan['treatMissingData'];
  /** The region the metric is published in, when not the site's. */
  region?: string;
}

function alarm(m: Blueprint, site: Site, a: AlarmSpec): AlarmPlan {
  const name = `${alarmPrefix(m, site)}${a.subject}-${a.kind}`;
  const periods = a.evaluationPeriods ?? 1;
  const region = a.region && a.region !== site.region ? a.region : undefined;
  return {
    name,
    key: `${a.subject}_${a.kind}`.replace(/[^A-Za-z0-9_]/g, '_'),
    kind: a.kind,
    description: `${a.description} (lustreform ${m.name})`,
    namespace: a.metric.namespace,
    metricName: a.metric.name,
    dimensions: a.dimensions,
    statistic: a.metric.statistic,
    periodSeconds: a.periodSeconds,
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    comparison: a.comparison,
    threshold: a.threshold,
    treatMissingData: a.treatMissingData,
    region,
    topicArn: alarmTopicArn(m, site, region ?? site.region),
  };
}

/**
 * A file system's alarms: free capacity (Sum over its storage targets at 60 s, five minutes below
 * the share), export backlog where a repository auto-exports (the queue's age, silent when
 * idle), and data repository events in its FSx log (every event at the logging level it has).
 */
export function fileSystemAlarms(m: Blueprint, fs: FileSystem): AlarmPlan[] {
  if (!m.monitoring.enabled) return [];
  const mon = m.monitoring;
  const out: AlarmPlan[] = [];
  if (fs.storageCapacity !== undefined) {
    const threshold = Math.round((fs.storageCapacity * 1024 ** 3 * mon.freeCapacityPercent) / 100);
    out.push(alarm(m, fs.site, { kind: 'free-capacity', subject: fs.key, description: `file system ${fs.key}: less than ${mon.freeCapacityPercent}% of ${fs.storageCapacity} GiB free`, metric: FSX_FREE_CAPACITY, dimensions: { FileSystemId: fileSystemIdOf(fs.key) }, periodSeconds: FSX_PERIOD_SECONDS, evaluationPeriods: 5, comparison: 'LessThanThreshold', threshold, treatMissingData: 'missing' }));
  }
  if (fs.repositories.some((r) => r.autoExport.length)) {
    out.push(alarm(m, fs.site, { kind: 'export-backlog', subject: fs.key, description: `file system ${fs.key}: a change has waited more than ${mon.exportBacklogMinutes} minutes for auto-export`, metric: FSX_QUEUE_AGE, dimensions: { FileSystemId: fileSystemIdOf(fs.key), Publisher: 'AutoExport' }, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: mon.exportBacklogMinutes * 60, treatMissingData: 'notBreaching' }));
  }
  if (fs.logging.level !== 'DISABLED') {
    out.push(alarm(m, fs.site, { kind: 'repository-errors', subject: fs.key, description: `file system ${fs.key}: FSx logged data repository events (${fs.logging.level})`, metric: repositoryEventsMetric(m, fs), dimensions: {}, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: 0, treatMissingData: 'notBreaching' }));
  }
  return out;
}

/**
 * The metric a file system's log metric filter counts its FSx data repository events into. FSx
 * does not document the JSON fields of these events, so the filter counts every event (the
 * logging level chooses errors, warnings or both); a metric filter's dimensions can only come from
 * log fields, so the metric is named per file system instead.
 */
export const repositoryEventsMetric = (m: Blueprint, fs: FileSystem): MetricFact => ({ namespace: 'lustreform', name: `${m.name}-${fs.site.key}-${fs.key}-repository-events`, dimensions: [], statistic: 'Sum' });

/**
 * A replication rule's alarms, at the source's site: failed operations (source region; published
 * only when replication happens) and latency (destination region; published while idle too, so no
 * data is left as missing). The rule's metrics are enabled for them, with or without RTC.
 */
export function replicationAlarms(m: Blueprint, d: ReplicationDirection, ruleId: string): AlarmPlan[] {
  if (!m.monitoring.enabled) return [];
  const dims = { SourceBucket: d.source.name, DestinationBucket: d.destination.name, RuleId: ruleId };
  const subject = `repl-${d.source.key}-to-${d.destination.key}`;
  return [
    alarm(m, d.source.site, { kind: 'replication-failed', subject, description: `replication ${d.source.key} -> ${d.destination.key}: operations failed`, metric: S3_FAILED_REPLICATION, dimensions: dims, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: 0, treatMissingData: 'notBreaching' }),
    alarm(m, d.source.site, { kind: 'replication-latency', subject, description: `replication ${d.source.key} -> ${d.destination.key}: more than ${m.monitoring.replicationLatencyMinutes} minutes behind`, metric: S3_REPLICATION_LATENCY, dimensions: dims, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: m.monitoring.replicationLatencyMinutes * 60, treatMissingData: 'missing', region: d.destination.site.region }),
  ];
}

/**
 * A backup plan's "missed" alarm: no completed backup job in its vault within the schedule's
 * interval plus BACKUP_MARGIN_HOURS, in hourly periods, missing data breaching (AWS Backup
 * publishes job counts only when non-zero). None when that window exceeds the 7 days an alarm can
 * look back: then only the failure events watch the plan.
 */
export function backupPlanAlarms(m: Blueprint, plan: BackupPlan): AlarmPlan[] {
  if (!m.monitoring.enabled) return [];
  const hours = missedBackupWindowHours(plan.schedule, plan.startWindowMinutes);
  if (hours > MAX_ALARM_WINDOW_HOURS) return [];
  return [
    alarm(m, plan.site, { kind: 'backup-missed', subject: `backup-${plan.key}`, description: `backup plan ${plan.key}: no backup completed in ${hours} hours (${plan.schedule})`, metric: BACKUP_JOBS_COMPLETED, dimensions: { BackupVaultName: vaultName(m, plan.site) }, periodSeconds: 3600, evaluationPeriods: hours, comparison: 'LessThanThreshold', threshold: 1, treatMissingData: 'breaching' }),
  ];
}

/**
 * AWS Backup's failure events of a site's vault to its alarm topic: backup jobs into it and copy
 * jobs out of it that end FAILED, ABORTED, EXPIRED or PARTIAL (AWS Backup Developer Guide,
 * "Monitoring events using EventBridge"; the job states of the API's enums).
 */
export function backupEventRules(m: Blueprint, site: Site): BackupEventRulePlan[] {
  if (!m.monitoring.enabled) return [];
  const failed = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];
  const topicArn = alarmTopicArn(m, site);
  return [
    { key: 'backup_failed', name: `${alarmPrefix(m, site)}backup-job-failed`, description: `AWS Backup jobs into ${vaultName(m, site)} that fail (lustreform)`, pattern: { source: ['aws.backup'], 'detail-type': ['Backup Job State Change'], detail: { state: failed, backupVaultName: [vaultName(m, site)] } }, topicArn },
    { key: 'copy_failed', name: `${alarmPrefix(m, site)}copy-job-failed`, description: `AWS Backup copy jobs out of ${vaultName(m, site)} that fail (lustreform)`, pattern: { source: ['aws.backup'], 'detail-type': ['Copy Job State Change'], detail: { state: failed, sourceBackupVaultArn: [vaultArn(m, site)] } }, topicArn },
  ];
}

/**
 * Restore jobs that fail or are aborted in the site's account and region: the restore tests of
 * `restoreTesting` (and any other AWS Backup restore there). Restore job events carry `status`,
 * not `state` (AWS Backup Developer Guide, "Monitoring AWS Backup events using Amazon
 * EventBridge": "Some events report status: COMPLETED whereas other events report state:
 * COMPLETED. This is consistent with the AWS Backup API"; RestoreJob.Status is
 * PENDING | RUNNING | COMPLETED | ABORTED | FAILED). The pattern names no other detail field,
 * so no field the event might lack keeps it from matching.
 */
export function restoreEventRules(m: Blueprint, site: Site): BackupEventRulePlan[] {
  if (!m.monitoring.enabled) return [];
  return [
    { key: 'restore_failed', name: `${alarmPrefix(m, site)}restore-job-failed`, description: `AWS Backup restore jobs (restore tests) in ${site.region} that fail (lustreform)`, pattern: { source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['FAILED', 'ABORTED'] } }, topicArn: alarmTopicArn(m, site) },
  ];
}

/**
 * An archive restore's alarms: its function failing (an invocation error: timeouts, crashes; a
 * failed message alone is reported back to the queue, not an error), its queue not draining (the
 * oldest message older than RESTORE_BACKLOG_SECONDS: throttled, or the event source mapping
 * stopped), and dead letters waiting.
 */
export function restoreAlarms(m: Blueprint, site: Site, key: string, functionName: string, queue: string, deadLetterQueue: string): AlarmPlan[] {
  if (!m.monitoring.enabled) return [];
  const subject = `restore-${key}`;
  return [
    alarm(m, site, { kind: 'restore-errors', subject, description: `archive restore ${functionName}: the function failed`, metric: LAMBDA_ERRORS, dimensions: { FunctionName: functionName }, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: 0, treatMissingData: 'notBreaching' }),
    alarm(m, site, { kind: 'restore-backlog', subject, description: `archive restore ${functionName}: reads wait in ${queue} longer than ${RESTORE_BACKLOG_SECONDS / 60} minutes`, metric: SQS_OLDEST, dimensions: { QueueName: queue }, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: RESTORE_BACKLOG_SECONDS, treatMissingData: 'notBreaching' }),
    alarm(m, site, { kind: 'restore-dead-letters', subject, description: `archive restore ${functionName}: requests in its dead-letter queue`, metric: SQS_VISIBLE, dimensions: { QueueName: deadLetterQueue }, periodSeconds: 300, comparison: 'GreaterThanThreshold', threshold: 0, treatMissingData: 'notBreaching' }),
  ];
}

/**
 * The age (seconds) past which a message of a restore queue means the function is not keeping up:
 * longer than a re-check's delay (900 s) plus every receive a failing message gets before it moves
 * to the dead-letter queue (5 x 360 s).
 */
export const RESTORE_BACKLOG_SECONDS = 3600;

/**
 * The account's own principals, said twice: the root principal admits only this account, and the
 * condition states it, so a check for cross-account topic access without conditions (checkov
 * CKV_AWS_385) reads it as meant.
 */
const sameAccount = (account: string) => ({ StringEquals: { 'aws:PrincipalAccount': account } });

/** The topic policy: CloudWatch alarms of this account, EventBridge, and the account itself. */
function topicStatements(m: Blueprint, site: Site, region: string): Statement[] {
  const account = accountOf(site);
  const partition = partitionOf(region);
  const arn = alarmTopicArn(m, site, region);
  return [
    { Sid: 'AccountManages', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'], Resource: arn, Condition: sameAccount(account) },
    { Sid: 'CloudWatchAlarms', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: arn, Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` } } },
    { Sid: 'EventBridgeRules', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: arn },
    denyInsecureTransport('sns', arn),
  ];
}

/** The alarm topics of a site in these regions (its own first, when given). */
export function alarmTopics(m: Blueprint, site: Site, regions: string[]): AlarmTopicPlan[] {
  if (!m.monitoring.enabled) return [];
  return [...new Set(regions)].map((region) => ({
    key: region === site.region ? site.key : `${site.key}_${region.replace(/-/g, '_')}`,
    name: alarmTopicName(m, site, region),
    arn: alarmTopicArn(m, site, region),
    region: region === site.region ? undefined : region,
    notify: m.monitoring.notify,
    statements: topicStatements(m, site, region),
    // A key is regional: the site's operational key encrypts its own region's topic only.
    kmsKeyArn: region === site.region ? site.operationalKmsKeyArn : undefined,
  }));
}

/** A metric line of a dashboard widget, in CloudWatch's dashboard body form. */
const line = (metric: MetricFact, dims: Record<string, string>, options: { label: string; region?: string; stat?: string }): DashboardWidget['metrics'][number] => [
  metric.namespace,
  metric.name,
  ...metric.dimensions.flatMap((d) => [d, dims[d]]),
  { stat: options.stat ?? metric.statistic, label: options.label, ...(options.region ? { region: options.region } : {}) },
];

/**
 * The site's dashboard: free capacity, throughput and export backlog per file system,
 * replication latency and pending bytes per rule out of the site, backup jobs of its vault.
 * File system lines carry fileSystemIdOf markers, which the stack holding the file systems puts their ids in.
 */
export function dashboard(m: Blueprint, site: Site, parts: { fileSystems: FileSystem[]; rules: { d: ReplicationDirection; ruleId: string }[]; vault: boolean }): DashboardPlan | undefined {
  if (!m.monitoring.enabled) return undefined;
  const fsId = (fs: FileSystem) => fileSystemIdOf(fs.key);
  const widgets: DashboardWidget[] = [];
  for (const fs of parts.fileSystems) {
    widgets.push({ title: `${fs.key}: free storage (bytes)`, region: site.region, period: FSX_PERIOD_SECONDS, metrics: [line(FSX_FREE_CAPACITY, { FileSystemId: fsId(fs) }, { label: 'free (all storage targets)' }), line(FSX_FREE_CAPACITY, { FileSystemId: fsId(fs) }, { label: 'fullest storage target', stat: 'Minimum' })] });
    widgets.push({ title: `${fs.key}: throughput (bytes per period)`, region: site.region, period: 300, metrics: [line(FSX_READ_BYTES, { FileSystemId: fsId(fs) }, { label: 'read' }), line(FSX_WRITE_BYTES, { FileSystemId: fsId(fs) }, { label: 'write' })] });
    if (fs.repositories.some((r) => r.autoExport.length)) widgets.push({ title: `${fs.key}: auto-export backlog (oldest change, seconds)`, region: site.region, period: 300, metrics: [line(FSX_QUEUE_AGE, { FileSystemId: fsId(fs), Publisher: 'AutoExport' }, { label: 'AutoExport' })] });
  }
  for (const { d, ruleId } of parts.rules) {
    const dims = { SourceBucket: d.source.name, DestinationBucket: d.destination.name, RuleId: ruleId };
    widgets.push({ title: `replication ${d.source.key} -> ${d.destination.key}`, region: d.destination.site.region, period: 300, metrics: [line(S3_REPLICATION_LATENCY, dims, { label: 'latency (s)', region: d.destination.site.region }), line(S3_BYTES_PENDING, dims, { label: 'bytes pending', region: d.destination.site.region })] });
  }
  if (parts.vault) {
    const dims = { BackupVaultName: vaultName(m, site) };
    widgets.push({ title: `backup jobs of ${vaultName(m, site)}`, region: site.region, period: 3600, metrics: [line(BACKUP_JOBS_COMPLETED, dims, { label: 'completed' }), line(BACKUP_JOBS_FAILED, dims, { label: 'failed' })] });
  }
  return widgets.length ? { name: `${m.name}-${site.key}`, widgets } : undefined;
}
