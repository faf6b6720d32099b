/**
 * checkov's AWS checks for the resource types lustreform emits, evaluated on synthesized stacks
 * the way checkov evaluates them (checkov cannot run on these machines). Each check names its
 * checkov ID and follows its logic in bridgecrewio/checkov (checkov/terraform/checks/resource/aws,
 * graph_checks/aws, data/aws): attribute checks read the resource's configuration; graph checks
 * ("connected") look for a resource of the other type referencing this one in the same stack
 * file, since checkov scans `cdk.tf.json` files one at a time. Policies are rendered as
 * Terraform renders them (test/helpers/policies.ts), not read as unknowns.
 *
 * The LF_* checks are lustreform's own rules from issue 22 that checkov has no ID for.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { renderPolicy } from './policies';

export type Result = 'PASSED' | 'FAILED' | 'UNKNOWN';

export interface Resource {
  /** `<blueprint file>/<stack>`. */
  stack: string;
  type: string;
  name: string;
  conf: any;
  /** The stack's whole JSON (for references and data sources). */
  json: any;
}

export interface Check {
  id: string;
  name: string;
  types: string[];
  evaluate: (r: Resource) => Result;
}

const asList = (v: any): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const has = (v: any) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const valueCheck = (key: string, ok: (v: any) => boolean, missing: Result = 'FAILED') => (r: Resource): Result => (r.conf[key] === undefined ? missing : ok(r.conf[key]) ? 'PASSED' : 'FAILED');
const first = (v: any) => (Array.isArray(v) ? v[0] : v);

/** Resources of `types` in the same stack that reference `r` (checkov's graph connection). */
export function connected(r: Resource, types: string[]): any[] {
  const marker = `${r.type}.${r.name}.`;
  return types.flatMap((t) => Object.values(r.json.resource?.[t] ?? {}).filter((c: any) => JSON.stringify(c).includes(marker)));
}
const connectedCheck = (types: string[], ok: (c: any) => boolean = () => true) => (r: Resource): Result => (connected(r, types).some(ok) ? 'PASSED' : 'FAILED');

const statementsOf = (r: Resource, key = 'policy'): any[] => asList(renderPolicy(r.conf[key], r.json)?.Statement);
const principalIsAny = (s: any) => s.Principal === '*' || asList(s.Principal?.AWS).includes('*');

/** checkov's S3AllowsAnyPrincipal conditions that make a `*` principal acceptable. */
function restrictsPrincipal(s: any): boolean {
  const c = s.Condition ?? {};
  if ('ArnNotEquals' in c || 'ArnNotLike' in c) return true;
  for (const k of ['ArnEquals', 'ArnLike']) if (k in c) return !['aws:PrincipalArn', 'aws:SourceArn'].some((p) => /^arn:aws:[a-z0-9-]+::\*/.test(String(c[k][p] ?? '')));
  const keys = ['aws:sourceVpce', 'aws:SourceVpc', 'aws:VpceAccount', 'aws:PrincipalOrgPaths', 'aws:userid', 'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalOrgID', 'aws:Ec2InstanceSourceVpc', 'ec2:SourceInstanceArn', 'lambda:SourceFunctionArn', 'ssm:SourceInstanceArn'];
  return ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'].some((t) => t in c && keys.some((k) => k in c[t]));
}

/** Allow statements a `*` principal may use without a restricting condition (policy_sentry's internet_accessible_actions, simplified). */
const internetAccessible = (statements: any[]) => statements.some((s) => s.Effect !== 'Deny' && principalIsAny(s) && !Object.keys(s.Condition ?? {}).length);

