import { FakeAws } from '../helpers/fake-aws';
import { quickstart } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { applyQuickstart, fakeAws, writeDraft } from '../helpers/runner-env';
import { exportPaths, importPaths } from '../../src/runner/tasks';
import type { LiveFileSystem } from '../../src/runner/discover';
import { validateDraft } from '../helpers/blueprints';

let aws: FakeAws;
let restore: () => Promise<void>;
beforeEach(async () => ({ aws, restore } = await fakeAws()));
afterEach(() => restore());

describe('lustreform export', () => {
  test('exports output repositories without auto-export, as paths relative to the mount root', async () => {
    applyQuickstart(aws);
    const d = quickstart();
    d.fileSystems.work.repositories[1].autoExport = [];
    d.fileSystems.work.deploymentType = 'PERSISTENT_2';
    d.fileSystems.work.throughput = 125;
    const { file, journal } = writeDraft(d);
    const r = await run('export', '-b', file, '--wait', '--journal', journal);
    expect(r.code).toBe(0);
    expect(aws.calls.filter((c) => c.op === 'CreateDataRepositoryTask').map((c) => [c.input.Type, c.input.Paths])).toEqual([['EXPORT_TO_REPOSITORY', ['results']]]);
    expect(r.out).toMatch(/main\/work export task-\d+ SUCCEEDED/);
  });

  const FS = 'fs-0123456789abcdef0';
  /** The queue age as FSx publishes it: per FileSystemId + Publisher only. */
  const queueAge = (seconds: number, minutesAgo = 0) => aws.cloudwatch.put('AWS/FSx', 'AgeOfOldestQueuedMessage', { FileSystemId: FS, Publisher: 'AutoExport' }, seconds, Date.now() - minutesAgo * 60_000);

  test('auto-export repositories are not exported twice: --wait waits until FSx reports the queue empty', async () => {
    applyQuickstart(aws);
    queueAge(42, 2);
    setTimeout(() => queueAge(0), 100); // a later minute: the queue drained
    const { file, journal } = writeDraft(quickstart());
    const r = await run('export', '-b', file, '--wait', '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    expect(aws.count('CreateDataRepositoryTask')).toBe(0);
    expect(JSON.parse(r.out).autoExport).toEqual([{ fileSystem: 'work', settled: true, evidence: 'zero' }]);
    // Asked with the dimensions FSx publishes it with; a FileSystemId-only query would see nothing.
    const q = aws.calls.find((c) => c.op === 'GetMetricData')!.input.MetricDataQueries[0].MetricStat;
    expect(q.Metric.Dimensions).toEqual([{ Name: 'FileSystemId', Value: FS }, { Name: 'Publisher', Value: 'AutoExport' }]);
    expect(q.Stat).toBe('Maximum');
  });

  test('a queued change is seen (never the "no datapoints means 0" misreading): without --wait the flush check fails', async () => {
    applyQuickstart(aws);
    queueAge(42);
    aws.cloudwatch.put('AWS/FSx', 'AgeOfOldestQueuedMessage', { FileSystemId: FS }, 0); // a decoy under the wrong dimension set
    const { file, journal } = writeDraft(quickstart());
    const r = await run('export', '-b', file, '--journal', journal);
    expect(r.code).toBe(1);
    expect(r.out).toContain('work auto-export still queued (oldest change 42s old)');
    expect(r.err).toContain('rerun with --wait before tearing down');
  });

  test('no datapoint at all is unknown, not empty: exit 1, saying how long it watched', async () => {
    applyQuickstart(aws);
    const { file, journal } = writeDraft(quickstart());
    const r = await run('export', '-b', file, '--wait', '--timeout', '1s', '--journal', journal, '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).autoExport).toEqual([{ fileSystem: 'work', settled: false, evidence: 'unknown', silentSeconds: expect.any(Number) }]);
    expect(JSON.parse(r.out).problems[0]).toMatch(/CloudWatch has no queue age for it, watched \d+s \(silence counts as empty only after 5 minutes\) at the timeout/);
  });

  test('silence watched for 5 minutes counts as an empty queue, and says so', async () => {
    applyQuickstart(aws);
    const model = validateDraft(quickstart()).model!;
    const { runExport } = await import('../../src/runner/export');
    const { clientsFor } = await import('../../src/runner/aws');
    const { Journal } = await import('../../src/runner/journal');
    let now = Date.now();
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms), pollMs: 30_000, maxPollMs: 60_000 };
    const said: string[] = [];
    const result = await runExport(model, { wait: true, deadline: now + 3600_000, journal: Journal.open(writeDraft(quickstart()).journal, 'quickstart'), clock, clientsFor: (site) => clientsFor(model, site), say: (l) => said.push(l) });
    expect(result.autoExport).toEqual([{ fileSystem: 'work', settled: true, evidence: 'silent' }]);
    expect(aws.count('GetMetricData')).toBeGreaterThanOrEqual(5);
    expect(said[0]).toContain('work auto-export unknown');
  });
});

