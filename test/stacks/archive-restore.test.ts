import extract from 'extract-zip';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { planBlueprint } from '../../src/plan/plan';
import { buildApp } from '../../src/stacks/app';
import { multiSite, ROOT, validateDraft, type Draft } from '../helpers/blueprints';
import { FakeS3 } from '../helpers/fake-s3';
import { readOut, resources, policy, synthDraft } from '../helpers/synth';
import { SiteStack } from '../../src/stacks/site-stack';

const stackOf = (d: Draft) => synthDraft(d).stacks['climate-primary-protection'];

describe('archive restore: synthesized', () => {
  test('CloudTrail logs only GetObject data events under the bucket/prefix, into its own secured log bucket', () => {
    const stack = stackOf(multiSite());
    const trail = resources(stack, 'aws_cloudtrail').restore_input_d32adf_trail;
    expect(trail).toMatchObject({ name: 'climate-restore-input-d32adf', enable_log_file_validation: true, is_multi_region_trail: false, include_global_service_events: false, s3_bucket_name: '${aws_s3_bucket.restore_input_d32adf_trail_logs.bucket}' });
    expect(trail.advanced_event_selector).toEqual([
      {
        name: 'GetObject under s3://acme-climate-input/ExtData/',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
          { field: 'eventName', equals: ['GetObject'] },
          { field: 'resources.ARN', starts_with: ['arn:aws:s3:::acme-climate-input/ExtData/'] },
        ],
      },
    ]);
    expect(trail.depends_on).toEqual(['aws_s3_bucket_policy.restore_input_d32adf_trail_logs']);
    const logBucket = resources(stack, 'aws_s3_bucket').restore_input_d32adf_trail_logs.bucket;
    expect(resources(stack, 'aws_s3_bucket_public_access_block').restore_input_d32adf_trail_logs).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resources(stack, 'aws_s3_bucket_server_side_encryption_configuration').restore_input_d32adf_trail_logs.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(resources(stack, 'aws_s3_bucket_lifecycle_configuration').restore_input_d32adf_trail_logs.rule[0]).toMatchObject({ expiration: [{ days: 30 }] });
    const statements = policy(resources(stack, 'aws_s3_bucket_policy').restore_input_d32adf_trail_logs).Statement;
    const trailArn = 'arn:aws:cloudtrail:eu-central-1:111111111111:trail/climate-restore-input-d32adf';
    expect(statements).toContainEqual({ Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${logBucket}`, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } });
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'CloudTrailWrite', Resource: `arn:aws:s3:::${logBucket}/AWSLogs/111111111111/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } } }));
    expect(statements.map((s: { Sid: string }) => s.Sid)).toContain('DenyInsecureTransport');
  });

  test('the EventBridge rule matches failed GetObject calls on the bucket and prefix, and may invoke the function', () => {
    const stack = stackOf(multiSite());
    expect(JSON.parse(resources(stack, 'aws_cloudwatch_event_rule').restore_input_d32adf_rule.event_pattern)).toEqual({
      source: ['aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['s3.amazonaws.com'], eventName: ['GetObject'], errorCode: ['InvalidObjectState'], requestParameters: { bucketName: ['acme-climate-input'], key: [{ prefix: 'ExtData/' }] } },
    });
    expect(resources(stack, 'aws_cloudwatch_event_target').restore_input_d32adf_target).toMatchObject({ rule: '${aws_cloudwatch_event_rule.restore_input_d32adf_rule.name}', arn: '${aws_lambda_function.restore_input_d32adf_function.arn}', dead_letter_config: { arn: '${aws_sqs_queue.restore_input_d32adf_dlq.arn}' } });
    expect(resources(stack, 'aws_lambda_permission').restore_input_d32adf_permission).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', source_arn: '${aws_cloudwatch_event_rule.restore_input_d32adf_rule.arn}' });
  });

  test('the function: nodejs22.x on arm64, its settings, log group first, DLQ, reserved concurrency', () => {
    const stack = stackOf(multiSite());
    const fn = resources(stack, 'aws_lambda_function').restore_input_d32adf_function;
    expect(fn).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      reserved_concurrent_executions: 5,
      dead_letter_config: { target_arn: '${aws_sqs_queue.restore_input_d32adf_dlq.arn}' },
      depends_on: ['aws_cloudwatch_log_group.restore_input_d32adf_logs'],
      environment: { variables: { DAYS: '7', TIER: 'Standard', TOPIC_ARN: '${aws_sns_topic.restore_input_d32adf_topic.arn}', QUEUE_URL: '${aws_sqs_queue.restore_input_d32adf_recheck.url}', RECHECK_SECONDS: '900' } },
    });
    expect(resources(stack, 'aws_cloudwatch_log_group').restore_input_d32adf_logs).toMatchObject({ name: '/aws/lambda/climate-restore-input-d32adf', retention_in_days: 30 });
  });

  test('least privilege: restore and read on exactly the bucket/prefix, logs, its queues and topic', () => {
    const stack = stackOf(multiSite());
    const doc = stack.data.aws_iam_policy_document.restore_input_d32adf_role.statement;
    expect(doc).toEqual([
      { sid: 'HeadAndRestore', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:RestoreObject'], resources: ['arn:aws:s3:::acme-climate-input/ExtData/*'] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['${aws_cloudwatch_log_group.restore_input_d32adf_logs.arn}:*'] },
      { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: ['${aws_sqs_queue.restore_input_d32adf_dlq.arn}'] },
      expect.objectContaining({ sid: 'BucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
      { sid: 'Notify', actions: ['sns:Publish'], resources: ['${aws_sns_topic.restore_input_d32adf_topic.arn}'] },
      { sid: 'Recheck', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], resources: ['${aws_sqs_queue.restore_input_d32adf_recheck.arn}'] },
    ]);
    expect(resources(stack, 'aws_iam_role_policy').restore_input_d32adf_role.policy).toBe('${data.aws_iam_policy_document.restore_input_d32adf_role.json}');
  });

  test('notify: topic scoped to the account, e-mail subscriptions, the re-check queue feeding the function', () => {
    const stack = stackOf(multiSite());
    expect(resources(stack, 'aws_sns_topic_subscription').restore_input_d32adf_email_0).toMatchObject({ protocol: 'email', endpoint: 'ops@example.org', topic_arn: '${aws_sns_topic.restore_input_d32adf_topic.arn}' });
    const topicPolicy = stack.data.aws_iam_policy_document.restore_input_d32adf_topic.statement;
    // Every action denied without TLS first, then the account.
    expect(topicPolicy[0]).toMatchObject({ effect: 'Deny', actions: ['sns:*'], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
    expect(topicPolicy[1].principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }]);
    for (const queue of ['restore_input_d32adf_dlq', 'restore_input_d32adf_recheck']) {
      expect(stack.data.aws_iam_policy_document[queue].statement[0]).toMatchObject({ effect: 'Deny', actions: ['sqs:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
      expect(resources(stack, 'aws_sqs_queue_policy')[queue].policy).toBe(`\${data.aws_iam_policy_document.${queue}.json}`);
    }
    expect(resources(stack, 'aws_lambda_event_source_mapping').restore_input_d32adf_recheck).toMatchObject({ event_source_arn: '${aws_sqs_queue.restore_input_d32adf_recheck.arn}', function_name: '${aws_lambda_function.restore_input_d32adf_function.arn}' });
  });

  test('without notify: no topic, no re-check queue', () => {
    const d = multiSite();
    delete d.archiveRestore[0].notify;
    const stack = stackOf(d);
    expect(resources(stack, 'aws_sns_topic')).toEqual({});
    expect(Object.keys(resources(stack, 'aws_sqs_queue'))).toEqual(['restore_input_d32adf_dlq']);
    expect(resources(stack, 'aws_lambda_function').restore_input_d32adf_function.environment.variables).toEqual({ DAYS: '7', TIER: 'Standard' });
  });

  test('no stack of any example has a bucket notification resource', () => {
    const { stacks } = synthDraft(multiSite());
    for (const stack of Object.values(stacks)) expect(JSON.stringify(stack)).not.toContain('aws_s3_bucket_notification');
  });

  test('a construct that adds a notification on a bucket with an auto-import repository fails the synth', () => {
    const model = validateDraft(multiSite()).model!;
    const app = buildApp(planBlueprint(model), { outdir: mkdtempSync(join(tmpdir(), 'lustreform-notify-')) });
    const storage = app.node.findChild('climate-primary-storage') as SiteStack;
    new S3BucketNotification(storage, 'rogue', { bucket: 'acme-climate-input' });
    expect(() => app.synth()).toThrow(/would replace the notifications FSx manages/);
  });
});

describe('archive restore: the deployed artifact', () => {
  let s3: FakeS3;
  let endpoint: string;
  beforeAll(async () => {
    s3 = new FakeS3();
    endpoint = await s3.start();
  });
  afterAll(() => s3.stop());

  test('the zip in the synth output holds the bundled handler, which restores through the S3 REST protocol', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lustreform-zip-'));
    const model = validateDraft(multiSite()).model!;
    buildApp(planBlueprint(model), { outdir: out }).synth();
    const { stacks } = readOut(out);
    const fn = resources(stacks['climate-primary-protection'], 'aws_lambda_function').restore_input_d32adf_function;
    const zip = join(out, 'stacks', 'climate-primary-protection', fn.filename);
    expect(existsSync(zip)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-unzip-'));
    await extract(zip, { dir });
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toContain('ongoing-request');

    s3.put('acme-climate-input', 'ExtData/archive/era5 2019/t2m.nc', { storageClass: 'DEEP_ARCHIVE', size: 10 });
    const event = readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail-getobject-invalidobjectstate.json'), 'utf8');
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler(${event.replace(/"versionId": "[^"]*",?/, '').replace(/"Host":[^,]*,/, '"Host": "x",')}).then((r) => console.log('RESULT ' + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
    const env = { ...process.env, AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', DAYS: '5', TIER: 'Expedited', TOPIC_ARN: '', QUEUE_URL: '' };
    // Asynchronously: the fake S3 answers from this process, whose event loop must keep running.
    const invoke = async () => (await promisify(execFile)(process.execPath, ['-e', script], { env, timeout: 30000 })).stdout;
    const stdout = await invoke();
    const result = JSON.parse(stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    expect(result.decisions[0]).toMatchObject({ decision: 'restore-started', tier: 'Standard', storageClass: 'DEEP_ARCHIVE', days: 5 });
    const calls = s3.calls.map((c) => `${c.method} ${c.bucket}/${c.key}${c.query.has('restore') ? '?restore' : ''}`);
    expect(calls).toEqual(['HEAD acme-climate-input/ExtData/archive/era5 2019/t2m.nc', 'POST acme-climate-input/ExtData/archive/era5 2019/t2m.nc?restore']);
    const body = s3.calls[1].body;
    expect(body).toContain('<Days>5</Days>');
    expect(body).toContain('<Tier>Standard</Tier>');

    // A second, duplicate event: the object is restoring now, so nothing new is started.
    const again = await invoke();
    expect(JSON.parse(again.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7)).decisions[0]).toMatchObject({ decision: 'skip', reason: 'restore-ongoing' });
    expect(s3.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});

describe('archive restore resources are keyed by bucket and prefix', () => {
  test('adding, removing or reordering entries leaves the other entries\' addresses and names as they are', () => {
    const addresses = (d: ReturnType<typeof multiSite>) => {
      const s = synthDraft(d).stacks['climate-primary-protection'];
      return Object.entries<Record<string, { name?: string; function_name?: string }>>(s.resource).flatMap(([type, byName]) =>
        Object.entries(byName).filter(([name]) => name.startsWith('restore_')).map(([name, r]) => `${type}.${name} ${r.name ?? r.function_name ?? ''}`),
      );
    };
    const before = addresses(multiSite());
    const more = multiSite();
    more.archiveRestore.unshift({ bucket: 'input', prefix: 'Other/' });
    more.archiveRestore.push({ bucket: 'output', prefix: 'results/' });
    const after = addresses(more);
    for (const a of before) expect(after).toContain(a);
    expect(after.length).toBeGreaterThan(before.length);
    expect(before).toContain('aws_cloudwatch_event_rule.restore_input_d32adf_rule climate-restore-input-d32adf');
  });
});

describe('archive restore at a recovery site', () => {
  test('a replica that a recovery file system reads and that reaches GLACIER/DEEP_ARCHIVE gets its own archive restore there', () => {
    const { stacks } = synthDraft(multiSite());
    const s = stacks['climate-recovery-protection'];
    const trails = Object.values<{ advanced_event_selector: { field_selector: { field: string; starts_with?: string[] }[] }[] }>(resources(s, 'aws_cloudtrail'));
    expect(trails.map((t) => t.advanced_event_selector[0].field_selector.find((f) => f.field === 'resources.ARN')!.starts_with)).toEqual([['arn:aws:s3:::acme-climate-input-dr/ExtData/']]);
    expect(Object.values<{ environment: { variables: { TIER: string; DAYS: string } } }>(resources(s, 'aws_lambda_function'))[0].environment.variables).toMatchObject({ TIER: 'Standard', DAYS: '7' });
    expect(s.provider.aws[0].region).toBe('eu-west-1');
    // Without archive classes on the replica, nothing is added.
    const d = multiSite();
    d.buckets['input-dr'].lifecycle = [];
    expect(Object.keys(synthDraft(d).stacks)).not.toContain('climate-recovery-protection');
  });
});
