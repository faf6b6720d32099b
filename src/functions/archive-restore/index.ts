/**
 * The archive-restore Lambda function (nodejs22.x, arm64), bundled at synth into a zip.
 *
 * Invoked by the SQS event source mapping of its queue, with a batch of messages of two kinds:
 * - an EventBridge event (the queue's rule sends them): the CloudTrail record of a GetObject that
 *   failed with InvalidObjectState (a Lustre read of an archived object): HeadObject first, then
 *   RestoreObject as `decide` says, and, when notifications are on, "restore initiated" on SNS and
 *   a delayed re-check on the same queue;
 * - such a re-check: when the restored copy is readable, "restore completed" on SNS; otherwise the
 *   re-check is sent again, up to MAX_CHECKS times.
 * Each message is handled on its own; those that fail are reported back (`batchItemFailures`, the
 * mapping has ReportBatchItemFailures) so only they return to the queue, and after the queue's
 * maxReceiveCount they move to the dead-letter queue. A direct invocation with an EventBridge event
 * (a manual test) works too, and fails as a whole.
 * It never touches the bucket's notification configuration (FSx owns it). Every decision is one
 * JSON log line. Duplicate events (EventBridge and SQS both deliver at least once) never start a
 * second restore: an ongoing or finished restore is seen by HeadObject, and a race is answered by
 * S3 with RestoreAlreadyInProgress.
 *
 * Environment: DAYS, TIER, TOPIC_ARN (optional), QUEUE_URL (optional: the function's own queue,
 * for re-checks), RECHECK_SECONDS (default 900).
 */
import { HeadObjectCommand, RestoreObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { decide, expiryOf, objectsOfEvent, restoreState, type CloudTrailEvent, type Head, type ObjectRef, type Tier } from './decide';

/** Re-checks every RECHECK_SECONDS for at most this many times (72 h at 15 minutes): longer than any Bulk retrieval. */
export const MAX_CHECKS = 288;

interface Recheck extends ObjectRef {
  check: number;
  tier: Tier;
}

/** An SQS message as the event source mapping delivers it (the fields the handler reads). */
interface SqsRecord {
  eventSource: string;
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
}

interface SqsEvent {
  Records: SqsRecord[];
}

/** The partial batch response (Lambda reads only `batchItemFailures`), and every decision made. */
export interface Result {
  decisions: Record<string, unknown>[];
  batchItemFailures?: { itemIdentifier: string }[];
}

const s3 = new S3Client({});
const sns = new SNSClient({});
const sqs = new SQSClient({});

const settings = () => ({
  days: Number(process.env.DAYS ?? '7'),
  tier: (process.env.TIER ?? 'Standard') as Tier,
  topicArn: process.env.TOPIC_ARN || undefined,
  queueUrl: process.env.QUEUE_URL || undefined,
  recheckSeconds: Math.min(900, Number(process.env.RECHECK_SECONDS ?? '900')),
});

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify({ at: new Date().toISOString(), ...fields }));

export async function handler(event: CloudTrailEvent | SqsEvent): Promise<Result> {
  if ('Records' in event && Array.isArray(event.Records)) return batch(event.Records);
  return { decisions: [await ofEvent(event as CloudTrailEvent, false)] };
}

/** Every message of a batch on its own: one that fails is reported, the others are done. */
async function batch(records: SqsRecord[]): Promise<Result> {
  const decisions: Record<string, unknown>[] = [];
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const r of records) {
    try {
      const body = JSON.parse(r.body) as Recheck | CloudTrailEvent;
      const retried = Number(r.attributes?.ApproximateReceiveCount ?? '1') > 1;
      decisions.push(isRecheck(body) ? await recheck(body) : await ofEvent(body, retried));
    } catch (err) {
      const e = err as Error;
      log({ decision: 'failed', messageId: r.messageId, error: e?.name, message: e?.message, receiveCount: r.attributes?.ApproximateReceiveCount });
      batchItemFailures.push({ itemIdentifier: r.messageId });
    }
  }
  return { decisions, batchItemFailures };
}

const isRecheck = (body: unknown): body is Recheck => typeof body === 'object' && body !== null && typeof (body as Recheck).check === 'number' && typeof (body as Recheck).key === 'string';

async function ofEvent(event: CloudTrailEvent, retried: boolean): Promise<Record<string, unknown>> {
  const refs = objectsOfEvent(event);
  if (!refs) {
    const d = { decision: 'ignored', reason: 'not a CloudTrail GetObject event' };
    log(d);
    return d;
  }
  return restore(refs, retried);
}

async function head(ref: ObjectRef): Promise<Head | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
  } catch (err) {
    if (err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404)) return undefined;
    throw err;
  }
}