describe('task paths', () => {
  const live = (repos: number, purpose: string): LiveFileSystem => {
    const d = quickstart();
    const model = validateDraft(d).model!;
    const fs = model.fileSystems.get('work')!;
    const repository = { ...fs.repositories[0], purpose, preload: 'metadata', autoExport: [] };
    return { fs, site: fs.site, id: 'fs-1', lifecycle: 'AVAILABLE', storageCapacity: 1200, drill: false, repositories: Array.from({ length: repos }, (_, i) => ({ repository: { ...repository, fileSystemPath: `/d${i}`, prefix: `p${i}/` } as never })) };
  };

  test('at most 100 paths a task', () => {
    expect(importPaths(live(250, 'input')).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(importPaths(live(1, 'input'))[0]).toEqual(['s3://quickstart-input-eu-central-1/p0/']);
  });

  test('export paths have no leading slash; a root repository exports everything', () => {
    expect(exportPaths(live(2, 'output'))).toEqual([['d0', 'd1']]);
    const root = live(1, 'output');
    (root.repositories[0].repository as { fileSystemPath: string }).fileSystemPath = '/';
    expect(exportPaths(root)).toEqual([[]]);
  });
});

describe('watching many tasks', () => {
  test('one DescribeDataRepositoryTasks per 50 task ids, until every task is done', async () => {
    const { clientsFor } = await import('../../src/runner/aws');
    const { watchTasks } = await import('../../src/runner/tasks');
    const model = validateDraft(quickstart()).model!;
    const clients = clientsFor(model, model.sites.get('main')!);
    for (let i = 0; i < 120; i++) aws.tasks.push({ TaskId: `task-${i}`, Type: 'EXPORT_TO_REPOSITORY', FileSystemId: `fs-${i}`, Paths: [], Lifecycle: 'PENDING', token: `t${i}`, describes: 0, Report: { Enabled: false } });
    const outcomes = await watchTasks(
      aws.tasks.map((t) => ({ clients, taskId: t.TaskId, make: (task) => ({ site: 'main', fileSystem: 'x', fileSystemId: 'fs', kind: 'export' as const, taskId: task.TaskId, lifecycle: task.Lifecycle ?? '?', paths: [] }) })),
      { deadline: Date.now() + 10_000, clock: { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), pollMs: 1, maxPollMs: 2 } },
    );
    expect(outcomes.every((o) => o.lifecycle === 'SUCCEEDED')).toBe(true);
    const calls = aws.calls.filter((c) => c.op === 'DescribeDataRepositoryTasks').map((c) => c.input.TaskIds.length);
    expect(Math.max(...calls)).toBe(50);
    // Two polls (PENDING -> EXECUTING -> SUCCEEDED), three calls each (50 + 50 + 20).
    expect(calls).toEqual([50, 50, 20, 50, 50, 20]);
  });
});
