import { RULES } from '../../src/rules';
import { multiSite, quickstart, validateDraft, type Draft } from '../helpers/blueprints';

/**
 * One case per rule: a change to a valid example that trips it, and the path the finding must name.
 * The unchanged examples are the passing side: they produce no findings at all.
 */
interface Case {
  id: string;
  base?: () => Draft;
  mutate: (d: Draft) => void;
  path: string;
}

const fs = (d: Draft, k = 'archive') => d.fileSystems[k];
const work = (d: Draft) => d.fileSystems.work;
const repo = (d: Draft, i = 0) => d.fileSystems.work.repositories[i];
const plan = (d: Draft) => d.backupPlans.nightly;
const hdd = (d: Draft) => Object.assign(fs(d), { deploymentType: 'PERSISTENT_1', storageType: 'HDD', throughput: 12, storageCapacity: 6000, driveCache: 'READ' });
const tiering = (d: Draft) => {
  delete fs(d).storageCapacity;
  delete fs(d).throughput;
  delete fs(d).backups;
  Object.assign(fs(d), { storageType: 'INTELLIGENT_TIERING', throughputCapacity: 4000, readCache: { sizing: 'PROPORTIONAL_TO_THROUGHPUT_CAPACITY' }, metadata: { mode: 'USER_PROVISIONED', iops: 6000 } });
  d.backupPlans = {};
};
const unlinkWork = (d: Draft) => {
  work(d).repositories = [];
  d.recovery = [];
  d.archiveRestore = [];
};

