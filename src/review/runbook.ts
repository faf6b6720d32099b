/**
 * `lustreform runbook`: the disaster-recovery runbook of a blueprint, for an on-call engineer at
 * 3 a.m.: what each path can lose (RPO) and how long it takes to come back (RTO), the exact
 * commands for failover and failback, what data is at risk, and what `verify` checks; first, what
 * would stop a failover today; last per recovery site, a drill that rehearses it.
 *
 * Deletions: with deleteMarkers (the default) S3 replicates delete markers; a DELETE of a specific
 * version is never replicated (S3 User Guide, "Replicating delete markers between buckets": "If you
 * specify an object version ID to delete in a DELETE request, Amazon S3 deletes that object version
 * in the source bucket. But it doesn't replicate the deletion in the destination buckets").
 */
import { isScratch, type Blueprint, type FileSystem, type Recovery, type Repository } from '../blueprint/model';
import { restoreTime } from '../aws/s3';
import { failoverDeploy } from '../plan/failover';
import { ALARM_KINDS } from '../plan/monitoring';
import { planBlueprint, plannedAlarms, stacksOf } from '../plan/plan';
import type { AlarmKind, Plan } from '../plan/types';
import { expectedIntervalHours } from '../aws/cron';
import { archiveClasses, archivedReplicas, replicaAt, s3Uri, stateBlocksFailover } from '../blueprint/topology';
import { failoverProblems } from '../plan/failover';
import { fsxKeyStatement } from '../aws/fsx';
import { partitionOf } from '../aws/regions';
import { accountOf } from '../plan/arns';
import type { Bucket, Site } from '../blueprint/model';
import { schemaDefault } from '../blueprint/schema';
import { COPY_LAG_HOURS } from '../aws/backup';
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
  const eventSites = (key: string) => [...new Set(stacksOf(plan, 'protection').filter((s) => s.backupEvents.some((e) => e.key === key)).map((s) => s.site.key))];
  const backups = eventSites('backup_failed');
  const restores = eventSites('restore_failed');
  return [
    '## When an alarm fires',
    '',
    `Alarms (named \`<blueprint>-<site>-<what>-<kind>\`) notify the site's alarm topic \`${m.name}-<site>-alarms\`${m.monitoring.notify.length ? ` (subscribed: ${m.monitoring.notify.join(', ')})` : ''}. \`${cmd(file, 'verify -b <file>')}\` lists every alarm in ALARM.`,
    '',
    '| alarm | at | what it means | what to do first |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(backups.length ? [`| backup or copy job failed (event) | ${backups.join(', ')} | AWS Backup ended a job FAILED, ABORTED, EXPIRED or PARTIAL; the e-mail carries its statusMessage | copies across accounts fail when the accounts are not in one AWS Organization with cross-account backup enabled, or the destination vault or key does not admit the source (\`${cmd(file, 'doctor -b <file>')}\` checks both); otherwise read the job in AWS Backup |`] : []),
    ...(restores.length ? [`| restore job failed (event) | ${restores.join(', ')} | a restore test of \`restoreTesting\` (or another AWS Backup restore there) ended FAILED or ABORTED; the e-mail carries its statusMessage | \`${cmd(file, 'verify -b <file> --recovery')}\` prints the last test's message: a subnet or security group of the tested network gone, or a key the restore cannot use; what fails here would fail a restore in a disaster |`] : []),
    '',
  ];
}

const cmd = (file: string, line: string) => `npx lustreform ${line.replace('<file>', file)}`;

/**
 * What would stop a failover to each recovery site today, in the words `lustreform failover`
 * would refuse with: the state backend (STA003) and the activation's own problems (a repository
 * without a replica there). Backup-rebuilt entries are checked as if given a backup id.
 */
export function failoverBlockers(m: Blueprint): string[] {
  return [...new Set(m.recovery.map((r) => r.site))].flatMap((site) => {
    const fromBackup = Object.fromEntries(m.recovery.filter((r) => r.site === site && !r.fileSystem.repositories.length).map((r) => [r.fileSystem.key, 'backup-00000000']));
    const state = stateBlocksFailover(m, site);
    return [...(state ? [`the state backend: ${state}`] : []), ...failoverProblems(m, { site: site.key, fromBackup })].map((p) => `\`failover --to ${site.key}\` would refuse: ${p}`);
  });
}

