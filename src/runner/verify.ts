/**
 * `lustreform verify`: the checklist before relying on (or dropping) the S3 copy, and for
 * recovery. Each check is a row: what, of what, ok/fail/skip, and why.
 */
import { paginateDescribeDataRepositoryTasks, type DataRepositoryTask } from '@aws-sdk/client-fsx';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Blueprint, Bucket, Site } from '../blueprint/model';
import { paginateListRecoveryPointsByBackupVault } from '@aws-sdk/client-backup';
import { bucketArn, vaultName } from '../plan/arns';
import type { SiteClients } from './aws';
import { discoverSites, type LiveFileSystem } from './discover';
import { HEADROOM, freeBytes } from './preflight';
import { expectedIntervalHours } from '../aws/cron';
import { replicaAt, s3Uri } from '../blueprint/topology';
import { COPY_LAG_HOURS } from '../aws/backup';
import { alarmPrefix } from '../plan/monitoring';
import { planBlueprint, plannedAlarms } from '../plan/plan';
import { paginateDescribeAlarms, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Check } from './checks';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { admits } from './doctor/key-policy';
import { fsxKeyStatement, fsxS3RoleArn } from '../aws/fsx';
import { partitionOf } from '../aws/regions';
import { sampleRepositories } from './sample';
import { verifyRestoreTests } from './restore-tests';

export type { Check, Verdict } from './checks';

export interface VerifyOptions {
  site?: string;
  /** The clients of a site's account, in its region or in `region`. */
  clientsFor: (site: Site, region?: string) => SiteClients;
  /** On a Lustre client: counts files still `released` under the content repositories. */
  releasedUnder?: (live: LiveFileSystem) => Promise<number>;
  /** Only the recovery checks (`verify --recovery`). */
  recoveryOnly?: boolean;
  /** Only this file system (a key of fileSystems). */
  fileSystem?: string;
  /** On a Lustre client: read back this many files of each repository under `mount` and compare them with S3. */
  sample?: { mount: string; count: number };
  now?: Date;
}

const sameEvents = (a: string[] = [], b: string[] = []) => [...a].sort().join(',') === [...b].sort().join(',');

export async function verify(model: Blueprint, opts: VerifyOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: string, subject: string, ok: boolean | 'skip', detail: string) => checks.push({ check, subject, result: ok === 'skip' ? 'skip' : ok ? 'ok' : 'fail', detail });
  for (const d of opts.recoveryOnly ? [] : await discoverSites(model, opts.site, opts.clientsFor)) {
    for (const p of d.problems) add('file system found', d.site.key, false, p);
    for (const live of d.lives.filter((l) => !opts.fileSystem || l.fs.key === opts.fileSystem)) {
      const subject = `${d.site.key}/${live.fs.key} (${live.id})`;
      add('file system available', subject, live.lifecycle === 'AVAILABLE', live.lifecycle);
      for (const r of live.repositories) {
        const a = r.association;
        const where = `${subject} ${r.repository.fileSystemPath}`;
        if (!a) {
          add('repository linked', where, false, 'no data repository association at this path');
          continue;
        }
        add('repository available', where, a.Lifecycle === 'AVAILABLE', `${a.Lifecycle}${a.FailureDetails?.Message ? `: ${a.FailureDetails.Message}` : ''}`);
        const wantPath = s3Uri(r.repository);
        const policies = sameEvents(a.S3?.AutoImportPolicy?.Events, r.repository.autoImport) && sameEvents(a.S3?.AutoExportPolicy?.Events, r.repository.autoExport);
        add('repository as blueprint', where, a.DataRepositoryPath === wantPath && policies, a.DataRepositoryPath === wantPath ? (policies ? `${wantPath}, import [${r.repository.autoImport}], export [${r.repository.autoExport}]` : `events differ: import [${a.S3?.AutoImportPolicy?.Events ?? []}] export [${a.S3?.AutoExportPolicy?.Events ?? []}]`) : `linked to ${a.DataRepositoryPath}, blueprint says ${wantPath}`);
      }
      for (const [type, task] of latestTasks(await tasksOf(d.clients, live.id))) {
        const failed = task.Lifecycle === 'FAILED' || (task.Status?.FailedCount ?? 0) > 0;
        add('last task did not fail', `${subject} ${type}`, !failed, `${task.TaskId} ${task.Lifecycle}${task.Status?.FailedCount ? `, ${task.Status.FailedCount} failed files` : ''}${task.Report?.Enabled && failed ? `; report under ${task.Report.Path}` : ''}`);
      }
      const free = await freeBytes(d.clients.cloudwatch, live);
      const share = free.bytes / (live.storageCapacity * 1024 ** 3);
      add('free capacity', subject, free.source === 'capacity' ? 'skip' : share >= HEADROOM, free.source === 'capacity' ? 'no CloudWatch data yet' : `${(share * 100).toFixed(0)}% free (needs ${HEADROOM * 100}%)`);
      checks.push(...(await verifyRepositoryKeys(model, live, await d.clients.accountId(), opts)));
      if (opts.sample) checks.push(...(await sampleRepositories(live, d.clients.s3, opts.sample.mount, opts.sample.count)));
      if (opts.releasedUnder && live.fs.repositories.some((r) => r.preload === 'content')) {
        const n = await opts.releasedUnder(live);
        add('contents loaded', subject, n === 0, n === 0 ? 'nothing released' : `${n} files still released (run lustreform hydrate)`);
      }
    }
  }
  if (!opts.recoveryOnly) checks.push(...(await verifyAlarms(model, opts)));
  checks.push(...(await verifyRecovery(model, opts)));
  return checks;
}

