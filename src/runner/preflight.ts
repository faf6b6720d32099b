/**
 * Checks before loading contents (`preload: content`): does the data fit the file system, and
 * which objects are archived (their metadata imports, their contents cannot load until S3
 * restores them). With --restore-archived, starts those restores at a bounded rate.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { HeadObjectCommand, paginateListObjectsV2, RestoreObjectCommand, type _Object } from '@aws-sdk/client-s3';
import type { Bucket } from '../blueprint/model';
import type { SiteClients } from './aws';
import type { LiveFileSystem } from './discover';
import { decide } from '../functions/archive-restore/decide';
import { pool } from './pool';
import { restoreTime } from '../aws/s3';
import { dimensionsOf, FSX_FREE_CAPACITY, FSX_PERIOD_SECONDS } from '../aws/metrics';

/** Room kept free on top of the data: 10%. */
export const HEADROOM = 0.1;
const GIB = 1024 ** 3;

export interface Listing {
  bytes: number;
  objects: number;
  /** Objects whose contents cannot load until restored, by class (GLACIER, DEEP_ARCHIVE, INTELLIGENT_TIERING/ARCHIVE_ACCESS, ...). */
  archived: { key: string; storageClass: string; restoring: boolean }[];
}

/** Lists a bucket prefix: total size, and the archived objects (Intelligent-Tiering ones looked at one by one). */
export async function listPrefix(s3: SiteClients['s3'], bucket: Bucket, prefix: string, concurrency = 16): Promise<Listing> {
  const listing: Listing = { bytes: 0, objects: 0, archived: [] };
  const tiering: _Object[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket.name, Prefix: prefix, OptionalObjectAttributes: ['RestoreStatus'] })) {
    for (const o of page.Contents ?? []) {
      listing.objects++;
      listing.bytes += o.Size ?? 0;
      const restored = o.RestoreStatus && !o.RestoreStatus.IsRestoreInProgress;
      if ((o.StorageClass === 'GLACIER' || o.StorageClass === 'DEEP_ARCHIVE') && !restored) listing.archived.push({ key: o.Key!, storageClass: o.StorageClass, restoring: !!o.RestoreStatus?.IsRestoreInProgress });
      if (o.StorageClass === 'INTELLIGENT_TIERING') tiering.push(o);
    }
  }
  await pool(tiering, concurrency, async (o) => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: o.Key! }));
    if (head.ArchiveStatus) listing.archived.push({ key: o.Key!, storageClass: `INTELLIGENT_TIERING/${head.ArchiveStatus}`, restoring: /ongoing-request="true"/.test(head.Restore ?? '') });
  });
  return listing;
}

/**
 * Free bytes of a file system: the newest FreeDataStorageCapacity `Sum` (all storage targets;
 * `Minimum` would be the fullest target's alone), or the whole capacity when the metric has no
 * data yet (a file system that was just created is empty).
 */
export async function freeBytes(cloudwatch: SiteClients['cloudwatch'], live: LiveFileSystem, now = new Date()): Promise<{ bytes: number; source: 'cloudwatch' | 'capacity' }> {
  const r = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - 3600_000),
      EndTime: now,
      MetricDataQueries: [{ Id: 'free', MetricStat: { Metric: { Namespace: FSX_FREE_CAPACITY.namespace, MetricName: FSX_FREE_CAPACITY.name, Dimensions: dimensionsOf(FSX_FREE_CAPACITY, { FileSystemId: live.id }) }, Period: FSX_PERIOD_SECONDS, Stat: FSX_FREE_CAPACITY.statistic } }],
    }),
  );
  const values = r.MetricDataResults?.[0]?.Values ?? [];
  return values.length ? { bytes: values[0], source: 'cloudwatch' } : { bytes: live.storageCapacity * GIB, source: 'capacity' };
}

export const fits = (needBytes: number, free: number): boolean => needBytes * (1 + HEADROOM) <= free;

/** When restores of objects of a class should be ready, by tier. */
export const readyWithin = (storageClass: string, tier: string): string => restoreTime(tier, storageClass.includes('DEEP_ARCHIVE'));

/**
 * Starts restores of archived objects at no more than `perSecond` requests a second. Objects
 * already restoring are left alone; RestoreAlreadyInProgress counts as started.
 */
export async function restoreArchived(s3: SiteClients['s3'], bucket: Bucket, listing: Listing, opts: { days: number; tier: 'Expedited' | 'Standard' | 'Bulk'; perSecond: number }): Promise<{ started: number; alreadyRestoring: number }> {
  let started = 0;
  let alreadyRestoring = 0;
  const interval = 1000 / opts.perSecond;
  let next = Date.now();
  for (const o of listing.archived) {
    if (o.restoring) {
      alreadyRestoring++;
      continue;
    }
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    next = Math.max(next, Date.now()) + interval;
    // The same decision as the archive-restore function: Days and Tier by class, no Expedited for Deep Archive.
    const [storageClass, archiveStatus] = o.storageClass.split('/');
    const decision = decide({ StorageClass: storageClass, ArchiveStatus: archiveStatus }, opts);
    if (decision.action !== 'restore') continue;
    try {
      await s3.send(new RestoreObjectCommand({ Bucket: bucket.name, Key: o.key, RestoreRequest: decision.request }));
      started++;
    } catch (err) {
      if ((err as Error).name !== 'RestoreAlreadyInProgress') throw err;
      alreadyRestoring++;
    }
  }
  return { started, alreadyRestoring };
}