/** Days a noncurrent version under `prefix` stays in `bucket` (bucket-wide or a lifecycle rule on an overlapping prefix, the shortest); undefined: kept. */
function noncurrentDays(bucket: Bucket, prefix: string): number | undefined {
  const days = [bucket.noncurrentVersionExpirationDays, ...bucket.lifecycle.filter((l) => l.prefix.startsWith(prefix) || prefix.startsWith(l.prefix)).map((l) => l.noncurrentVersionExpirationDays)].filter((d): d is number => d !== undefined);
  return days.length ? Math.min(...days) : undefined;
}

/** The recovery copies at `site` that read a customer-managed-key replica: the buckets, each with its key. */
function keyedReplicas(m: Blueprint, entries: Recovery[], site: Site): Bucket[] {
  const out = new Set<Bucket>();
  for (const e of entries) for (const r of e.fileSystem.repositories) {
    const replica = replicaAt(m, r.bucket, site)?.replica;
    if (replica?.encryption.kind === 'kms-key') out.add(replica);
  }
  return [...out];
}

/** The runbook step that admits a rebuilt file system (a new id, so a new service-linked role) to the replicas' keys. */
function keyStep(file: string, site: Site, buckets: Bucket[], n: number): string[] {
  if (!buckets.length) return [];
  const partition = partitionOf(site.region);
  const lines = [`${n}. Admit the rebuilt file systems to the replicas' keys before importing. A rebuilt file system has a new id, so FSx reaches S3 through a new service-linked role, \`AWSServiceRoleForFSxS3Access_<file system id>\`, which gets no KMS permission from IAM; until the key policy admits it, the import fails. Get the id (the subject of each \`key admits FSx\` row) and the statement with it filled in:`, '', '   ```sh', `   ${cmd(file, `verify -b <file> --site ${site.key}`)}`, '   ```'];
  const byKey = new Map<string, Bucket[]>();
  for (const b of buckets) if (b.encryption.kind === 'kms-key') byKey.set(b.encryption.keyArn, [...(byKey.get(b.encryption.keyArn) ?? []), b]);
  for (const [key, bs] of byKey) {
    lines.push(`   and add, for each rebuilt file system, to the policy of ${key} (${bs.map((b) => `bucket ${b.name}`).join(', ')}):`, '', '   ```json', `   ${JSON.stringify(fsxKeyStatement({ partition, account: accountOf(site), fileSystemId: '<file system id>', buckets: bs.map((b) => b.name), bucketRegion: bs[0].site.region }))}`, '   ```');
  }
  return lines;
}

/**
 * The rehearsal of a failover to `site` while the primary runs: the cold standbys rebuilt with
 * LUSTREFORM_DRILL=1 (repositories import only, so nothing the drill writes reaches the replicas,
 * which a two-way edge would carry home to production), imported, read back against S3, checked
 * and torn down. Every command is run as written by test/recovery/recovery.test.ts.
 */
