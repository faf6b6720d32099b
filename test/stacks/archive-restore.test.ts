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
let synthesized: ReturnType<typeof stackOf> | undefined;
/** The multi-site example's primary protection stack, synthesized once (tests only read it). */
const primary = () => (synthesized ??= stackOf(multiSite()));

describe('archive restore: synthesized', () => {
  test('one CloudTrail trail per site logs only GetObject data events under each entry, into its own secured log bucket', () => {
    const stack = primary();
    expect(Object.keys(resources(stack, 'aws_cloudtrail'))).toEqual(['restore_trail']);
    const trail = resources(stack, 'aws_cloudtrail').restore_trail;
    expect(trail).toMatchObject({ name: 'climate-restore-primary', enable_log_file_validation: true, is_multi_region_trail: false, include_global_service_events: false, s3_bucket_name: '${aws_s3_bucket.restore_trail_logs.bucket}' });
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
    expect(trail.depends_on).toEqual(['aws_s3_bucket_policy.restore_trail_logs']);
    const logBucket = resources(stack, 'aws_s3_bucket').restore_trail_logs.bucket;
    expect(logBucket).toMatch(/^climate-trail-[0-9a-f]{6}-111111111111$/);
    expect(resources(stack, 'aws_s3_bucket_public_access_block').restore_trail_logs).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resources(stack, 'aws_s3_bucket_server_side_encryption_configuration').restore_trail_logs.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(resources(stack, 'aws_s3_bucket_lifecycle_configuration').restore_trail_logs.rule[0]).toMatchObject({ expiration: [{ days: 30 }] });
    const statements = policy(resources(stack, 'aws_s3_bucket_policy').restore_trail_logs).Statement;
    const trailArn = 'arn:aws:cloudtrail:eu-central-1:111111111111:trail/climate-restore-primary';
    expect(statements).toContainEqual({ Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${logBucket}`, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } });
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'CloudTrailWrite', Resource: `arn:aws:s3:::${logBucket}/AWSLogs/111111111111/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } } }));
    expect(statements.map((s: { Sid: string }) => s.Sid)).toContain('DenyInsecureTransport');
  });

  test('seven entries in one region: one trail with seven selectors, seven functions', () => {
    const d = multiSite();
    d.archiveRestore.push(...['A/', 'B/', 'C/', 'D/', 'E/'].map((prefix) => ({ bucket: 'input', prefix })), { bucket: 'output' });
    const stack = stackOf(d);
    const trails = Object.values<{ advanced_event_selector: { field_selector: { field: string; starts_with?: string[] }[] }[] }>(resources(stack, 'aws_cloudtrail'));
    expect(trails).toHaveLength(1);
    const arns = trails[0].advanced_event_selector.map((s) => s.field_selector.find((f) => f.field === 'resources.ARN')!.starts_with);
    expect(arns).toEqual([
      ['arn:aws:s3:::acme-climate-input/ExtData/'],
      ...['A/', 'B/', 'C/', 'D/', 'E/'].map((p) => [`arn:aws:s3:::acme-climate-input/${p}`]),
      ['arn:aws:s3:::acme-climate-output/'],
    ]);
    expect(Object.keys(resources(stack, 'aws_lambda_function'))).toHaveLength(7);
    expect(Object.keys(resources(stack, 'aws_s3_bucket'))).toEqual(['restore_trail_logs']);
  });

  test('the EventBridge rule matches failed GetObject calls on the bucket and prefix and sends them to the queue, which only it may send to, over TLS', () => {
    const stack = primary();
    expect(JSON.parse(resources(stack, 'aws_cloudwatch_event_rule').restore_input_d32adf_rule.event_pattern)).toEqual({
      source: ['aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['s3.amazonaws.com'], eventName: ['GetObject'], errorCode: ['InvalidObjectState'], requestParameters: { bucketName: ['acme-climate-input'], key: [{ prefix: 'ExtData/' }] } },
    });
    expect(resources(stack, 'aws_cloudwatch_event_target').restore_input_d32adf_target).toMatchObject({
      rule: '${aws_cloudwatch_event_rule.restore_input_d32adf_rule.name}',
      arn: '${aws_sqs_queue.restore_input_d32adf_queue.arn}',
      dead_letter_config: { arn: '${aws_sqs_queue.restore_input_d32adf_dlq.arn}' },
      depends_on: ['aws_sqs_queue_policy.restore_input_d32adf_queue'],
    });
    expect(resources(stack, 'aws_lambda_permission')).toEqual({});
    for (const q of ['queue', 'dlq']) {
      const statements = stack.data.aws_iam_policy_document[`restore_input_d32adf_${q}`].statement;
      expect(statements[1]).toMatchObject({ actions: ['sqs:SendMessage'], resources: [`\${aws_sqs_queue.restore_input_d32adf_${q}.arn}`], principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }], condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: ['${aws_cloudwatch_event_rule.restore_input_d32adf_rule.arn}'] }] });
      expect(statements[0]).toMatchObject({ effect: 'Deny', actions: ['sqs:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
      expect(statements).toHaveLength(2);
      expect(resources(stack, 'aws_sqs_queue_policy')[`restore_input_d32adf_${q}`].policy).toBe(`\${data.aws_iam_policy_document.restore_input_d32adf_${q}.json}`);
    }
  });

  test('the queue feeds the function at most 5 at a time, reports partial batch failures, retries 5 times, then dead letters', () => {
    const stack = primary();
    expect(resources(stack, 'aws_lambda_event_source_mapping').restore_input_d32adf_source).toMatchObject({
      event_source_arn: '${aws_sqs_queue.restore_input_d32adf_queue.arn}',
      function_name: '${aws_lambda_function.restore_input_d32adf_function.arn}',
      batch_size: 10,
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: 5 },
      depends_on: ['aws_iam_role_policy.restore_input_d32adf_role'],
    });
    const queue = resources(stack, 'aws_sqs_queue').restore_input_d32adf_queue;
    const fn = resources(stack, 'aws_lambda_function').restore_input_d32adf_function;
    expect(queue).toMatchObject({ name: 'climate-restore-input-d32adf-queue', sqs_managed_sse_enabled: true });
    expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * fn.timeout);
    expect(queue.redrive_policy).toBe('${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.restore_input_d32adf_dlq.arn, "maxReceiveCount" = 5})}');
    expect(resources(stack, 'aws_sqs_queue').restore_input_d32adf_dlq).toMatchObject({ message_retention_seconds: 1209600, sqs_managed_sse_enabled: true });
  });

  test('the function: nodejs22.x on arm64, its settings, log group first, no reserved concurrency, no asynchronous dead-letter config', () => {
    const stack = primary();
    const fn = resources(stack, 'aws_lambda_function').restore_input_d32adf_function;
    expect(fn).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      depends_on: ['aws_cloudwatch_log_group.restore_input_d32adf_logs'],
      environment: { variables: { DAYS: '7', TIER: 'Standard', TOPIC_ARN: '${aws_sns_topic.restore_input_d32adf_topic.arn}', QUEUE_URL: '${aws_sqs_queue.restore_input_d32adf_queue.url}', RECHECK_SECONDS: '900' } },
    });
    expect(fn).not.toHaveProperty('reserved_concurrent_executions');
    expect(fn).not.toHaveProperty('dead_letter_config');
    expect(resources(stack, 'aws_cloudwatch_log_group').restore_input_d32adf_logs).toMatchObject({ name: '/aws/lambda/climate-restore-input-d32adf', retention_in_days: 30 });
  });

  test('least privilege: restore and read on exactly the bucket/prefix, logs, its queue and topic', () => {
    const stack = primary();
    const doc = stack.data.aws_iam_policy_document.restore_input_d32adf_role.statement;
    expect(doc).toEqual([
      { sid: 'HeadAndRestore', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:RestoreObject'], resources: ['arn:aws:s3:::acme-climate-input/ExtData/*'] },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['${aws_cloudwatch_log_group.restore_input_d32adf_logs.arn}:*'] },
      { sid: 'Queue', actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage'], resources: ['${aws_sqs_queue.restore_input_d32adf_queue.arn}'] },
      expect.objectContaining({ sid: 'BucketKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
      { sid: 'Notify', actions: ['sns:Publish'], resources: ['${aws_sns_topic.restore_input_d32adf_topic.arn}'] },
    ]);
    expect(resources(stack, 'aws_iam_role_policy').restore_input_d32adf_role.policy).toBe('${data.aws_iam_policy_document.restore_input_d32adf_role.json}');
  });

  test('alarms: function errors, a queue that does not drain, dead letters', () => {
    const alarms = resources(primary(), 'aws_cloudwatch_metric_alarm');
    const mine = Object.values<{ alarm_name: string; metric_name: string; dimensions: Record<string, string>; threshold: number }>(alarms).filter((a) => a.alarm_name.includes('restore-input'));
    const kinds = Object.fromEntries(mine.map((a) => [a.alarm_name.replace(/^climate-primary-restore-input_d32adf-/, ''), [a.metric_name, a.dimensions, a.threshold]]));
    expect(kinds).toEqual({
      'restore-errors': ['Errors', { FunctionName: 'climate-restore-input-d32adf' }, 0],
      'restore-backlog': ['ApproximateAgeOfOldestMessage', { QueueName: 'climate-restore-input-d32adf-queue' }, 3600],
      'restore-dead-letters': ['ApproximateNumberOfMessagesVisible', { QueueName: 'climate-restore-input-d32adf-dlq' }, 0],
    });
  });

  test('notify: topic scoped to the account, e-mail subscriptions', () => {
    const stack = primary();
    expect(resources(stack, 'aws_sns_topic_subscription').restore_input_d32adf_email_0).toMatchObject({ protocol: 'email', endpoint: 'ops@example.org', topic_arn: '${aws_sns_topic.restore_input_d32adf_topic.arn}' });
    const topicPolicy = stack.data.aws_iam_policy_document.restore_input_d32adf_topic.statement;
    // Every action denied without TLS first, then the account.
    expect(topicPolicy[0]).toMatchObject({ effect: 'Deny', actions: ['sns:*'], principals: [{ type: '*', identifiers: ['*'] }], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
    expect(topicPolicy[1].principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }]);
    for (const queue of ['restore_input_d32adf_dlq', 'restore_input_d32adf_queue']) {
      expect(stack.data.aws_iam_policy_document[queue].statement[0]).toMatchObject({ effect: 'Deny', actions: ['sqs:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
      expect(resources(stack, 'aws_sqs_queue_policy')[queue].policy).toBe(`\${data.aws_iam_policy_document.${queue}.json}`);
    }
  });

  test('without notify: no topic, no re-checks, the queue only consumed', () => {
    const d = multiSite();
    delete d.archiveRestore[0].notify;
    const stack = stackOf(d);
    expect(resources(stack, 'aws_sns_topic')).toEqual({});
    expect(Object.keys(resources(stack, 'aws_sqs_queue')).sort()).toEqual(['restore_input_d32adf_dlq', 'restore_input_d32adf_queue']);
    expect(resources(stack, 'aws_lambda_function').restore_input_d32adf_function.environment.variables).toEqual({ DAYS: '7', TIER: 'Standard' });
    expect(stack.data.aws_iam_policy_document.restore_input_d32adf_role.statement.find((s: { sid: string }) => s.sid === 'Queue').actions).not.toContain('sqs:SendMessage');
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
    const event = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail-getobject-invalidobjectstate.json'), 'utf8'));
    delete event.detail.requestParameters.versionId; // the fake bucket keeps no versions
    const cleaned = JSON.stringify(event);
    const env = { ...process.env, AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', DAYS: '5', TIER: 'Expedited', TOPIC_ARN: '', QUEUE_URL: '' };
    // Asynchronously: the fake S3 answers from this process, whose event loop must keep running.
    const invoke = async (payload: string) => {
      const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler(${payload}).then((r) => console.log('RESULT ' + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env, timeout: 30000 });
      return JSON.parse(stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    };
    // As the event source mapping delivers them: the rule's event, the same event again (EventBridge and SQS deliver at least once), and a message the function cannot read.
    const message = (messageId: string, body: string) => ({ eventSource: 'aws:sqs', messageId, body, attributes: { ApproximateReceiveCount: '1' } });
    const batch = JSON.stringify({ Records: [message('m1', cleaned), message('m2', cleaned), message('m3', '{not json')] });
    const result = await invoke(batch);
    expect(result.decisions).toEqual([
      expect.objectContaining({ decision: 'restore-started', tier: 'Standard', storageClass: 'DEEP_ARCHIVE', days: 5 }),
      expect.objectContaining({ decision: 'skip', reason: 'restore-ongoing' }),
    ]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }]);
    const calls = s3.calls.map((c) => `${c.method} ${c.bucket}/${c.key}${c.query.has('restore') ? '?restore' : ''}`);
    const object = 'acme-climate-input/ExtData/archive/era5 2019/t2m.nc';
    expect(calls).toEqual([`HEAD ${object}`, `POST ${object}?restore`, `HEAD ${object}`]);
    const body = s3.calls[1].body;
    expect(body).toContain('<Days>5</Days>');
    expect(body).toContain('<Tier>Standard</Tier>');

    // A direct invocation with the event (a manual test), later: the object is restoring, so nothing new is started.
    expect((await invoke(cleaned)).decisions[0]).toMatchObject({ decision: 'skip', reason: 'restore-ongoing' });
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
    delete d.backupPlans.nightly.restoreTesting; // the other thing the recovery site's protection stack would hold
    expect(Object.keys(synthDraft(d).stacks)).not.toContain('climate-recovery-protection');
  });
});