const CASES: Case[] = [
  { id: 'REF001', mutate: (d) => (repo(d).bucket = 'inptu'), path: 'fileSystems.work.repositories[0].bucket' },
  { id: 'ACC001', mutate: (d) => (d.accounts.vault.assumeRole = 'arn:aws:iam::333333333333:role/deployer'), path: 'accounts.vault.assumeRole' },
  { id: 'ACC002', mutate: (d) => delete d.sites.recovery.account, path: 'sites.recovery' },
  { id: 'ACC003', mutate: (d) => (d.accounts.vault.id = '111111111111'), path: 'accounts.vault.id' },
  { id: 'SIT001', mutate: (d) => (d.sites.primary.region = 'Frankfurt'), path: 'sites.primary.region' },
  { id: 'SIT002', mutate: (d) => (d.sites.recovery.region = 'eu-westt-1'), path: 'sites.recovery.region' },
  { id: 'STA001', mutate: (d) => delete d.state.organization, path: 'state' },
  { id: 'STA002', mutate: (d) => (d.state = { backend: 's3', s3: { bucket: 'Bad_Bucket', region: 'eu-central-1' } }), path: 'state.s3.bucket' },
  { id: 'STA003', mutate: (d) => (d.state = { backend: 's3', s3: { bucket: 'acme-tf-state', region: 'eu-central-1' } }), path: 'state.s3.region' },
  { id: 'TFC002', mutate: (d) => (d.state.autoApplyRunTriggers = true), path: 'state.autoApplyRunTriggers' },
  { id: 'TFC003', base: quickstart, mutate: (d) => (d.state = { backend: 'cloud', organization: 'acme', manageWorkspaces: true }), path: 'sites.main' },
  { id: 'TFC004', mutate: (d) => ((d.state.manageWorkspaces = true), delete d.accounts.vault.assumeRole), path: 'accounts.vault' },
  { id: 'TAG001', mutate: (d) => (d.tags['aws:owner'] = 'x'), path: 'tags["aws:owner"]' },
  { id: 'BKT001', mutate: (d) => (d.buckets.output.name = 'Acme_Output'), path: 'buckets.output.name' },
  { id: 'BKT002', mutate: (d) => (d.buckets.output.name = 'acme-climate-input'), path: 'buckets.output.name' },
  { id: 'BKT003', mutate: (d) => (d.buckets.output.name = 'acme.climate.output'), path: 'buckets.output.name' },
  { id: 'BKT004', mutate: (d) => (d.buckets.input.lifecycle[0].transitions = [{ afterDays: 10, storageClass: 'STANDARD_IA' }]), path: 'buckets.input.lifecycle[0].transitions[0].afterDays' },
  { id: 'BKT005', mutate: (d) => (d.buckets.input.adopt = true), path: 'buckets.input.lifecycle' },
  { id: 'BKT007', mutate: (d) => (d.buckets.input.lifecycle[0].noncurrentVersionExpirationDays = 365), path: 'buckets.input.noncurrentVersionExpirationDays' },
  { id: 'BKT008', mutate: (d) => Object.assign(d.buckets.output, { adopt: true, accessLogging: true }), path: 'buckets.output.accessLogging' },
  { id: 'BKT006', mutate: (d) => (d.buckets.input.encryption.kmsKeyArn = 'arn:aws:kms:us-east-1:111111111111:key/abc'), path: 'buckets.input.encryption.kmsKeyArn' },
  { id: 'REP001', mutate: (d) => (d.replication[0].to = 'input'), path: 'replication[0].to' },
  { id: 'REP002', mutate: (d) => d.replication.push({ from: 'output-dr', to: 'output' }), path: 'replication[2]' },
  { id: 'REP003', mutate: (d) => (d.buckets.output.versioning = false), path: 'buckets.output.versioning' },
  { id: 'REP004', mutate: (d) => (d.buckets['output-dr'].encryption = 'kms'), path: 'replication[1].to' },
  { id: 'REP005', mutate: (d) => d.replication.push({ from: 'input-dr', to: 'input' }), path: 'replication[2]' },
  { id: 'REP006', mutate: (d) => (d.replication[0].replicationTime = true), path: 'replication[0].replicationTime' },
  {
    id: 'REP007',
    mutate: (d) => {
      d.buckets.third = { site: 'recovery', name: 'acme-climate-third' };
      d.replication.push({ from: 'input-dr', to: 'third' });
    },
    path: 'replication[2]',
  },
  { id: 'REP008', mutate: (d) => (d.buckets['output-dr'].adopt = true), path: 'replication[1].to' },
  { id: 'REP009', mutate: (d) => (d.replication[0].prefix = '/ExtData/'), path: 'replication[0].prefix' },
  { id: 'REP010', mutate: (d) => (d.buckets['input-dr'].encryption = 'sse-s3'), path: 'replication[0].to' },
  { id: 'FSX001', mutate: (d) => (work(d).storageType = 'HDD'), path: 'fileSystems.work.storageType' },
  { id: 'FSX002', mutate: (d) => delete fs(d).storageCapacity, path: 'fileSystems.archive' },
  { id: 'FSX003', mutate: (d) => (work(d).storageCapacity = 3000), path: 'fileSystems.work.storageCapacity' },
  { id: 'FSX004', mutate: (d) => (fs(d).throughput = 200), path: 'fileSystems.archive.throughput' },
  { id: 'FSX005', mutate: (d) => (hdd(d), delete fs(d).driveCache), path: 'fileSystems.archive' },
  { id: 'FSX006', mutate: (d) => (tiering(d), (fs(d).throughputCapacity = 5000)), path: 'fileSystems.archive.throughputCapacity' },
  { id: 'FSX007', mutate: (d) => (work(d).kmsKeyArn = fs(d).kmsKeyArn), path: 'fileSystems.work.kmsKeyArn' },
  { id: 'FSX008', mutate: (d) => (fs(d).lustreVersion = '2.10'), path: 'fileSystems.archive.lustreVersion' },
  { id: 'FSX009', mutate: (d) => (fs(d).metadata = { mode: 'USER_PROVISIONED', iops: 2000 }), path: 'fileSystems.archive.metadata.iops' },
  { id: 'FSX010', mutate: (d) => (fs(d).efa = true), path: 'fileSystems.archive.efa' },
  { id: 'SEC001', mutate: (d) => (work(d).network.securityGroupIds = ['sg-0abc1234def567890']), path: 'fileSystems.work.network' },
  { id: 'SEC002', mutate: (d) => (work(d).network.securityGroup.clientCidrs = ['10.0.0.0/33']), path: 'fileSystems.work.network.securityGroup.clientCidrs[0]' },
  { id: 'SEC003', mutate: (d) => (work(d).network.securityGroup.clientCidrs = ['0.0.0.0/0']), path: 'fileSystems.work.network.securityGroup.clientCidrs[0]' },
  {
    id: 'SEC004',
    mutate: (d) => {
      fs(d).metadata = { mode: 'AUTOMATIC' };
      fs(d).efa = true;
      fs(d).network = { subnetId: 'subnet-0abc1234def567890', securityGroup: { vpcId: 'vpc-0abc1234def567890', clientCidrs: ['10.0.0.0/16'] } };
    },
    path: 'fileSystems.archive.network.securityGroup',
  },
  { id: 'DRA001', mutate: (d) => (work(d).deploymentType = 'SCRATCH_1'), path: 'fileSystems.work.repositories' },
  { id: 'DRA002', mutate: (d) => (work(d).lustreVersion = '2.10'), path: 'fileSystems.work.lustreVersion' },
  {
    id: 'DRA003',
    mutate: (d) => (work(d).repositories = Array.from({ length: 9 }, (_, i) => ({ path: `/out${i}`, bucket: 'output', prefix: `out${i}/`, purpose: 'output' }))),
    path: 'fileSystems.work.repositories[8]',
  },
  { id: 'DRA004', mutate: (d) => (repo(d, 1).path = '/ExtData/output'), path: 'fileSystems.work.repositories[1].path' },
  { id: 'DRA005', mutate: (d) => (repo(d, 1).path = '/'), path: 'fileSystems.work.repositories[1].path' },
  { id: 'DRA006', mutate: (d) => Object.assign(repo(d, 1), { bucket: 'input', prefix: '' }), path: 'fileSystems.work.repositories[1].prefix' },
  { id: 'DRA007', mutate: (d) => (repo(d).importedFileChunkSize = 600000), path: 'fileSystems.work.repositories[0].importedFileChunkSize' },
  { id: 'DRA008', mutate: (d) => (repo(d).bucket = 'input-dr'), path: 'fileSystems.work.repositories[0].bucket' },
  { id: 'DRA009', mutate: (d) => (repo(d).autoImport = ['NEW', 'NEW']), path: 'fileSystems.work.repositories[0].autoImport' },
  { id: 'DRA010', mutate: (d) => (repo(d).path = 'ExtData'), path: 'fileSystems.work.repositories[0].path' },
  { id: 'DRA011', mutate: (d) => (repo(d).prefix = '/ExtData/'), path: 'fileSystems.work.repositories[0].prefix' },
  {
    id: 'DRA012',
    mutate: (d) => {
      d.buckets['output-dr'].adopt = true;
      repo(d, 1).bucket = 'output-dr';
    },
    path: 'fileSystems.work.repositories[1].bucket',
  },
  {
    id: 'DRA013',
    mutate: (d) => {
      d.buckets.results = { site: 'recovery', name: 'acme-climate-results', encryption: 'kms' };
      work(d).repositories.push({ path: '/results', bucket: 'results', purpose: 'output' });
    },
    path: 'fileSystems.work.repositories[2].bucket',
  },
  { id: 'SAF001', mutate: (d) => (repo(d, 1).autoExport = []), path: 'fileSystems.work.repositories[1].autoExport' },
  { id: 'SAF003', mutate: (d) => (repo(d).preload = 'none'), path: 'fileSystems.work.repositories[0].preload' },
  { id: 'KMS001', mutate: (d) => (d.buckets.input.encryption.kmsKeyArn = 'arn:aws:kms:eu-central-1:999999999999:key/k'), path: 'buckets.input.encryption.kmsKeyArn' },
  { id: 'KMS002', mutate: (d) => (d.fileSystems.archive.kmsKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/k'), path: 'fileSystems.archive.kmsKeyArn' },
  // A keyed bucket a file system starts to read: output, with a customer-managed key (the example acknowledges only input's).
  { id: 'KMS003', mutate: (d) => (d.buckets.output.encryption = { kmsKeyArn: 'arn:aws:kms:eu-central-1:111111111111:key/k' }), path: 'buckets.output.encryption.kmsKeyArn' },
  { id: 'SAF002', mutate: (d) => (repo(d).autoExport = ['NEW']), path: 'fileSystems.work.repositories[0].autoExport' },
  { id: 'MON001', mutate: (d) => (d.backupPlans.nightly.schedule = 'cron(0 3 1 * ? *)'), path: 'backupPlans.nightly.schedule' },
  { id: 'BAK001', mutate: (d) => (work(d).backups = { retentionDays: 7 }), path: 'fileSystems.work.backups' },
  { id: 'BAK002', mutate: (d) => (fs(d).repositories = [{ path: '/archive', bucket: 'output', prefix: 'archive/', purpose: 'sync' }]), path: 'fileSystems.archive.backups' },
  { id: 'BAK003', mutate: (d) => (fs(d).backups.retentionDays = 120), path: 'fileSystems.archive.backups.retentionDays' },
  { id: 'BAK004', mutate: (d) => (fs(d).backups.dailyAt = '3am'), path: 'fileSystems.archive.backups.dailyAt' },
  { id: 'PLN001', mutate: (d) => (plan(d).schedule = 'cron(0 3 * * *)'), path: 'backupPlans.nightly.schedule' },
  { id: 'PLN002', mutate: (d) => (plan(d).copyTo[0].retentionDays = 0), path: 'backupPlans.nightly.copyTo[0].retentionDays' },
  { id: 'PLN003', mutate: (d) => (plan(d).copyTo[0].site = 'primary'), path: 'backupPlans.nightly.copyTo[0].site' },
  { id: 'PLN004', mutate: (d) => (plan(d).vaultLock.minRetentionDays = 40), path: 'backupPlans.nightly.retentionDays' },
  { id: 'PLN005', mutate: (d) => plan(d).fileSystems.push('work'), path: 'backupPlans.nightly.fileSystems[1]' },
  { id: 'PLN006', mutate: (d) => (fs(d).site = 'recovery', (fs(d).kmsKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/x')), path: 'backupPlans.nightly.fileSystems[0]' },
  { id: 'PLN007', mutate: (d) => delete fs(d).kmsKeyArn, path: 'backupPlans.nightly.copyTo[0].site' },
  { id: 'PLN008', mutate: (d) => (plan(d).startWindowMinutes = 30), path: 'backupPlans.nightly.startWindowMinutes' },
  {
    id: 'PLN009',
    mutate: (d) => (d.backupPlans.weekly = { ...plan(d), copyTo: [], vaultLock: { mode: 'compliance', minRetentionDays: 7, maxRetentionDays: 365 } }),
    path: 'backupPlans.weekly.vaultLock',
  },
  {
    id: 'PLN010',
    mutate: (d) => {
      d.fileSystems.standby = { ...fs(d), site: 'recovery', kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/x' };
      d.backupPlans.dr = { site: 'recovery', fileSystems: ['standby'], schedule: 'cron(0 4 * * ? *)', retentionDays: 30, vaultLock: { mode: 'governance', minRetentionDays: 1, maxRetentionDays: 60 } };
    },
    path: 'backupPlans.nightly.copyTo[0].retentionDays',
  },
  { id: 'PLN012', mutate: (d) => (d.sites.recovery.operationalKmsKeyArn = 'arn:aws:kms:eu-central-1:222222222222:key/v'), path: 'sites.recovery.operationalKmsKeyArn' },
  { id: 'PLN011', mutate: (d) => (d.sites.recovery.backupVaultKmsKeyArn = 'arn:aws:kms:eu-central-1:222222222222:key/v'), path: 'sites.recovery.backupVaultKmsKeyArn' },
  { id: 'PLN013', mutate: (d) => { d.sites.third = { account: 'prod', region: 'us-east-1' }; d.backupPlans.nightly.restoreTesting.site = 'third'; }, path: 'backupPlans.nightly.restoreTesting.site' },
  // No recovery entry at the plan's own site gives a network there.
  { id: 'PLN014', mutate: (d) => (d.backupPlans.nightly.restoreTesting.site = 'primary'), path: 'backupPlans.nightly.restoreTesting' },
  { id: 'PLN015', mutate: (d) => (d.backupPlans.nightly.restoreTesting.schedule = 'cron(0 5 * * *)'), path: 'backupPlans.nightly.restoreTesting.schedule' },
  { id: 'PLN015', mutate: (d) => (d.backupPlans.nightly.restoreTesting.validationWindowHours = 200), path: 'backupPlans.nightly.restoreTesting.validationWindowHours' },
  // Weekly backups copied within a day: up to 192 h between copies, more than the default 7-day window.
  { id: 'PLN016', mutate: (d) => (d.backupPlans.nightly.schedule = 'cron(0 3 ? * SUN *)'), path: 'backupPlans.nightly.restoreTesting.selectionWindowDays' },
  { id: 'PLN017', mutate: (d) => (d.backupPlans.weekly = { ...d.backupPlans.nightly, schedule: 'cron(0 4 ? * SUN *)', restoreTesting: { schedule: 'cron(0 6 ? * SUN *)', selectionWindowDays: 9 } }), path: 'backupPlans.weekly.restoreTesting' },
  { id: 'RST001', mutate: (d) => (d.archiveRestore[0].days = 0), path: 'archiveRestore[0].days' },
  { id: 'RST002', mutate: (d) => (d.archiveRestore[0].tier = 'Expedited'), path: 'archiveRestore[0].tier' },
  { id: 'RST003', mutate: (d) => d.archiveRestore.push({ bucket: 'input', prefix: 'ExtData/archive/' }), path: 'archiveRestore[1].prefix' },
  { id: 'RST004', mutate: (d) => (d.archiveRestore[0].bucket = 'output-dr'), path: 'archiveRestore[0].bucket' },
  { id: 'RST005', mutate: (d) => (d.archiveRestore[0].prefix = '/ExtData/'), path: 'archiveRestore[0].prefix' },
  // 125 entries of 4 selector values each fill a trail's 500: the 126th at the site trips.
  { id: 'RST006', mutate: (d) => d.archiveRestore.push(...Array.from({ length: 125 }, (_, i) => ({ bucket: 'input', prefix: `Other${i}/` }))), path: 'archiveRestore[125]' },
  { id: 'REC001', mutate: (d) => (d.recovery[0].site = 'primary'), path: 'recovery[0].site' },
  { id: 'REC002', mutate: (d) => d.replication.pop(), path: 'recovery[0].site' },
  { id: 'REC003', mutate: (d) => (d.replication[0].prefix = 'Other/'), path: 'replication[0].prefix' },
  { id: 'REC004', mutate: (d) => d.recovery.push({ ...d.recovery[0] }), path: 'recovery[2]' },
  { id: 'REC005', mutate: (d) => (d.replication[1].mode = 'one-way'), path: 'replication[1].mode' },
  { id: 'REC008', mutate: (d) => delete d.acknowledge, path: 'recovery[0]' },
  { id: 'REC007', mutate: (d) => (d.recovery[1].kmsKeyArn = 'arn:aws:kms:eu-central-1:222222222222:key/k'), path: 'recovery[1].kmsKeyArn' },
  {
    id: 'REC006',
    mutate: (d) => (unlinkWork(d), d.recovery.push({ fileSystem: 'work', site: 'recovery', network: { subnetId: 'subnet-0def1234abc567890', securityGroupIds: ['sg-0def1234abc567890'] } })),
    path: 'recovery[0].fileSystem',
  },
];

describe('rules that must not miss half a case, nor contradict each other', () => {
  test('SAF001 catches partial autoExport lists on scratch, naming what is missing', () => {
    const d = multiSite();
    repo(d, 1).autoExport = ['NEW'];
    const f = validateDraft(d).findings.filter((x) => x.id === 'SAF001');
    expect(f.map((x) => [x.path, x.message.split(':')[0]])).toEqual([['fileSystems.work.repositories[1].autoExport', 'autoExport lacks CHANGED and DELETED']]);
    repo(d, 1).autoExport = ['NEW', 'CHANGED'];
    expect(validateDraft(d).findings.filter((x) => x.id === 'SAF001')[0].message).toContain('autoExport lacks DELETED: files deleted on the file system would stay in S3');
    repo(d, 1).autoExport = ['NEW', 'CHANGED', 'DELETED'];
    expect(validateDraft(d).findings.filter((x) => x.id === 'SAF001')).toEqual([]);
  });

  test('PLN007 does not ask a scratch file system for the KMS key FSX007 forbids', () => {
    const d = multiSite();
    d.fileSystems.archive = { ...d.fileSystems.archive, deploymentType: 'SCRATCH_2', storageCapacity: 2400 };
    delete d.fileSystems.archive.kmsKeyArn;
    delete d.fileSystems.archive.throughput;
    delete d.fileSystems.archive.backups;
    const ids = validateDraft(d).findings.map((x) => x.id);
    expect(ids).not.toContain('PLN007');
    expect(ids.some((id) => id.startsWith('PLN') || id.startsWith('BAK'))).toBe(true); // the real problem: scratch in a backup plan
  });
});

describe('semantic rules', () => {
  test('the examples pass every rule (the multi-site one acknowledges its archived replica)', () => {
    expect(validateDraft(multiSite()).findings.map((f) => [f.id, f.acknowledged !== undefined])).toEqual([['KMS003', true], ['KMS003', true], ['REC008', true]]);
    expect(validateDraft(quickstart()).findings).toEqual([]);
  });

  test('every rule has a case here', () => {
    expect([...new Set(CASES.map((c) => c.id))].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test('rule IDs are unique and every rule documents itself in one line', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[A-Z]{3}\d{3}$/);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.summary).not.toContain('\n');
    }
  });

  test.each(CASES)('$id trips on its blueprint at $path', ({ id, base, mutate, path }) => {
    const draft = (base ?? multiSite)();
    mutate(draft);
    const findings = validateDraft(draft).findings;
    const mine = findings.filter((f) => f.id === id);
    expect(mine.map((f) => f.path)).toContain(path);
    const rule = RULES.find((r) => r.id === id)!;
    for (const f of mine) {
      expect(f.severity).toBe(rule.severity);
      expect(f.line).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(15);
    }
  });
});

describe('FSX003 suggests the nearest valid capacities', () => {
  test.each([
    ['SCRATCH_2', 3000, 'the nearest are 2400 and 4800'],
    ['SCRATCH_2', 1000, 'the nearest is 1200'],
    ['SCRATCH_1', 3000, 'the nearest are 2400 and 3600'],
    ['PERSISTENT_2', 5000, 'the nearest are 4800 and 7200'],
  ])('%s %i: %s', (deploymentType, storageCapacity, words) => {
    const { capacitySteps } = jest.requireActual('../../src/aws/fsx');
    const steps = capacitySteps(deploymentType, 'SSD');
    const { below, above } = steps.nearest(storageCapacity);
    expect(below === undefined ? `the nearest is ${above}` : `the nearest are ${below} and ${above}`).toBe(words);
    expect([below, above].filter((c) => c !== undefined).every((c) => steps.ok(c))).toBe(true);
  });
});
