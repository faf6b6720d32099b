/**
 * `lustreform runbook`: the disaster-recovery runbook of a blueprint, for an on-call engineer at
 * 3 a.m.: what each path can lose (RPO) and how long it takes to come back (RTO), the exact
 * commands for failover and failback, what data is at risk, and what `verify` checks.
 */
import { isScratch, type Blueprint, type FileSystem, type Recovery, type Repository } from '../blueprint/model';
import { restoreTime } from '../aws/s3';
import { failoverDeploy } from '../plan/failover';
import { ALARM_KINDS } from '../plan/monitoring';
import { planBlueprint, plannedAlarms, stacksOf } from '../plan/plan';
import type { AlarmKind, Plan } from '../plan/types';
import { expectedIntervalHours } from '../aws/cron';
import { archiveClasses, archivedReplicas, replicaAt, s3Uri } from '../blueprint/topology';
import { schemaDefault } from '../blueprint/schema';
import { COPY_LAG_HOURS } from '../plan/recovery';
import { cdkCli } from '../stacks/cdk-cli';

const RTO_COLD = 'file system creation (typically 10-30 minutes), then the metadata import; contents load on first read, or with hydrate';
const RTO_WARM = 'minutes: the standby runs already; remount clients and import what changed';
const RTO_BACKUP = 'the restore of the backup copy into a new file system (typically 10-60 minutes, longer for large ones); its data is whole at once, as of the backup';

/** How long a recovery file system takes to serve again, with what its archived replicas add. */
function recoveryRto(m: Blueprint, plan: Plan, rec: Recovery): string {
  if (!rec.fileSystem.repositories.length) return RTO_BACKUP;
  const base = rec.standby === 'warm' ? RTO_WARM : RTO_COLD;
  const archived = archivedReplicas(m, rec);
  if (!archived.length) return base;
  const restores = stacksOf(plan, 'protection').flatMap((p) => p.archiveRestore);
  const tier = restores.find((e) => archived.some((x) => x.replica.key === e.bucketKey))?.tier ?? schemaDefault<string>('archiveRestore', 'tier');
  const deep = archived.some((x) => x.classes.includes('DEEP_ARCHIVE'));
  return `${base}; archived objects (${[...new Set(archived.flatMap((x) => x.classes))].join(', ')} in ${[...new Set(archived.map((x) => x.replica.key))].join(', ')}) read only after a restore: ${restoreTime(tier, deep)} (${tier}), started by the archive restore at ${rec.site.key} on first read`;
}

/** What a repository rebuilt at `rec.site` can have lost, in words. */
export function repositoryRpo(m: Blueprint, r: Repository, rec: Recovery): string {
  const found = replicaAt(m, r.bucket, rec.site);
  if (!found) return 'no replica: not recoverable there';
  if (!found.edge) return 'none: the bucket lives at the recovery site';
  const e = found.edge;
  const lag = e.replicationTime ? '15 minutes (S3 Replication Time Control: 99.99% of objects)' : 'usually minutes, no guarantee (no Replication Time Control)';
  const existing =
    e.existingObjects === 'batch'
      ? '; objects older than the replication rule once `lustreform replicate-existing` has run (existingObjects: batch)'
      : '; objects older than the replication rule are not replicated (existingObjects: none): copy them once, or set existingObjects: batch and run `lustreform replicate-existing`';
  return `${lag}${existing}`;
}

function backupRpo(m: Blueprint, fs: FileSystem, site: string): string | undefined {
  const plan = [...m.backupPlans.values()].find((p) => p.fileSystems.includes(fs) && p.copyTo.some((c) => c.site.key === site));
  return plan ? `up to ${expectedIntervalHours(plan.schedule) + COPY_LAG_HOURS} hours (backup ${plan.schedule}, copy to ${site} within about ${COPY_LAG_HOURS} h)` : undefined;
}

