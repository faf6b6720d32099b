import type { Blueprint, Recovery, Repository } from '../blueprint/model';
import { restoreTime } from '../aws/s3';
import { schemaDefault } from '../blueprint/schema';
import { archivedReplicas, replicaAt } from '../blueprint/topology';
import { hit, type Rule, type RuleHit } from './rule';

const perRepo = (check: (r: Repository, rec: Recovery, m: Blueprint) => RuleHit[]) => (m: Blueprint) =>
  m.recovery.filter((rec) => rec.site !== rec.fileSystem.site).flatMap((rec) => rec.fileSystem.repositories.flatMap((r) => check(r, rec, m)));

export const recoveryRules: Rule[] = [
  {
    id: 'REC001',
    severity: 'error',
    summary: 'A recovery entry rebuilds a file system at the site it already runs in.',
    check: (m) =>
      m.recovery.filter((r) => r.site === r.fileSystem.site).map((r) => hit([...r.path, 'site'], `'${r.fileSystem.key}' already runs at '${r.site.key}'; recovery needs another site (other region or account)`)),
  },
  {
    id: 'REC002',
    severity: 'error',
    summary: 'A repository of a recovered file system has no replica of its bucket at the recovery site.',
    check: perRepo((r, rec, m) =>
      replicaAt(m, r.bucket, rec.site)
        ? []
        : [hit([...rec.path, 'site'], `repository ${r.fileSystemPath} of '${rec.fileSystem.key}' reads bucket '${r.bucket.key}', which has no replica at site '${rec.site.key}'; add a replication edge from '${r.bucket.key}' to a bucket there`)],
    ),
  },
  {
    id: 'REC003',
    severity: 'error',
    summary: "The replication edge feeding a recovery replica filters out the repository's prefix.",
    check: perRepo((r, rec, m) => {
      const found = replicaAt(m, r.bucket, rec.site);
      return found?.edge && !r.prefix.startsWith(found.edge.prefix)
        ? [hit([...found.edge.path, 'prefix'], `this edge replicates only '${found.edge.prefix}', but repository ${r.fileSystemPath} of '${rec.fileSystem.key}' reads '${r.prefix}'; widen the prefix or the replica lacks its data`)]
        : [];
    }),
  },
  {
    id: 'REC004',
    severity: 'error',
    summary: 'The same file system is recovered twice at one site.',
    check: (m) =>
      m.recovery.flatMap((r, i) =>
        m.recovery.slice(0, i).some((o) => o.fileSystem === r.fileSystem && o.site === r.site) ? [hit(r.path, `'${r.fileSystem.key}' already has a recovery entry for site '${r.site.key}'`)] : [],
      ),
  },
  {
    id: 'REC005',
    severity: 'warning',
    summary: 'A recovered output/sync repository replicates one way only: results written after failover do not flow back for failback.',
    check: perRepo((r, rec, m) => {
      const found = replicaAt(m, r.bucket, rec.site);
      return found?.edge && r.purpose !== 'input' && found.edge.mode === 'one-way'
        ? [hit([...found.edge.path, 'mode'], `after failover '${rec.fileSystem.key}' writes to '${found.replica.key}', which does not replicate back to '${r.bucket.key}'; use mode: two-way or copy results back before failback`)]
        : [];
    }),
  },
  {
    id: 'REC006',
    severity: 'warning',
    summary: 'A recovered file system has no repositories and no backup copy at the recovery site: it would come up empty.',
    check: (m) =>
      m.recovery
        .filter((rec) => rec.site !== rec.fileSystem.site && rec.fileSystem.repositories.length === 0)
        .filter((rec) => ![...m.backupPlans.values()].some((p) => p.fileSystems.includes(rec.fileSystem) && p.copyTo.some((c) => c.site === rec.site)))
        .map((rec) => hit([...rec.path, 'fileSystem'], `'${rec.fileSystem.key}' reads no bucket and no backup plan copies it to '${rec.site.key}': the rebuilt file system would be empty`)),
  },
  {
    id: 'REC007',
    severity: 'error',
    summary: "A recovery entry's kmsKeyArn is not in the recovery site's region, or is given for a scratch file system.",
    check: (m) =>
      m.recovery.flatMap((rec) => {
        if (!rec.kmsKeyArn) return [];
        if (rec.fileSystem.deploymentType.startsWith('SCRATCH')) return [hit([...rec.path, 'kmsKeyArn'], `${rec.fileSystem.deploymentType} always uses the FSx service key; remove kmsKeyArn`)];
        const region = rec.kmsKeyArn.split(':')[3];
        return region === rec.site.region ? [] : [hit([...rec.path, 'kmsKeyArn'], `the key is in ${region}, the recovery site in ${rec.site.region}; the rebuilt file system needs a key of its own region`)];
      }),
  },
  {
    id: 'REC008',
    severity: 'warning',
    summary: 'A recovery file system reads a replica whose objects reach GLACIER or DEEP_ARCHIVE: reads fail until each object is restored (lustreform deploys archive restore at the recovery site for it).',
    check: (m) =>
      m.recovery.flatMap((rec) =>
        archivedReplicas(m, rec).map(({ repository: r, replica, classes }) => {
          // The tier of the restore deployed there: the source bucket's entry's, else the schema's default.
          const tier = m.archiveRestore.find((e) => e.bucket === r.bucket && r.prefix.startsWith(e.prefix))?.tier ?? schemaDefault<string>('archiveRestore', 'tier');
          return hit(
            rec.path,
            `'${rec.fileSystem.key}' rebuilt at '${rec.site.key}' reads ${r.fileSystemPath} from '${replica.key}', whose objects reach ${classes.join(' and ')}: each read of an archived object fails until S3 restores it (${restoreTime(tier, classes.includes('DEEP_ARCHIVE'))}, ${tier}). lustreform deploys archive restore for '${replica.key}' at '${rec.site.key}' (and the runbook counts the restore in the RTO); to avoid the wait, keep the replica out of archive classes`,
          );
        }),
      ),
  },
];
