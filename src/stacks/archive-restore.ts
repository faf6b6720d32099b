import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { ArchiveRestorePlan } from '../plan/types';
import { LustreformBucket } from './bucket';
import { bundleFunction } from './bundle';
import { renderAlarms } from './monitoring';
import { queuePolicy, topicPolicy, trustPolicy } from './policy';

/** Function settings that are not in the blueprint (yet): fixed, documented defaults. */
export const RESTORE_FUNCTION = {
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  timeoutSeconds: 60,
  memoryMb: 256,
  /** A burst of misses (a job reading a whole archived tree) cannot take the account's concurrency. */
  reservedConcurrency: 5,
  /** Re-check delay of the completion queue: SQS's maximum. */
  recheckSeconds: 900,
} as const;

export interface ArchiveRestoreAutomationProps {
  /** The planned entry: bucket, prefix, tier, days, addresses, and its trail with the trail's log bucket. */
  readonly restore: ArchiveRestorePlan;
}

/**
 * Restores archived objects when a Lustre read fails on them (protection layer of the bucket's
 * site): a CloudTrail trail logging only GetObject data events under the bucket/prefix (into its
 * own log bucket), an EventBridge rule for those that failed with InvalidObjectState, and the
 * restore function (bundled from src/functions/archive-restore) with least-privilege IAM, a log
 * group with retention, a dead-letter queue and reserved concurrency. With `notify`, an SNS topic
 * with e-mail subscriptions and an SQS delay queue on which the function re-checks until the
 * restored copy is readable, so completion is found without the bucket's notification
 * configuration, which FSx owns on buckets with auto-import repositories.
 */
