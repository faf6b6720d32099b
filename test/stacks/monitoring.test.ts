import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multiSite, quickstart } from '../helpers/blueprints';
import { synthesizedFeatures } from '../helpers/features';
import { policy, resources, synthDraft, type StackJson } from '../helpers/synth';

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * What each service publishes, written from the AWS documentation independently of src/aws/metrics.ts:
 * the dimension set (a query or alarm with any other set gets no data) and the valid statistics.
 */
const PUBLISHED: Record<string, { dimensions: string[]; statistics: string[] }> = {
  'AWS/FSx FreeDataStorageCapacity': { dimensions: ['FileSystemId'], statistics: ['Sum', 'Minimum', 'Maximum', 'Average', 'SampleCount'] },
  'AWS/FSx AgeOfOldestQueuedMessage': { dimensions: ['FileSystemId', 'Publisher'], statistics: ['Maximum'] },
  'AWS/S3 OperationsFailedReplication': { dimensions: ['DestinationBucket', 'RuleId', 'SourceBucket'], statistics: ['Sum', 'Average', 'SampleCount'] },
  'AWS/S3 ReplicationLatency': { dimensions: ['DestinationBucket', 'RuleId', 'SourceBucket'], statistics: ['Maximum'] },
  'AWS/Backup NumberOfBackupJobsCompleted': { dimensions: ['BackupVaultName'], statistics: ['Sum'] },
  'AWS/Lambda Errors': { dimensions: ['FunctionName'], statistics: ['Sum'] },
  'AWS/SQS ApproximateNumberOfMessagesVisible': { dimensions: ['QueueName'], statistics: ['Maximum', 'Average', 'Minimum', 'Sum'] },
  'AWS/SQS ApproximateAgeOfOldestMessage': { dimensions: ['QueueName'], statistics: ['Maximum', 'Average', 'Minimum', 'Sum'] },
};

