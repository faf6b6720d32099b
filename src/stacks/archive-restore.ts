import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { ArchiveRestorePlan, ArchiveRestoreTrailPlan } from '../plan/types';
import { LustreformBucket } from './bucket';
import { bundleFunction } from './bundle';
import { renderAlarms } from './monitoring';
import { queuePolicy, topicPolicy, trustPolicy } from './policy';

export interface ArchiveRestoreTrailProps {
  /** The site's one archive-restore trail: its name, log bucket and a selector per entry. */
  readonly trail: ArchiveRestoreTrailPlan;
}

/**
 * The CloudTrail trail of a site's archive restores (protection layer): GetObject data events
 * under each entry's bucket/prefix only, one advanced event selector per entry, into its own log
 * bucket. One trail per site: CloudTrail allows five per region, counting the account's own.
 */
export class ArchiveRestoreTrail extends Construct {
  constructor(scope: Construct, id: string, props: ArchiveRestoreTrailProps) {
    super(scope, id);
    const plan = props.trail;
    const logs = new LustreformBucket(this, 'trail-logs', { bucket: plan.logBucket });
    const trail = new Cloudtrail(this, 'trail', {
      name: plan.name,
      s3BucketName: logs.bucketRef,
      enableLogFileValidation: true,
      kmsKeyId: plan.kmsKeyArn,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: plan.selectors.map((s) => ({
        name: s.name,
        fieldSelector: s.fieldSelectors.map((f) => ({ field: f.field, ...(f.equals ? { equalTo: f.equals } : {}), ...(f.startsWith ? { startsWith: f.startsWith } : {}) })),
      })),
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [logs.policy!],
    });
    trail.overrideLogicalId('restore_trail');
  }
}

export interface ArchiveRestoreAutomationProps {
  /** The planned entry: bucket, prefix, tier, days, addresses, names and how its function runs. */
  readonly restore: ArchiveRestorePlan;
}

/**
 * Restores archived objects when a Lustre read fails on them (protection layer of the bucket's
 * site): an EventBridge rule for the GetObject calls the site's trail logged that failed with
 * InvalidObjectState, sending them to an SQS queue (policy: only this rule may send, TLS only)
 * whose event source mapping feeds the restore function (bundled from src/functions/archive-restore)
 * at most `maximumConcurrency` at a time, with no reserved concurrency; a message that fails
 * `maxReceiveCount` times moves to the dead-letter queue, which also takes what EventBridge could
 * not deliver. Least-privilege IAM, a log group with retention. With `notify`, an SNS topic with
 * e-mail subscriptions, and the function re-checks through delayed messages on its own queue until
 * the restored copy is readable, so completion is found without the bucket's notification
 * configuration, which FSx owns on buckets with auto-import repositories.
 */
