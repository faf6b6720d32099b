/**
 * Bucket names and adopted buckets, and the S3 state backend.
 *
 * HeadBucket with ExpectedBucketOwner = the site's account answers 200 when the bucket exists and
 * belongs to that account, 404 when no bucket has the name, and 403 both when another account owns
 * it ("If the account ID that you provide does not match the actual owner of the bucket, the
 * request fails with the HTTP status code 403 Forbidden (access denied)", the ExpectedBucketOwner
 * parameter in the S3 API Reference) and when the caller may not s3:ListBucket it ("If the bucket
 * does not exist or you do not have permission to access it, the HEAD request returns a generic
 * 404 Not Found or 403 Forbidden code. A message body is not included", S3 API Reference,
 * HeadBucket). A 403 is therefore told apart with ListBuckets (prefix = the name), which lists only
 * the caller's own buckets; a bucket in another region answers 301 with x-amz-bucket-region.
 */
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  type NotificationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { attempt, errorName, httpStatus, isDenied, whyNot, type DoctorContext } from './context';
import type { ExpectedBucket } from './expectations';

type Ownership = { state: 'ours' } | { state: 'free' } | { state: 'taken'; detail: string } | { state: 'elsewhere'; region: string } | { state: 'unknown'; detail: string };

const CHECK = 'bucket name';

export async function checkBuckets(ctx: DoctorContext): Promise<void> {
  for (const e of ctx.expected.buckets) {
    const { bucket } = e;
    if (!ctx.inScope(bucket.site)) continue;
    const subject = `${bucket.key} (${bucket.name})`;
    const why = ctx.unreachable(bucket.site);
    if (why) {
      ctx.add(CHECK, subject, 'skip', why);
      continue;
    }
    const s3 = ctx.clients(bucket.site).s3;
    const owner = await ownership(s3, bucket.name, e.account);
    if (owner.state === 'unknown') {
      ctx.add(CHECK, subject, 'skip', owner.detail);
      continue;
    }
    if (owner.state === 'elsewhere') {
      ctx.add(CHECK, subject, 'fail', `a bucket of this name exists in ${owner.region}, not ${bucket.site.region}: ${bucket.adopt ? 'adopt it from a site in that region' : 'pick another name'}`);
      continue;
    }
    if (owner.state === 'taken') {
      ctx.add(CHECK, subject, 'fail', owner.detail);
      continue;
    }
    if (!bucket.adopt) {
      if (owner.state === 'free') ctx.add(CHECK, subject, 'ok', `free: apply creates it in ${e.account}`);
      else await ownBucket(ctx, s3, e, subject);
      continue;
    }
    if (owner.state === 'free') {
      ctx.add('adopted bucket', subject, 'fail', `adopt: true, but no bucket has this name; create it in ${e.account} (${bucket.site.region}) or remove adopt`);
      continue;
    }
    ctx.add('adopted bucket', subject, 'ok', `exists in ${e.account} (${bucket.site.region})`);
    await adopted(ctx, s3, e, subject);
  }
}

/** Who owns a bucket name, as seen by the account that should own it. */
async function ownership(s3: S3Client, name: string, account: string): Promise<Ownership> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: account }));
    return { state: 'ours' };
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404 || errorName(err) === 'NotFound' || errorName(err) === 'NoSuchBucket') return { state: 'free' };
    if (status === 301 || errorName(err) === 'PermanentRedirect') {
      const headers = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {};
      return { state: 'elsewhere', region: headers['x-amz-bucket-region'] ?? 'another region' };
    }
    if (status !== 403) return { state: 'unknown', detail: whyNot(err, 's3:ListBucket (HeadBucket)') };
  }
  // 403: another account's bucket, or ours without s3:ListBucket. ListBuckets lists only ours.
  try {
    const listed = await s3.send(new ListBucketsCommand({ Prefix: name, MaxBuckets: 1000 }));
    if ((listed.Buckets ?? []).some((b) => b.Name === name)) return { state: 'unknown', detail: `the bucket is in ${account}, but HeadBucket was refused: grant s3:ListBucket on it to the role doctor uses` };
    return { state: 'taken', detail: `the name belongs to another account (HeadBucket with expected owner ${account}: 403, and ${account} does not list it): pick another \`name\`` };
  } catch (err) {
    if (isDenied(err)) return { state: 'unknown', detail: `HeadBucket answered 403: another account owns the name, or the role lacks s3:ListBucket; s3:ListAllMyBuckets (refused too) would tell them apart` };
    return { state: 'unknown', detail: whyNot(err, 's3:ListAllMyBuckets') };
  }
}

/** An existing bucket of ours that the blueprint does not adopt: fine when this blueprint created it. */
async function ownBucket(ctx: DoctorContext, s3: S3Client, e: ExpectedBucket, subject: string): Promise<void> {
  const tags = await attempt(ctx, CHECK, subject, 's3:GetBucketTagging', async () => {
    try {
      return (await s3.send(new GetBucketTaggingCommand({ Bucket: e.bucket.name, ExpectedBucketOwner: e.account }))).TagSet ?? [];
    } catch (err) {
      if (errorName(err) === 'NoSuchTagSet') return [];
      throw err;
    }
  });
  if (!tags) return;
  const mine = tags.some((t) => t.Key === 'lustreform:blueprint' && t.Value === ctx.model.name);
  if (mine) ctx.add(CHECK, subject, 'ok', `exists in ${e.account}, created by this blueprint (tag lustreform:blueprint=${ctx.model.name})`);
  else ctx.add(CHECK, subject, 'warn', `already exists in ${e.account} without this blueprint's tags: creating it would fail (BucketAlreadyOwnedByYou); set adopt: true, import it into the storage stack, or pick another name`);
}