function drillSection(m: Blueprint, file: string, site: Site, entries: Recovery[], deploy: string[]): string[] {
  const cold = entries.filter((e) => e.standby === 'cold');
  if (!cold.length) return [];
  const fromBackup = cold.filter((e) => !e.fileSystem.repositories.length);
  const fsList = cold.map((e) => e.fileSystem.key).join(',');
  const env = `LUSTREFORM_BLUEPRINT=${file} LUSTREFORM_FAILOVER=${site.key}:${fsList}${fromBackup.length ? ` LUSTREFORM_FROM_BACKUP=${fromBackup.map((e) => `${e.fileSystem.key}=<backup id>`).join(',')}` : ''} LUSTREFORM_DRILL=1`;
  const args = `${cold.map((e) => ` --file-system ${e.fileSystem.key}`).join('')}${fromBackup.map((e) => ` --from-backup ${e.fileSystem.key}=<backup id>`).join('')}`;
  const lustre = deploy[deploy.length - 1];
  const others = deploy.slice(0, -1);
  const out = [
    `## Drill: rehearse the failover to ${site.key}`,
    '',
    `Run it while ${[...new Set(cold.map((e) => e.fileSystem.site.key))].join(', ')} keeps running, for instance once a quarter. In a drill the rebuilt file systems import only: no automatic export, so nothing written on them reaches the replicas (a two-way edge would carry it home to production); they carry the tag \`lustreform:drill=true\` and no \`prevent_destroy\` (made to be torn down), and \`lustreform export\` refuses them. They cost what the file systems cost while they run: tear them down the same day.`,
    '',
    '1. Check the site stands alone and write the drill stacks:',
    '',
    '   ```sh',
    `   ${cmd(file, `failover -b <file> --to ${site.key}${args} --drill`)}`,
    '   ```',
    '2. Deploy them:',
    '',
    '   ```sh',
    `   ${env} npx ${cdkCli().command} deploy ${deploy.join(' ')}`,
    '   ```',
  ];
  let n = 3;
  const keyed = keyedReplicas(m, cold, site);
  if (keyed.length) out.push(...keyStep(file, site, keyed, n++));
  out.push(`${n++}. Import metadata from the replicas:`, '', '   ```sh', `   ${cmd(file, `import -b <file> --site ${site.key} --wait --restore-archived`)}`, '   ```');
  const linked = cold.filter((e) => e.fileSystem.repositories.length);
  out.push(`${n++}. On a client, mount each file system (the <file system>_mount_command output of ${lustre}) and read back a sample of files, compared with S3; this is a full verify too:`, '', '   ```sh');
  for (const e of linked) out.push(`   ${cmd(file, `verify -b <file> --site ${site.key} --file-system ${e.fileSystem.key} --mount <mount point> --sample 20`)}`);
  if (!linked.length) out.push(`   ${cmd(file, `verify -b <file> --site ${site.key}`)}`);
  out.push('   ```');
  const tested = fromBackup.filter((e) => [...m.backupPlans.values()].some((p) => p.fileSystems.includes(e.fileSystem) && p.restoreTesting?.site === site));
  const untested = fromBackup.filter((e) => !tested.includes(e));
  if (tested.length) out.push(`   Between drills AWS Backup rehearses the restore of ${tested.map((e) => e.fileSystem.key).join(', ')} at ${site.key} on its own (\`restoreTesting\`); \`verify --recovery\` shows the last result.`);
  if (untested.length) out.push(`   Set \`restoreTesting\` on the backup plan of ${untested.map((e) => e.fileSystem.key).join(', ')} to have AWS Backup rehearse its restore at ${site.key} between drills.`);
  out.push(`${n++}. Tear the drill down, then put the site's other stacks back as they run without a failover:`, '', '   ```sh', `   ${env} npx ${cdkCli().command} destroy ${lustre}`);
  if (others.length) out.push(`   LUSTREFORM_BLUEPRINT=${file} npx ${cdkCli().command} deploy ${others.join(' ')}`);
  out.push('   ```', '');
  return out;
}

