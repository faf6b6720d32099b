/**
 * What exists where, decided once for the stacks (which render it) and the runner (which finds it):
 * the buckets that replicate, the sites with a backup vault and their plans, the batch sources.
 */
import type { BackupPlan, Blueprint, Bucket, Site } from '../blueprint/model';
import { directionsFrom } from '../blueprint/topology';

/** Buckets of `site` that replicate somewhere (each gets a replication role and configuration). */
export const replicatingBuckets = (m: Blueprint, site: Site): Bucket[] => [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).length > 0);

export const plansAt = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.site === site);
export const plansCopyingInto = (m: Blueprint, site: Site): BackupPlan[] => [...m.backupPlans.values()].filter((p) => p.copyTo.some((c) => c.site === site));
/** Whether `site` has a backup vault: it runs a plan or receives copies. */
export const hasVault = (m: Blueprint, site: Site): boolean => plansAt(m, site).length > 0 || plansCopyingInto(m, site).length > 0;

/** Source buckets of `site` with at least one edge asking for `existingObjects: batch`. */
export const batchSources = (m: Blueprint, site: Site): Bucket[] =>
  [...m.buckets.values()].filter((b) => b.site === site && directionsFrom(m, b).some((d) => d.edge.existingObjects === 'batch'));
