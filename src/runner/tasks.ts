/**
 * Data repository tasks: which to start (pure), their deterministic ClientRequestTokens, starting
 * them through the journal (one running task per file system; DataRepositoryTaskExecuting means
 * wait), and watching them with one DescribeDataRepositoryTasks call per 50 task ids.
 */
import { createHash } from 'node:crypto';
import { CreateDataRepositoryTaskCommand, DescribeDataRepositoryTasksCommand, type CompletionReport, type DataRepositoryTask } from '@aws-sdk/client-fsx';
import type { Blueprint } from '../blueprint/model';
import type { SiteClients } from './aws';
import type { LiveFileSystem } from './discover';
import type { Journal, RunRecord, TaskRecord } from './journal';
import { Backoff, type Clock } from './time';
import { s3Uri } from '../blueprint/topology';

export type TaskKind = 'import' | 'export';
export const TASK_TYPE: Record<TaskKind, 'IMPORT_METADATA_FROM_REPOSITORY' | 'EXPORT_TO_REPOSITORY'> = { import: 'IMPORT_METADATA_FROM_REPOSITORY', export: 'EXPORT_TO_REPOSITORY' };
export const MAX_PATHS = 100;
export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Import paths of a file system: the S3 URI of every repository whose `preload` asks for it, at most 100 a task. */
export function importPaths(live: LiveFileSystem): string[][] {
  return chunk(live.repositories.filter((r) => r.repository.preload !== 'none').map((r) => s3Uri(r.repository)), MAX_PATHS);
}

/**
 * Export paths: repositories that write (output/sync) without auto-export, as paths relative to
 * the mount root (`/output` -> `output`; `/` alone -> every path). Repositories with auto-export
 * are not exported twice (and export tasks cannot run on their paths anyway).
 */
export function exportPaths(live: LiveFileSystem): string[][] {
  const repos = live.repositories.filter((r) => r.repository.purpose !== 'input' && r.repository.autoExport.length === 0);
  if (repos.length === 0) return [];
  const paths = repos.map((r) => r.repository.fileSystemPath.replace(/^\/+|\/+$/g, ''));
  return paths.includes('') ? [[]] : chunk(paths, MAX_PATHS);
}

/** 1-63 characters of [A-Za-z0-9_.-], the same for the same run of the same task. */
export function clientToken(blueprint: string, site: string, fs: string, kind: TaskKind, generation: number, index: number, paths: string[]): string {
  const digest = createHash('sha256').update(JSON.stringify([blueprint, site, fs, kind, generation, index, paths])).digest('hex');
  return `lf-${kind}-${generation}-${index}-${digest}`.slice(0, 63);
}

export interface TaskOutcome {
  site: string;
  fileSystem: string;
  fileSystemId: string;
  kind: TaskKind;
  taskId?: string;
  lifecycle: string;
  paths: string[];
  total?: number;
  succeeded?: number;
  failed?: number;
  report?: string;
  failure?: string;
}

export interface TaskRunOptions {
  model: Blueprint;
  journal: Journal;
  clients: (live: LiveFileSystem) => SiteClients;
  report?: string;
  wait: boolean;
  deadline: number;
  clock: Clock;
  onChange?: (outcome: TaskOutcome) => void;
}

const journalKey = (kind: TaskKind, live: LiveFileSystem) => `${kind}:${live.site.key}:${live.fs.key}`;