export function runbookMarkdown(m: Blueprint, file: string): string {
  const plan = planBlueprint(m);
  const out: string[] = [`# Disaster-recovery runbook: ${m.name}`, '', `Generated by \`lustreform runbook -b ${file}\` from the blueprint; regenerate it whenever the blueprint changes.`, ''];
  const blockers = failoverBlockers(m);
  if (blockers.length) out.push('## Fix first: a failover would refuse today', '', ...blockers.map((b) => `- ${b}`), '', `\`${cmd(file, 'validate -b <file>')}\` reports the same findings; fix them before you need this runbook.`, '');
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
    for (const r of rec.fileSystem.repositories) {
      const found = replicaAt(m, r.bucket, rec.site);
      if (!found?.edge) continue;
      const { replica, edge } = found;
      if (!edge.deleteMarkers) {
        risks.push(`deletions in **${r.bucket.key}** under ${r.prefix || '/'} do not replicate (deleteMarkers: false): ${replica.key} keeps what is deleted at the source, so a rebuilt ${rec.fileSystem.key} also shows files deleted before the failover.`);
        continue;
      }
      const days = noncurrentDays(replica, r.prefix);
      const kept = days === undefined ? 'for as long as its versions are kept (no noncurrent-version expiry on it)' : `for ${days} day${days === 1 ? '' : 's'} (its noncurrent-version expiry)`;
      risks.push(`deletions replicate: an object deleted in **${r.bucket.key}** under ${r.prefix || '/'} gets a delete marker in ${replica.key} too (deleteMarkers defaults to true${edge.mode === 'two-way' ? '; both ways on this two-way edge' : ''}), so a deletion by mistake is not saved by the replica. The deleted object stays recoverable at ${replica.key} ${kept}: remove its delete marker there (delete the marker's version) to bring it back. Deleting a specific version is never replicated.`);
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
    out.push('1. Check that recovery would work: replicas present, versioned, replicated into; backup copies recent; the last restore tests passed.', '', '   ```sh', `   ${cmd(file, `verify -b <file> --recovery --site ${site.key}`)}`, '   ```');
    if (fromBackup.length) {
      out.push(`2. Find the newest backup copy of ${fromBackup.map((e) => e.fileSystem.key).join(', ')} in the vault \`${vault}\`:`, '', '   ```sh', `   aws backup list-recovery-points-by-backup-vault --backup-vault-name ${vault} --by-resource-type FSx --region ${site.region}`, '   ```', `   A restore needs the same deployment type, storage capacity, throughput, Lustre version and compression as the original: ${fromBackup.map((e) => `${e.fileSystem.key}: ${e.fileSystem.deploymentType}, ${e.fileSystem.storageCapacity ?? 'elastic'} GiB, ${e.fileSystem.throughput ?? '-'} MB/s/TiB, Lustre ${e.fileSystem.lustreVersion}, ${e.fileSystem.compression}`).join('; ')}. lustreform keeps them so.`);
    }
    out.push(`${fromBackup.length ? 3 : 2}. Check the site stands alone and write the stacks with the standbys active (it prints the next commands):`, '', '   ```sh', `   ${cmd(file, `failover -b <file> --to ${site.key}${failoverArgs}`)}`, '   ```');
    out.push(`${fromBackup.length ? 4 : 3}. Deploy the recovery site:`, '', '   ```sh', `   ${failoverEnv} npx ${cdkCli().command} deploy ${deploy.join(' ')}`, '   ```');
    const keyed = keyedReplicas(m, entries, site);
    let step = fromBackup.length ? 5 : 4;
    if (keyed.length) out.push(...keyStep(file, site, keyed, step++));
    out.push(`${step}. Import metadata, mount, load contents where preload asks, and check:`, '', '   ```sh', `   ${cmd(file, `import -b <file> --site ${site.key} --wait --restore-archived`)}`, `   # on each client: the <file system>_mount_command output of ${lustre}`);
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
    out.push(...drillSection(m, file, site, entries, deploy));
  }
  if (!m.recovery.length) out.push('## Failover', '', 'This blueprint has no `recovery` entries: nothing is rebuilt at another site. Add one per file system that must survive the loss of its site.', '');

  out.push(...alarmSection(m, plan, file));
  out.push('## What verify checks', '', '- `verify`: every file system found and AVAILABLE; every repository linked as the blueprint says (S3 path, events) and AVAILABLE; the last import and export task not failed; at least 10% free capacity; no alarm in ALARM and none missing; the key of every customer-managed-key repository bucket admits the file system\'s own FSx service-linked role (where its policy can be read); with `--mount`, nothing still `released`, and with `--sample N` N files of each repository read back match S3 (size and SHA-256).', '- `verify --recovery`: each recovery repository\'s replica bucket exists and is versioned, its source bucket replicates into it, backup copies at recovery sites are recent (one schedule interval plus a day), and the last restore test of each \`restoreTesting\` finished COMPLETED within its schedule interval, start window and a day (a plan too new to have run one is skipped).', '');
  out.push(`Sites running file systems: ${primarySites.join(', ') || 'none'}.`, '');
  return out.join('\n');
}