/** The alarms table: each kind deployed, where, what it means and what to do first (commands with this blueprint). */
function alarmSection(m: Blueprint, plan: Plan, file: string): string[] {
  if (!m.monitoring.enabled) return ['## When an alarm fires', '', 'Monitoring is off (`monitoring: { enabled: false }`): nothing alarms. Turn it on to be told when replication fails, an export backlog grows, a file system fills up or backups stop.', ''];
  const alarms = plannedAlarms(plan);
  const rows = (Object.keys(ALARM_KINDS) as AlarmKind[]).flatMap((kind) => {
    const mine = alarms.filter((a) => a.alarm.kind === kind);
    if (!mine.length) return [];
    const where = [...new Set(mine.map((a) => `${a.site.key}${a.region === a.site.region ? '' : ` (${a.region})`}`))].join(', ');
    const { means, first } = ALARM_KINDS[kind];
    return [`| \`${kind}\` (${mine.length}) | ${where} | ${means} | ${first.replace(/<blueprint>/g, file)} |`];
  });
  const backups = stacksOf(plan, 'protection').some((s) => s.backupEvents.length);
  return [
    '## When an alarm fires',
    '',
    `Alarms (named \`<blueprint>-<site>-<what>-<kind>\`) notify the site's alarm topic \`${m.name}-<site>-alarms\`${m.monitoring.notify.length ? ` (subscribed: ${m.monitoring.notify.join(', ')})` : ''}. \`${cmd(file, 'verify -b <file>')}\` lists every alarm in ALARM.`,
    '',
    '| alarm | at | what it means | what to do first |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(backups ? [`| backup or copy job failed (event) | ${[...new Set(stacksOf(plan, 'protection').filter((s) => s.backupEvents.length).map((s) => s.site.key))].join(', ')} | AWS Backup ended a job FAILED, ABORTED, EXPIRED or PARTIAL; the e-mail carries its statusMessage | copies across accounts fail when the accounts are not in one AWS Organization with cross-account backup enabled, or the destination vault or key does not admit the source (\`${cmd(file, 'doctor -b <file>')}\` checks both); otherwise read the job in AWS Backup |`] : []),
    '',
  ];
}

const cmd = (file: string, line: string) => `npx lustreform ${line.replace('<file>', file)}`;

