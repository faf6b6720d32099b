/**
 * What exists where, decided once for the stacks (which render it) and the runner (which finds it):
 * the buckets that replicate, the sites with a backup vault and their plans, the batch sources.
 */
import type { ArchiveRestore, BackupPlan, Blueprint, Bucket, Site } from '../blueprint/model';
import { archivedReplicas, directionsFrom } from '../blueprint/topology';

/** Buckets of `site` that replicate somewhere (each gets a replication role and configuration). */
export const replicatingBuckets = (m: Blueprint, site: Site): Bucket[] => [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).length > 0);

export const plansAt = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.site === site);
export const plansCopyingInto = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.copyTo.some((c) => c.site === site));
/** Whether `site` has a backup vault: it runs a plan or receives copies. */
export const hasVault = (m: Blueprint, site: Site): boolean => plansAt(m, site).length > 0 || plansCopyingInto(m, site).length > 0;

/** Source buckets of `site` with at least one edge asking for `existingObjects: batch`. */
export const batchSources = (m: Blueprint, site: Site): Bucket[] =>
  [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).some((d) => d.edge.existingObjects === 'batch'));

/**
 * Every archive restore to deploy: the blueprint's entries, and one for each replica a recovery
 * file system reads whose objects reach GLACIER or DEEP_ARCHIVE (else its first reads after a
 * failover fail), at the recovery site, with the tier, days and addresses of the source's entry
 * (Standard, 7 days, none when the source has none). Deployed with the site's protection stack in
 * normal times, so it is in place before a failover.
 */
export function archiveRestoreEntries(m: Blueprint): ArchiveRestore[] {
  const entries = [...m.archiveRestore];
  for (const rec of m.recovery) {
    for (const { repository: r, replica } of archivedReplicas(m, rec)) {
      if (entries.some((e) => e.bucket === replica && r.prefix.startsWith(e.prefix))) continue;
      const source = m.archiveRestore.find((e) => e.bucket === r.bucket && r.prefix.startsWith(e.prefix));
      entries.push({ path: rec.path, bucket: replica, prefix: r.prefix, tier: source?.tier ?? 'Standard', days: source?.days ?? 7, notify: source?.notify ?? [] });
    }
  }
  return entries;
}