export class ArchiveRestoreAutomation extends Construct {
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ArchiveRestoreAutomationProps) {
    super(scope, id);
    const entry = props.restore;
    const { name, partition, accountId } = entry;
    this.functionName = name;
    const lid = (what: string) => `restore_${entry.key}_${what}`;

    // CloudTrail: GetObject data events for exactly this bucket/prefix (data events cost per event).
    const logs = new LustreformBucket(this, 'trail-logs', { bucket: entry.trail.logBucket });
    const trail = new Cloudtrail(this, 'trail', {
      name: entry.trail.name,
      s3BucketName: logs.bucketRef,
      enableLogFileValidation: true,
      kmsKeyId: entry.trail.kmsKeyArn,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: [
        {
          name: `GetObject under s3://${entry.bucketName}/${entry.prefix}`,
          fieldSelector: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'eventName', equalTo: ['GetObject'] },
            { field: 'resources.ARN', startsWith: [`arn:${partition}:s3:::${entry.bucketName}/${entry.prefix}`] },
          ],
        },
      ],
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [logs.policy!],
    });
    trail.overrideLogicalId(lid('trail'));

    // Queues: a dead-letter queue for failed invocations, and with notify the re-check delay queue.
    const dlq = new SqsQueue(this, 'dlq', { name: entry.deadLetterQueue, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 });
    dlq.overrideLogicalId(lid('dlq'));
    const notify = entry.notify.length > 0;
    const topic = notify ? new SnsTopic(this, 'topic', { name: entry.notifyTopic, kmsMasterKeyId: 'alias/aws/sns' }) : undefined;
    topic?.overrideLogicalId(lid('topic'));
    const recheck = notify
      ? new SqsQueue(this, 'recheck', {
          name: entry.recheckQueue,
          sqsManagedSseEnabled: true,
          visibilityTimeoutSeconds: RESTORE_FUNCTION.timeoutSeconds * 6,
          // jsonencode, not a JSON string around a token: cdktf writes such strings into HCL unescaped.
          redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        })
      : undefined;
    recheck?.overrideLogicalId(lid('recheck'));

    // The function: bundled TypeScript, its role, its log group (created first, with retention).
    const logGroup = new CloudwatchLogGroup(this, 'log-group', { name: `/aws/lambda/${name}`, retentionInDays: entry.logGroup.retentionDays, kmsKeyId: entry.logGroup.kmsKeyArn });
    logGroup.overrideLogicalId(lid('logs'));
    const role = new IamRole(this, 'role', { name: `${name}`.slice(0, 64), assumeRolePolicy: trustPolicy('lambda.amazonaws.com'), description: `archive restore for s3://${entry.bucketName}/${entry.prefix} (lustreform)` });
    role.overrideLogicalId(lid('role'));
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: 'HeadAndRestore', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:RestoreObject'], resources: [entry.objectsArn] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
      { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [dlq.arn] },
    ];
    if (entry.bucketKeyArn) {
      statements.push({ sid: 'BucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [entry.bucketKeyArn], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${entry.region}.amazonaws.com`] }] });
    }
    // Active tracing sends segments to X-Ray, whose actions take no resource (Service Authorization Reference, AWS X-Ray).
    if (entry.tracing === 'Active') statements.push({ sid: 'Tracing', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    if (topic) statements.push({ sid: 'Notify', actions: ['sns:Publish'], resources: [topic.arn] });
    if (recheck) statements.push({ sid: 'Recheck', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], resources: [recheck.arn] });
    const policy = new DataAwsIamPolicyDocument(this, 'role-policy-document', { statement: statements });
    policy.overrideLogicalId(lid('role'));
    new IamRolePolicy(this, 'role-policy', { role: role.name, name: 'archive-restore', policy: policy.json }).overrideLogicalId(lid('role'));

    const code = new TerraformAsset(this, 'code', { path: bundleFunction('archive-restore'), type: AssetType.ARCHIVE });
    const fn = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Restores archived objects of s3://${entry.bucketName}/${entry.prefix} that a Lustre read failed on (lustreform)`,
      role: role.arn,
      runtime: RESTORE_FUNCTION.runtime,
      architectures: [RESTORE_FUNCTION.architecture],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: RESTORE_FUNCTION.timeoutSeconds,
      memorySize: RESTORE_FUNCTION.memoryMb,
      reservedConcurrentExecutions: RESTORE_FUNCTION.reservedConcurrency,
      deadLetterConfig: { targetArn: dlq.arn },
      tracingConfig: { mode: entry.tracing },
      environment: {
        variables: {
          DAYS: String(entry.days),
          TIER: entry.tier,
          ...(topic ? { TOPIC_ARN: topic.arn } : {}),
          ...(recheck ? { QUEUE_URL: recheck.url, RECHECK_SECONDS: String(RESTORE_FUNCTION.recheckSeconds) } : {}),
        },
      },
      dependsOn: [logGroup],
    });
    fn.overrideLogicalId(lid('function'));

    // EventBridge: failed GetObject calls on this bucket (and prefix) reach the function.
    const detail: Record<string, unknown> = { eventSource: ['s3.amazonaws.com'], eventName: ['GetObject'], errorCode: ['InvalidObjectState'], requestParameters: { bucketName: [entry.bucketName], ...(entry.prefix ? { key: [{ prefix: entry.prefix }] } : {}) } };
    const rule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: `GetObject on archived objects of s3://${entry.bucketName}/${entry.prefix} (lustreform)`,
      eventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], detail }),
    });
    rule.overrideLogicalId(lid('rule'));
    new CloudwatchEventTarget(this, 'target', { rule: rule.name, arn: fn.arn, deadLetterConfig: { arn: dlq.arn }, retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 } }).overrideLogicalId(lid('target'));
    new LambdaPermission(this, 'permission', { functionName: fn.functionName, action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', sourceArn: rule.arn, statementId: 'EventBridgeInvoke' }).overrideLogicalId(lid('permission'));
    queuePolicy(this, 'dlq-policy', lid('dlq'), dlq, [
      { sid: 'EventBridgeDeadLetters', actions: ['sqs:SendMessage'], resources: [dlq.arn], principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }], condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule.arn] }] },
    ]);

    renderAlarms(this, entry.alarms, [fn, dlq]);

    if (topic && recheck) {
      new LambdaEventSourceMapping(this, 'recheck-source', { eventSourceArn: recheck.arn, functionName: fn.arn, batchSize: 10 }).overrideLogicalId(lid('recheck'));
      queuePolicy(this, 'recheck-policy', lid('recheck'), recheck);
      topicPolicy(this, 'topic-policy', lid('topic'), topic, [
        { sid: 'AccountOnly', actions: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'], resources: [topic.arn], principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }], condition: [{ test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [accountId] }] },
      ]);
      entry.notify.forEach((email, i) => {
        new SnsTopicSubscription(this, `subscription-${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: email }).overrideLogicalId(lid(`email_${i}`));
      });
    }
  }
}