/**
 * FSx and customer-managed keys: for every repository of a live file system whose bucket uses a
 * customer-managed key, the key policy must admit that file system's own S3 service-linked role
 * (`AWSServiceRoleForFSxS3Access_<id>`, aws-facts.md), which has no KMS permission from IAM. The
 * policy is read where it can be (GetKeyPolicy works only in the key's own account, so the key's
 * account must be a site's); a failing row prints the statement to add, with the live id. Key
 * grants are not read: a grant admitting the role counts as missing here, say so in the detail.
 */
async function verifyRepositoryKeys(model: Blueprint, live: LiveFileSystem, account: string, opts: Pick<VerifyOptions, 'clientsFor'>): Promise<Check[]> {
  const checks: Check[] = [];
  const seen = new Set<string>();
  for (const { repository: r } of live.repositories) {
    const b = r.bucket;
    if (b.encryption.kind !== 'kms-key' || seen.has(b.key)) continue;
    seen.add(b.key);
    const keyArn = b.encryption.keyArn;
    const [, , , keyRegion, keyAccount] = keyArn.split(':');
    const subject = `${live.site.key}/${live.fs.key} (${live.id}) bucket ${b.key}`;
    const partition = partitionOf(live.site.region);
    const role = fsxS3RoleArn(partition, account, live.id);
    const statement = JSON.stringify(fsxKeyStatement({ partition, account, fileSystemId: live.id, buckets: [b.name], bucketRegion: b.site.region }));
    const owner = [...model.sites.values()].find((s) => (s.account?.id ?? (s === live.site ? account : undefined)) === keyAccount);
    if (!owner) {
      checks.push({ check: 'key admits FSx', subject, result: 'skip', detail: `${keyArn} is in account ${keyAccount}, no site's: a key policy is readable only there. Its owner must add ${statement}` });
      continue;
    }
    let policy: string | undefined;
    try {
      policy = (await opts.clientsFor(owner, keyRegion).kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy;
    } catch (err) {
      checks.push({ check: 'key admits FSx', subject, result: 'skip', detail: `cannot read the policy of ${keyArn} (${(err as Error).name}: needs kms:GetKeyPolicy in ${keyAccount}); it must hold ${statement}` });
      continue;
    }
    const a = admits(policy ?? '{}', { who: `FSx's S3 service-linked role of ${live.id}`, kind: 'service-role', principal: role, account, actions: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    checks.push({ check: 'key admits FSx', subject, result: a.level === 'ok' ? 'ok' : 'fail', detail: a.level === 'ok' ? `${keyArn} ${a.detail}` : `${keyArn} ${a.detail}: imports and exports of ${r.fileSystemPath} fail. Add to its key policy (a key grant to ${role} would do too, verify does not read grants): ${statement}` });
  }
  return checks;
}

/**
 * The alarms the plan deploys, read live (DescribeAlarms by each site's alarm-name prefix, in
 * every region its alarms live in): one in ALARM is a failure, named with CloudWatch's reason; a
 * planned alarm not found means its stack is not applied.
 */
export async function verifyAlarms(model: Blueprint, opts: Pick<VerifyOptions, 'site' | 'clientsFor'>): Promise<Check[]> {
  const checks: Check[] = [];
  const groups = new Map<string, { site: Site; region: string; names: Set<string> }>();
  for (const { site, region, alarm } of plannedAlarms(planBlueprint(model))) {
    if (opts.site && site.key !== opts.site) continue;
    const key = `${site.key} ${region}`;
    if (!groups.has(key)) groups.set(key, { site, region, names: new Set() });
    groups.get(key)!.names.add(alarm.name);
  }
  for (const { site, region, names } of groups.values()) {
    const alarms: MetricAlarm[] = [];
    for await (const page of paginateDescribeAlarms({ client: opts.clientsFor(site, region).cloudwatch }, { AlarmNamePrefix: alarmPrefix(model, site) })) alarms.push(...(page.MetricAlarms ?? []));
    const found = alarms.filter((a) => a.AlarmName && names.has(a.AlarmName));
    for (const a of found.filter((x) => x.StateValue === 'ALARM')) checks.push({ check: 'alarm not in ALARM', subject: `${site.key} ${a.AlarmName}`, result: 'fail', detail: a.StateReason ?? 'in ALARM' });
    const missing = [...names].filter((n) => !found.some((a) => a.AlarmName === n));
    if (missing.length) checks.push({ check: 'alarms deployed', subject: `${site.key} (${region})`, result: 'fail', detail: `${missing.length} planned alarm${missing.length === 1 ? '' : 's'} not found (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}): apply the site's stacks` });
    else if (!found.some((x) => x.StateValue === 'ALARM')) checks.push({ check: 'alarms not in ALARM', subject: `${site.key} (${region})`, result: 'ok', detail: `${found.length} alarms, none in ALARM` });
  }
  return checks;
}

/** For every recovery entry: the replicas exist, are versioned, and the source replicates into them; backup copies are recent; the last restore tests passed. */
export async function verifyRecovery(model: Blueprint, opts: Pick<VerifyOptions, 'site' | 'clientsFor' | 'now'>): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: string, subject: string, ok: boolean, detail: string) => checks.push({ check, subject, result: ok ? 'ok' : 'fail', detail });
  for (const rec of model.recovery) {
    if (opts.site && rec.site.key !== opts.site && rec.fileSystem.site.key !== opts.site) continue;
    for (const r of rec.fileSystem.repositories) {
      const found = replicaAt(model, r.bucket, rec.site);
      const subject = `${rec.fileSystem.key}@${rec.site.key} ${r.fileSystemPath}`;
      if (!found) {
        add('replica exists', subject, false, `no replica of ${r.bucket.key} at ${rec.site.key} in the blueprint`);
        continue;
      }
      const replica = found.replica;
      const s3 = opts.clientsFor(replica.site).s3;
      const exists = await bucketExists(s3, replica);
      add('replica exists', subject, exists, replica.name);
      if (!exists) continue;
      const versioning = (await s3.send(new GetBucketVersioningCommand({ Bucket: replica.name }))).Status;
      add('replica versioned', subject, versioning === 'Enabled', `${replica.name}: ${versioning ?? 'never enabled'}`);
      if (!found.edge) continue;
      add('replication configured', subject, ...(await replicates(opts.clientsFor(r.bucket.site).s3, r.bucket, replica)));
    }
  }
  for (const plan of model.backupPlans.values()) {
    for (const copy of plan.copyTo) {
      if (opts.site && copy.site.key !== opts.site && plan.site.key !== opts.site) continue;
      const vault = vaultName(model, copy.site);
      const points = [];
      for await (const page of paginateListRecoveryPointsByBackupVault({ client: opts.clientsFor(copy.site).backup }, { BackupVaultName: vault, ByResourceType: 'FSx' })) points.push(...(page.RecoveryPoints ?? []));
      const newest = points.filter((p) => p.Status === 'COMPLETED' && p.CreationDate).sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime())[0];
      const maxAge = expectedIntervalHours(plan.schedule) + COPY_LAG_HOURS;
      const age = newest ? ((opts.now ?? new Date()).getTime() - newest.CreationDate!.getTime()) / 3600_000 : undefined;
      add('backup copies recent', `${plan.key} -> ${copy.site.key} (${vault})`, age !== undefined && age <= maxAge, age === undefined ? 'no completed copy in the vault yet' : `newest copy ${age.toFixed(1)} h old (at most ${maxAge} h for ${plan.schedule})`);
    }
  }
  checks.push(...(await verifyRestoreTests(model, { site: opts.site, clientsFor: (site) => opts.clientsFor(site), now: opts.now })));
  return checks;
}

