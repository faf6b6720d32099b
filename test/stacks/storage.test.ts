import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { example, multiSite, quickstart, ROOT, validateDraft, type Draft } from '../helpers/blueprints';
import { policy, resources, synthDraft, type StackJson } from '../helpers/synth';
import { planBlueprint } from '../../src/plan/plan';
import { environmentOptions } from '../../src/plan/environment';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const allExamples = readdirSync(join(ROOT, 'blueprints')).filter((f) => f.endsWith('.yaml'));

/** The security defaults every bucket lustreform creates must have, asserted resource by resource. */
function expectSecureBuckets(stack: StackJson) {
  const buckets = resources(stack, 'aws_s3_bucket');
  for (const [name, bucket] of Object.entries(buckets)) {
    const ref = `\${aws_s3_bucket.${name}.bucket}`;
    expect(resources(stack, 'aws_s3_bucket_ownership_controls')[name]).toMatchObject({ bucket: ref, rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(resources(stack, 'aws_s3_bucket_public_access_block')[name]).toMatchObject({ bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resources(stack, 'aws_s3_bucket_versioning')[name]).toMatchObject({ bucket: ref, versioning_configuration: { status: 'Enabled' } });
    const sse = resources(stack, 'aws_s3_bucket_server_side_encryption_configuration')[name];
    expect(sse.bucket).toBe(ref);
    expect(['AES256', 'aws:kms']).toContain(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm);
    const doc = policy(resources(stack, 'aws_s3_bucket_policy')[name]);
    expect(doc.Statement).toContainEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket.bucket}`, `arn:aws:s3:::${bucket.bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': false } },
    });
    expect(resources(stack, 'aws_s3_bucket_policy')[name].depends_on).toEqual([`aws_s3_bucket_public_access_block.${name}`]);
    const lifecycle = resources(stack, 'aws_s3_bucket_lifecycle_configuration')[name];
    expect(lifecycle.depends_on).toEqual([`aws_s3_bucket_versioning.${name}`]);
    expect(lifecycle.rule).toContainEqual({ id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    expect(lifecycle.rule).toContainEqual({ id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: expect.any(Number) }] });
    expect(bucket.tags['lustreform:bucket']).toBe(name);
  }
}

describe('storage layer', () => {
  test.each(allExamples)('every bucket of %s, its own and lustreform\'s (trail logs, batch reports), has the security defaults', (file) => {
    const draft = parse(readFileSync(example(file), 'utf8'));
    const out = synthDraft(draft);
    const keys: string[] = [];
    for (const stack of Object.values(out.stacks)) {
      expectSecureBuckets(stack);
      keys.push(...Object.values(resources(stack, 'aws_s3_bucket')).map((b) => b.tags['lustreform:bucket']));
    }
    expect(keys.filter((k) => k in draft.buckets).sort()).toEqual(Object.keys(draft.buckets).sort());
  });

  test('quickstart: a storage and a lustre stack, default names, SSE-S3, the lifecycle of the blueprint', () => {
    const { stacks } = synthDraft(quickstart());
    expect(Object.keys(stacks).sort()).toEqual(['quickstart-main-lustre', 'quickstart-main-storage']);
    const s = stacks['quickstart-main-storage'];
    expect(resources(s, 'aws_s3_bucket').input.bucket).toBe('quickstart-input-eu-central-1');
    expect(resources(s, 'aws_s3_bucket_server_side_encryption_configuration').input.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    expect(resources(s, 'aws_s3_bucket_lifecycle_configuration').output.rule[0]).toEqual({
      id: 'blueprint-0',
      status: 'Enabled',
      filter: [{ prefix: 'results/' }],
      transition: [{ days: 90, storage_class: 'GLACIER' }],
    });
    expect(resources(s, 'aws_s3_bucket_lifecycle_configuration').output.rule).toContainEqual(expect.objectContaining({ id: 'expire-noncurrent-versions', noncurrent_version_expiration: [{ noncurrent_days: 30 }] }));
    expect(s.output).toMatchObject({
      bucket_input_name: { value: 'quickstart-input-eu-central-1' },
      bucket_input_arn: { value: 'arn:aws:s3:::quickstart-input-eu-central-1' },
    });
  });

  test('noncurrent versions: 90 days by default, the bucket field when set, forever with null, never next to a rule with its own', () => {
    const rules = (d: ReturnType<typeof quickstart>, key: string) => resources(synthDraft(d).stacks['quickstart-main-storage'], 'aws_s3_bucket_lifecycle_configuration')[key].rule;
    const expiry = (d: ReturnType<typeof quickstart>, key: string) => rules(d, key).filter((r: { noncurrent_version_expiration?: unknown }) => r.noncurrent_version_expiration).map((r: { id: string; noncurrent_version_expiration: { noncurrent_days: number }[] }) => [r.id, r.noncurrent_version_expiration[0].noncurrent_days]);
    expect(expiry(quickstart(), 'input')).toEqual([['expire-noncurrent-versions', 90]]);
    const d = quickstart();
    d.buckets.input.noncurrentVersionExpirationDays = null;
    d.buckets.output.lifecycle[0].noncurrentVersionExpirationDays = 365;
    expect(expiry(d, 'input')).toEqual([]);
    // A user's 365 days under results/ is not cut to the bucket-wide 30 by an overlapping rule.
    expect(expiry(d, 'output')).toEqual([['blueprint-0', 365]]);
    expect(validateDraft(d).findings.map((f) => `${f.id} ${f.path}`)).toEqual(['BKT007 buckets.output.noncurrentVersionExpirationDays']);
    d.buckets.input.noncurrentVersionExpirationDays = 0;
    expect(expiry(d, 'input')).toEqual([]);
  });

  test('provider: region, no account pinning or role without accounts; default tags', () => {
    const s = synthDraft(quickstart()).stacks['quickstart-main-storage'];
    expect(s.provider.aws).toEqual([{ region: 'eu-central-1', default_tags: [{ tags: { 'lustreform:blueprint': 'quickstart', 'lustreform:site': 'main' } }] }]);
  });

  test('provider with accounts: assume_role, allowed_account_ids, blueprint tags; the same settings aliased for a region the stack also places resources in', () => {
    const { stacks } = synthDraft(multiSite());
    const s = stacks['climate-recovery-replication'];
    const settings = {
      allowed_account_ids: ['222222222222'],
      assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/deployer', session_name: 'lustreform-climate' }],
      default_tags: [{ tags: { owner: 'atmos', 'cost-center': '4711', 'lustreform:blueprint': 'climate', 'lustreform:site': 'recovery' } }],
    };
    // The second: the recovery site's replication latency alarm and its topic in eu-central-1, where S3 publishes the latency.
    expect(s.provider.aws).toEqual([{ region: 'eu-west-1', ...settings }, { alias: 'eu_central_1', region: 'eu-central-1', ...settings }]);
    // The storage stack (which a failover deploys) stays in its own region.
    expect(stacks['climate-recovery-storage'].provider.aws).toEqual([{ region: 'eu-west-1', ...settings }]);
  });

  test('KMS buckets use their key with S3 Bucket Keys; kms uses the AWS managed key', () => {
    const d = quickstart();
    d.buckets.input.encryption = { kmsKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/k1' };
    d.buckets.output.encryption = 'kms';
    const s = synthDraft(d).stacks['quickstart-main-storage'];
    const sse = resources(s, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse.input.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-central-1:111111111111:key/k1' }, bucket_key_enabled: true }]);
    expect(sse.output.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true }]);
  });

  test('a bucket that is not replicated may turn versioning off; then it keeps no noncurrent rule', () => {
    const d = quickstart();
    d.buckets.input.versioning = false;
    const s = synthDraft(d).stacks['quickstart-main-storage'];
    expect(resources(s, 'aws_s3_bucket_versioning').input.versioning_configuration).toEqual({ status: 'Suspended' });
    expect(resources(s, 'aws_s3_bucket_lifecycle_configuration').input.rule.map((r: { id: string }) => r.id)).toEqual(['abort-incomplete-multipart-uploads']);
  });

  test('protect (default true) is prevent_destroy on the bucket; protect: false and LUSTREFORM_UNPROTECT lift it; the file system too', () => {
    const d: Draft = quickstart();
    d.buckets.output.protect = false;
    d.fileSystems.work.protect = true;
    const out = synthDraft(d);
    const s = out.stacks['quickstart-main-storage'];
    expect(resources(s, 'aws_s3_bucket').input.lifecycle).toEqual({ prevent_destroy: true });
    expect(resources(s, 'aws_s3_bucket').output.lifecycle).toBeUndefined();
    expect(resources(out.stacks['quickstart-main-lustre'], 'aws_fsx_lustre_file_system').work.lifecycle).toEqual({ prevent_destroy: true });
    // Only the data-bearing resources: their policies, versioning and lifecycle rules change in place.
    expect(resources(s, 'aws_s3_bucket_versioning').input.lifecycle).toBeUndefined();
    const model = validateDraft(quickstart()).model!;
    const unprotected = planBlueprint(model, environmentOptions(model, { LUSTREFORM_UNPROTECT: '1' }));
    expect(unprotected.stacks.flatMap((st): { protect: boolean }[] => (st.layer === 'storage' ? st.buckets : st.layer === 'lustre' ? st.fileSystems : [])).map((x) => x.protect)).toEqual([false, false, false]);
    expect(environmentOptions(model, { LUSTREFORM_UNPROTECT: 'yes' }).problems).toEqual(["LUSTREFORM_UNPROTECT must be 1 (no prevent_destroy, for one deliberate destroy) or 0; got 'yes'"]);
  });

  test('adopted buckets are data sources: nothing created, configured or destroyed', () => {
    const d: Draft = quickstart();
    d.buckets.input = { site: 'main', name: 'existing-data', adopt: true };
    const s = synthDraft(d).stacks['quickstart-main-storage'];
    expect(s.data.aws_s3_bucket.input).toMatchObject({ bucket: 'existing-data' });
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_versioning', 'aws_s3_bucket_policy', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_ownership_controls']) {
      expect(Object.keys(resources(s, type))).toEqual(['output']);
    }
    expect(s.output.bucket_input_arn.value).toBe('arn:aws:s3:::existing-data');
  });
});
