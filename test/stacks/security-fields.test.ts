/** The security fields of issue 22 as synthesized (test/security/checkov.test.ts checks them against checkov's rules). */
import { multiSite } from '../helpers/blueprints';
import { policy, resources, synthDraft } from '../helpers/synth';

const KEY = 'arn:aws:kms:eu-central-1:111111111111:key/op';

function hardened() {
  const d = multiSite();
  Object.assign(d.sites.primary, { operationalKmsKeyArn: KEY });
  Object.assign(d.sites.recovery, { backupVaultOrganizationId: 'o-a1b2c3d4e5' });
  d.buckets.output.accessLogging = true;
  Object.assign(d.archiveRestore[0], { logRetentionDays: 365, tracing: 'Active' });
  return synthDraft(d).stacks;
}

describe('security fields', () => {
  const stacks = hardened();
  const storage = stacks['climate-primary-storage'];
  const protection = stacks['climate-primary-protection'];

  test('operationalKmsKeyArn: trail, its bucket, batch reports, log groups and the alarm topic use the site key', () => {
    const trail = Object.values(resources(protection, 'aws_cloudtrail'))[0];
    expect(trail.kms_key_id).toBe(KEY);
    const sse = resources(protection, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(Object.values(sse).map((c) => c.rule[0].apply_server_side_encryption_by_default)).toEqual([{ sse_algorithm: 'aws:kms', kms_master_key_id: KEY }]);
    expect(Object.values(resources(protection, 'aws_cloudwatch_log_group')).map((g) => [g.kms_key_id, g.retention_in_days])).toEqual([[KEY, 365]]);
    expect(resources(stacks['climate-primary-lustre'], 'aws_cloudwatch_log_group').work_fsx_logs.kms_key_id).toBe(KEY);
    expect(resources(storage, 'aws_sns_topic').alarms_primary.kms_master_key_id).toBe(KEY);
    expect(resources(storage, 'aws_s3_bucket_server_side_encryption_configuration').batch_reports_primary.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(KEY);
    expect(policy(resources(storage, 'aws_iam_role_policy').batch_replication_primary).Statement.find((s: { Sid: string }) => s.Sid === 'ReportKey').Resource).toBe(KEY);
    // The other site has no key: nothing changes there.
    expect(resources(stacks['climate-recovery-storage'], 'aws_sns_topic').alarms_recovery.kms_master_key_id).toBeUndefined();
  });

  test('accessLogging: the bucket logs into the site access-log bucket, which only S3 logging for it may write', () => {
    const logging = resources(storage, 'aws_s3_bucket_logging').output;
    expect(logging).toMatchObject({ bucket: '${aws_s3_bucket.output.bucket}', target_prefix: 'output/' });
    expect(logging.target_bucket).toMatch(/^climate-access-logs-[0-9a-f]{6}-111111111111$/);
    expect(logging.depends_on).toEqual(['aws_s3_bucket_policy.access_logs_primary']);
    const target = resources(storage, 'aws_s3_bucket').access_logs_primary;
    expect(target.bucket).toBe(logging.target_bucket);
    const statement = policy(resources(storage, 'aws_s3_bucket_policy').access_logs_primary).Statement[1];
    expect(statement).toMatchObject({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Condition: { ArnLike: { 'aws:SourceArn': ['arn:aws:s3:::acme-climate-output'] }, StringEquals: { 'aws:SourceAccount': '111111111111' } } });
    // S3 server access logging cannot deliver into SSE-KMS buckets: SSE-S3 even with the site key.
    expect(resources(storage, 'aws_s3_bucket_server_side_encryption_configuration').access_logs_primary.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(resources(storage, 'aws_s3_bucket_logging').input).toBeUndefined();
  });

  test('tracing Active: the function traces and may send segments; default PassThrough', () => {
    const fn = Object.values(resources(protection, 'aws_lambda_function'))[0];
    expect(fn.tracing_config).toEqual({ mode: 'Active' });
    const role = Object.values(protection.data.aws_iam_policy_document).find((d: any) => d.statement.some((s: any) => s.sid === 'Tracing')) as any; // any: the document's shape
    expect(role.statement.find((s: any) => s.sid === 'Tracing').actions).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']); // any: the statement's shape
    const plain = synthDraft(multiSite()).stacks['climate-primary-protection'];
    expect((Object.values(resources(plain, 'aws_lambda_function'))[0] as any).tracing_config).toEqual({ mode: 'PassThrough' }); // any: the resource's shape
  });

  test('backupVaultOrganizationId: copies into the vault only from principals of the organization', () => {
    const vaultPolicy = policy(resources(stacks['climate-recovery-storage'], 'aws_backup_vault_policy').recovery);
    expect(vaultPolicy.Statement[0]).toMatchObject({ Action: 'backup:CopyIntoBackupVault', Principal: { AWS: ['arn:aws:iam::111111111111:root'] }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
  });
});
