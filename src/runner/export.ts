/**
 * `lustreform export`: flush before teardown. EXPORT_TO_REPOSITORY tasks for repositories that
 * write (output/sync) without auto-export; repositories with auto-export are not exported twice:
 * with --wait, the command waits until FSx's auto-export queue is empty.
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Blueprint } from '../blueprint/model';
import type { SiteClients } from './aws';
import { discoverSites, settleAssociations, type LiveFileSystem } from './discover';
import type { OperationOptions } from './operation';
import { runTasks, type TaskOutcome } from './tasks';
import { Backoff } from './time';
import { dimensionsOf, FSX_PERIOD_SECONDS, FSX_QUEUE_AGE } from '../aws/metrics';

export type ExportOptions = OperationOptions;

/**
 * What CloudWatch says of a file system's auto-export queue (AgeOfOldestQueuedMessage, Publisher
 * AutoExport). No datapoint is never read as 0: `zero` is FSx saying the queue is empty; `silent`
 * is no datapoint at all while this command watched for SILENCE_TRUSTED_MS (FSx publishes the age
 * every minute while changes are queued, so a queue with changes is not silent that long);
 * `queued` is a change waiting; `unknown` is silence watched too briefly to trust (rerun with --wait).
 */
export type AutoExportState =
  | { fileSystem: string; settled: true; evidence: 'zero' | 'silent' }
  | { fileSystem: string; settled: false; evidence: 'queued'; oldestSeconds: number }
  | { fileSystem: string; settled: false; evidence: 'unknown'; silentSeconds: number };

/** How far back each reading looks for the newest datapoint. */
export const QUEUE_LOOKBACK_MS = 15 * 60_000;
/** How long the queue age must go unpublished, watched by the command, before silence counts as an empty queue: a few publishing intervals plus CloudWatch's ingestion delay. */
export const SILENCE_TRUSTED_MS = 5 * 60_000;

export interface ExportResult {
  ok: boolean;
  tasks: TaskOutcome[];
  autoExport: AutoExportState[];
  problems: string[];
}

/** In words, for the command's output and problems. */
export function describeAutoExport(a: AutoExportState): string {
  if (a.settled && a.evidence === 'zero') return `${a.fileSystem} auto-export settled (FSx reports an empty queue)`;
  if (a.settled) return `${a.fileSystem} auto-export settled (no queue age published for ${SILENCE_TRUSTED_MS / 60_000} minutes of watching: nothing queued)`;
  if (a.evidence === 'queued') return `${a.fileSystem} auto-export still queued (oldest change ${a.oldestSeconds}s old)`;
  return `${a.fileSystem} auto-export unknown: CloudWatch has no queue age for it, watched ${a.silentSeconds}s (silence counts as empty only after ${SILENCE_TRUSTED_MS / 60_000} minutes)`;
}

const writes = (r: { repository: { purpose: string } }) => r.repository.purpose !== 'input';

export async function runExport(model: Blueprint, opts: ExportOptions): Promise<ExportResult> {
  const problems: string[] = [];
  const autoExport: ExportResult['autoExport'] = [];
  const ready: LiveFileSystem[] = [];
  const clientsOf = new Map<LiveFileSystem, SiteClients>();
  for (const d of await discoverSites(model, opts.site, opts.clientsFor)) {
    problems.push(...d.problems);
    for (const live of d.lives) {
      if (!live.repositories.some(writes)) continue;
      if (live.drill) {
        problems.push(`${d.site.key}/${live.fs.key} (${live.id}) is a drill copy (tag lustreform:drill=true): nothing is exported from it, so a drill never writes into buckets that replicate back to production; tear it down when the drill is done`);
        continue;
      }
      clientsOf.set(live, d.clients);
      const blocking = await settleAssociations(live, d.clients, writes, opts.wait ? opts.deadline : 0, opts.clock);
      if (blocking.length) {
        problems.push(...blocking);
        continue;
      }
      ready.push(live);
      if (live.repositories.some((r) => writes(r) && r.repository.autoExport.length > 0)) {
        const state = await waitForAutoExport(d.clients, live, opts);
        autoExport.push(state);
        if (!state.settled) problems.push(`${describeAutoExport(state)}${opts.wait ? ' at the timeout' : ''}; rerun with --wait${opts.wait ? ' and a longer --timeout' : ''} before tearing down`);
      }
    }
  }
  const tasks = await runTasks('export', ready, { model, journal: opts.journal, clients: (l) => clientsOf.get(l)!, report: opts.report, wait: opts.wait, deadline: opts.deadline, clock: opts.clock, onChange: opts.onTask });
  for (const t of tasks) {
    if (t.lifecycle === 'FAILED' || t.lifecycle === 'CANCELED' || (t.failed ?? 0) > 0) problems.push(`${t.fileSystem}: export task ${t.taskId} ${t.lifecycle}${t.failed ? ` with ${t.failed} failed files` : ''}${t.failure ? `: ${t.failure}` : ''}${t.report ? `; failure report under ${t.report}` : ''}`);
    else if (opts.wait && t.lifecycle !== 'SUCCEEDED') problems.push(`${t.fileSystem}: export task ${t.taskId ?? '(not started)'} is ${t.lifecycle} at the timeout; rerun to keep waiting`);
  }
  return { ok: problems.length === 0, tasks, autoExport, problems };
}

/** The newest AgeOfOldestQueuedMessage (Publisher AutoExport) of the last QUEUE_LOOKBACK_MS, or undefined when CloudWatch has none. */
async function queueAge(clients: SiteClients, live: LiveFileSystem, now: number): Promise<number | undefined> {
  const r = await clients.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - QUEUE_LOOKBACK_MS),
      EndTime: new Date(now),
      MetricDataQueries: [{ Id: 'age', MetricStat: { Metric: { Namespace: FSX_QUEUE_AGE.namespace, MetricName: FSX_QUEUE_AGE.name, Dimensions: dimensionsOf(FSX_QUEUE_AGE, { FileSystemId: live.id, Publisher: 'AutoExport' }) }, Period: FSX_PERIOD_SECONDS, Stat: FSX_QUEUE_AGE.statistic } }],
    }),
  );
  return r.MetricDataResults?.[0]?.Values?.[0];
}

async function waitForAutoExport(clients: SiteClients, live: LiveFileSystem, opts: ExportOptions): Promise<AutoExportState> {
  const fileSystem = live.fs.key;
  const started = opts.clock.now();
  const backoff = new Backoff(opts.clock, opts.deadline);
  for (;;) {
    const age = await queueAge(clients, live, opts.clock.now());
    const silent = opts.clock.now() - started;
    if (age === 0) return { fileSystem, settled: true, evidence: 'zero' };
    if (age === undefined && silent >= SILENCE_TRUSTED_MS) return { fileSystem, settled: true, evidence: 'silent' };
    const state: AutoExportState = age === undefined ? { fileSystem, settled: false, evidence: 'unknown', silentSeconds: Math.round(silent / 1000) } : { fileSystem, settled: false, evidence: 'queued', oldestSeconds: age };
    if (!opts.wait) return state;
    opts.say(`${describeAutoExport(state)}; waiting`);
    if (!(await backoff.wait())) return state;
  }
}