async function bucketExists(s3: SiteClients['s3'], bucket: Bucket): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket.name }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404 || (err as Error).name === 'NotFound') return false;
    throw err;
  }
}

async function replicates(s3: SiteClients['s3'], source: Bucket, replica: Bucket): Promise<[boolean, string]> {
  try {
    const config = await s3.send(new GetBucketReplicationCommand({ Bucket: source.name }));
    const rule = config.ReplicationConfiguration?.Rules?.find((x) => x.Destination?.Bucket === bucketArn(replica));
    if (!rule) return [false, `${source.name} has no replication rule to ${replica.name}; apply the replication stack`];
    return [rule.Status === 'Enabled', `${source.name} -> ${replica.name}: rule ${rule.ID} ${rule.Status}`];
  } catch (err) {
    if ((err as Error).name === 'ReplicationConfigurationNotFoundError') return [false, `${source.name} has no replication configuration; apply the replication stack`];
    // The source is at the site a failover survives: after its loss this call fails, and that is a row, not the end of verify.
    return [false, `cannot read the replication of ${source.name} (${(err as Error).name}: ${(err as Error).message}); if its site is down, this check cannot pass until it is back`];
  }
}

async function tasksOf(clients: SiteClients, fileSystemId: string): Promise<DataRepositoryTask[]> {
  const out: DataRepositoryTask[] = [];
  for await (const page of paginateDescribeDataRepositoryTasks({ client: clients.fsx }, { Filters: [{ Name: 'file-system-id', Values: [fileSystemId] }] })) out.push(...(page.DataRepositoryTasks ?? []));
  return out;
}

/** The newest task of each type (by creation time, else the last listed). */
function latestTasks(tasks: DataRepositoryTask[]): [string, DataRepositoryTask][] {
  const latest = new Map<string, DataRepositoryTask>();
  for (const t of tasks) {
    const prev = latest.get(t.Type ?? '?');
    if (!prev || (t.CreationTime?.getTime() ?? 0) >= (prev.CreationTime?.getTime() ?? 0)) latest.set(t.Type ?? '?', t);
  }
  return [...latest.entries()];
}

/** The rows as a table (the one `doctor` prints too). */
export { checkTable as verifyTable } from './checks';