/**
 * `retried`: this message was received before, so an earlier attempt may have started the restore
 * and failed before scheduling its re-check; an ongoing restore then gets its re-check (at worst a
 * second "completed" message, never a second restore).
 */
async function restore(candidates: ObjectRef[], retried: boolean): Promise<Record<string, unknown>> {
  const cfg = settings();
  let ref = candidates[0];
  let found = await head(ref);
  for (const other of candidates.slice(1)) {
    if (found) break;
    ref = other;
    found = await head(other);
  }
  const decision = decide(found, cfg);
  const base = { bucket: ref.bucket, key: ref.key, versionId: ref.versionId };
  if (decision.action === 'skip') {
    const d = { ...base, decision: 'skip', reason: decision.reason, storageClass: found?.StorageClass };
    log(d);
    if (retried && decision.reason === 'restore-ongoing' && cfg.topicArn && cfg.queueUrl) await scheduleRecheck(cfg.queueUrl, { ...ref, check: 1, tier: cfg.tier }, cfg.recheckSeconds);
    return d;
  }
  let tier = decision.tier;
  let outcome: string;
  try {
    outcome = await requestRestore(ref, { ...decision.request, GlacierJobParameters: { Tier: tier } });
  } catch (err) {
    if (tier === 'Expedited' && isError(err, 'GlacierExpeditedRetrievalNotAvailable')) {
      log({ ...base, decision: 'retry', reason: 'no Expedited capacity, retrying as Standard' });
      tier = 'Standard';
      outcome = await requestRestore(ref, { ...decision.request, GlacierJobParameters: { Tier: tier } });
    } else if (isError(err, 'ObjectAlreadyInActiveTierError')) {
      const d = { ...base, decision: 'skip', reason: 'already-restored', storageClass: decision.storageClass };
      log(d);
      return d;
    } else {
      throw err;
    }
  }
  const d = { ...base, decision: outcome, tier, storageClass: decision.storageClass, days: decision.request.Days };
  log(d);
  if (outcome === 'restore-started') {
    await notify(cfg.topicArn, `restore initiated: s3://${ref.bucket}/${ref.key}`, { ...d, event: 'restore-initiated' });
    if (cfg.queueUrl) await scheduleRecheck(cfg.queueUrl, { ...ref, check: 1, tier }, cfg.recheckSeconds);
  }
  return d;
}

/** RestoreObject; RestoreAlreadyInProgress (409) means someone else started it: success, nothing new. */
async function requestRestore(ref: ObjectRef, request: { Days?: number; GlacierJobParameters: { Tier: Tier } }): Promise<'restore-started' | 'restore-already-in-progress'> {
  try {
    await s3.send(new RestoreObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, RestoreRequest: request }));
    return 'restore-started';
  } catch (err) {
    if (isError(err, 'RestoreAlreadyInProgress')) return 'restore-already-in-progress';
    throw err;
  }
}

async function recheck(job: Recheck): Promise<Record<string, unknown>> {
  const cfg = settings();
  const found = await head(job);
  const base = { bucket: job.bucket, key: job.key, versionId: job.versionId, check: job.check };
  const state = found ? restoreState(found.Restore) : 'gone';
  const readable = found && (state === 'done' || (found.StorageClass === 'INTELLIGENT_TIERING' && !found.ArchiveStatus));
  if (readable) {
    const d = { ...base, decision: 'restore-completed', expiry: expiryOf(found.Restore) };
    log(d);
    await notify(cfg.topicArn, `restore completed: s3://${job.bucket}/${job.key}`, { ...d, event: 'restore-completed' });
    return d;
  }
  if (!found || job.check >= MAX_CHECKS || !cfg.queueUrl) {
    const d = { ...base, decision: 'recheck-abandoned', reason: found ? 'still not readable after the last check' : 'object gone' };
    log(d);
    await notify(cfg.topicArn, `restore not completed: s3://${job.bucket}/${job.key}`, { ...d, event: 'restore-not-completed' });
    return d;
  }
  await scheduleRecheck(cfg.queueUrl, { ...job, check: job.check + 1 }, cfg.recheckSeconds);
  const d = { ...base, decision: 'recheck-scheduled', state };
  log(d);
  return d;
}

async function scheduleRecheck(queueUrl: string, job: Recheck, seconds: number): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, DelaySeconds: seconds, MessageBody: JSON.stringify(job) }));
}

async function notify(topicArn: string | undefined, subject: string, message: Record<string, unknown>): Promise<void> {
  if (!topicArn) return;
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: JSON.stringify(message, null, 2) }));
}

/** Whether an S3 error has this code (the SDK names errors by their S3 error code). */
function isError(err: unknown, code: string): boolean {
  const e = err as { name?: string; Code?: string };
  return e?.name === code || e?.Code === code;
}
