/**
 * Topology queries over the model: where a repository's data lives in S3, which way edges
 * replicate, which copy of a bucket a site can read, which storage classes a bucket's objects reach.
 */
import type { ArchiveRestore, BackupPlan, Blueprint, Bucket, FileSystem, Recovery, ReplicationEdge, Repository, RestoreTesting, Site } from './model';
import { schemaDefault } from './schema';

/** `/a/b/` -> `/a/b`; `/` stays `/`. */
export const normalizeFsPath = (p: string): string => (p === '/' ? '/' : p.replace(/\/+$/, ''));

/** The S3 URI a repository links to: `s3://bucket/prefix/`. */
export const s3Uri = (r: Repository) => `s3://${r.bucket.name}/${r.prefix}`;

/** The directed (source, destination) pairs an edge replicates. */
export const directions = (e: ReplicationEdge): [Bucket, Bucket][] => (e.mode === 'two-way' ? [[e.from, e.to], [e.to, e.from]] : [[e.from, e.to]]);

/** One replication rule: a direction of an edge, from `source` to `destination`. */
export interface ReplicationDirection {
  edge: ReplicationEdge;
  source: Bucket;
  destination: Bucket;
}

/** Every direction the blueprint replicates out of `source` (two-way edges count both ways). */
export function directionsFrom(m: Blueprint, source: Bucket): ReplicationDirection[] {
  return m.replication.flatMap((edge) => directions(edge).filter(([s]) => s === source).map(([s, d]) => ({ edge, source: s, destination: d })));
}

/** Every direction the blueprint replicates into `destination`. */
export function directionsInto(m: Blueprint, destination: Bucket): ReplicationDirection[] {
  return m.replication.flatMap((edge) => directions(edge).filter(([, d]) => d === destination).map(([s, d]) => ({ edge, source: s, destination: d })));
}

/**
 * The copy of `bucket` a file system rebuilt at `site` uses: the bucket itself when it already
 * lives there (no edge), else its replica there with the edge that fills it.
 */
export function replicaAt(m: Blueprint, bucket: Bucket, site: Site): { replica: Bucket; edge?: ReplicationEdge } | undefined {
  if (bucket.site === site) return { replica: bucket };
  for (const e of m.replication) for (const [src, dst] of directions(e)) if (src === bucket && dst.site === site) return { replica: dst, edge: e };
  return undefined;
}

/** Storage classes objects of this bucket reach through its lifecycle or as replicas of other buckets. */
export function archiveClasses(m: Blueprint, bucket: Bucket): Set<string> {
  const classes = new Set<string>();
  for (const rule of bucket.lifecycle) for (const t of rule.transitions) classes.add(t.storageClass);
  for (const e of m.replication) for (const [, dst] of directions(e)) if (dst === bucket && e.storageClass) classes.add(e.storageClass);
  return classes;
}

/** The replicas a recovery entry's repositories read whose objects reach GLACIER or DEEP_ARCHIVE (a read needs a restore first). */
export function archivedReplicas(m: Blueprint, rec: Recovery): { repository: Repository; replica: Bucket; classes: string[] }[] {
  return rec.fileSystem.repositories.flatMap((r) => {
    const replica = replicaAt(m, r.bucket, rec.site)?.replica;
    const classes = replica ? [...archiveClasses(m, replica)].filter((c) => c === 'GLACIER' || c === 'DEEP_ARCHIVE') : [];
    return replica && replica !== r.bucket && classes.length ? [{ repository: r, replica, classes }] : [];
  });
}

/**
 * Every archive restore to deploy: the blueprint's entries, and one for each replica a recovery
 * file system reads whose objects reach GLACIER or DEEP_ARCHIVE (else its first reads after a
 * failover fail), at the recovery site, with the tier, days and addresses of the source's entry
 * (the schema's defaults and no addresses when the source has none). Deployed with the site's
 * protection stack in normal times, so it is in place before a failover. Here, not in plan,
 * because rules count them too (RST006: what one trail per site can select).
 */
