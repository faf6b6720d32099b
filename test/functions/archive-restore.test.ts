import { HeadObjectCommand, RestoreObjectCommand, type HeadObjectCommandOutput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, objectsOfEvent } from '../../src/functions/archive-restore/decide';
import { handler, MAX_CHECKS } from '../../src/functions/archive-restore/index';
import { ROOT } from '../helpers/blueprints';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

/** The CloudTrail record of a FSx read of an archived object, as EventBridge delivers it. */
const record = () => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail-getobject-invalidobjectstate.json'), 'utf8'));
const KEY = 'ExtData/archive/era5 2019/t2m.nc';
const VERSION = '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY';

const s3Error = (name: string, status: number) => new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const restores = () => s3.commandCalls(RestoreObjectCommand).map((c) => c.args[0].input);
let lines: Record<string, unknown>[];

beforeEach(() => {
  s3.reset();
  sns.reset();
  sqs.reset();
  process.env.DAYS = '7';
  process.env.TIER = 'Standard';
  process.env.TOPIC_ARN = 'arn:aws:sns:eu-central-1:111111111111:climate-restore-input-d32adf-notify';
  process.env.QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/111111111111/climate-restore-input-d32adf-recheck';
  process.env.RECHECK_SECONDS = '900';
  lines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(JSON.parse(line)));
  s3.on(RestoreObjectCommand).resolves({});
});
afterEach(() => jest.restoreAllMocks());

describe('reading the event', () => {
  test('bucket, key and versionId of a real CloudTrail record', () => {
    expect(objectsOfEvent(record())).toEqual([{ bucket: 'acme-climate-input', key: KEY, versionId: VERSION }]);
  });

  test('a URL-encoded key offers its decoded form second', () => {
    const e = record();
    e.detail.requestParameters.key = 'ExtData/archive/era5+2019/t2m%2B.nc';
    expect(objectsOfEvent(e)!.map((r) => r.key)).toEqual(['ExtData/archive/era5+2019/t2m%2B.nc', 'ExtData/archive/era5 2019/t2m+.nc']);
  });

  test('without requestParameters the object ARN names the object', () => {
    const e = record();
    e.detail.requestParameters = null;
    expect(objectsOfEvent(e)).toEqual([{ bucket: 'acme-climate-input', key: KEY, versionId: undefined }]);
  });

  test('other events are not ours', () => {
    expect(objectsOfEvent({ detail: { eventSource: 's3.amazonaws.com', eventName: 'PutObject' } })).toBeUndefined();
    expect(objectsOfEvent({})).toBeUndefined();
  });
});