/** An adopted bucket: versioned when replicated, no replication configuration we would replace, notifications FSx would collide with. */
async function adopted(ctx: DoctorContext, s3: S3Client, e: ExpectedBucket, subject: string): Promise<void> {
  const Bucket = e.bucket.name;
  const ExpectedBucketOwner = e.account;
  if (e.replicated) {
    const got = await attempt(ctx, 'adopted bucket versioned', subject, 's3:GetBucketVersioning', async () => ({ status: (await s3.send(new GetBucketVersioningCommand({ Bucket, ExpectedBucketOwner }))).Status }));
    if (got) {
      const { status } = got;
      ctx.add('adopted bucket versioned', subject, status === 'Enabled' ? 'ok' : 'fail', status === 'Enabled' ? 'versioning Enabled, as replication needs' : `versioning is ${status ?? 'off (never enabled)'}: replication needs it Enabled, and lustreform does not configure adopted buckets; enable it`);
    }
  }
  if (e.replicationRoleArn) {
    const existing = await attempt(ctx, 'adopted bucket replication', subject, 's3:GetReplicationConfiguration', async () => {
      try {
        return (await s3.send(new GetBucketReplicationCommand({ Bucket, ExpectedBucketOwner }))).ReplicationConfiguration ?? null;
      } catch (err) {
        if (errorName(err) === 'ReplicationConfigurationNotFoundError') return null;
        throw err;
      }
    });
    if (existing === null) ctx.add('adopted bucket replication', subject, 'ok', 'no replication configuration yet: the replication stack writes one');
    else if (existing) {
      const rules = (existing.Rules ?? []).map((r) => r.ID ?? '(no id)').join(', ') || 'no rules';
      if (existing.Role === e.replicationRoleArn) ctx.add('adopted bucket replication', subject, 'ok', `configured by lustreform (role ${existing.Role}; rules ${rules})`);
      else ctx.add('adopted bucket replication', subject, 'fail', `has a replication configuration (role ${existing.Role ?? '?'}; rules ${rules}) that the replication stack would replace (S3 keeps one per bucket); move its rules into the blueprint's replication or drop them first`);
    }
  }
  if (e.autoImportPrefixes.length) {
    const config = await attempt(ctx, 'adopted bucket notifications', subject, 's3:GetBucketNotification', async () => s3.send(new GetBucketNotificationConfigurationCommand({ Bucket, ExpectedBucketOwner })));
    if (!config) return;
    const clashes = overlapping(config, e.autoImportPrefixes);
    if (!clashes.length) ctx.add('adopted bucket notifications', subject, 'ok', `no event notifications on the auto-import prefixes (${e.autoImportPrefixes.map(shown).join(', ')})`);
    else ctx.add('adopted bucket notifications', subject, 'warn', `event notifications on auto-import prefixes: ${clashes.join('; ')}. FSx adds its own for auto-import, and overlapping ones turn the repository MISCONFIGURED; unless these are FSx's own (an applied repository), remove them`);
  }
}

const shown = (prefix: string) => (prefix === '' ? '(whole bucket)' : prefix);

/** Topic/queue/function notifications whose key filter overlaps an auto-import prefix (EventBridge delivery does not clash). */
function overlapping(config: NotificationConfiguration, prefixes: string[]): string[] {
  const all = [
    ...(config.TopicConfigurations ?? []).map((c) => ({ id: c.Id, events: c.Events, filter: c.Filter })),
    ...(config.QueueConfigurations ?? []).map((c) => ({ id: c.Id, events: c.Events, filter: c.Filter })),
    ...(config.LambdaFunctionConfigurations ?? []).map((c) => ({ id: c.Id, events: c.Events, filter: c.Filter })),
  ];
  const out: string[] = [];
  for (const n of all) {
    const prefix = n.filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === 'prefix')?.Value ?? '';
    const hit = prefixes.find((p) => p.startsWith(prefix) || prefix.startsWith(p));
    if (hit !== undefined) out.push(`${n.id ?? '(no id)'} (${(n.events ?? []).join(', ')}) on ${shown(prefix)}`);
  }
  return out;
}

/** The S3 state backend: the bucket exists and is versioned (reached with the ambient credentials, as Terraform reaches it). */
export async function checkStateBackend(ctx: DoctorContext): Promise<void> {
  const { state } = ctx.expected;
  if (state.backend === 'cloud') {
    ctx.add('state backend', `Terraform Cloud ${state.organization ?? ''}`.trim(), 'skip', 'Terraform Cloud holds the state; doctor does not check it');
    return;
  }
  if (state.backend !== 's3' || !state.s3) return;
  const { bucket, region } = state.s3;
  const subject = `s3://${bucket}/${state.s3.keyPrefix}`;
  const s3 = ctx.ambient(region).s3;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404 || errorName(err) === 'NotFound') ctx.add('state backend', subject, 'fail', `the state bucket does not exist: create it (versioned, in ${region}) before the first apply`);
    else if (status === 403) ctx.add('state backend', subject, 'fail', `the state bucket is not reachable with these credentials (403): Terraform needs s3:ListBucket on it and s3:GetObject/PutObject on the state keys`);
    else ctx.add('state backend', subject, 'skip', whyNot(err, 's3:ListBucket (HeadBucket)'));
    return;
  }
  const got = await attempt(ctx, 'state backend', subject, 's3:GetBucketVersioning', async () => ({ status: (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status }));
  if (!got) return;
  const { status } = got;
  ctx.add('state backend', subject, status === 'Enabled' ? 'ok' : 'fail', status === 'Enabled' ? `exists in ${region}, versioned` : `exists, but versioning is ${status ?? 'off'}: turn it on, so an overwritten state file can be recovered`);
}
