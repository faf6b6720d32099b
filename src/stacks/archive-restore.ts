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
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import type { ArchiveRestore, Blueprint, Bucket } from '../blueprint/model';
import { objectsArn } from '../plan/arns';
import { LustreformBucket, OPERATIONAL_NONCURRENT_DAYS } from './bucket';
import { bundleFunction } from './bundle';
import { trustPolicy } from './policy';
import { partitionOf } from '../aws/regions';

/** Function settings that are not in the blueprint (yet): fixed, documented defaults. */
export const RESTORE_FUNCTION = {
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  timeoutSeconds: 60,
  memoryMb: 256,
  /** A burst of misses (a job reading a whole archived tree) cannot take the account's concurrency. */
  reservedConcurrency: 5,
  logRetentionDays: 30,
  trailLogExpirationDays: 30,
  /** Re-check delay of the completion queue: SQS's maximum. */
  recheckSeconds: 900,
} as const;

export interface ArchiveRestoreAutomationProps {
  readonly model: Blueprint;
  readonly entry: ArchiveRestore;
  /** Account id of the bucket's site (a literal, or the ambient account). */
  readonly accountId: string;
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
    const { model, entry, accountId } = props;
    const bucket = entry.bucket;
    const region = bucket.site.region;
    const partition = partitionOf(region);
    const name = restoreName(model, entry);
    this.functionName = name;
    const lid = (what: string) => `restore_${restoreKey(entry)}_${what}`;

