/**
 * `lustreform import`: after apply, loads what `preload` asks for. Metadata of `metadata` and
 * `content` repositories through IMPORT_METADATA_FROM_REPOSITORY tasks (S3-URI paths, at most 100
 * a task, deterministic tokens); for `content` repositories first a capacity preflight (the data
 * plus 10% must fit the free capacity) and an archive preflight (archived objects counted, and
 * restored first with --restore-archived). Contents themselves load with `lustreform hydrate`.
 */
import type { Blueprint } from '../blueprint/model';
import type { SiteClients } from './aws';
import { discoverSites, settleAssociations, type LiveFileSystem } from './discover';
import type { OperationOptions } from './operation';
import { fits, freeBytes, listPrefix, readyWithin, restoreArchived } from './preflight';
import { runTasks, type TaskOutcome } from './tasks';

export interface ImportOptions extends OperationOptions {
  restoreArchived: boolean;
  restoreDays: number;
  restoreTier: 'Expedited' | 'Standard' | 'Bulk';
  restorePerSecond: number;
}

export interface PreflightResult {
  fileSystem: string;
  repository: string;
  objects: number;
  bytes: number;
  archived: number;
  restoresStarted?: number;
  readyWithin?: string;
}

export interface ImportResult {
  ok: boolean;
  tasks: TaskOutcome[];
  preflight: PreflightResult[];
  problems: string[];
}

export async function runImport(model: Blueprint, opts: ImportOptions): Promise<ImportResult> {
  const problems: string[] = [];
  const preflight: PreflightResult[] = [];
  const ready: LiveFileSystem[] = [];
  const clientsOf = new Map<LiveFileSystem, SiteClients>();
  for (const d of await discoverSites(model, opts.site, opts.clientsFor)) {
    problems.push(...d.problems);
    for (const live of d.lives) {
      if (!live.repositories.some((r) => r.repository.preload !== 'none')) continue;
      clientsOf.set(live, d.clients);
      const blocking = await settleAssociations(live, d.clients, (r) => r.repository.preload !== 'none', opts.wait ? opts.deadline : 0, opts.clock);
      if (blocking.length) {
        problems.push(...blocking);
        continue;
      }
      const refused = await contentPreflight(live, d.clients, opts, preflight);
      if (refused) problems.push(refused);
      else ready.push(live);
    }
  }
  const tasks = await runTasks('import', ready, { model, journal: opts.journal, clients: (l) => clientsOf.get(l)!, report: opts.report, wait: opts.wait, deadline: opts.deadline, clock: opts.clock, onChange: opts.onTask });
  const failed = tasks.filter((t) => t.lifecycle === 'FAILED' || t.lifecycle === 'CANCELED' || (t.failed ?? 0) > 0);
  for (const t of failed) problems.push(`${t.fileSystem}: import task ${t.taskId} ${t.lifecycle}${t.failed ? ` with ${t.failed} failed files` : ''}${t.failure ? `: ${t.failure}` : ''}${t.report ? `; failure report under ${t.report}` : '; rerun with --report s3://bucket/prefix to get a report of the failed files'}`);
  const unfinished = opts.wait ? tasks.filter((t) => t.lifecycle !== 'SUCCEEDED' && !failed.includes(t)) : [];
  for (const t of unfinished) problems.push(`${t.fileSystem}: import task ${t.taskId ?? '(not started)'} is ${t.lifecycle} at the timeout; rerun to keep waiting (the same task is resumed)`);
  return { ok: problems.length === 0, tasks, preflight, problems };
}

/** The capacity and archive preflights of a file system's `content` repositories; a message when it must not import. */
async function contentPreflight(live: LiveFileSystem, clients: SiteClients, opts: ImportOptions, out: PreflightResult[]): Promise<string | undefined> {
  const content = live.repositories.filter((r) => r.repository.preload === 'content');
  if (content.length === 0) return undefined;
  let need = 0;
  for (const r of content) {
    const bucket = r.repository.bucket;
    const s3 = opts.clientsFor(bucket.site).s3;
    const listing = await listPrefix(s3, bucket, r.repository.prefix);
    need += listing.bytes;
    const row: PreflightResult = { fileSystem: live.fs.key, repository: r.repository.fileSystemPath, objects: listing.objects, bytes: listing.bytes, archived: listing.archived.length };
    if (listing.archived.length) {
      if (opts.restoreArchived) {
        const r2 = await restoreArchived(s3, bucket, listing, { days: opts.restoreDays, tier: opts.restoreTier, perSecond: opts.restorePerSecond });
        row.restoresStarted = r2.started;
        row.readyWithin = [...new Set(listing.archived.map((a) => readyWithin(a.storageClass, opts.restoreTier)))].join(', ');
        opts.say(`${live.fs.key} ${r.repository.fileSystemPath}: ${listing.archived.length} archived objects; ${r2.started} restores started (${r2.alreadyRestoring} already restoring), ready ${row.readyWithin}`);
      } else {
        opts.say(`${live.fs.key} ${r.repository.fileSystemPath}: ${listing.archived.length} objects are archived; their metadata imports but their contents cannot load until restored (rerun with --restore-archived)`);
      }
    }
    out.push(row);
  }
  const free = await freeBytes(clients.cloudwatch, live);
  if (!fits(need, free.bytes)) {
    const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
    return `${live.fs.key}: refusing to import: its content repositories hold ${gib(need)} GiB, which with 10% headroom needs ${gib(need * 1.1)} GiB, but only ${gib(free.bytes)} GiB are free (${free.source === 'cloudwatch' ? 'CloudWatch FreeDataStorageCapacity' : 'its whole capacity'}); grow storageCapacity or preload less`;
  }
  return undefined;
}
