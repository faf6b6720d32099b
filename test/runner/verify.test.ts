import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAws } from '../helpers/fake-aws';
import { multiSite, quickstart, ROOT, validateDraft } from '../helpers/blueprints';
import { planBlueprint, plannedAlarms } from '../../src/plan/plan';
import { run } from '../helpers/cli';
import { applyQuickstart, fakeAws, writeDraft } from '../helpers/runner-env';

let aws: FakeAws;
let restore: () => Promise<void>;
beforeEach(async () => ({ aws, restore } = await fakeAws()));
afterEach(() => restore());

/** The multi-site example as apply leaves it: the work file system, its DRAs, replicas and replication. */
function applyMultiSite(a: FakeAws, { versioned = true, replicating = true } = {}) {
  a.addFileSystem('fs-0aaaaaaaaaaaaaaaa', { 'lustreform:blueprint': 'climate', 'lustreform:site': 'primary', 'lustreform:filesystem': 'work' }, 2400);
  a.addFileSystem('fs-0bbbbbbbbbbbbbbbb', { 'lustreform:blueprint': 'climate', 'lustreform:site': 'primary', 'lustreform:filesystem': 'archive' }, 4800);
  a.addAssociation('fs-0aaaaaaaaaaaaaaaa', '/ExtData', 's3://acme-climate-input/ExtData/', 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
  a.addAssociation('fs-0aaaaaaaaaaaaaaaa', '/output', 's3://acme-climate-output/output/', 'AVAILABLE', 0, { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
  for (const b of ['acme-climate-input-dr', 'acme-climate-output-dr']) a.s3.buckets.set(b, { versioning: versioned ? 'Enabled' : 'Suspended' });
  a.s3.buckets.set('acme-climate-input', { versioning: 'Enabled', replication: replicating ? [{ id: 'to-input-dr', destination: 'arn:aws:s3:::acme-climate-input-dr', status: 'Enabled' }] : undefined });
  a.s3.buckets.set('acme-climate-output', { versioning: 'Enabled', replication: [{ id: 'to-output-dr', destination: 'arn:aws:s3:::acme-climate-output-dr', status: 'Enabled' }] });
  // Free space per storage target: 50% of the file system in all, one target nearly full (a Minimum would read 4%).
  a.cloudwatch.put('AWS/FSx', 'FreeDataStorageCapacity', { FileSystemId: 'fs-0aaaaaaaaaaaaaaaa' }, [100 * 1024 ** 3, 1100 * 1024 ** 3]);
  // The alarms apply created, each in the region it lives in, all OK.
  for (const { region, alarm } of plannedAlarms(planBlueprint(validateDraft(multiSite()).model!))) a.cloudwatch.alarms.push({ region, AlarmName: alarm.name, StateValue: 'OK' });
  a.recoveryPoints['climate-recovery'] = [{ RecoveryPointArn: 'arn:aws:fsx:eu-west-1:222222222222:backup/backup-0123456789abcdef0', CreationDate: Date.now() / 1000 - 6 * 3600, Status: 'COMPLETED', ResourceType: 'FSx' }];
}

describe('lustreform verify', () => {
  test('all checks pass on a healthy multi-site deployment (assuming each account\'s role)', async () => {
    applyMultiSite(aws);
    const { file } = writeDraft(multiSite());
    const r = await run('verify', '-b', file, '--format', 'json');
    const result = JSON.parse(r.out);
    expect(result.checks.filter((c: { result: string }) => c.result === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
    const names = result.checks.map((c: { check: string }) => c.check);
    expect(result.checks.filter((c: { check: string }) => c.check === 'alarms not in ALARM').map((c: { subject: string }) => c.subject).sort()).toEqual(['primary (eu-central-1)', 'primary (eu-west-1)', 'recovery (eu-central-1)', 'recovery (eu-west-1)']);
    for (const n of ['file system available', 'repository available', 'repository as blueprint', 'free capacity', 'replica exists', 'replica versioned', 'replication configured', 'backup copies recent']) expect(names).toContain(n);
    expect(aws.calls.filter((c) => c.op === 'AssumeRole').map((c) => c.input.RoleArn)).toContain('arn:aws:iam::111111111111:role/deployer');
  });

  test('each failure is a FAIL row and exit 1: unversioned replica, missing replication, misconfigured DRA, failed task', async () => {
    applyMultiSite(aws, { versioned: false, replicating: false });
    aws.associations[0].Lifecycle = 'MISCONFIGURED';
    aws.associations[1].S3 = { AutoExportPolicy: { Events: ['NEW'] } };
    aws.tasks.push({ TaskId: 'task-1', Type: 'IMPORT_METADATA_FROM_REPOSITORY', FileSystemId: 'fs-0aaaaaaaaaaaaaaaa', Paths: ['s3://x/'], Lifecycle: 'FAILED', token: 't', describes: 0, Report: { Enabled: false } });
    const { file } = writeDraft(multiSite());
    const r = await run('verify', '-b', file);
    expect(r.code).toBe(1);
    const fails = r.out.split('\n').filter((l) => / FAIL /.test(l)).map((l) => l.split(/\s{2,}/)[0]);
    expect(fails).toEqual(expect.arrayContaining(['repository available', 'repository as blueprint', 'last task did not fail', 'replica versioned', 'replication configured']));
    expect(r.out).toMatch(/checks failed$/m);
  });

  test('an alarm in ALARM is a failure named with its reason, read in the region it lives in; planned alarms not deployed fail too', async () => {
    applyMultiSite(aws);
    const latency = aws.cloudwatch.alarms.find((x) => x.AlarmName === 'climate-primary-repl-input-to-input-dr-replication-latency')!;
    expect(latency.region).toBe('eu-west-1'); // where S3 publishes the latency of a rule into eu-west-1
    Object.assign(latency, { StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [2400.0] was greater than the threshold (900.0).' });
    aws.cloudwatch.alarms = aws.cloudwatch.alarms.filter((x) => !x.AlarmName.startsWith('climate-recovery-'));
    const { file } = writeDraft(multiSite());
    const r = await run('verify', '-b', file, '--format', 'json');
    expect(r.code).toBe(1);
    const fails = JSON.parse(r.out).checks.filter((c: { result: string }) => c.result === 'fail');
    expect(fails).toEqual(
      expect.arrayContaining([
        { check: 'alarm not in ALARM', subject: 'primary climate-primary-repl-input-to-input-dr-replication-latency', result: 'fail', detail: 'Threshold Crossed: 1 datapoint [2400.0] was greater than the threshold (900.0).' },
        expect.objectContaining({ check: 'alarms deployed', subject: 'recovery (eu-west-1)', detail: expect.stringContaining("not found") }),
      ]),
    );
  });

  test('on a client, --mount checks nothing is released under content repositories', async () => {
    applyQuickstart(aws);
    const d = quickstart();
    d.fileSystems.work.repositories[0].preload = 'content';
    const mount = mkdtempSync(join(tmpdir(), 'lustreform-verify-mnt-'));
    mkdirSync(join(mount, 'input'));
    writeFileSync(join(mount, 'input', 'a.nc'), '');
    chmodSync(join(mount, 'input', 'a.nc'), 0o1644);
    process.env.LUSTREFORM_LFS = join(ROOT, 'test', 'fixtures', 'fake-lfs.sh');
    try {
      const { file } = writeDraft(d);
      const r = await run('verify', '-b', file, '--mount', mount);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/contents loaded .* FAIL +1 files still released/);
    } finally {
      delete process.env.LUSTREFORM_LFS;
    }
  });

  test('--recovery: only whether recovery works today; a stale backup copy fails', async () => {
    applyMultiSite(aws);
    aws.recoveryPoints['climate-recovery'][0].CreationDate = Date.now() / 1000 - 72 * 3600;
    const { file } = writeDraft(multiSite());
    const r = await run('verify', '-b', file, '--recovery', '--format', 'json');
    expect(r.code).toBe(1);
    const checks = JSON.parse(r.out).checks;
    expect(new Set(checks.map((c: { check: string }) => c.check))).toEqual(new Set(['replica exists', 'replica versioned', 'replication configured', 'backup copies recent']));
    expect(checks.find((c: { check: string }) => c.check === 'backup copies recent')).toMatchObject({ result: 'fail', subject: 'nightly -> recovery (climate-recovery)', detail: expect.stringContaining('72.0 h old (at most 48 h') });
    expect(aws.count('DescribeFileSystems')).toBe(0);
  });
});
