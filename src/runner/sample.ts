/**
 * `verify --mount DIR --sample N`: reads back N files of each repository through a Lustre client
 * and compares them with their S3 objects (size and SHA-256 of the whole content, both read in
 * full). It is the proof of a drill or a failover that the rebuilt file system serves what S3
 * holds: a first read on Lustre loads the file from the repository (lazy load), so a wrong
 * repository path, a key policy that refuses FSx, or a missing import shows as a mismatch or an
 * unreadable file.
 *
 * Which files: the first 1000 keys of the repository's prefix (ListObjectsV2, one page), without
 * "directory" keys (ending in `/`) and without objects in S3 Glacier Flexible Retrieval or Deep
 * Archive (they cannot be read before a restore: FSx returns an error, S3 InvalidObjectState),
 * spread evenly over that listing, so the same files are read on every run.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SiteClients } from './aws';
import type { Check } from './checks';
import type { LiveFileSystem } from './discover';

const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** `count` items spread evenly over `items`, first and last included. */
export function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  if (count <= 1) return items.slice(0, count);
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]);
}

async function digest(stream: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** One check per repository of `live`: `count` files read on the mount at `mount` match their S3 objects. */
export async function sampleRepositories(live: LiveFileSystem, s3: SiteClients['s3'], mount: string, count: number): Promise<Check[]> {
  const checks: Check[] = [];
  for (const { repository: r } of live.repositories) {
    const subject = `${live.site.key}/${live.fs.key} (${live.id}) ${r.fileSystemPath}`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: r.bucket.name, Prefix: r.prefix, MaxKeys: 1000 }));
    const objects = (listed.Contents ?? []).filter((o) => o.Key && !o.Key.endsWith('/'));
    const readable = objects.filter((o) => !ARCHIVED.has(o.StorageClass ?? 'STANDARD'));
    const chosen = spread(readable, count);
    if (!chosen.length) {
      checks.push({ check: 'sample matches S3', subject, result: 'skip', detail: objects.length ? `all ${objects.length} objects under s3://${r.bucket.name}/${r.prefix} are archived (restore them first)` : `no objects under s3://${r.bucket.name}/${r.prefix}` });
      continue;
    }
    const bad: string[] = [];
    for (const o of chosen) {
      const relative = o.Key!.slice(r.prefix.length);
      const local = join(mount, r.fileSystemPath, relative);
      const remote = await s3.send(new GetObjectCommand({ Bucket: r.bucket.name, Key: o.Key! }));
      const want = await digest(remote.Body as AsyncIterable<Uint8Array>);
      let got: { size: number; sha256: string };
      try {
        got = await digest(createReadStream(local));
      } catch (err) {
        bad.push(`${join(r.fileSystemPath, relative)}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        continue;
      }
      if (got.size !== want.size) bad.push(`${join(r.fileSystemPath, relative)}: ${got.size} bytes, S3 has ${want.size}`);
      else if (got.sha256 !== want.sha256) bad.push(`${join(r.fileSystemPath, relative)}: content differs from s3://${r.bucket.name}/${o.Key}`);
    }
    const skipped = objects.length - readable.length;
    const note = skipped ? `; ${skipped} archived objects not sampled` : '';
    checks.push({
      check: 'sample matches S3',
      subject,
      result: bad.length ? 'fail' : 'ok',
      detail: bad.length ? `${bad.length} of ${chosen.length} files differ: ${bad.slice(0, 3).join('; ')}${bad.length > 3 ? '; ...' : ''}${note}` : `${chosen.length} files read on the mount match s3://${r.bucket.name}/${r.prefix} (size and SHA-256)${note}`,
    });
  }
  return checks;
}