const stackFiles = async () => {
  const out = new Map<string, StackJson>();
  for (const [key, dir] of await synthesizedFeatures()) out.set(key, JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')));
  return out;
};
const regionOf = (stack: StackJson, providerRef?: string): string => (providerRef ? stack.provider.aws.find((p: any) => `aws.${p.alias}` === providerRef).region : stack.provider.aws.find((p: any) => !p.alias).region);

describe('monitoring as synthesized, in every example', () => {
  test('every alarm watches a metric with exactly its published dimension set and a valid statistic, notifies the alarm topic of its site in its own region, and looks back no longer than CloudWatch allows', async () => {
    const stacks = await stackFiles();
    const topics = new Map<string, string>(); // name -> region
    for (const [key, s] of stacks) for (const t of Object.values<any>(resources(s, 'aws_sns_topic'))) if (t.name.endsWith('-alarms') || /-alarms-[a-z0-9-]+$/.test(t.name)) topics.set(`${key.split('/')[0]} ${t.name}`, regionOf(s, t.provider));
    let alarms = 0;
    for (const [key, s] of stacks) {
      for (const [name, a] of Object.entries<any>(resources(s, 'aws_cloudwatch_metric_alarm'))) {
        alarms++;
        const where = `${key} ${name}`;
        const region = regionOf(s, a.provider);
        if (a.namespace === 'lustreform') {
          expect({ where, dims: a.dimensions }).toEqual({ where, dims: undefined }); // a metric filter's own metric
        } else {
          const published = PUBLISHED[`${a.namespace} ${a.metric_name}`];
          expect({ where, known: !!published }).toEqual({ where, known: true });
          expect({ where, dims: Object.keys(a.dimensions).sort() }).toEqual({ where, dims: published.dimensions });
          expect(published.statistics).toContain(a.statistic);
        }
        expect(a.alarm_actions).toHaveLength(1);
        const [arn] = a.alarm_actions;
        const [, , , topicRegion, , topicName] = arn.split(':');
        expect({ where, topicRegion }).toEqual({ where, topicRegion: region });
        expect(topics.get(`${key.split('/')[0]} ${topicName}`)).toBe(region);
        expect(a.alarm_name.startsWith(topicName.replace(/-alarms(-[a-z0-9-]+)?$/, '-'))).toBe(true);
        const window = a.period * a.evaluation_periods;
        expect(window).toBeLessThanOrEqual(a.period >= 3600 ? 604_800 : 86_400);
      }
    }
    expect(alarms).toBeGreaterThan(40);
  });

  test('replication latency alarms live in the destination bucket\'s region (where S3 publishes it), failures in the source\'s', async () => {
    const stacks = await stackFiles();
    const s = stacks.get('multi-site-dr.yaml/climate-primary-replication')!;
    const alarms = resources(s, 'aws_cloudwatch_metric_alarm');
    expect(regionOf(s, alarms.alarm_repl_input_to_input_dr_replication_latency.provider)).toBe('eu-west-1');
    expect(alarms.alarm_repl_input_to_input_dr_replication_failed.provider).toBeUndefined();
    expect(alarms.alarm_repl_input_to_input_dr_replication_latency).toMatchObject({
      namespace: 'AWS/S3',
      metric_name: 'ReplicationLatency',
      dimensions: { SourceBucket: 'acme-climate-input', DestinationBucket: 'acme-climate-input-dr', RuleId: 'to-input-dr' },
      statistic: 'Maximum',
      threshold: 900,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: ['arn:aws:sns:eu-west-1:111111111111:climate-primary-alarms-eu-west-1'],
    });
    // Every rule's metrics are on, so its alarms have data: with RTC its 15-minute threshold, without none (S3 refuses one).
    const rules = (stack: string, source: string) => resources(stacks.get(`multi-site-dr.yaml/${stack}`)!, 'aws_s3_bucket_replication_configuration')[source].rule;
    expect(rules('climate-primary-replication', 'input')[0].destination.metrics).toEqual({ status: 'Enabled' });
    expect(rules('climate-primary-replication', 'output')[0].destination.metrics).toEqual({ status: 'Enabled', event_threshold: { minutes: 15 } });
  });

  test('a file system: free capacity (Sum at 60 s, below 10% of its capacity for 5 minutes), export backlog (Publisher AutoExport), its FSx log events counted', async () => {
    const s = (await stackFiles()).get('multi-site-dr.yaml/climate-primary-lustre')!;
    const alarms = resources(s, 'aws_cloudwatch_metric_alarm');
    expect(alarms.alarm_work_free_capacity).toMatchObject({ namespace: 'AWS/FSx', metric_name: 'FreeDataStorageCapacity', dimensions: { FileSystemId: '${aws_fsx_lustre_file_system.work.id}' }, statistic: 'Sum', period: 60, evaluation_periods: 5, datapoints_to_alarm: 5, comparison_operator: 'LessThanThreshold', threshold: 0.1 * 2400 * 1024 ** 3 });
    expect(alarms.alarm_work_export_backlog).toMatchObject({ metric_name: 'AgeOfOldestQueuedMessage', dimensions: { FileSystemId: '${aws_fsx_lustre_file_system.work.id}', Publisher: 'AutoExport' }, statistic: 'Maximum', threshold: 1800, treat_missing_data: 'notBreaching' });
    expect(alarms.alarm_archive_export_backlog).toBeUndefined(); // no repositories, nothing exported
    const filter = resources(s, 'aws_cloudwatch_log_metric_filter').work_repository_events;
    expect(filter).toMatchObject({ log_group_name: '/aws/fsx/climate-work', pattern: '', metric_transformation: { namespace: 'lustreform', name: 'climate-primary-work-repository-events', value: '1', default_value: '0' } });
    expect(alarms.alarm_work_repository_errors).toMatchObject({ namespace: 'lustreform', metric_name: 'climate-primary-work-repository-events', statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' });
  });

  test('backups: failure events of the vault to the topic, and an alarm when no backup completed in the interval plus margin (missing data breaching)', async () => {
    const s = (await stackFiles()).get('multi-site-dr.yaml/climate-primary-protection')!;
    const missed = resources(s, 'aws_cloudwatch_metric_alarm').alarm_backup_nightly_backup_missed;
    expect(missed).toMatchObject({ namespace: 'AWS/Backup', metric_name: 'NumberOfBackupJobsCompleted', dimensions: { BackupVaultName: 'climate-primary' }, statistic: 'Sum', period: 3600, evaluation_periods: 37, comparison_operator: 'LessThanThreshold', threshold: 1, treat_missing_data: 'breaching' });
    const rules = resources(s, 'aws_cloudwatch_event_rule');
    expect(JSON.parse(rules.backup_failed.event_pattern)).toEqual({ source: ['aws.backup'], 'detail-type': ['Backup Job State Change'], detail: { state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'], backupVaultName: ['climate-primary'] } });
    expect(JSON.parse(rules.copy_failed.event_pattern).detail.sourceBackupVaultArn).toEqual(['arn:aws:backup:eu-central-1:111111111111:backup-vault:climate-primary']);
    expect(resources(s, 'aws_cloudwatch_event_target').backup_failed).toMatchObject({ arn: 'arn:aws:sns:eu-central-1:111111111111:climate-primary-alarms' });
    const restore = resources(s, 'aws_cloudwatch_metric_alarm');
    expect(restore.alarm_restore_input_d32adf_restore_errors).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions: { FunctionName: 'climate-restore-input-d32adf' } });
    expect(restore.alarm_restore_input_d32adf_restore_dead_letters).toMatchObject({ namespace: 'AWS/SQS', dimensions: { QueueName: 'climate-restore-input-d32adf-dlq' } });
  });

  test('the alarm topic: no KMS key (CloudWatch cannot use alias/aws/sns), CloudWatch alarms of this account and EventBridge may publish, e-mail subscriptions, its ARN an output', async () => {
    const s = (await stackFiles()).get('multi-site-dr.yaml/climate-primary-storage')!;
    const topic = resources(s, 'aws_sns_topic').alarms_primary;
    expect(topic.name).toBe('climate-primary-alarms');
    expect(topic).not.toHaveProperty('kms_master_key_id');
    const statements = policy(resources(s, 'aws_sns_topic_policy').alarms_primary).Statement;
    expect(statements.find((x: any) => x.Sid === 'CloudWatchAlarms')).toEqual({
      Sid: 'CloudWatchAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: 'arn:aws:sns:eu-central-1:111111111111:climate-primary-alarms',
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-central-1:111111111111:alarm:*' } },
    });
    expect(statements.find((x: any) => x.Sid === 'EventBridgeRules')).not.toHaveProperty('Condition'); // EventBridge takes none in SNS topic policies
    expect(resources(s, 'aws_sns_topic_subscription').alarms_primary_email_0).toMatchObject({ protocol: 'email', endpoint: 'oncall@example.org' });
    expect(s.output.alarm_topic_primary_arn.value).toBe('${aws_sns_topic.alarms_primary.arn}');
  });

  test('a dashboard per site: where its file systems are, with their ids; a site without file systems has its own in the storage stack', async () => {
    const stacks = await stackFiles();
    const lustre = resources(stacks.get('multi-site-dr.yaml/climate-primary-lustre')!, 'aws_cloudwatch_dashboard').site;
    expect(lustre.dashboard_name).toBe('climate-primary');
    expect(lustre.dashboard_body).toMatch(/^\$\{jsonencode\(/); // holds the file systems' ids
    expect(lustre.dashboard_body).toContain('aws_fsx_lustre_file_system.work.id');
    const storage = resources(stacks.get('multi-site-dr.yaml/climate-recovery-storage')!, 'aws_cloudwatch_dashboard').site;
    const body = JSON.parse(storage.dashboard_body);
    expect(body.widgets.map((w: any) => w.properties.title)).toEqual(['replication output-dr -> output', 'backup jobs of climate-recovery']);
    expect(body.widgets[0].properties.metrics[0]).toEqual(['AWS/S3', 'ReplicationLatency', 'SourceBucket', 'acme-climate-output-dr', 'DestinationBucket', 'acme-climate-output', 'RuleId', 'to-output', { stat: 'Maximum', label: 'latency (s)', region: 'eu-central-1' }]);
  });

  test('monitoring: { enabled: false } emits none of it', () => {
    for (const base of [multiSite, quickstart]) {
      const d = base();
      d.monitoring = { enabled: false };
      const text = JSON.stringify(synthDraft(d).stacks);
      for (const type of ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_dashboard', 'aws_cloudwatch_log_metric_filter', '-alarms', 'backup_failed']) expect(text).not.toContain(type);
      expect(text).not.toContain('"metrics":{"status":"Enabled"}}'); // no replication metrics bought without RTC
    }
  });
});