    // CloudTrail: GetObject data events for exactly this bucket/prefix (data events cost per event).
    const trailName = name;
    const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const logs = new LustreformBucket(this, 'trail-logs', { bucket: trailLogBucket(model, entry) });
    logs.addToResourcePolicy({ Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: logs.arn, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } });
    logs.addToResourcePolicy({
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logs.arn}/AWSLogs/${accountId}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
    });
    const trail = new Cloudtrail(this, 'trail', {
      name: trailName,
      s3BucketName: logs.bucketRef,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelector: [
        {
          name: `GetObject under s3://${bucket.name}/${entry.prefix}`,
          fieldSelector: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'eventName', equalTo: ['GetObject'] },
            { field: 'resources.ARN', startsWith: [`arn:${partition}:s3:::${bucket.name}/${entry.prefix}`] },
          ],
        },
      ],
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [logs.policy!],
    });
    trail.overrideLogicalId(lid('trail'));

    // Queues: a dead-letter queue for failed invocations, and with notify the re-check delay queue.
    const dlq = new SqsQueue(this, 'dlq', { name: `${name}-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 });
    dlq.overrideLogicalId(lid('dlq'));
    const notify = entry.notify.length > 0;
    const topic = notify ? new SnsTopic(this, 'topic', { name: `${name}-notify`, kmsMasterKeyId: 'alias/aws/sns' }) : undefined;
    topic?.overrideLogicalId(lid('topic'));
    const recheck = notify
      ? new SqsQueue(this, 'recheck', {
          name: `${name}-recheck`,
          sqsManagedSseEnabled: true,
          visibilityTimeoutSeconds: RESTORE_FUNCTION.timeoutSeconds * 6,
          // jsonencode, not a JSON string around a token: cdktf writes such strings into HCL unescaped.
          redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        })
      : undefined;
    recheck?.overrideLogicalId(lid('recheck'));

    // The function: bundled TypeScript, its role, its log group (created first, with retention).
    const logGroup = new CloudwatchLogGroup(this, 'log-group', { name: `/aws/lambda/${name}`, retentionInDays: RESTORE_FUNCTION.logRetentionDays });
    logGroup.overrideLogicalId(lid('logs'));
    const role = new IamRole(this, 'role', { name: `${name}`.slice(0, 64), assumeRolePolicy: trustPolicy('lambda.amazonaws.com'), description: `archive restore for s3://${bucket.name}/${entry.prefix} (lustreform)` });
    role.overrideLogicalId(lid('role'));
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: 'HeadAndRestore', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:RestoreObject'], resources: [objectsArn(bucket, entry.prefix)] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
      { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [dlq.arn] },
    ];
    if (bucket.encryption.kind === 'kms-key') {
      statements.push({ sid: 'BucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [bucket.encryption.keyArn], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] }] });
    }
    if (topic) statements.push({ sid: 'Notify', actions: ['sns:Publish'], resources: [topic.arn] });
    if (recheck) statements.push({ sid: 'Recheck', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], resources: [recheck.arn] });
    const policy = new DataAwsIamPolicyDocument(this, 'role-policy-document', { statement: statements });
    policy.overrideLogicalId(lid('role'));
    new IamRolePolicy(this, 'role-policy', { role: role.name, name: 'archive-restore', policy: policy.json }).overrideLogicalId(lid('role'));

    const code = new TerraformAsset(this, 'code', { path: bundleFunction('archive-restore'), type: AssetType.ARCHIVE });
    const fn = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Restores archived objects of s3://${bucket.name}/${entry.prefix} that a Lustre read failed on (lustreform)`,
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
    const detail: Record<string, unknown> = { eventSource: ['s3.amazonaws.com'], eventName: ['GetObject'], errorCode: ['InvalidObjectState'], requestParameters: { bucketName: [bucket.name], ...(entry.prefix ? { key: [{ prefix: entry.prefix }] } : {}) } };
    const rule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: `GetObject on archived objects of s3://${bucket.name}/${entry.prefix} (lustreform)`,
      eventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], detail }),
    });
    rule.overrideLogicalId(lid('rule'));
    new CloudwatchEventTarget(this, 'target', { rule: rule.name, arn: fn.arn, deadLetterConfig: { arn: dlq.arn }, retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 } }).overrideLogicalId(lid('target'));
    new LambdaPermission(this, 'permission', { functionName: fn.functionName, action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', sourceArn: rule.arn, statementId: 'EventBridgeInvoke' }).overrideLogicalId(lid('permission'));
    const dlqPolicy = new DataAwsIamPolicyDocument(this, 'dlq-policy-document', {
      statement: [{ sid: 'EventBridgeDeadLetters', actions: ['sqs:SendMessage'], resources: [dlq.arn], principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }], condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule.arn] }] }],
    });
    dlqPolicy.overrideLogicalId(lid('dlq'));
    new SqsQueuePolicy(this, 'dlq-policy', { queueUrl: dlq.url, policy: dlqPolicy.json }).overrideLogicalId(lid('dlq'));

    if (topic && recheck) {
      new LambdaEventSourceMapping(this, 'recheck-source', { eventSourceArn: recheck.arn, functionName: fn.arn, batchSize: 10 }).overrideLogicalId(lid('recheck'));
      const topicPolicy = new DataAwsIamPolicyDocument(this, 'topic-policy-document', {
        statement: [
          { sid: 'AccountOnly', actions: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'], resources: [topic.arn], principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }] },
          { sid: 'DenyInsecureTransport', effect: 'Deny', actions: ['sns:Publish'], resources: [topic.arn], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] },
        ],
      });
      topicPolicy.overrideLogicalId(lid('topic'));
      new SnsTopicPolicy(this, 'topic-policy', { arn: topic.arn, policy: topicPolicy.json }).overrideLogicalId(lid('topic'));
      entry.notify.forEach((email, i) => {
        new SnsTopicSubscription(this, `subscription-${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: email }).overrideLogicalId(lid(`email_${i}`));
      });
    }
  }
}

const prefixHash = (entry: ArchiveRestore) => createHash('sha256').update(entry.prefix).digest('hex').slice(0, 6);

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

/** The trail's own log bucket: short-lived, with lustreform's secure defaults (versioned, so logs cannot be silently overwritten). */
function trailLogBucket(m: Blueprint, entry: ArchiveRestore): Bucket {
  const hash = createHash('sha256').update(`${entry.bucket.name}/${entry.prefix}`).digest('hex').slice(0, 10);
  return {
    key: `restore_${restoreKey(entry)}_trail_logs`,
    path: entry.path,
    site: entry.bucket.site,
    name: `${m.name}-trail-${hash}`,
    nameGiven: false,
    encryption: { kind: 'sse-s3' },
    versioningDeclared: true,
    versioning: true,
    noncurrentVersionExpirationDays: OPERATIONAL_NONCURRENT_DAYS,
    adopt: false,
    lifecycle: [{ path: entry.path, prefix: '', transitions: [], expirationDays: RESTORE_FUNCTION.trailLogExpirationDays }],
  };
}