describe('deciding', () => {
  const cfg = { days: 3, tier: 'Expedited' as const };
  test.each([
    ['GLACIER', { StorageClass: 'GLACIER' }, { action: 'restore', tier: 'Expedited', request: { Days: 3, GlacierJobParameters: { Tier: 'Expedited' } } }],
    ['DEEP_ARCHIVE: never Expedited', { StorageClass: 'DEEP_ARCHIVE' }, { action: 'restore', tier: 'Standard', request: { Days: 3, GlacierJobParameters: { Tier: 'Standard' } } }],
    ['Intelligent-Tiering Archive Access: no Days', { StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'ARCHIVE_ACCESS' }, { action: 'restore', tier: 'Expedited', request: { GlacierJobParameters: { Tier: 'Expedited' } } }],
    ['Intelligent-Tiering Deep Archive Access', { StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'DEEP_ARCHIVE_ACCESS' }, { action: 'restore', tier: 'Standard', request: { GlacierJobParameters: { Tier: 'Standard' } } }],
    ['GLACIER_IR needs no restore', { StorageClass: 'GLACIER_IR' }, { action: 'skip', reason: 'not-archived' }],
    ['STANDARD', {}, { action: 'skip', reason: 'not-archived' }],
    ['Intelligent-Tiering frequent access', { StorageClass: 'INTELLIGENT_TIERING' }, { action: 'skip', reason: 'not-archived' }],
    ['a restore under way', { StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' }, { action: 'skip', reason: 'restore-ongoing' }],
    ['a restored copy', { StorageClass: 'GLACIER', Restore: 'ongoing-request="false", expiry-date="Fri, 27 Nov 2026 00:00:00 GMT"' }, { action: 'skip', reason: 'already-restored' }],
  ])('%s', (_, head, expected) => {
    expect(decide(head, cfg)).toMatchObject(expected);
  });

  test('an object that is gone', () => {
    expect(decide(undefined, cfg)).toEqual({ action: 'skip', reason: 'gone' });
  });
});

describe('the handler', () => {
  test('GLACIER: HeadObject, then RestoreObject with Days and Tier, notified and re-checked later; one log line', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    const result = await handler(record());
    expect(s3.commandCalls(HeadObjectCommand)[0].args[0].input).toEqual({ Bucket: 'acme-climate-input', Key: KEY, VersionId: VERSION });
    expect(restores()).toEqual([{ Bucket: 'acme-climate-input', Key: KEY, VersionId: VERSION, RestoreRequest: { Days: 7, GlacierJobParameters: { Tier: 'Standard' } } }]);
    expect(result.decisions).toEqual([expect.objectContaining({ decision: 'restore-started', tier: 'Standard', storageClass: 'GLACIER' })]);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toEqual([expect.objectContaining({ TopicArn: process.env.TOPIC_ARN, Subject: `restore initiated: s3://acme-climate-input/${KEY}` })]);
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toEqual([{ QueueUrl: process.env.QUEUE_URL, DelaySeconds: 900, MessageBody: JSON.stringify({ bucket: 'acme-climate-input', key: KEY, versionId: VERSION, check: 1, tier: 'Standard' }) }]);
    expect(lines).toEqual([expect.objectContaining({ decision: 'restore-started', bucket: 'acme-climate-input', key: KEY })]);
  });

  test('DEEP_ARCHIVE with tier Expedited asks for Standard', async () => {
    process.env.TIER = 'Expedited';
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'DEEP_ARCHIVE' });
    await handler(record());
    expect(restores()[0].RestoreRequest).toEqual({ Days: 7, GlacierJobParameters: { Tier: 'Standard' } });
  });

  test('Intelligent-Tiering archive tiers are restored without Days', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'ARCHIVE_ACCESS' });
    await handler(record());
    expect(restores()[0].RestoreRequest).toEqual({ GlacierJobParameters: { Tier: 'Standard' } });
  });

  test('Expedited without capacity (503) is retried as Standard', async () => {
    process.env.TIER = 'Expedited';
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    s3.on(RestoreObjectCommand).rejectsOnce(s3Error('GlacierExpeditedRetrievalNotAvailable', 503)).resolves({});
    const result = await handler(record());
    expect(restores().map((r) => r.RestoreRequest!.GlacierJobParameters!.Tier)).toEqual(['Expedited', 'Standard']);
    expect(result.decisions[0]).toMatchObject({ decision: 'restore-started', tier: 'Standard' });
    expect(lines.map((l) => l.decision)).toEqual(['retry', 'restore-started']);
  });

  test('RestoreAlreadyInProgress (409) is success, with no second notification or re-check', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    s3.on(RestoreObjectCommand).rejects(s3Error('RestoreAlreadyInProgress', 409));
    const result = await handler(record());
    expect(result.decisions[0]).toMatchObject({ decision: 'restore-already-in-progress' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  test('ObjectAlreadyInActiveTierError means nothing to do', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'ARCHIVE_ACCESS' });
    s3.on(RestoreObjectCommand).rejects(s3Error('ObjectAlreadyInActiveTierError', 403));
    expect((await handler(record())).decisions[0]).toMatchObject({ decision: 'skip', reason: 'already-restored' });
  });

  test('other errors fail a direct invocation as a whole', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    s3.on(RestoreObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(handler(record())).rejects.toThrow();
  });

  test.each([
    ['GLACIER_IR', { StorageClass: 'GLACIER_IR' }, 'not-archived'],
    ['STANDARD', { StorageClass: 'STANDARD' }, 'not-archived'],
    ['an ongoing restore', { StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' }, 'restore-ongoing'],
    ['a finished restore', { StorageClass: 'DEEP_ARCHIVE', Restore: 'ongoing-request="false", expiry-date="Fri, 27 Nov 2026 00:00:00 GMT"' }, 'already-restored'],
  ] as [string, HeadObjectCommandOutput, string][])('%s: skipped without RestoreObject', async (_, head, reason) => {
    s3.on(HeadObjectCommand).resolves(head);
    expect((await handler(record())).decisions[0]).toMatchObject({ decision: 'skip', reason });
    expect(restores()).toEqual([]);
  });

  test('an object that is gone is skipped', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    expect((await handler(record())).decisions[0]).toMatchObject({ decision: 'skip', reason: 'gone' });
    expect(restores()).toEqual([]);
  });

  test('a URL-encoded key is restored under its decoded name when the raw one does not exist', async () => {
    const e = record();
    e.detail.requestParameters.key = 'ExtData/archive/era5%202019/t2m.nc';
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(HeadObjectCommand, { Bucket: 'acme-climate-input', Key: KEY, VersionId: VERSION }).resolves({ StorageClass: 'GLACIER' });
    await handler(e);
    expect(restores().map((r) => r.Key)).toEqual([KEY]);
  });

  test('duplicate events never start a second restore', async () => {
    let restored = false;
    s3.on(HeadObjectCommand).callsFake(async () => ({ StorageClass: 'GLACIER', Restore: restored ? 'ongoing-request="true"' : undefined }));
    s3.on(RestoreObjectCommand).callsFake(async () => {
      restored = true;
      return {};
    });
    await handler(record());
    await handler(record());
    expect(restores()).toHaveLength(1);
    expect(lines.map((l) => l.decision)).toEqual(['restore-started', 'skip']);
  });

  test('without a topic and queue: the restore only', async () => {
    delete process.env.TOPIC_ARN;
    delete process.env.QUEUE_URL;
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    await handler(record());
    expect(restores()).toHaveLength(1);
    expect(sns.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('anything else is ignored with a log line', async () => {
    expect((await handler({ detail: { eventSource: 'ec2.amazonaws.com' } })).decisions).toEqual([{ decision: 'ignored', reason: 'not a CloudTrail GetObject event' }]);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('re-checks from the delay queue', () => {
  const sqsEvent = (check: number) => ({ Records: [{ eventSource: 'aws:sqs', messageId: 'r1', body: JSON.stringify({ bucket: 'acme-climate-input', key: KEY, versionId: VERSION, check, tier: 'Standard' }) }] });

  test('a readable copy: "restore completed" with its expiry', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER', Restore: 'ongoing-request="false", expiry-date="Fri, 27 Nov 2026 00:00:00 GMT"' });
    const result = await handler(sqsEvent(3));
    expect(result.decisions[0]).toMatchObject({ decision: 'restore-completed', expiry: 'Fri, 27 Nov 2026 00:00:00 GMT' });
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe(`restore completed: s3://acme-climate-input/${KEY}`);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('still restoring: checked again later', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' });
    await handler(sqsEvent(3));
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!)).toMatchObject({ check: 4 });
    expect(sns.calls()).toHaveLength(0);
  });

  test('after the last check: "restore not completed"', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' });
    const result = await handler(sqsEvent(MAX_CHECKS));
    expect(result.decisions[0]).toMatchObject({ decision: 'recheck-abandoned' });
    expect(sqs.calls()).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toContain('restore not completed');
  });
});

describe('batches from the queue (the event source mapping, ReportBatchItemFailures)', () => {
  const message = (messageId: string, body: unknown, receiveCount = 1) => ({ eventSource: 'aws:sqs', messageId, body: typeof body === 'string' ? body : JSON.stringify(body), attributes: { ApproximateReceiveCount: String(receiveCount) } });

  test('each message on its own: a failing one is reported, the others are done', async () => {
    const other = record();
    other.detail.requestParameters.key = 'ExtData/other.nc';
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    s3.on(RestoreObjectCommand, { Key: 'ExtData/other.nc' }).rejects(s3Error('AccessDenied', 403));
    const result = await handler({ Records: [message('a', record()), message('b', other), message('c', 'not json')] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }]);
    expect(result.decisions).toEqual([expect.objectContaining({ decision: 'restore-started', key: KEY })]);
    expect(lines.filter((l) => l.decision === 'failed').map((l) => [l.messageId, l.error])).toEqual([['b', 'AccessDenied'], ['c', 'SyntaxError']]);
  });

  test('a batch that all succeeds reports no failures', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'STANDARD' });
    expect((await handler({ Records: [message('a', record())] })).batchItemFailures).toEqual([]);
  });

  test('duplicate events in one batch and across batches never start a second restore', async () => {
    let restored = false;
    s3.on(HeadObjectCommand).callsFake(async () => ({ StorageClass: 'DEEP_ARCHIVE', Restore: restored ? 'ongoing-request="true"' : undefined }));
    s3.on(RestoreObjectCommand).callsFake(async () => {
      restored = true;
      return {};
    });
    const first = await handler({ Records: [message('a', record()), message('b', record())] });
    const again = await handler({ Records: [message('c', record())] });
    expect(restores()).toHaveLength(1);
    expect([...first.decisions, ...again.decisions].map((d) => d.decision)).toEqual(['restore-started', 'skip', 'skip']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  test('S3 answering RestoreAlreadyInProgress to a racing duplicate: success, nothing new', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER' });
    s3.on(RestoreObjectCommand).rejects(s3Error('RestoreAlreadyInProgress', 409));
    const result = await handler({ Records: [message('a', record())] });
    expect(result).toEqual({ decisions: [expect.objectContaining({ decision: 'restore-already-in-progress' })], batchItemFailures: [] });
    expect(sqs.calls()).toHaveLength(0);
  });

  test('a retried message whose first attempt started the restore but not its re-check gets the re-check, not a second restore', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER', Restore: 'ongoing-request="true"' });
    await handler({ Records: [message('a', record(), 2)] });
    expect(restores()).toEqual([]);
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!)).toMatchObject({ key: KEY, check: 1 });
    expect(sns.calls()).toHaveLength(0);
    sqs.reset();
    await handler({ Records: [message('b', record(), 1)] });
    expect(sqs.calls()).toHaveLength(0);
  });

  test('re-checks and events share the queue: told apart by their body', async () => {
    s3.on(HeadObjectCommand).resolves({ StorageClass: 'GLACIER', Restore: 'ongoing-request="false", expiry-date="Fri, 27 Nov 2026 00:00:00 GMT"' });
    const result = await handler({ Records: [message('a', { bucket: 'acme-climate-input', key: KEY, check: 2, tier: 'Standard' }), message('b', record())] });
    expect(result.decisions.map((d) => d.decision)).toEqual(['restore-completed', 'skip']);
  });
});