export class ArchiveRestoreAutomation extends Construct {
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ArchiveRestoreAutomationProps) {
    super(scope, id);
    const entry = props.restore;
    const settings = entry.function;
    const { name, partition, accountId } = entry;
    this.functionName = name;
    const lid = (what: string) => `restore_${entry.key}_${what}`;

    // Queues: the one between the rule and the function, and its dead-letter queue.
    const dlq = new SqsQueue(this, 'dlq', { name: entry.deadLetterQueue, sqsManagedSseEnabled: true, messageRetentionSeconds: settings.deadLetterRetentionSeconds });
    dlq.overrideLogicalId(lid('dlq'));
    const queue = new SqsQueue(this, 'queue', {
      name: entry.queue,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      // jsonencode, not a JSON string around a token: cdktf writes such strings into HCL unescaped.
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: dlq.arn, maxReceiveCount: settings.maxReceiveCount }),
    });
    queue.overrideLogicalId(lid('queue'));
    const notify = entry.notify.length > 0;
    const topic = notify ? new SnsTopic(this, 'topic', { name: entry.notifyTopic, kmsMasterKeyId: 'alias/aws/sns' }) : undefined;
    topic?.overrideLogicalId(lid('topic'));

    // The function: bundled TypeScript, its role, its log group (created first, with retention).
    const logGroup = new CloudwatchLogGroup(this, 'log-group', { name: `/aws/lambda/${name}`, retentionInDays: entry.logGroup.retentionDays, kmsKeyId: entry.logGroup.kmsKeyArn });
    logGroup.overrideLogicalId(lid('logs'));
    const role = new IamRole(this, 'role', { name: `${name}`.slice(0, 64), assumeRolePolicy: trustPolicy('lambda.amazonaws.com'), description: `archive restore for s3://${entry.bucketName}/${entry.prefix} (lustreform)` });
    role.overrideLogicalId(lid('role'));
    const consume = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: 'HeadAndRestore', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:RestoreObject'], resources: [entry.objectsArn] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
      // The event source mapping polls with the function's role; with notify the function also sends its re-checks.
      { sid: 'Queue', actions: notify ? [...consume, 'sqs:SendMessage'] : consume, resources: [queue.arn] },
    ];
    if (entry.bucketKeyArn) {
      statements.push({ sid: 'BucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [entry.bucketKeyArn], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${entry.region}.amazonaws.com`] }] });
    }
    // Active tracing sends segments to X-Ray, whose actions take no resource (Service Authorization Reference, AWS X-Ray).
    if (entry.tracing === 'Active') statements.push({ sid: 'Tracing', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    if (topic) statements.push({ sid: 'Notify', actions: ['sns:Publish'], resources: [topic.arn] });
    const policy = new DataAwsIamPolicyDocument(this, 'role-policy-document', { statement: statements });
    policy.overrideLogicalId(lid('role'));
    const rolePolicy = new IamRolePolicy(this, 'role-policy', { role: role.name, name: 'archive-restore', policy: policy.json });
    rolePolicy.overrideLogicalId(lid('role'));

    const code = new TerraformAsset(this, 'code', { path: bundleFunction('archive-restore'), type: AssetType.ARCHIVE });
    const fn = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Restores archived objects of s3://${entry.bucketName}/${entry.prefix} that a Lustre read failed on (lustreform)`,
      role: role.arn,
      runtime: settings.runtime,
      architectures: [settings.architecture],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: settings.timeoutSeconds,
      memorySize: settings.memoryMb,
      // Undefined by default: no reservation (bursts are bounded by the event source mapping).
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracingConfig: { mode: entry.tracing },
      environment: {
        variables: {
          DAYS: String(entry.days),
          TIER: entry.tier,
          ...(topic ? { TOPIC_ARN: topic.arn, QUEUE_URL: queue.url, RECHECK_SECONDS: String(settings.recheckSeconds) } : {}),
        },
      },
      dependsOn: [logGroup],
    });
    fn.overrideLogicalId(lid('function'));
    // Lambda checks at creation that the role may read the queue: the role policy first.
    new LambdaEventSourceMapping(this, 'source', {
      eventSourceArn: queue.arn,
      functionName: fn.arn,
      batchSize: settings.batchSize,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
      dependsOn: [rolePolicy],
    }).overrideLogicalId(lid('source'));

    // EventBridge: failed GetObject calls on this bucket (and prefix) go to the queue.
    const detail: Record<string, unknown> = { eventSource: ['s3.amazonaws.com'], eventName: ['GetObject'], errorCode: ['InvalidObjectState'], requestParameters: { bucketName: [entry.bucketName], ...(entry.prefix ? { key: [{ prefix: entry.prefix }] } : {}) } };
    const rule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: `GetObject on archived objects of s3://${entry.bucketName}/${entry.prefix} (lustreform)`,
      eventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], detail }),
    });
    rule.overrideLogicalId(lid('rule'));
    // Only this rule may send to the queue, and to the dead-letter queue what it cannot deliver; TLS only.
    const fromRule = (sid: string, arn: string): DataAwsIamPolicyDocumentStatement => ({ sid, actions: ['sqs:SendMessage'], resources: [arn], principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }], condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule.arn] }] });
    const queueAccess = queuePolicy(this, 'queue-policy', lid('queue'), queue, [fromRule('EventBridgeRule', queue.arn)]);
    queuePolicy(this, 'dlq-policy', lid('dlq'), dlq, [fromRule('EventBridgeDeadLetters', dlq.arn)]);
    // Events that EventBridge cannot deliver to the queue (after its retries) go to the dead-letter queue.
    new CloudwatchEventTarget(this, 'target', { rule: rule.name, arn: queue.arn, deadLetterConfig: { arn: dlq.arn }, retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 }, dependsOn: [queueAccess] }).overrideLogicalId(lid('target'));

    renderAlarms(this, entry.alarms, [fn, queue, dlq]);

    if (topic) {
      topicPolicy(this, 'topic-policy', lid('topic'), topic, [
        { sid: 'AccountOnly', actions: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'], resources: [topic.arn], principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }], condition: [{ test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [accountId] }] },
      ]);
      entry.notify.forEach((email, i) => {
        new SnsTopicSubscription(this, `subscription-${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: email }).overrideLogicalId(lid(`email_${i}`));
      });
    }
  }
}
