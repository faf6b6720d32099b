import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FakeAws } from '../helpers/fake-aws';
import { quickstart, ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { resetClients } from '../../src/runner/aws';
import { applyQuickstart, fakeAws, writeDraft } from '../helpers/runner-env';

let aws: FakeAws;
let restore: () => Promise<void>;
beforeEach(async () => ({ aws, restore } = await fakeAws()));
afterEach(() => restore());

const GIB = 1024 ** 3;

describe('lustreform import', () => {
  test('finds the file system by tags, waits for its DRA, imports metadata from S3 URIs, waits and reports', async () => {
    applyQuickstart(aws, { draLifecycle: 'CREATING', creatingFor: 2 });
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--wait', '--timeout', '30s', '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    const creates = aws.calls.filter((c) => c.op === 'CreateDataRepositoryTask').map((c) => c.input);
    expect(creates).toEqual([
      { Type: 'IMPORT_METADATA_FROM_REPOSITORY', FileSystemId: 'fs-0123456789abcdef0', Paths: ['s3://quickstart-input-eu-central-1/'], Report: { Enabled: false }, ClientRequestToken: expect.stringMatching(/^lf-import-1-0-[0-9a-f]+$/) },
    ]);
    expect(creates[0].ClientRequestToken.length).toBeLessThanOrEqual(63);
    const result = JSON.parse(r.out);
    expect(result.ok).toBe(true);
    expect(result.tasks).toEqual([expect.objectContaining({ fileSystem: 'work', fileSystemId: 'fs-0123456789abcdef0', lifecycle: 'SUCCEEDED', total: 10, succeeded: 10, failed: 0 })]);
  });

  test('--report asks FSx for a CSV of failed files; a failed task exits 1 naming the report', async () => {
    applyQuickstart(aws);
    aws.failingPaths.add('s3://quickstart-input-eu-central-1/');
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--wait', '--journal', journal, '--report', 's3://quickstart-input-eu-central-1/reports');
    expect(r.code).toBe(1);
    expect(aws.calls.find((c) => c.op === 'CreateDataRepositoryTask')!.input.Report).toEqual({ Enabled: true, Path: 's3://quickstart-input-eu-central-1/reports/main/work/import', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' });
    expect(r.out).toMatch(/work import task-\d+ FAILED 27\/30 ok, 3 failed|work import task-\d+ FAILED 7\/10 ok, 3 failed/);
    expect(r.err).toContain('failure report under s3://quickstart-input-eu-central-1/reports/main/work/import');
  });

  test('a rerun while the task runs resumes it: no second task', async () => {
    applyQuickstart(aws);
    aws.taskSteps = 1000;
    const { file, journal } = writeDraft(quickstart());
    expect((await run('import', '-b', file, '--journal', journal)).code).toBe(0);
    expect((await run('import', '-b', file, '--journal', journal)).code).toBe(0);
    expect(aws.tasks).toHaveLength(1);
    expect(aws.count('CreateDataRepositoryTask')).toBe(1);
  });

  test('killed mid-way and rerun: one task, and a complete result', async () => {
    applyQuickstart(aws);
    aws.taskSteps = 40;
    const { file, journal } = writeDraft(quickstart());
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'lustreform.js'), 'import', '-b', file, '--wait', '--journal', journal], { env: { ...process.env, ...aws.env() }, stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (aws.count('DescribeDataRepositoryTasks') >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(aws.tasks[0].Lifecycle).not.toBe('SUCCEEDED');
    const r = await run('import', '-b', file, '--wait', '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    expect(aws.tasks).toHaveLength(1);
    expect(JSON.parse(r.out).tasks[0]).toMatchObject({ lifecycle: 'SUCCEEDED', taskId: aws.tasks[0].TaskId });
  });

  test('throttling and 500s are retried, never fatal', async () => {
    applyQuickstart(aws);
    aws.throttleEvery = 3;
    aws.errorEvery = 5;
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--wait', '--journal', journal);
    expect(r.code).toBe(0);
    expect(aws.tasks).toHaveLength(1);
  });

  test('another task running on the file system: wait, then start', async () => {
    applyQuickstart(aws);
    aws.tasks.push({ TaskId: 'task-other', Type: 'EXPORT_TO_REPOSITORY', FileSystemId: 'fs-0123456789abcdef0', Paths: [], Lifecycle: 'EXECUTING', token: 'someone-else', describes: 0, Report: { Enabled: false } });
    setTimeout(() => (aws.tasks[0].Lifecycle = 'SUCCEEDED'), 150);
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--wait', '--journal', journal);
    expect(r.code).toBe(0);
    expect(aws.tasks).toHaveLength(2);
    expect(aws.count('CreateDataRepositoryTask')).toBeGreaterThan(1);
  });

  test('a MISCONFIGURED association fails with what to do', async () => {
    applyQuickstart(aws, { draLifecycle: 'MISCONFIGURED' });
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--journal', journal);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MISCONFIGURED');
    expect(r.err).toContain('Remove any S3 event notification on quickstart-input-eu-central-1');
    expect(aws.tasks).toHaveLength(0);
  });

  test('a file system that is not there (not applied) is a clear failure', async () => {
    const { file, journal } = writeDraft(quickstart());
    const r = await run('import', '-b', file, '--journal', journal);
    expect(r.code).toBe(1);
    expect(r.err).toContain("file system 'work' was not found at site 'main' (eu-central-1); has its lustre stack been applied?");
  });

  describe('content preflights', () => {
    const contentDraft = () => {
      const d = quickstart();
      d.fileSystems.work.repositories[0].preload = 'content';
      return d;
    };

    test('refuses when the data plus 10% does not fit the free capacity', async () => {
      applyQuickstart(aws);
      aws.s3.put('quickstart-input-eu-central-1', 'a.nc', { size: 700 * GIB });
      aws.s3.put('quickstart-input-eu-central-1', 'b.nc', { size: 400 * GIB });
      const { file, journal } = writeDraft(contentDraft());
      const r = await run('import', '-b', file, '--journal', journal);
      expect(r.code).toBe(1);
      expect(r.err).toContain('refusing to import: its content repositories hold 1100.0 GiB, which with 10% headroom needs 1210.0 GiB, but only 1200.0 GiB are free (its whole capacity)');
      expect(aws.tasks).toHaveLength(0);
    });

    /** Free space as FSx publishes it: one sample per storage target, per FileSystemId. */
    const freePerTarget = (...gib: number[]) => aws.cloudwatch.put('AWS/FSx', 'FreeDataStorageCapacity', { FileSystemId: 'fs-0123456789abcdef0' }, gib.map((g) => g * GIB));

    test('uses CloudWatch free capacity when it has data: the Sum over the storage targets', async () => {
      applyQuickstart(aws);
      freePerTarget(10, 45, 45);
      aws.s3.put('quickstart-input-eu-central-1', 'a.nc', { size: 95 * GIB });
      const { file, journal } = writeDraft(contentDraft());
      const r = await run('import', '-b', file, '--journal', journal);
      expect(r.code).toBe(1);
      expect(r.err).toContain('only 100.0 GiB are free (CloudWatch FreeDataStorageCapacity)');
    });

    test('data that fits the whole file system imports, even when one storage target is nearly full (Minimum would refuse)', async () => {
      applyQuickstart(aws);
      freePerTarget(10, 45, 45);
      aws.s3.put('quickstart-input-eu-central-1', 'a.nc', { size: 80 * GIB });
      const { file, journal } = writeDraft(contentDraft());
      const r = await run('import', '-b', file, '--journal', journal);
      expect(r.err).not.toContain('refusing');
      expect(r.code).toBe(0);
      expect(aws.calls.find((c) => c.op === 'GetMetricData')!.input.MetricDataQueries[0].MetricStat).toMatchObject({ Stat: 'Sum', Period: 60 });
    });

    test('counts archived objects, and --restore-archived restores them first at a bounded rate', async () => {
      applyQuickstart(aws);
      const b = 'quickstart-input-eu-central-1';
      aws.s3.put(b, 'x/glacier.nc', { size: 1, storageClass: 'GLACIER' });
      aws.s3.put(b, 'x/deep.nc', { size: 1, storageClass: 'DEEP_ARCHIVE' });
      aws.s3.put(b, 'x/it.nc', { size: 1, storageClass: 'INTELLIGENT_TIERING', archiveStatus: 'ARCHIVE_ACCESS' });
      aws.s3.put(b, 'x/restoring.nc', { size: 1, storageClass: 'GLACIER', restore: 'ongoing-request="true"' });
      aws.s3.put(b, 'x/plain.nc', { size: 1 });
      const { file, journal } = writeDraft(contentDraft());
      const counted = await run('import', '-b', file, '--journal', journal, '--format', 'json');
      expect(JSON.parse(counted.out).preflight).toEqual([{ fileSystem: 'work', repository: '/input', objects: 5, bytes: 5, archived: 4 }]);
      expect(aws.s3.calls.filter((c) => c.query.has('restore'))).toHaveLength(0);

      const r = await run('import', '-b', file, '--journal', journal, '--restore-archived', '--restore-tier', 'Expedited', '--restore-days', '3', '--format', 'json');
      const restores = aws.s3.calls.filter((c) => c.query.has('restore'));
      expect(restores.map((c) => c.key).sort()).toEqual(['x/deep.nc', 'x/glacier.nc', 'x/it.nc']);
      expect(restores.find((c) => c.key === 'x/deep.nc')!.body).toContain('<Tier>Standard</Tier>');
      expect(restores.find((c) => c.key === 'x/glacier.nc')!.body).toContain('<Days>3</Days>');
      expect(restores.find((c) => c.key === 'x/it.nc')!.body).not.toContain('<Days>');
      expect(JSON.parse(r.out).preflight[0]).toMatchObject({ archived: 4, restoresStarted: 3, readyWithin: expect.stringContaining('1-5 minutes') });
    });
  });

  test('bad flags are user errors (exit 2)', async () => {
    const { file } = writeDraft(quickstart());
    expect((await run('import', '-b', file, '--timeout', 'soon')).err).toContain("--timeout 'soon' is not a duration");
    expect((await run('import', '-b', file, '--site', 'nowhere')).code).toBe(2);
    expect((await run('import', '-b', file, '--report', 'bucket/x')).code).toBe(2);
  });
});

describe('at fleet scale', () => {
  test('120 file systems at one site share one watch: each poll round asks for up to 50 tasks a call, not one call per task', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateBlueprint } = require('../../bench/generate');
    const draft = generateBlueprint({ sites: 1, fsPerSite: 120, edgesPerSite: 0 });
    for (const fs of Object.values<{ repositories: { preload?: string }[] }>(draft.fileSystems)) fs.repositories[0].preload = 'metadata';
    Object.keys(draft.fileSystems).forEach((key, i) => {
      const id = `fs-${String(i).padStart(17, '0')}`;
      aws.addFileSystem(id, { 'lustreform:blueprint': 'bench', 'lustreform:site': 's0', 'lustreform:filesystem': key });
      aws.addAssociation(id, '/in', `s3://bench-s0-b0/fs${i}/in/`, 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
      aws.addAssociation(id, '/out', `s3://bench-s0-b1/fs${i}/out/`, 'AVAILABLE', 0, { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
    });
    aws.taskSteps = 3;
    const { file, journal } = writeDraft(draft);
    const r = await run('import', '-b', file, '--wait', '--timeout', '60s', '--journal', journal, '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tasks).toHaveLength(120);
    const describes = aws.calls.filter((c) => c.op === 'DescribeDataRepositoryTasks').map((c) => c.input.TaskIds.length);
    const polled = describes.reduce((a, b) => a + b, 0); // what one call per task per round would cost
    expect(Math.max(...describes)).toBeLessThanOrEqual(50);
    expect(polled).toBeGreaterThanOrEqual(120 * 5);
    expect(describes.length).toBeLessThanOrEqual(Math.ceil(polled / 50) + 10);
  });
});

describe('at fleet scale, resumed', () => {
  test('a rerun resuming 120 journaled tasks looks them up 50 ids a call, not one call per file system', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateBlueprint } = require('../../bench/generate');
    const draft = generateBlueprint({ sites: 1, fsPerSite: 120, edgesPerSite: 0 });
    for (const fs of Object.values<{ repositories: { preload?: string }[] }>(draft.fileSystems)) fs.repositories[0].preload = 'metadata';
    Object.keys(draft.fileSystems).forEach((key, i) => {
      const id = `fs-${String(i).padStart(17, '0')}`;
      aws.addFileSystem(id, { 'lustreform:blueprint': 'bench', 'lustreform:site': 's0', 'lustreform:filesystem': key });
      aws.addAssociation(id, '/in', `s3://bench-s0-b0/fs${i}/in/`, 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
    });
    aws.taskSteps = 1000; // the tasks keep running: the rerun resumes them all
    const { file, journal } = writeDraft(draft);
    expect((await run('import', '-b', file, '--journal', journal)).code).toBe(0);
    expect(aws.count('CreateDataRepositoryTask')).toBe(120);
    const before = aws.calls.length;
    const r = await run('import', '-b', file, '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    const lookups = aws.calls.slice(before).filter((c) => c.op === 'DescribeDataRepositoryTasks').map((c) => c.input.TaskIds.length);
    expect(lookups).toEqual([50, 50, 20]);
    expect(aws.count('CreateDataRepositoryTask')).toBe(120); // resumed, none started twice
  });
});

describe('AWS failures', () => {
  test('an AWS error is one line and exit 1, never a stack or "internal error"', async () => {
    applyQuickstart(aws);
    aws.throttleEvery = 1; // every FSx call throttled: the SDK gives up after its attempts
    process.env.LUSTREFORM_MAX_ATTEMPTS = '2';
    try {
      const { file, journal } = writeDraft(quickstart());
      const r = await run('import', '-b', file, '--journal', journal);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^lustreform: AWS refused a call: ThrottlingException: Rate exceeded \(HTTP 400/m);
      expect(r.err).not.toContain('internal error');
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      delete process.env.LUSTREFORM_MAX_ATTEMPTS;
    }
  });

  test.each([
    ['a closed port', 'http://127.0.0.1:1', 'ECONNREFUSED'],
    ['a name that does not resolve', 'http://lustreform-test.invalid', /ENOTFOUND|EAI_AGAIN/],
  ])('a network failure (%s) is reported as one, not as AWS refusing a call', async (_, endpoint, code) => {
    const saved = { fsx: process.env.AWS_ENDPOINT_URL_FSX, attempts: process.env.LUSTREFORM_MAX_ATTEMPTS };
    process.env.AWS_ENDPOINT_URL_FSX = endpoint;
    process.env.LUSTREFORM_MAX_ATTEMPTS = '1';
    resetClients();
    try {
      const { file, journal } = writeDraft(quickstart());
      const r = await run('import', '-b', file, '--journal', journal);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^lustreform: cannot reach AWS \((ECONNREFUSED|ENOTFOUND|EAI_AGAIN): /m);
      expect(r.err).toMatch(code);
      expect(r.err).toContain('check the network, DNS, proxy');
      expect(r.err).not.toContain('AWS refused');
    } finally {
      process.env.AWS_ENDPOINT_URL_FSX = saved.fsx;
      if (saved.attempts === undefined) delete process.env.LUSTREFORM_MAX_ATTEMPTS;
      resetClients();
    }
  });
});

describe('after a failed task', () => {
  test('a rerun starts a new task instead of resuming the failure', async () => {
    applyQuickstart(aws);
    aws.failingPaths.add('s3://quickstart-input-eu-central-1/');
    const { file, journal } = writeDraft(quickstart());
    expect((await run('import', '-b', file, '--wait', '--journal', journal)).code).toBe(1);
    aws.failingPaths.clear();
    expect((await run('import', '-b', file, '--wait', '--journal', journal)).code).toBe(0);
    expect(aws.tasks.map((t) => t.Lifecycle)).toEqual(['FAILED', 'SUCCEEDED']);
  });
});