const DEPRECATED_RUNTIMES = ['nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'nodejs18.x', 'nodejs20.x', 'python2.7', 'python3.6', 'python3.7', 'python3.8'];

export const CHECKS: Check[] = [
  // S3 (graph checks over the bucket's companion resources)
  { id: 'CKV_AWS_18', name: 'S3 bucket has access logging enabled', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_logging']) },
  { id: 'CKV_AWS_19', name: 'S3 bucket data is encrypted at rest', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_server_side_encryption_configuration'], (c) => ['AES256', 'aws:kms', 'aws:kms:dsse'].includes(c.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm)) },
  { id: 'CKV_AWS_21', name: 'S3 bucket has versioning enabled', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_versioning'], (c) => c.versioning_configuration?.status === 'Enabled') },
  { id: 'CKV_AWS_144', name: 'S3 bucket has cross-region replication enabled', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_replication_configuration'], (c) => asList(c.rule).some((x: any) => x.status === 'Enabled')) },
  { id: 'CKV_AWS_145', name: 'S3 bucket is encrypted with KMS by default', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_server_side_encryption_configuration'], (c) => c.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm === 'aws:kms') },
  { id: 'CKV2_AWS_6', name: 'S3 bucket has a public access block', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_public_access_block'], (c) => c.block_public_acls === true && c.block_public_policy === true) },
  { id: 'CKV2_AWS_61', name: 'S3 bucket has a lifecycle configuration', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_lifecycle_configuration'], (c) => asList(c.rule).some((x: any) => x.status === 'Enabled')) },
  { id: 'CKV2_AWS_62', name: 'S3 bucket has event notifications', types: ['aws_s3_bucket'], evaluate: connectedCheck(['aws_s3_bucket_notification']) },
  { id: 'CKV2_AWS_65', name: 'S3 bucket ACLs are disabled', types: ['aws_s3_bucket_ownership_controls'], evaluate: (r) => (r.conf.rule?.object_ownership === 'BucketOwnerEnforced' || r.conf.rule?.[0]?.object_ownership === 'BucketOwnerEnforced' ? 'PASSED' : 'FAILED') },
  { id: 'CKV_AWS_143', name: 'S3 bucket has object lock', types: ['aws_s3_bucket'], evaluate: (r) => (r.conf.object_lock_configuration ? (first(r.conf.object_lock_configuration)?.object_lock_enabled === 'Enabled' ? 'PASSED' : 'FAILED') : 'UNKNOWN') },
  ...(['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const).map((k, i) => ({ id: `CKV_AWS_${53 + i}`, name: `S3 public access block ${k}`, types: ['aws_s3_bucket_public_access_block'], evaluate: valueCheck(k, (v) => v === true) })),
  {
    id: 'CKV_AWS_70',
    name: 'S3 bucket policy allows no action to any principal',
    types: ['aws_s3_bucket_policy'],
    evaluate: (r) => (statementsOf(r).some((s) => s.Effect !== 'Deny' && s.Principal && principalIsAny(s) && !restrictsPrincipal(s)) ? 'FAILED' : 'PASSED'),
  },
  {
    id: 'CKV_AWS_93',
    name: 'S3 bucket policy does not lock out all but root',
    types: ['aws_s3_bucket_policy'],
    evaluate: (r) =>
      statementsOf(r).some((s) => s.Effect === 'Deny' && !s.Condition && !s.NotAction && principalIsAny(s) && asList(s.Action).some((a) => ['s3:PutBucketPolicy', 's3:*BucketPolicy', 's3:Put*', 's3:*', '*'].includes(a))) ? 'FAILED' : 'PASSED',
  },
  {
    id: 'CKV_AWS_300',
    name: 'S3 lifecycle aborts incomplete multipart uploads',
    types: ['aws_s3_bucket_lifecycle_configuration'],
    evaluate: (r) => (asList(r.conf.rule).some((x: any) => x.abort_incomplete_multipart_upload && x.status === 'Enabled' && !asList(x.filter).some((f: any) => f.prefix || f.object_size_greater_than)) ? 'PASSED' : 'FAILED'),
  },

  // CloudTrail
  { id: 'CKV_AWS_35', name: 'CloudTrail logs are encrypted with a KMS CMK', types: ['aws_cloudtrail'], evaluate: valueCheck('kms_key_id', has) },
  { id: 'CKV_AWS_36', name: 'CloudTrail log file validation is enabled', types: ['aws_cloudtrail'], evaluate: valueCheck('enable_log_file_validation', (v) => v === true) },
  { id: 'CKV_AWS_67', name: 'CloudTrail is enabled in all regions', types: ['aws_cloudtrail'], evaluate: valueCheck('is_multi_region_trail', (v) => v === true) },
  { id: 'CKV_AWS_251', name: 'CloudTrail logging is enabled', types: ['aws_cloudtrail'], evaluate: valueCheck('enable_logging', (v) => v !== false, 'PASSED') },
  { id: 'CKV_AWS_252', name: 'CloudTrail defines an SNS topic', types: ['aws_cloudtrail'], evaluate: valueCheck('sns_topic_name', has) },
  { id: 'CKV2_AWS_10', name: 'CloudTrail is integrated with CloudWatch Logs', types: ['aws_cloudtrail'], evaluate: (r) => (has(r.conf.cloud_watch_logs_group_arn) ? 'PASSED' : 'FAILED') },

  // CloudWatch
  { id: 'CKV_AWS_66', name: 'CloudWatch log group specifies retention', types: ['aws_cloudwatch_log_group'], evaluate: valueCheck('retention_in_days', has) },
  { id: 'CKV_AWS_158', name: 'CloudWatch log group is encrypted by KMS', types: ['aws_cloudwatch_log_group'], evaluate: valueCheck('kms_key_id', has) },
  { id: 'CKV_AWS_338', name: 'CloudWatch log group retains logs for at least 1 year', types: ['aws_cloudwatch_log_group'], evaluate: (r) => (typeof r.conf.retention_in_days !== 'number' ? (r.conf.retention_in_days === undefined ? 'FAILED' : 'UNKNOWN') : r.conf.retention_in_days === 0 || r.conf.retention_in_days >= 365 ? 'PASSED' : 'FAILED') },
  { id: 'CKV_AWS_319', name: 'CloudWatch alarm actions are enabled', types: ['aws_cloudwatch_metric_alarm'], evaluate: valueCheck('actions_enabled', (v) => v !== false, 'PASSED') },

  // Lambda
  { id: 'CKV_AWS_45', name: 'No hard-coded secrets in the Lambda environment', types: ['aws_lambda_function'], evaluate: (r) => (Object.values(r.conf.environment?.variables ?? {}).some((v) => /(AKIA|ASIA)[A-Z0-9]{16}|[A-Za-z0-9/+]{40}/.test(String(v))) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_50', name: 'X-Ray tracing is enabled for Lambda', types: ['aws_lambda_function'], evaluate: (r) => (['PassThrough', 'Active'].includes(first(r.conf.tracing_config)?.mode) ? 'PASSED' : 'FAILED') },
  { id: 'CKV_AWS_115', name: 'Lambda function has a function-level concurrency limit', types: ['aws_lambda_function'], evaluate: valueCheck('reserved_concurrent_executions', (v) => v !== -1) },
  { id: 'CKV_AWS_116', name: 'Lambda function has a dead-letter queue', types: ['aws_lambda_function'], evaluate: (r) => (has(first(r.conf.dead_letter_config)?.target_arn) ? 'PASSED' : 'FAILED') },
  { id: 'CKV_AWS_117', name: 'Lambda function is inside a VPC', types: ['aws_lambda_function'], evaluate: valueCheck('vpc_config', has) },
  {
    id: 'CKV_AWS_173',
    name: 'Lambda environment variables are encrypted with KMS',
    types: ['aws_lambda_function'],
    evaluate: (r) => (r.conf.environment ? (has(r.conf.kms_key_arn) ? 'PASSED' : 'FAILED') : has(r.conf.kms_key_arn) ? 'FAILED' : 'UNKNOWN'),
  },
  { id: 'CKV_AWS_272', name: 'Lambda function validates code signing', types: ['aws_lambda_function'], evaluate: valueCheck('code_signing_config_arn', has) },
  { id: 'CKV_AWS_363', name: 'Lambda runtime is not deprecated', types: ['aws_lambda_function'], evaluate: (r) => (DEPRECATED_RUNTIMES.includes(r.conf.runtime) ? 'FAILED' : 'PASSED') },
  // CKV_AWS_364 and CKV_AWS_301 (aws_lambda_permission) have nothing to read: the restore function is fed by its SQS queue's event source mapping, so lustreform grants no invoke permission.

  // SNS, SQS
  { id: 'CKV_AWS_26', name: 'SNS topic is encrypted', types: ['aws_sns_topic'], evaluate: valueCheck('kms_master_key_id', has) },
  { id: 'CKV_AWS_169', name: 'SNS topic policy is not public', types: ['aws_sns_topic_policy'], evaluate: (r) => (internetAccessible(statementsOf(r)) ? 'FAILED' : 'PASSED') },
  {
    id: 'CKV_AWS_385',
    name: 'SNS topic policy does not allow cross-account access',
    types: ['aws_sns_topic_policy'],
    evaluate: (r) => (statementsOf(r).some((s) => s.Effect === 'Allow' && asList(s.Principal?.AWS).some((p) => String(p).startsWith('arn:aws:iam::')) && !Object.keys(s.Condition ?? {}).length) ? 'FAILED' : 'PASSED'),
  },
  { id: 'CKV_AWS_27', name: 'SQS queue is encrypted', types: ['aws_sqs_queue'], evaluate: (r) => (r.conf.sqs_managed_sse_enabled === true || has(r.conf.kms_master_key_id) ? 'PASSED' : 'FAILED') },
  { id: 'CKV2_AWS_73', name: 'SQS queue uses a CMK, not the AWS managed key', types: ['aws_sqs_queue'], evaluate: (r) => (r.conf.kms_master_key_id === 'alias/aws/sqs' ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_72', name: 'SQS policy does not allow all actions', types: ['aws_sqs_queue_policy'], evaluate: (r) => (statementsOf(r).some((s) => s.Effect !== 'Deny' && asList(s.Action).some((a) => a === '*' || a === 'sqs:*')) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_168', name: 'SQS queue policy is not public', types: ['aws_sqs_queue_policy'], evaluate: (r) => (internetAccessible(statementsOf(r)) ? 'FAILED' : 'PASSED') },

  // IAM
  { id: 'CKV_AWS_60', name: 'IAM role is assumable only by specific principals', types: ['aws_iam_role'], evaluate: (r) => (statementsOf(r, 'assume_role_policy').some((s) => s.Effect !== 'Deny' && asList(s.Principal?.AWS).includes('*')) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_61', name: 'IAM role is not assumable from whole accounts', types: ['aws_iam_role'], evaluate: (r) => (statementsOf(r, 'assume_role_policy').some((s) => s.Effect !== 'Deny' && asList(s.Principal?.AWS).some((p) => /^(\d{12}|arn:aws:iam::\d{12}:root)/.test(String(p)))) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_62', name: 'IAM policy does not allow full "*-*" admin', types: ['aws_iam_role_policy'], evaluate: (r) => (statementsOf(r).some((s) => s.Effect !== 'Deny' && asList(s.Action).includes('*') && asList(s.Resource).includes('*')) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_63', name: 'IAM policy does not allow "*" actions', types: ['aws_iam_role_policy'], evaluate: (r) => (statementsOf(r).some((s) => s.Effect !== 'Deny' && asList(s.Action).includes('*')) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_274', name: 'AdministratorAccess is not attached', types: ['aws_iam_role_policy_attachment'], evaluate: (r) => (/:policy\/AdministratorAccess$/.test(String(r.conf.policy_arn)) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_1', name: 'Policy documents do not allow full "*-*" admin', types: ['data.aws_iam_policy_document'], evaluate: (r) => (asList(r.conf.statement).some((s: any) => (s.effect ?? 'Allow') === 'Allow' && asList(s.actions).includes('*') && asList(s.resources).includes('*')) ? 'FAILED' : 'PASSED') },
  { id: 'CKV_AWS_49', name: 'Policy documents do not allow "*" actions', types: ['data.aws_iam_policy_document'], evaluate: (r) => (asList(r.conf.statement).some((s: any) => (s.effect ?? 'Allow') === 'Allow' && asList(s.actions).includes('*')) ? 'FAILED' : 'PASSED') },
  {
    id: 'CKV_AWS_283',
    name: 'Policy documents allow no action to any AWS principal',
    types: ['data.aws_iam_policy_document'],
    evaluate: (r) => (asList(r.conf.statement).some((s: any) => (s.effect ?? 'Allow') === 'Allow' && asList(s.principals).some((p: any) => ['*', 'AWS'].includes(p.type) && asList(p.identifiers).includes('*'))) ? 'FAILED' : 'PASSED'),
  },

  // Backup, FSx, networking
  { id: 'CKV_AWS_166', name: 'Backup vault is encrypted with a KMS CMK', types: ['aws_backup_vault'], evaluate: valueCheck('kms_key_arn', has) },
  { id: 'CKV_AWS_190', name: 'Lustre file system is encrypted with a KMS CMK', types: ['aws_fsx_lustre_file_system'], evaluate: valueCheck('kms_key_id', has) },
  { id: 'CKV_AWS_23', name: 'Security groups and rules have descriptions', types: ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'], evaluate: (r) => (has(r.conf.description) ? 'PASSED' : 'FAILED') },
  ...[
    ['CKV_AWS_24', 22],
    ['CKV_AWS_25', 3389],
    ['CKV_AWS_260', 80],
  ].map(([id, port]) => ({
    id: id as string,
    name: `No ingress from 0.0.0.0/0 to port ${port}`,
    types: ['aws_vpc_security_group_ingress_rule'],
    evaluate: (r: Resource): Result => (r.conf.cidr_ipv4 === '0.0.0.0/0' && (r.conf.ip_protocol === '-1' || (r.conf.from_port <= (port as number) && (port as number) <= r.conf.to_port)) ? 'FAILED' : 'PASSED'),
  })),

  // lustreform's own rules (issue 22), no checkov ID
  {
    id: 'LF_TRUST_SOURCE',
    name: 'Roles S3, S3 Batch Operations and AWS Backup assume carry aws:SourceAccount',
    types: ['aws_iam_role'],
    evaluate: (r) => {
      const services = ['s3.amazonaws.com', 'batchoperations.s3.amazonaws.com', 'backup.amazonaws.com'];
      const trust = statementsOf(r, 'assume_role_policy').filter((s) => asList(s.Principal?.Service).some((x) => services.includes(x)));
      if (!trust.length) return 'UNKNOWN';
      return trust.every((s) => s.Condition?.StringEquals?.['aws:SourceAccount']) ? 'PASSED' : 'FAILED';
    },
  },
  // Only the restore testing role (restoreTesting, src/plan/restore-testing.ts) restores: no backup plan role, no other role.
  { id: 'LF_BACKUP_NO_RESTORES', name: 'No role but the restore testing role carries AWSBackupServiceRolePolicyForRestores', types: ['aws_iam_role_policy_attachment'], evaluate: (r) => (/AWSBackupServiceRolePolicyForRestores$/.test(String(r.conf.policy_arn)) && !/^\$\{aws_iam_role\.restore_test_[^.]+\.name\}$/.test(String(r.conf.role)) ? 'FAILED' : 'PASSED') },
  {
    id: 'LF_TLS_EVERY_ACTION',
    name: 'Topic and queue policies deny every action without TLS',
    types: ['aws_sns_topic_policy', 'aws_sqs_queue_policy'],
    evaluate: (r) => {
      const all = r.type === 'aws_sns_topic_policy' ? 'sns:*' : 'sqs:*';
      return statementsOf(r).some((s) => s.Effect === 'Deny' && principalIsAny(s) && asList(s.Action).some((a) => a === all || a === '*') && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false') ? 'PASSED' : 'FAILED';
    },
  },
  {
    id: 'LF_QUEUE_HAS_POLICY',
    name: 'Every queue has a policy (so none accepts plain HTTP)',
    types: ['aws_sqs_queue'],
    evaluate: (r) => (connected(r, ['aws_sqs_queue_policy']).length ? 'PASSED' : 'FAILED'),
  },
  {
    id: 'LF_BATCH_REPORT_OWNER',
    name: "The batch role writes reports only into its own account's bucket (s3:ResourceAccount)",
    types: ['aws_iam_role_policy'],
    evaluate: (r) => {
      if (!r.name.startsWith('batch_replication_')) return 'UNKNOWN';
      const report = statementsOf(r).filter((s) => ['ManifestsAndReports', 'ReportBucket'].includes(s.Sid));
      return report.length === 2 && report.every((s) => s.Condition?.StringEquals?.['s3:ResourceAccount']) ? 'PASSED' : 'FAILED';
    },
  },
];

/** Every resource (and data source) of a stack's JSON. */
export function resourcesOf(stack: string, json: any): Resource[] {
  const out: Resource[] = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) for (const [name, conf] of Object.entries<any>(byName)) out.push({ stack, type, name, conf, json });
  for (const [type, byName] of Object.entries<any>(json.data ?? {})) for (const [name, conf] of Object.entries<any>(byName)) out.push({ stack, type: `data.${type}`, name, conf, json });
  return out;
}

export interface Finding {
  id: string;
  result: Result;
  resource: Resource;
}

/** Every check on every resource it applies to. */
export function evaluate(resources: Resource[]): Finding[] {
  return resources.flatMap((resource) => CHECKS.filter((c) => c.types.includes(resource.type)).map((c) => ({ id: c.id, result: c.evaluate(resource), resource })));
}