export function runbookMarkdown(m: Blueprint, file: string): string {
  const plan = planBlueprint(m);
  const out: string[] = [`# Disaster-recovery runbook: ${m.name}`, '', `Generated by \`lustreform runbook -b ${file}\` from the blueprint; regenerate it whenever the blueprint changes.`, ''];
  const primarySites = [...new Set([...m.fileSystems.values()].map((f) => f.site.key))];
  out.push('## At a glance', '', '| file system | runs at | recovers to | standby | rebuilt from | RPO (data that can be lost) | RTO (time to serve again) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const rec of m.recovery) {
    const fs = rec.fileSystem;
    const from = fs.repositories.length ? 'replicas in S3' : 'AWS Backup copy';
    // One line per repository, each naming its path.
    const rpo = fs.repositories.length ? fs.repositories.map((r) => `${r.fileSystemPath}: ${repositoryRpo(m, r, rec)}`).join('<br>') : (backupRpo(m, fs, rec.site.key) ?? 'everything: no copy at that site');
    out.push(`| ${fs.key} | ${fs.site.key} (${fs.site.region}) | ${rec.site.key} (${rec.site.region}) | ${rec.standby} | ${from} | ${rpo} | ${recoveryRto(m, plan, rec)} |`);
  }
  for (const fs of m.fileSystems.values()) if (!m.recovery.some((r) => r.fileSystem === fs)) out.push(`| ${fs.key} | ${fs.site.key} (${fs.site.region}) | - | - | - | not recovered at another site | - |`);
  out.push('');

  out.push('## Recovery point of every repository', '', '| file system | path | reads | at the recovery site | RPO |', '| --- | --- | --- | --- | --- |');
  for (const rec of m.recovery) {
    for (const r of rec.fileSystem.repositories) {
      const found = replicaAt(m, r.bucket, rec.site);
      out.push(`| ${rec.fileSystem.key} | ${r.fileSystemPath} | ${s3Uri(r)} | ${found ? `s3://${found.replica.name}/${r.prefix}` : 'none'} | ${repositoryRpo(m, r, rec)} |`);
    }
  }
  out.push('');

  out.push('## Data at risk', '');
  const risks: string[] = [];
  for (const fs of m.fileSystems.values()) {
    if (!m.recovery.some((r) => r.fileSystem === fs)) risks.push(`**${fs.key}** has no recovery entry: if ${fs.site.key} is lost, it is rebuilt nowhere${fs.repositories.length ? ' (its S3 data survives in its buckets)' : ''}.`);
    for (const r of fs.repositories.filter((x) => x.purpose !== 'input' && x.autoExport.length === 0)) {
      risks.push(`**${fs.key}** ${r.fileSystemPath} (${r.purpose}) has no auto-export: what is written there reaches ${r.bucket.key}, and its replicas, only when \`lustreform export\` runs; until then losing ${fs.site.key} loses it.`);
    }
    if (isScratch(fs)) {
      for (const r of fs.repositories.filter((x) => x.purpose !== 'input' && x.autoExport.length > 0)) risks.push(`**${fs.key}** is ${fs.deploymentType} (no replication inside the file system): changes under ${r.fileSystemPath} not yet auto-exported when a server fails are lost (usually seconds of writes).`);
      const unlinked = fs.repositories.length === 0;
      if (unlinked) risks.push(`**${fs.key}** is ${fs.deploymentType} with no repository: everything on it is lost with a server.`);
    }
    for (const r of fs.repositories) {
      const cls = archiveClasses(m, r.bucket);
      if (cls.has('GLACIER') || cls.has('DEEP_ARCHIVE')) risks.push(`bucket **${r.bucket.key}** moves objects to ${[...cls].filter((c) => c === 'GLACIER' || c === 'DEEP_ARCHIVE').join('/')}: objects already archived at the source are not replicated, and archived objects must be restored before a rebuilt file system can read them (\`import --restore-archived\`).`);
    }
  }
  for (const rec of m.recovery) {
    for (const r of rec.fileSystem.repositories.filter((x) => x.purpose !== 'input')) {
      const e = replicaAt(m, r.bucket, rec.site)?.edge;
      if (e && e.mode === 'one-way') risks.push(`results written at **${rec.site.key}** into ${r.fileSystemPath} do not flow back to ${r.bucket.key}: copy them back before failback (the edge is one-way).`);
    }
  }
  out.push(...(risks.length ? [...new Set(risks)].map((r) => `- ${r}`) : ['- Nothing beyond the RPOs above.']), '');

  for (const site of [...new Set(m.recovery.map((r) => r.site))]) {
    const entries = m.recovery.filter((r) => r.site === site);
    // What a failover deploys there: the site's stacks as planned with its standbys active.
    const activated = planBlueprint(m, { activation: { site: site.key, fileSystems: entries.map((e) => e.fileSystem.key) } });
    const deploy = failoverDeploy(activated.stacks, site).map((p) => p.name);
    const lustre = deploy[deploy.length - 1];
    const vault = stacksOf(activated, 'storage').find((p) => p.site === site)?.vault?.name;
    const fromBackup = entries.filter((e) => !e.fileSystem.repositories.length);
    const fsList = entries.map((e) => e.fileSystem.key).join(',');
    const backupArgs = fromBackup.map((e) => ` --from-backup ${e.fileSystem.key}=<backup id>`).join('');
    const failoverArgs = `${entries.map((e) => ` --file-system ${e.fileSystem.key}`).join('')}${backupArgs}`;
    // What failover prints: every later cdktf (or cdktn) command of this failover, failback included, carries it.
    const failoverEnv = `LUSTREFORM_BLUEPRINT=${file} LUSTREFORM_FAILOVER=${site.key}:${fsList}${fromBackup.length ? ` LUSTREFORM_FROM_BACKUP=${fromBackup.map((e) => `${e.fileSystem.key}=<backup id>`).join(',')}` : ''}`;
    out.push(`## Failover to ${site.key} (${site.account ? `account ${site.account.id}, ` : ''}${site.region})`, '');
    out.push('1. Check that recovery would work: replicas present, versioned, replicated into; backup copies recent.', '', '   ```sh', `   ${cmd(file, `verify -b <file> --recovery --site ${site.key}`)}`, '   ```');
    if (fromBackup.length) {
      out.push(`2. Find the newest backup copy of ${fromBackup.map((e) => e.fileSystem.key).join(', ')} in the vault \`${vault}\`:`, '', '   ```sh', `   aws backup list-recovery-points-by-backup-vault --backup-vault-name ${vault} --by-resource-type FSx --region ${site.region}`, '   ```', `   A restore needs the same deployment type, storage capacity, throughput, Lustre version and compression as the original: ${fromBackup.map((e) => `${e.fileSystem.key}: ${e.fileSystem.deploymentType}, ${e.fileSystem.storageCapacity ?? 'elastic'} GiB, ${e.fileSystem.throughput ?? '-'} MB/s/TiB, Lustre ${e.fileSystem.lustreVersion}, ${e.fileSystem.compression}`).join('; ')}. lustreform keeps them so.`);
    }
    out.push(`${fromBackup.length ? 3 : 2}. Check the site stands alone and write the stacks with the standbys active (it prints the next commands):`, '', '   ```sh', `   ${cmd(file, `failover -b <file> --to ${site.key}${failoverArgs}`)}`, '   ```');
    out.push(`${fromBackup.length ? 4 : 3}. Deploy the recovery site:`, '', '   ```sh', `   ${failoverEnv} npx ${cdkCli().command} deploy ${deploy.join(' ')}`, '   ```');
    out.push(`${fromBackup.length ? 5 : 4}. Import metadata, mount, load contents where preload asks, and check:`, '', '   ```sh', `   ${cmd(file, `import -b <file> --site ${site.key} --wait --restore-archived`)}`, `   # on each client: the <file system>_mount_command output of ${lustre}`);
    for (const e of entries.filter((x) => x.fileSystem.repositories.some((r) => r.preload === 'content'))) out.push(`   ${cmd(file, `hydrate -b <file> --file-system ${e.fileSystem.key} --mount /mnt/${e.fileSystem.key}`)}`);
    out.push(`   ${cmd(file, `verify -b <file> --site ${site.key}`)}`, '   ```', '');

    const primaries = [...new Set(entries.map((e) => e.fileSystem.site))];
    out.push(`## Failback from ${site.key}`, '');
    out.push(`1. Stop the writers at ${site.key} and flush what the rebuilt file systems wrote:`, '', '   ```sh', `   ${cmd(file, `export -b <file> --site ${site.key} --wait`)}`, '   ```');
    out.push(`2. Make sure results reached the primary buckets: two-way edges carry them back; for one-way edges copy them back (\`aws s3 sync\`) before going on. Then check the primary:`, '', '   ```sh');
    for (const p of primaries) out.push(`   ${cmd(file, `verify -b <file> --site ${p.key}`)}`);
    out.push('   ```');
    out.push(`3. Remove the recovery file systems (with the failover variables exactly as at failover; LUSTREFORM_UNPROTECT=1 lifts their prevent_destroy for this one command), then deploy normally:`, '', '   ```sh', `   ${failoverEnv} LUSTREFORM_UNPROTECT=1 npx ${cdkCli().command} destroy ${lustre}`, `   LUSTREFORM_BLUEPRINT=${file} npx ${cdkCli().command} deploy '*'`, '   ```');
    out.push('4. Import at the primary and check:', '', '   ```sh');
    for (const p of primaries) out.push(`   ${cmd(file, `import -b <file> --site ${p.key} --wait`)}`, `   ${cmd(file, `verify -b <file> --site ${p.key}`)}`);
    out.push('   ```', '');
  }
  if (!m.recovery.length) out.push('## Failover', '', 'This blueprint has no `recovery` entries: nothing is rebuilt at another site. Add one per file system that must survive the loss of its site.', '');

  out.push(...alarmSection(m, plan, file));
  out.push('## What verify checks', '', '- `verify`: every file system found and AVAILABLE; every repository linked as the blueprint says (S3 path, events) and AVAILABLE; the last import and export task not failed; at least 10% free capacity; no alarm in ALARM and none missing; with `--mount`, nothing still `released`.', '- `verify --recovery`: each recovery repository\'s replica bucket exists and is versioned, its source bucket replicates into it, and backup copies at recovery sites are recent (one schedule interval plus a day).', '');
  out.push(`Sites running file systems: ${primarySites.join(', ') || 'none'}.`, '');
  return out.join('\n');
}
