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

/** FSx's metric of the auto-export queue: the age in seconds of its oldest change, 0 or no data when empty. */
export const AUTO_EXPORT_METRIC = 'AgeOfOldestQueuedMessage';

export type ExportOptions = OperationOptions;

export interface ExportResult {
  ok: boolean;
  tasks: TaskOutcome[];
  autoExport: { fileSystem: string; settled: boolean; oldestSeconds?: number }[];
  problems: string[];
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
      clientsOf.set(live, d.clients);
      const blocking = await settleAssociations(live, d.clients, writes, opts.wait ? opts.deadline : 0, opts.clock);
      if (blocking.length) {
        problems.push(...blocking);
        continue;
      }
      ready.push(live);
      if (live.repositories.some((r) => writes(r) && r.repository.autoExport.length > 0)) {
        const state = await waitForAutoExport(d.clients, live, opts);
        autoExport.push({ fileSystem: live.fs.key, ...state });
        if (!state.settled) problems.push(`${live.fs.key}: auto-export still has changes ${state.oldestSeconds}s old queued${opts.wait ? ' at the timeout' : ''}; rerun with --wait before tearing down`);
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

async function oldestQueued(clients: SiteClients, live: LiveFileSystem): Promise<number> {
  const now = Date.now();
  const r = await clients.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - 900_000),
      EndTime: new Date(now),
      MetricDataQueries: [{ Id: 'age', MetricStat: { Metric: { Namespace: 'AWS/FSx', MetricName: AUTO_EXPORT_METRIC, Dimensions: [{ Name: 'FileSystemId', Value: live.id }] }, Period: 60, Stat: 'Maximum' } }],
    }),
  );
  return r.MetricDataResults?.[0]?.Values?.[0] ?? 0;
}

async function waitForAutoExport(clients: SiteClients, live: LiveFileSystem, opts: ExportOptions): Promise<{ settled: boolean; oldestSeconds?: number }> {
  const backoff = new Backoff(opts.clock, opts.deadline);
  for (;;) {
    const age = await oldestQueued(clients, live);
    if (age === 0) return { settled: true };
    if (!opts.wait) return { settled: false, oldestSeconds: age };
    opts.say(`${live.fs.key}: auto-export queue not empty (oldest change ${age}s); waiting`);
    if (!(await backoff.wait())) return { settled: false, oldestSeconds: age };
  }
}