export function archiveRestoreEntries(m: Blueprint): ArchiveRestore[] {
  const entries = [...m.archiveRestore];
  for (const rec of m.recovery) {
    for (const { repository: r, replica } of archivedReplicas(m, rec)) {
      if (entries.some((e) => e.bucket === replica && r.prefix.startsWith(e.prefix))) continue;
      const source = m.archiveRestore.find((e) => e.bucket === r.bucket && r.prefix.startsWith(e.prefix));
      entries.push({
        path: rec.path,
        bucket: replica,
        prefix: r.prefix,
        tier: source?.tier ?? schemaDefault<ArchiveRestore['tier']>('archiveRestore', 'tier'),
        days: source?.days ?? schemaDefault<number>('archiveRestore', 'days'),
        notify: source?.notify ?? [],
        logRetentionDays: source?.logRetentionDays ?? schemaDefault<number>('archiveRestore', 'logRetentionDays'),
        tracing: source?.tracing ?? schemaDefault<ArchiveRestore['tracing']>('archiveRestore', 'tracing'),
      });
    }
  }
  return entries;
}

/**
 * Why the state backend would stop a failover to `target`, or undefined: S3 state in the region of
 * a site the failover must survive (a site whose file systems `target` rebuilds). State in the
 * recovery region or a third region is fine; Terraform Cloud is not in any site's region.
 */
export function stateBlocksFailover(m: Blueprint, target: Site): string | undefined {
  const s3 = m.state.backend === 's3' ? m.state.s3 : undefined;
  if (!s3 || s3.region === target.region) return undefined;
  const lost = [...new Set(m.recovery.filter((r) => r.site === target).map((r) => r.fileSystem.site))].filter((site) => site.region === s3.region);
  if (!lost.length) return undefined;
  return `the state bucket ${s3.bucket} (state.s3) is in ${s3.region}, the region of ${lost.map((s) => `site '${s.key}'`).join(' and ')} that a failover to '${target.key}' (${target.region}) must survive: with ${s3.region} down, terraform can neither read nor lock the recovery stacks' state. Keep state in ${target.region} or a third region, or use backend: cloud`;
}

/** Who reads a bucket through FSx: each file system with a repository on it, and each recovery copy whose repository's replica it is. */
export interface BucketReader {
  fileSystem: FileSystem;
  /** Where the reading file system runs: its own site, or the recovery site for a rebuilt copy. */
  site: Site;
  recovery?: Recovery;
}

export function bucketReaders(m: Blueprint, bucket: Bucket): BucketReader[] {
  const out: BucketReader[] = [];
  for (const fs of m.fileSystems.values()) if (fs.repositories.some((r) => r.bucket === bucket)) out.push({ fileSystem: fs, site: fs.site });
  for (const rec of m.recovery) if (rec.fileSystem.repositories.some((r) => replicaAt(m, r.bucket, rec.site)?.replica === bucket)) out.push({ fileSystem: rec.fileSystem, site: rec.site, recovery: rec });
  return out;
}

/** A backup plan with restore testing. */
export type TestedPlan = BackupPlan & { restoreTesting: RestoreTesting };

/** The plans with `restoreTesting`, in blueprint order. */
export const testedPlans = (m: Blueprint): TestedPlan[] => [...m.backupPlans.values()].filter((p): p is TestedPlan => !!p.restoreTesting);

/**
 * Where a plan's restore tests restore: the blueprint's `restoreTesting.network`, else the network
 * of the first recovery entry of one of the plan's file systems at the tested site that names
 * existing security groups (a group lustreform would create exists only once the standby is
 * deployed). Undefined: none (PLN014 says so).
 */
export function restoreTestNetwork(m: Blueprint, plan: BackupPlan): { subnetId: string; securityGroupIds: string[] } | undefined {
  const rt = plan.restoreTesting;
  if (!rt) return undefined;
  if (rt.network) return rt.network;
  const rec = m.recovery.find((r) => r.site === rt.site && plan.fileSystems.includes(r.fileSystem) && r.network.securityGroupIds?.length);
  return rec ? { subnetId: rec.network.subnetId, securityGroupIds: rec.network.securityGroupIds! } : undefined;
}
