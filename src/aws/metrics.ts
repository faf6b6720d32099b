/**
 * The CloudWatch metrics lustreform reads (runner) and alarms on (monitoring), with exactly the
 * dimension sets their services publish: CloudWatch matches a query to a metric only by its whole
 * dimension set, and a query with one dimension too few returns no datapoints, not 0 (CloudWatch
 * User Guide, "Dimensions"; the dimension sets per service: "AWS services that publish CloudWatch
 * metrics" and the enriched-metrics table). Sources per metric below; long form in
 * ../shared/aws-facts.md ("Monitoring and account limits").
 */
import { expectedIntervalHours } from './cron';

export interface MetricFact {
  namespace: string;
  name: string;
  /** The dimension names it is published with, all of which a query must give. */
  dimensions: readonly string[];
  /** The statistic that answers lustreform's question of it. */
  statistic: 'Sum' | 'Minimum' | 'Maximum' | 'Average' | 'SampleCount';
}

/**
 * Free storage, bytes, one datapoint per storage target (OST) per minute. `Sum` is the file
 * system's free space, `Minimum` the fullest target's (FSx for Lustre User Guide, "Amazon FSx for
 * Lustre metrics and dimensions", storage capacity metrics). Read with a 60 s period, so each
 * period holds exactly one sample per target: a longer period would add up several minutes.
 */
export const FSX_FREE_CAPACITY: MetricFact = { namespace: 'AWS/FSx', name: 'FreeDataStorageCapacity', dimensions: ['FileSystemId'], statistic: 'Sum' };
/** One datapoint per storage target per minute (see FSX_FREE_CAPACITY). */
export const FSX_PERIOD_SECONDS = 60;

/**
 * Age in seconds of the oldest change not yet exported (Publisher AutoExport) or imported
 * (AutoImport), published per `FileSystemId` + `Publisher` only (CloudWatch enriched-metrics table,
 * AWS/FSx; FSx User Guide "Automatically export updates to your S3 bucket": wait for it to reach
 * zero before deleting a file system or association). While changes are queued FSx publishes it
 * every minute, and 0 once the queue drains; it is not documented to keep publishing while idle.
 */
export const FSX_QUEUE_AGE: MetricFact = { namespace: 'AWS/FSx', name: 'AgeOfOldestQueuedMessage', dimensions: ['FileSystemId', 'Publisher'], statistic: 'Maximum' };

/** Client throughput, bytes per period summed over the storage targets (FSx User Guide, network I/O metrics). */
export const FSX_READ_BYTES: MetricFact = { namespace: 'AWS/FSx', name: 'DataReadBytes', dimensions: ['FileSystemId'], statistic: 'Sum' };
export const FSX_WRITE_BYTES: MetricFact = { namespace: 'AWS/FSx', name: 'DataWriteBytes', dimensions: ['FileSystemId'], statistic: 'Sum' };

/**
 * S3 replication metrics of a rule with `metrics` enabled (RTC enables them; without RTC they can
 * be enabled alone, billed as custom metrics), per SourceBucket + DestinationBucket + RuleId (bucket
 * names). OperationsFailedReplication is published in the source bucket's region, and only when
 * replication happens; ReplicationLatency (seconds, Maximum) and BytesPendingReplication in the
 * destination bucket's region, also while idle (S3 User Guide, "Replication metrics" and "Metrics
 * and dimensions").
 */
export const S3_FAILED_REPLICATION: MetricFact = { namespace: 'AWS/S3', name: 'OperationsFailedReplication', dimensions: ['SourceBucket', 'DestinationBucket', 'RuleId'], statistic: 'Sum' };
export const S3_REPLICATION_LATENCY: MetricFact = { namespace: 'AWS/S3', name: 'ReplicationLatency', dimensions: ['SourceBucket', 'DestinationBucket', 'RuleId'], statistic: 'Maximum' };
export const S3_BYTES_PENDING: MetricFact = { namespace: 'AWS/S3', name: 'BytesPendingReplication', dimensions: ['SourceBucket', 'DestinationBucket', 'RuleId'], statistic: 'Maximum' };

/**
 * AWS Backup job counts per vault (copy jobs under the destination vault's name), published every
 * 5 minutes and only when non-zero, so "no backup completed" must treat missing data as breaching
 * (AWS Backup Developer Guide, "Monitoring AWS Backup metrics with CloudWatch").
 */
export const BACKUP_JOBS_COMPLETED: MetricFact = { namespace: 'AWS/Backup', name: 'NumberOfBackupJobsCompleted', dimensions: ['BackupVaultName'], statistic: 'Sum' };
export const BACKUP_JOBS_FAILED: MetricFact = { namespace: 'AWS/Backup', name: 'NumberOfBackupJobsFailed', dimensions: ['BackupVaultName'], statistic: 'Sum' };

/** CloudWatch alarms may look back at most 7 days with periods of an hour or more, 1 day with shorter ones (PutMetricAlarm, Period). */
export const MAX_ALARM_WINDOW_HOURS = 168;
/** lustreform's allowance for a backup job to finish after its start window before a missing completion alarms. */
export const BACKUP_MARGIN_HOURS = 12;
/** The hours a "no backup completed" alarm looks back: the schedule's interval, its start window and the margin. */
export const missedBackupWindowHours = (schedule: string, startWindowMinutes: number): number => Math.ceil(expectedIntervalHours(schedule) + startWindowMinutes / 60 + BACKUP_MARGIN_HOURS);

/** Function errors per minute (Lambda Developer Guide, "Working with Lambda function metrics"); only published when invoked. */
export const LAMBDA_ERRORS: MetricFact = { namespace: 'AWS/Lambda', name: 'Errors', dimensions: ['FunctionName'], statistic: 'Sum' };
/** Messages waiting in a queue (SQS Developer Guide, available metrics; QueueName is the only dimension); not reported for an inactive, empty queue. */
export const SQS_VISIBLE: MetricFact = { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: ['QueueName'], statistic: 'Maximum' };

/** Age in seconds of the oldest message not yet deleted (SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS"; dimension QueueName). */
export const SQS_OLDEST: MetricFact = { namespace: 'AWS/SQS', name: 'ApproximateAgeOfOldestMessage', dimensions: ['QueueName'], statistic: 'Maximum' };

/** The dimensions of a query or alarm on `metric`, refusing a set that is not exactly the published one. */
export function dimensionsOf(metric: MetricFact, values: Record<string, string>): { Name: string; Value: string }[] {
  const given = Object.keys(values).sort();
  if (given.join() !== [...metric.dimensions].sort().join()) throw new Error(`${metric.namespace} ${metric.name} is published per ${metric.dimensions.join(' + ')}, not per ${given.join(' + ') || 'nothing'}`);
  return metric.dimensions.map((Name) => ({ Name, Value: values[Name] }));
}
