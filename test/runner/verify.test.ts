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
  // The restore testing plan at the recovery site, a month old, and its last weekly test two days ago.
  a.restoreTestingPlans.push({ name: 'climate_nightly', region: 'eu-west-1', arn: RESTORE_PLAN_ARN, created: hoursAgo(30 * 24) });
  a.restoreJobs.push(restoreJob('COMPLETED', 48));
}

const RESTORE_PLAN_ARN = 'arn:aws:backup:eu-west-1:222222222222:restore-testing-plan:climate_nightly-1a2b3c';
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
function restoreJob(Status: string, finishedHoursAgo: number, extra: Record<string, unknown> = {}) {
  return { region: 'eu-west-1', RestoreJobId: `job-${Status}-${finishedHoursAgo}`, Status, CreationDate: hoursAgo(finishedHoursAgo + 3), CompletionDate: hoursAgo(finishedHoursAgo), RecoveryPointCreationDate: hoursAgo(finishedHoursAgo + 30), CreatedBy: { RestoreTestingPlanArn: RESTORE_PLAN_ARN }, ...extra };
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
    for (const n of ['file system available', 'repository available', 'repository as blueprint', 'free capacity', 'replica exists', 'replica versioned', 'replication configured', 'backup copies recent', 'restore test passed']) expect(names).toContain(n);
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
    expect(new Set(checks.map((c: { check: string }) => c.check))).toEqual(new Set(['replica exists', 'replica versioned', 'replication configured', 'backup copies recent', 'restore test passed']));
    expect(checks.find((c: { check: string }) => c.check === 'backup copies recent')).toMatchObject({ result: 'fail', subject: 'nightly -> recovery (climate-recovery)', detail: expect.stringContaining('72.0 h old (at most 48 h') });
    expect(aws.count('DescribeFileSystems')).toBe(0);
  });

  describe('--recovery: restore tests (restoreTesting)', () => {
    const restoreRow = async () => {
      const { file } = writeDraft(multiSite());
      const r = await run('verify', '-b', file, '--recovery', '--format', 'json');
      return { code: r.code, row: JSON.parse(r.out).checks.find((c: { check: string }) => c.check === 'restore test passed') };
    };

    test('the last test at the recovery site succeeded: ok, read in its region by the plan AWS names', async () => {
      applyMultiSite(aws);
      // Another plan's jobs (and a newer one) are not this plan's result.
      aws.restoreJobs.push({ ...restoreJob('FAILED', 1), CreatedBy: { RestoreTestingPlanArn: 'arn:aws:backup:eu-west-1:222222222222:restore-testing-plan:other-9z' } });
      const { code, row } = await restoreRow();
      expect(code).toBe(0);
      expect(row).toMatchObject({ subject: 'nightly @recovery (climate_nightly)', result: 'ok', detail: expect.stringMatching(/^the last test restored the recovery point of \S+ 48\.0 h ago$/) });
      expect(aws.calls.filter((c) => c.op === 'ListRestoreJobs').map((c) => c.input)).toEqual([{ restoreTestingPlanArn: RESTORE_PLAN_ARN, region: 'eu-west-1' }]);
    });

    test('a failed last test fails with what AWS said; a running one does not hide it', async () => {
      applyMultiSite(aws);
      aws.restoreJobs.push(restoreJob('FAILED', 5, { StatusMessage: 'Subnet subnet-0def1234abc567890 does not exist' }), { ...restoreJob('RUNNING', 0), CompletionDate: undefined });
      const { code, row } = await restoreRow();
      expect(code).toBe(1);
      expect(row).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^the last test failed 5\.0 h ago, .*Subnet subnet-0def1234abc567890 does not exist; a test is running now$/) });
    });

    test('no test for longer than the schedule allows fails; a plan too new to have run one skips', async () => {
      applyMultiSite(aws);
      aws.restoreJobs = [restoreJob('COMPLETED', 400)];
      const stale = await restoreRow();
      expect(stale.row).toMatchObject({ result: 'fail', detail: expect.stringContaining('more than the 216 h its schedule allows') });
      aws.restoreJobs = [];
      aws.restoreTestingPlans[0].created = hoursAgo(10);
      const young = await restoreRow();
      expect(young.code).toBe(0);
      expect(young.row).toMatchObject({ result: 'skip', detail: expect.stringContaining('no restore test has finished yet') });
      aws.restoreTestingPlans[0].created = hoursAgo(500);
      expect((await restoreRow()).row).toMatchObject({ result: 'fail', detail: expect.stringContaining('no restore test has finished in 500 h') });
    });

    test("a restore test's copy, tagged as the file system it restores, is never taken for it", async () => {
      applyMultiSite(aws);
      aws.addFileSystem('fs-0cccccccccccccccc', { 'lustreform:blueprint': 'climate', 'lustreform:site': 'primary', 'lustreform:filesystem': 'archive', 'awsbackup-restore-test': 'climate_nightly' }, 4800);
      aws.fileSystems.unshift(aws.fileSystems.pop());
      const { file } = writeDraft(multiSite());
      const r = await run('verify', '-b', file, '--format', 'json');
      const subjects = JSON.parse(r.out).checks.filter((c: { check: string }) => c.check === 'file system available').map((c: { subject: string }) => c.subject);
      expect(subjects).toContain('primary/archive (fs-0bbbbbbbbbbbbbbbb)');
      expect(subjects.join()).not.toContain('fs-0cccccccccccccccc');
    });

    test("the runbook's restore-failed row: its command, run as written, prints the failed test's message", async () => {
      applyMultiSite(aws);
      aws.restoreJobs.push(restoreJob('FAILED', 5, { StatusMessage: 'Subnet subnet-0def1234abc567890 does not exist' }));
      const { file } = writeDraft(multiSite());
      const book = await run('runbook', '-b', file);
      const row = book.out.split('\n').find((l) => l.startsWith('| restore job failed (event) | recovery |'));
      const command = /`(npx lustreform [^`]+)`/.exec(row ?? '')?.[1];
      expect(command).toBe(`npx lustreform verify -b ${file} --recovery`);
      const r = await run(...command!.replace('npx lustreform ', '').split(' '));
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/^restore test passed +nightly @recovery \(climate_nightly\) +FAIL +the last test failed 5\.0 h ago, .*does not exist$/m);
    });

    test('a plan not deployed (or deployed in another region) fails, naming the stack to apply; an unreadable site is a failed row', async () => {
      applyMultiSite(aws);
      aws.restoreTestingPlans[0].region = 'eu-central-1';
      const { code, row } = await restoreRow();
      expect(code).toBe(1);
      expect(row).toMatchObject({ result: 'fail', detail: "no restore testing plan climate_nightly at site 'recovery' (eu-west-1); apply climate-recovery-protection" });
      // A site that cannot be read is a row too, not the end of verify.
      aws.restoreTestingDenied.add('eu-west-1');
      const denied = await restoreRow();
      expect(denied.row).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^cannot read the restore tests at site 'recovery' \(AccessDeniedException: User is not authorized/) });
    });
  });
});
