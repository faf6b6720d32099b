/**
 * Disaster recovery in the plan: which recovery file systems exist (warm standbys always, cold
 * ones only when a failover activates them), and what each is: the original's settings at the
 * recovery site, on its network, reading the replicas there.
 */
import { isScratch, type Blueprint, type FileSystem, type Recovery } from '../blueprint/model';
import { replicaAt } from '../blueprint/topology';

/** A failover: the site taking over, optionally only some file systems, optionally from backups. */
export interface Activation {
  site: string;
  /** File system keys; undefined: every recovery entry of the site. */
  fileSystems?: string[];
  /** File system key -> AWS Backup / FSx backup id to restore it from (a copy at the site). */
  fromBackup?: Record<string, string>;
  /**
   * A drill (LUSTREFORM_DRILL=1): the cold standbys are rebuilt while the primary runs, to rehearse
   * the failover, and their repositories import only: no automatic export, so nothing a drill writes
   * reaches the replicas (a two-way edge would carry it home to production). Their file systems
   * carry the tag `lustreform:drill=true` and no prevent_destroy, and `lustreform export` refuses them.
   */
  drill?: boolean;
}

export interface RecoveryCopy {
  entry: Recovery;
  fileSystem: FileSystem;
  backupId?: string;
  /** Rebuilt for a drill: repositories import only (see Activation.drill). */
  drill: boolean;
}

const activated = (rec: Recovery, a?: Activation) => !!a && a.site === rec.site.key && (!a.fileSystems || a.fileSystems.includes(rec.fileSystem.key));

/** The recovery file systems to deploy: warm standbys, and cold ones the activation names. */
export function deployedRecoveries(m: Blueprint, activation?: Activation): RecoveryCopy[] {
  return m.recovery
    .filter((rec) => rec.standby === 'warm' || activated(rec, activation))
    .map((entry) => {
      const on = activated(entry, activation);
      const drill = on && !!activation?.drill && entry.standby === 'cold';
      const fileSystem = recoveredFileSystem(m, entry);
      return {
        entry,
        // A drill copy is made to be torn down the same day: not protected (no prevent_destroy).
        fileSystem: drill ? { ...fileSystem, protect: false, repositories: fileSystem.repositories.map((r) => ({ ...r, autoExport: [] })) } : fileSystem,
        backupId: on ? activation?.fromBackup?.[entry.fileSystem.key] : undefined,
        drill,
      };
    });
}

/**
 * The file system a recovery entry rebuilds: same type, capacity, throughput, version and
 * compression (what a restore from backup requires too), at the recovery site on its network,
 * with every repository reading the replica of its bucket there, same paths and policies (an
 * export-only repository exports to the replica). Nothing of the primary: not its buckets, not its
 * KMS key (the entry's own, or the AWS managed key).
 */
export function recoveredFileSystem(m: Blueprint, rec: Recovery): FileSystem {
  const fs = rec.fileSystem;
  return {
    ...fs,
    site: rec.site,
    path: rec.path,
    network: rec.network,
    kmsKeyArn: isScratch(fs) ? undefined : rec.kmsKeyArn,
    repositories: fs.repositories.map((r) => ({ ...r, bucket: replicaAt(m, r.bucket, rec.site)?.replica ?? r.bucket })),
  };
}