function reportConfig(report: string | undefined, live: LiveFileSystem, kind: TaskKind): CompletionReport {
  if (!report) return { Enabled: false };
  return { Enabled: true, Path: `${report.replace(/\/?$/, '/')}${live.site.key}/${live.fs.key}/${kind}`, Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' };
}

/**
 * Runs the tasks of `kind` on every file system, one at a time per file system and the file
 * systems in parallel. Resumes a run the journal says is unfinished; starts a new generation
 * otherwise. Without `wait`, starts what may start and returns.
 */
export async function runTasks(kind: TaskKind, lives: LiveFileSystem[], opts: TaskRunOptions): Promise<TaskOutcome[]> {
  // One watch for all file systems: their open tasks are polled together, 50 ids a call per site.
  const watch = new TaskWatch(opts);
  const results = await Promise.all(lives.map((live) => runOn(kind, live, opts, watch)));
  return results.flat();
}

async function runOn(kind: TaskKind, live: LiveFileSystem, opts: TaskRunOptions, watch: TaskWatch): Promise<TaskOutcome[]> {
  const chunks = kind === 'import' ? importPaths(live) : exportPaths(live);
  if (chunks.length === 0) return [];
  const key = journalKey(kind, live);
  const previous = opts.journal.get(key);
  const same = previous && previous.state === 'running' && JSON.stringify(previous.tasks.map((t) => t.paths)) === JSON.stringify(chunks);
  const generation = (previous?.generation ?? 0) + 1;
  const run: RunRecord = same
    ? previous
    : { generation, state: 'running', tasks: chunks.map((paths, i) => ({ token: clientToken(opts.model.name, live.site.key, live.fs.key, kind, generation, i, paths), paths })) };
  // Recorded before any task is created: a crash from here on resumes with the same tokens.
  opts.journal.set(key, run);
  const outcomes: TaskOutcome[] = [];
  for (const record of run.tasks) {
    // A task the journal knows is looked up (with the other file systems' lookups: 50 ids a call); otherwise created (the token makes that idempotent).
    let task = record.taskId ? await watch.lookup(opts.clients(live), record.taskId) : undefined;
    task ??= await startOrFind(kind, live, record, opts);
    if (!task) {
      outcomes.push(pending(kind, live, record));
      break;
    }
    record.taskId = task.TaskId;
    record.lifecycle = task.Lifecycle;
    opts.journal.set(key, run);
    let outcome = toOutcome(kind, live, record.paths, task);
    opts.onChange?.(outcome);
    if (!TERMINAL.has(outcome.lifecycle) && opts.wait) outcome = await watch.wait(opts.clients(live), record.taskId!, (t) => toOutcome(kind, live, record.paths, t));
    record.lifecycle = outcome.lifecycle;
    opts.journal.set(key, run);
    outcomes.push(outcome);
    // The next task of this file system waits for this one (one task at a time), and none follows a failure.
    if (outcome.lifecycle !== 'SUCCEEDED') break;
  }
  // The run is over when every task ended, or one failed (a rerun then starts afresh rather than resuming a failure).
  if (run.tasks.every((t) => TERMINAL.has(t.lifecycle ?? '')) || outcomes.some((o) => o.lifecycle === 'FAILED' || o.lifecycle === 'CANCELED')) {
    run.state = 'done';
    opts.journal.set(key, run);
  }
  return outcomes;
}

const pending = (kind: TaskKind, live: LiveFileSystem, record: TaskRecord): TaskOutcome => ({
  site: live.site.key,
  fileSystem: live.fs.key,
  fileSystemId: live.id,
  kind,
  taskId: record.taskId,
  lifecycle: record.taskId ? (record.lifecycle ?? 'PENDING') : 'NOT_STARTED',
  paths: record.paths,
});

/**
 * Creates the task with its token (AWS answers an identical earlier request with the same task).
 * Another task running on the file system (DataRepositoryTaskExecuting) means wait, not fail.
 */
async function startOrFind(kind: TaskKind, live: LiveFileSystem, record: TaskRecord, opts: TaskRunOptions): Promise<DataRepositoryTask | undefined> {
  const backoff = new Backoff(opts.clock, opts.deadline);
  for (;;) {
    try {
      const r = await opts.clients(live).fsx.send(
        new CreateDataRepositoryTaskCommand({
          Type: TASK_TYPE[kind],
          FileSystemId: live.id,
          Paths: record.paths.length ? record.paths : undefined,
          Report: reportConfig(opts.report, live, kind),
          ClientRequestToken: record.token,
        }),
      );
      return r.DataRepositoryTask;
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'DataRepositoryTaskExecuting') throw err;
      if (!opts.wait || !(await backoff.wait())) return undefined;
    }
  }
}

export interface Watched {
  clients: SiteClients;
  taskId: string;
  make: (task: DataRepositoryTask) => TaskOutcome;
}

interface Waiter extends Watched {
  last?: TaskOutcome;
  resolve: (outcome: TaskOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * One poller for every task a command waits on, whichever file system it runs on: per poll round,
 * one DescribeDataRepositoryTasks per 50 open task ids of a site (ceil(n/50) calls), at growing
 * intervals, until each task is SUCCEEDED, FAILED or CANCELED or the deadline passes.
 */
export class TaskWatch {
  private readonly open = new Map<string, Waiter>();
  private polling = false;
  private lookups = new Map<SiteClients, { taskId: string; resolve: (task: DataRepositoryTask | undefined) => void; reject: (err: unknown) => void }[]>();

  constructor(private readonly opts: Pick<TaskRunOptions, 'deadline' | 'clock' | 'onChange'>) {}

  /** The task's outcome once it ends (or, at the deadline, its last state). */
  wait(clients: SiteClients, taskId: string, make: Watched['make']): Promise<TaskOutcome> {
    return new Promise((resolve, reject) => {
      this.open.set(taskId, { clients, taskId, make, resolve, reject });
      if (!this.polling) void this.poll();
    });
  }

  /**
   * A task looked up once (a resumed run's journaled task): the lookups asked for together, by
   * every file system resuming at once, share DescribeDataRepositoryTasks calls of 50 ids per site.
   */
  lookup(clients: SiteClients, taskId: string): Promise<DataRepositoryTask | undefined> {
    return new Promise((resolve, reject) => {
      const first = this.lookups.size === 0;
      this.lookups.set(clients, [...(this.lookups.get(clients) ?? []), { taskId, resolve, reject }]);
      if (first) setImmediate(() => void this.flushLookups());
    });
  }

  private async flushLookups(): Promise<void> {
    const asked = this.lookups;
    this.lookups = new Map();
    for (const [clients, ws] of asked) {
      for (const batch of chunk(ws, 50)) {
        try {
          const found = await describe(clients, batch.map((w) => w.taskId));
          for (const w of batch) w.resolve(found.find((t) => t.TaskId === w.taskId));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    }
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const backoff = new Backoff(this.opts.clock, this.opts.deadline);
    try {
      await new Promise((r) => setImmediate(r)); // let the waits registered together share the first round
      while (this.open.size) {
        await this.round();
        if (this.open.size && !(await backoff.wait())) {
          for (const w of this.open.values()) w.resolve(w.last ?? { ...w.make({ TaskId: w.taskId } as DataRepositoryTask), lifecycle: 'UNKNOWN' });
          this.open.clear();
        }
      }
    } catch (err) {
      for (const w of this.open.values()) w.reject(err);
      this.open.clear();
    } finally {
      this.polling = false;
    }
  }

  private async round(): Promise<void> {
    const bySite = new Map<SiteClients, Waiter[]>();
    for (const w of this.open.values()) bySite.set(w.clients, [...(bySite.get(w.clients) ?? []), w]);
    for (const [clients, ws] of bySite) {
      for (const ids of chunk(ws.map((w) => w.taskId), 50)) {
        for (const task of await describe(clients, ids)) {
          const w = this.open.get(task.TaskId ?? '');
          if (!w) continue;
          const outcome = w.make(task);
          if (!w.last || w.last.lifecycle !== outcome.lifecycle || w.last.succeeded !== outcome.succeeded || w.last.failed !== outcome.failed) this.opts.onChange?.(outcome);
          w.last = outcome;
          if (TERMINAL.has(outcome.lifecycle)) {
            this.open.delete(w.taskId);
            w.resolve(outcome);
          }
        }
      }
    }
  }
}

/** Watches tasks to their end together (one TaskWatch). */
export function watchTasks(watched: Watched[], opts: Pick<TaskRunOptions, 'deadline' | 'clock' | 'onChange'>): Promise<TaskOutcome[]> {
  const watch = new TaskWatch(opts);
  return Promise.all(watched.map((w) => watch.wait(w.clients, w.taskId, w.make)));
}

async function describe(clients: SiteClients, ids: string[]): Promise<DataRepositoryTask[]> {
  const r = await clients.fsx.send(new DescribeDataRepositoryTasksCommand({ TaskIds: ids }));
  return r.DataRepositoryTasks ?? [];
}

function toOutcome(kind: TaskKind, live: LiveFileSystem, paths: string[], task: DataRepositoryTask): TaskOutcome {
  return {
    site: live.site.key,
    fileSystem: live.fs.key,
    fileSystemId: live.id,
    kind,
    taskId: task.TaskId,
    lifecycle: task.Lifecycle ?? 'UNKNOWN',
    paths,
    total: task.Status?.TotalCount,
    succeeded: task.Status?.SucceededCount,
    failed: task.Status?.FailedCount,
    report: task.Report?.Enabled ? task.Report.Path : undefined,
    failure: task.FailureDetails?.Message,
  };
}
