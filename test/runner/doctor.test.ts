import { FakeAccount, fakeAccounts, lustreRules, selfRule } from '../helpers/fake-account';
import type { FakeAws } from '../helpers/fake-aws';
import { multiSite, quickstart, type Draft } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { writeDraft } from '../helpers/runner-env';
import { resetDoctorClients } from '../../src/runner/doctor/clients';

/* eslint-disable @typescript-eslint/no-explicit-any */
let aws: FakeAws;
let accounts: FakeAccount;
let restore: () => Promise<void>;
beforeEach(async () => ({ aws, accounts, restore } = await fakeAccounts()));
afterEach(async () => {
  // Read-only, whatever the test: no call of any fake may change an account.
  expect(accounts.mutations).toEqual([]);
  expect(accounts.unsimulated).toEqual([]);
  expect(aws.calls.filter((c) => !/^(Describe|Get|List|Head|AssumeRole)/.test(c.op))).toEqual([]);
  await restore();
});

const PROD = '111111111111';
const VAULT = '222222222222';
const INPUT_KEY = `arn:aws:kms:eu-central-1:${PROD}:key/6f1c2a4e-0b7d-4c1e-9a52-3f8e7d6c5b4a`;
const DR_KEY = `arn:aws:kms:eu-west-1:${VAULT}:key/0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a`;
const fsxRole = (account: string) => `arn:aws:iam::${account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*`;
const policy = (...statements: any[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: statements[0] }, Action: 'kms:*', Resource: '*' }, ...statements.slice(1)] });
const fsxStatement = (account: string) => ({ Sid: 'FSx', Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': fsxRole(account) } } });

/** The two accounts of the multi-site example as they should be before its first apply. */
function healthy(a: FakeAccount): void {
  a.subnets.push({ SubnetId: 'subnet-0abc1234def567890', VpcId: 'vpc-0abc1234def567890', CidrBlock: '10.10.1.0/24', account: PROD, region: 'eu-central-1' });
  a.subnets.push({ SubnetId: 'subnet-0def1234abc567890', VpcId: 'vpc-0def1234abc567890', CidrBlock: '10.20.1.0/24', account: VAULT, region: 'eu-west-1' });
  a.groups.push({ GroupId: 'sg-0abc1234def567890', VpcId: 'vpc-0abc1234def567890', account: PROD, region: 'eu-central-1', ingress: lustreRules('sg-0abc1234def567890'), egress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
  a.groups.push({ GroupId: 'sg-0def1234abc567890', VpcId: 'vpc-0def1234abc567890', account: VAULT, region: 'eu-west-1', ingress: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-0def1234abc567890' }] }], egress: lustreRules('sg-0def1234abc567890') });
  a.keys.push({ arn: INPUT_KEY, policy: policy(`arn:aws:iam::${PROD}:root`, fsxStatement(PROD), { Sid: 'Vault', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VAULT}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'], Resource: '*' }) });
  a.keys.push({ arn: DR_KEY, policy: policy(`arn:aws:iam::${VAULT}:root`, fsxStatement(VAULT), { Sid: 'Replication', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:role/climate-repl-input` }, Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: '*' }) });
  a.organizations[PROD] = { Id: 'o-abc123', MasterAccountId: '333333333333' };
  a.organizations[VAULT] = { Id: 'o-abc123', MasterAccountId: '333333333333' };
}

async function doctor(draft: Draft, ...args: string[]) {
  resetDoctorClients(); // each run is a new process, with credentials of its own
  const { file } = writeDraft(draft);
  const r = await run('doctor', '-b', file, '--format', 'json', ...args);
  const parsed = r.out ? JSON.parse(r.out) : { checks: [] };
  const row = (check: string, subject?: string | RegExp) =>
    parsed.checks.filter((c: any) => c.check === check && (subject === undefined || (typeof subject === 'string' ? c.subject === subject : subject.test(c.subject))));
  return { ...r, result: parsed, checks: parsed.checks as any[], row };
}

const results = (rows: any[]) => rows.map((c) => c.result);

describe('lustreform doctor', () => {
  test('a healthy pair of accounts before the first apply: every area checked, nothing fails, nothing written', async () => {
    healthy(accounts);
    const r = await doctor(multiSite());
    expect(r.checks.filter((c) => c.result === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.result.ok).toBe(true);
    expect(new Set(r.checks.map((c) => c.check))).toEqual(new Set(['credentials', 'bucket name', 'subnet', 'security group', 'KMS key', 'key policy', 'CloudTrail trails', 'Lambda concurrency', 'FSx capacity quota', 'backup copy organization', 'cross-account backup', 'state backend']));
    expect(r.row('credentials').map((c: any) => [c.subject, c.result])).toEqual([[`account prod (${PROD})`, 'ok'], [`account vault (${VAULT})`, 'ok']]);
    expect(accounts.calls.filter((c) => c.op === 'AssumeRole').map((c) => c.input.RoleArn)).toEqual(expect.arrayContaining([`arn:aws:iam::${PROD}:role/deployer`, `arn:aws:iam::${VAULT}:role/deployer`]));
    expect(r.row('bucket name', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'ok', detail: `free: apply creates it in ${PROD}` });
    expect(r.row('key policy', /^bucket input-dr: replication role of input/)[0]).toMatchObject({ result: 'ok' });
    expect(r.row('key policy', /^bucket input: FSx's S3 service-linked role/)[0]).toMatchObject({ result: 'ok' });
    expect(r.row('key policy', /^file system archive: account 222222222222/)[0]).toMatchObject({ result: 'ok' });
    expect(r.row('CloudTrail trails').map((c: any) => c.subject)).toEqual([`${PROD} eu-central-1`, `${VAULT} eu-west-1`]);
    // The restore tests at the recovery site build a copy of archive there for the hours they run.
    expect(r.row('FSx capacity quota').map((c: any) => [c.subject, c.result])).toEqual([[`${PROD} eu-central-1 Lustre Scratch storage capacity`, 'ok'], [`${PROD} eu-central-1 Lustre Persistent_2 storage capacity`, 'ok'], [`${VAULT} eu-west-1 Lustre Persistent_2 storage capacity`, 'ok']]);
    expect(r.row('FSx capacity quota', `${VAULT} eu-west-1 Lustre Persistent_2 storage capacity`)[0].detail).toContain('4800 GiB for archive (restore test)@recovery');
    expect(r.row('cross-account backup')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('the management account 333333333333 must check it') });
    expect(r.row('state backend')[0]).toMatchObject({ result: 'skip' });
    if (process.env.SHOW) console.log((await run('doctor', '-b', writeDraft(multiSite()).file)).out);
  });

  test('the table: one row per check, the summary line, exit 0 with warnings', async () => {
    healthy(accounts);
    accounts.lambda[PROD] = { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 3 };
    const { file } = writeDraft(multiSite());
    const r = await run('doctor', '-b', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^check +subject +result +detail$/m);
    expect(r.out).toMatch(/^Lambda concurrency +111111111111 eu-central-1 +WARN +3 unreserved of 10; 1 restore function\(s\) reserve 0 and burst to 5: bursts of restores will be throttled/m);
    expect(r.out).toMatch(/^all \d+ checks passed \(1 warnings, 2 skipped\)$/m);
  });

  test('credentials: a role that cannot be assumed fails, a role in the wrong account fails, and that account\'s other checks are skipped', async () => {
    healthy(accounts);
    accounts.deniedRoles.add(`arn:aws:iam::${VAULT}:role/deployer`);
    const r = await doctor(multiSite());
    expect(r.code).toBe(1);
    expect(r.row('credentials', `account vault (${VAULT})`)[0]).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^cannot assume arn:aws:iam::222222222222:role\/deployer: not permitted to call sts:AssumeRole \(AccessDenied/) });
    expect(r.row('bucket name', 'input-dr (acme-climate-input-dr)')[0]).toMatchObject({ result: 'skip', detail: 'cannot sign in to account vault (see credentials)' });
    expect(results(r.row('subnet', /@recovery/))).toEqual(['skip', 'skip', 'skip']);

    accounts.deniedRoles.clear();
    accounts.landsIn[`arn:aws:iam::${PROD}:role/deployer`] = '999999999999';
    const wrong = await doctor(multiSite());
    expect(wrong.row('credentials', `account prod (${PROD})`)[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('lands in account 999999999999, not 111111111111') });
  });

  test('with LUSTREFORM_PLAN=1 doctor signs in with each account\'s read-only planRole', async () => {
    healthy(accounts);
    process.env.LUSTREFORM_PLAN = '1';
    try {
      const r = await doctor(multiSite());
      expect(r.row('credentials')[0].detail).toContain(`assumed arn:aws:iam::${PROD}:role/planner (planRole, LUSTREFORM_PLAN=1)`);
      expect(new Set(accounts.calls.filter((c) => c.op === 'AssumeRole').map((c) => c.input.RoleArn))).toEqual(new Set([`arn:aws:iam::${PROD}:role/planner`, `arn:aws:iam::${VAULT}:role/planner`]));
    } finally {
      delete process.env.LUSTREFORM_PLAN;
    }
  });

  test('bucket names: taken by another account fails, ours from this blueprint is fine, ours untagged warns, another region fails', async () => {
    healthy(accounts);
    accounts.buckets.set('acme-climate-input', { owner: '999999999999', region: 'eu-central-1' });
    accounts.buckets.set('acme-climate-output', { owner: PROD, region: 'eu-central-1', tags: { 'lustreform:blueprint': 'climate' } });
    accounts.buckets.set('acme-climate-output-dr', { owner: VAULT, region: 'eu-west-1' });
    accounts.buckets.set('acme-climate-input-dr', { owner: '999999999999', region: 'us-east-1' });
    const r = await doctor(multiSite());
    expect(r.code).toBe(1);
    expect(r.row('bucket name', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('belongs to another account') });
    expect(r.row('bucket name', 'output (acme-climate-output)')[0]).toMatchObject({ result: 'ok', detail: expect.stringContaining('created by this blueprint') });
    expect(r.row('bucket name', 'output-dr (acme-climate-output-dr)')[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining('BucketAlreadyOwnedByYou') });
    expect(r.row('bucket name', 'input-dr (acme-climate-input-dr)')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('exists in us-east-1, not eu-west-1') });
    // HeadBucket was asked with the expected owner.
    expect(accounts.calls.find((c) => c.op === 'HeadBucket' && c.account === PROD)).toBeDefined();
  });

  test('a 403 that ListBuckets cannot explain is a skip that says why', async () => {
    healthy(accounts);
    accounts.buckets.set('acme-climate-input', { owner: '999999999999', region: 'eu-central-1' });
    accounts.denied.add(`${PROD}:ListBuckets`);
    const r = await doctor(multiSite());
    expect(r.row('bucket name', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('another account owns the name, or the role lacks s3:ListBucket') });
  });

  test('adopted buckets: must exist and be ours, versioned when replicated, no foreign replication configuration, notifications on auto-import prefixes said', async () => {
    healthy(accounts);
    const d = multiSite();
    d.buckets.input.adopt = true;
    d.buckets.input.lifecycle = undefined;
    d.buckets.input.noncurrentVersionExpirationDays = undefined;
    d.buckets['output-dr'].adopt = true;
    accounts.buckets.set('acme-climate-input', { owner: PROD, region: 'eu-central-1', versioning: 'Suspended', replication: { role: `arn:aws:iam::${PROD}:role/legacy`, rules: ['old-rule'] }, notifications: [{ id: 'etl', events: ['s3:ObjectCreated:*'], prefix: 'ExtData/raw/' }] });
    const r = await doctor(d);
    expect(r.code).toBe(1);
    expect(r.row('adopted bucket', 'input (acme-climate-input)')[0].result).toBe('ok');
    expect(r.row('adopted bucket versioned', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('versioning is Suspended') });
    expect(r.row('adopted bucket replication', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('rules old-rule) that the replication stack would replace') });
    expect(r.row('adopted bucket notifications', 'input (acme-climate-input)')[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining('etl (s3:ObjectCreated:*) on ExtData/raw/') });
    expect(r.row('adopted bucket', 'output-dr (acme-climate-output-dr)')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('no bucket has this name') });

    accounts.buckets.set('acme-climate-input', { owner: PROD, region: 'eu-central-1', versioning: 'Enabled', replication: { role: `arn:aws:iam::${PROD}:role/climate-repl-input`, rules: ['to-input-dr'] } });
    accounts.buckets.set('acme-climate-output-dr', { owner: VAULT, region: 'eu-west-1', versioning: 'Enabled' });
    const fixed = await doctor(d);
    expect(fixed.checks.filter((c) => c.check.startsWith('adopted')).map((c) => [c.check, c.result])).toEqual([
      ['adopted bucket', 'ok'],
      ['adopted bucket versioned', 'ok'],
      ['adopted bucket replication', 'ok'],
      ['adopted bucket notifications', 'ok'],
      ['adopted bucket', 'ok'],
      ['adopted bucket versioned', 'ok'],
      ['adopted bucket replication', 'ok'],
    ]);
  });

  test('networks: a missing subnet, a subnet outside the security group\'s VPC, missing Lustre ports named; a cold standby\'s problems warn', async () => {
    healthy(accounts);
    accounts.subnets[0].VpcId = 'vpc-0other';
    accounts.groups[0].ingress = [selfRule('sg-0abc1234def567890', 988, 988)];
    accounts.groups[0].egress = [selfRule('sg-0abc1234def567890', 1018, 1020)];
    accounts.groups[1].egress = [];
    const r = await doctor(multiSite());
    expect(r.code).toBe(1);
    expect(r.row('subnet', 'work subnet-0abc1234def567890')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('in vpc-0other, but the security group is to be created in vpc-0abc1234def567890') });
    expect(r.row('security group', 'archive sg-0abc1234def567890')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('inbound 1018-1023; outbound 988; outbound 1021, 1022, 1023') });
    expect(r.row('security group', 'work@recovery sg-0def1234abc567890')[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining('outbound 988; outbound 1018-1023') });
    expect(r.row('security group', 'work@recovery sg-0def1234abc567890')[0].detail).toContain('(needed at failover: cold standby)');
    // The same network for the restore tests AWS Backup runs every week: a failure now, not at failover.
    expect(r.row('security group', 'restore tests of nightly@recovery sg-0def1234abc567890')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('outbound 988; outbound 1018-1023') });
    expect(r.row('security group', 'restore tests of nightly@recovery sg-0def1234abc567890')[0].detail).not.toContain('cold standby');

    accounts.subnets.splice(0, 1);
    const missing = await doctor(multiSite());
    expect(missing.row('subnet', 'archive subnet-0abc1234def567890')[0]).toMatchObject({ result: 'fail', detail: 'no such subnet in eu-central-1 of this account' });
  });

  test('security groups: all traffic (-1) admits the ports, a CIDR holding the subnet counts, and pages are followed', async () => {
    healthy(accounts);
    const d = multiSite();
    d.fileSystems.archive.network.securityGroupIds = ['sg-0abc1234def567890', 'sg-0000000000000000b', 'sg-0000000000000000c'];
    accounts.groups.push({ GroupId: 'sg-0000000000000000b', VpcId: 'vpc-0abc1234def567890', account: PROD, region: 'eu-central-1', ingress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.10.0.0/16' }] }], egress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
    accounts.groups.push({ GroupId: 'sg-0000000000000000c', VpcId: 'vpc-0abc1234def567890', account: PROD, region: 'eu-central-1', ingress: [{ IpProtocol: 'tcp', FromPort: 988, ToPort: 1023, IpRanges: [{ CidrIp: '10.99.0.0/16' }] }], egress: [] });
    accounts.groupPage = 1;
    const r = await doctor(d);
    expect(accounts.count('DescribeSecurityGroups')).toBeGreaterThanOrEqual(3);
    expect(r.row('security group', 'archive sg-0000000000000000b')[0].result).toBe('ok');
    expect(r.row('security group', 'archive sg-0000000000000000c')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('inbound 988; inbound 1018-1023; outbound 988; outbound 1018-1023') });
  });

  test('KMS keys: disabled, pending deletion and missing fail; a key policy that admits FSx only through the account warns', async () => {
    healthy(accounts);
    accounts.keys[0].state = 'Disabled';
    accounts.keys[1].policy = policy(`arn:aws:iam::${VAULT}:root`);
    const r = await doctor(multiSite());
    expect(r.code).toBe(1);
    expect(results(r.row('KMS key', new RegExp(`^(bucket input|file system archive) ${INPUT_KEY}$`)))).toEqual(['fail', 'fail']);
    expect(r.row('KMS key', `bucket input ${INPUT_KEY}`)[0].detail).toContain('KeyState Disabled: enable it');
    expect(r.row('key policy', /^bucket input-dr: FSx's S3 service-linked role of 222222222222/)[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining("FSx's service-linked roles get no KMS permission from IAM") });
    expect(r.row('key policy', /^bucket input-dr: replication role of input/)[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('does not let replication role of input') });

    accounts.keys[0].state = 'PendingDeletion';
    accounts.keys.splice(1, 1);
    const again = await doctor(multiSite());
    expect(again.row('KMS key', `bucket input ${INPUT_KEY}`)[0].detail).toContain('KeyState PendingDeletion: cancel its deletion');
    expect(again.row('KMS key', `bucket input-dr ${DR_KEY}`)[0]).toMatchObject({ result: 'fail', detail: `no such key in eu-west-1 of ${VAULT}` });
    // The cold standby's key is needed only at failover.
    expect(again.row('KMS key', `file system archive@recovery ${DR_KEY}`)[0].result).toBe('warn');

  });

  test('a key in an account the blueprint does not name: its policy is unreadable there, so the row says who must check what', async () => {
    healthy(accounts);
    const d = multiSite();
    const foreign = 'arn:aws:kms:eu-central-1:444444444444:key/99999999-8888-7777-6666-555555555555';
    d.fileSystems.archive.kmsKeyArn = foreign;
    accounts.keys.push({ arn: foreign, policy: policy('arn:aws:iam::444444444444:root'), describers: [PROD] });
    const r = await doctor(d);
    expect(r.row('KMS key', `file system archive ${foreign}`)[0].result).toBe('ok');
    const rows = r.row('key policy', /^file system archive: /);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ result: 'skip', detail: expect.stringContaining('the key is in account 444444444444, which the blueprint does not name, and a key policy is readable only there: its owner must check') });
    expect(accounts.count('GetKeyPolicy')).toBe(2); // only the keys of the blueprint's own accounts
  });

  test('limits: trails at five fail, organization trails of others make it a warning; Lambda; FSx quota with other file systems counted', async () => {
    healthy(accounts);
    const trail = (name: string, account = PROD, home = 'eu-central-1', extra = {}) => ({ Name: name, TrailARN: `arn:aws:cloudtrail:${home}:${account}:trail/${name}`, HomeRegion: home, ...extra });
    accounts.trails.push(trail('audit', PROD, 'us-east-1', { IsMultiRegionTrail: true }), trail('a'), trail('b'), trail('c'), trail('climate-restore-input-3f2a1b'));
    accounts.trails.push(trail('other-region', PROD, 'eu-west-1'));
    accounts.trails.push(trail('org', '333333333333', 'us-east-1', { IsMultiRegionTrail: true, IsOrganizationTrail: true, visibleTo: [VAULT] }));
    for (const n of ['v1', 'v2', 'v3', 'v4']) accounts.trails.push(trail(n, VAULT, 'eu-west-1'));
    accounts.quotas[`${PROD}/eu-central-1/L-AD2FC696`] = 4000;
    aws.fileSystems.push({ FileSystemId: 'fs-other', FileSystemType: 'LUSTRE', StorageCapacity: 2400, LustreConfiguration: { DeploymentType: 'SCRATCH_2' }, Tags: [{ Key: 'owner', Value: 'someone' }] });
    aws.fileSystems.push({ FileSystemId: 'fs-ours', FileSystemType: 'LUSTRE', StorageCapacity: 2400, LustreConfiguration: { DeploymentType: 'SCRATCH_2' }, Tags: [{ Key: 'lustreform:blueprint', Value: 'climate' }] });
    const r = await doctor(multiSite());
    expect(r.code).toBe(1);
    expect(r.row('CloudTrail trails', `${PROD} eu-central-1`)[0]).toMatchObject({ result: 'ok', detail: '4 trail(s) already (audit, a, b, c) + 1 for archive restore = 5 of 5' });
    expect(r.row('CloudTrail trails', `${VAULT} eu-west-1`)[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining('organization trails of other accounts, not counted: org') });
    expect(r.row('FSx capacity quota', `${PROD} eu-central-1 Lustre Scratch storage capacity`)[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('2400 GiB for work + 2400 GiB already in the account = 4800 of 4000 GiB (applied, fsx L-AD2FC696)') });
    expect(accounts.calls.filter((c) => c.op === 'GetAWSDefaultServiceQuota').map((c) => c.input.QuotaCode)).toEqual(['L-8F1B9C74', 'L-8F1B9C74']);

    accounts.trails.push(trail('d'));
    const five = await doctor(multiSite());
    expect(five.row('CloudTrail trails', `${PROD} eu-central-1`)[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('= 6 of 5: CloudTrail allows 5 per region') });
  });

  test('FSx quotas: HDD file systems against the per-file-system quota; other file systems unknown make a warning', async () => {
    const d = quickstart();
    d.fileSystems.big = { site: 'main', deploymentType: 'PERSISTENT_1', storageType: 'HDD', storageCapacity: 6000, throughput: 12, driveCache: 'READ', network: d.fileSystems.work.network };
    accounts.quotas[`${accounts.ambient}/eu-central-1/L-736F3D6F`] = 5000;
    accounts.denied.add(`*:DescribeFileSystems`);
    const r = await doctor(d);
    expect(r.row('FSx capacity quota', `${accounts.ambient} eu-central-1 Lustre Persistent HDD storage capacity (per file system)`)[0]).toMatchObject({ result: 'fail', detail: 'big 6000 GiB over 5000 GiB per file system (fsx L-736F3D6F): request an increase' });
    expect(r.row('FSx capacity quota', `${accounts.ambient} eu-central-1 Lustre Persistent_1 storage capacity`)[0]).toMatchObject({ result: 'warn', detail: expect.stringContaining('file systems already in the account not counted: not permitted to call fsx:DescribeFileSystems') });
  });

  test('an adopted bucket whose settings cannot be read is a skip per setting', async () => {
    healthy(accounts);
    const d = multiSite();
    d.buckets['output-dr'].adopt = true;
    accounts.buckets.set('acme-climate-output-dr', { owner: VAULT, region: 'eu-west-1', versioning: 'Enabled' });
    accounts.denied.add(`${VAULT}:GetBucketVersioning`);
    const r = await doctor(d);
    expect(r.row('adopted bucket versioned', 'output-dr (acme-climate-output-dr)')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('not permitted to call s3:GetBucketVersioning') });
    expect(r.row('adopted bucket replication', 'output-dr (acme-climate-output-dr)')[0].result).toBe('ok');
  });

  test('a permission the role lacks is a skip naming the action, never a crash', async () => {
    healthy(accounts);
    for (const op of ['DescribeSecurityGroups', 'GetAccountSettings', 'DescribeTrails', 'GetServiceQuota', 'DescribeOrganization', 'DescribeFileSystems', 'GetKeyPolicy']) accounts.denied.add(`*:${op}`);
    const r = await doctor(multiSite());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.row('security group')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('not permitted to call ec2:DescribeSecurityGroups (UnauthorizedOperation') });
    expect(r.row('Lambda concurrency')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('not permitted to call lambda:GetAccountSettings') });
    expect(r.row('CloudTrail trails')[0].detail).toContain('not permitted to call cloudtrail:DescribeTrails');
    expect(r.row('FSx capacity quota')[0]).toMatchObject({ result: 'skip', detail: expect.stringContaining('not permitted to call servicequotas:GetServiceQuota') });
    expect(r.row('backup copy organization')[0].detail).toContain('not permitted to call organizations:DescribeOrganization');
    expect(results(r.row('key policy'))).toEqual(r.row('key policy').map(() => 'skip'));
  });

  test('backup copies across accounts: another organization fails; read from the management account, the setting is checked', async () => {
    healthy(accounts);
    accounts.organizations[VAULT] = { Id: 'o-other', MasterAccountId: '555555555555' };
    const r = await doctor(multiSite());
    expect(r.row('backup copy organization')[0]).toMatchObject({ result: 'fail', detail: `${PROD} is in o-abc123, ${VAULT} in o-other: cross-account copies need both accounts in one organization` });
    delete accounts.organizations[VAULT];
    expect((await doctor(multiSite())).row('backup copy organization')[0].detail).toContain(`account ${VAULT} is in no AWS Organization`);

    accounts.organizations[PROD] = { Id: 'o-abc123', MasterAccountId: PROD };
    accounts.organizations[VAULT] = { Id: 'o-abc123', MasterAccountId: PROD };
    accounts.crossAccountBackup[PROD] = 'false';
    const off = await doctor(multiSite());
    expect(off.row('cross-account backup')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('isCrossAccountBackupEnabled is false') });
    accounts.crossAccountBackup[PROD] = 'true';
    const on = await doctor(multiSite());
    expect(on.row('cross-account backup')[0]).toMatchObject({ result: 'ok', detail: `enabled (read in ${PROD})` });
    expect(on.code).toBe(0);
  });

  test('the S3 state backend: missing or unversioned fails, versioned is ok (read with the ambient credentials)', async () => {
    healthy(accounts);
    const d = multiSite();
    d.state = { backend: 's3', s3: { bucket: 'acme-tf-state', region: 'eu-central-1', keyPrefix: 'climate/' } };
    expect((await doctor(d)).row('state backend')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('does not exist') });
    accounts.buckets.set('acme-tf-state', { owner: accounts.ambient, region: 'eu-central-1' });
    expect((await doctor(d)).row('state backend')[0]).toMatchObject({ result: 'fail', detail: expect.stringContaining('versioning is off') });
    accounts.buckets.get('acme-tf-state')!.versioning = 'Enabled';
    expect((await doctor(d)).row('state backend')[0]).toMatchObject({ result: 'ok', subject: 's3://acme-tf-state/climate/' });
  });

  test('--site limits the rows to that site; a wrong site or an invalid blueprint is exit 2', async () => {
    healthy(accounts);
    const r = await doctor(multiSite(), '--site', 'recovery');
    expect(r.code).toBe(0);
    expect(r.row('credentials').map((c: any) => c.subject)).toEqual([`account vault (${VAULT})`]);
    // Nothing of the primary site: its buckets, file systems, keys and limits.
    expect(r.checks.filter((c) => /^(input|output) \(|^(work|archive) |^bucket (input|output):|^file system (work|archive)[: ]|111111111111 eu-central-1/.test(c.subject))).toEqual([]);
    expect(r.row('subnet').map((c: any) => c.subject)).toEqual(['work@recovery subnet-0def1234abc567890', 'archive@recovery subnet-0def1234abc567890', 'restore tests of nightly@recovery subnet-0def1234abc567890']);
    expect(r.row('state backend')).toEqual([]);

    const before = accounts.calls.length;
    const { file } = writeDraft(multiSite());
    const bad = await run('doctor', '-b', file, '--site', 'nowhere');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--site 'nowhere' is not a site of climate; sites: primary, recovery");
    const d = multiSite();
    d.fileSystems.work.storageCapacity = 3000;
    const invalid = await run('doctor', '-b', writeDraft(d).file);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('FSX003');
    expect(accounts.calls.length).toBe(before);
  });

  test('one ambient account (no accounts in the blueprint): its identity is the account every check uses', async () => {
    const d = quickstart();
    accounts.subnets.push({ SubnetId: d.fileSystems.work.network.subnetId, VpcId: d.fileSystems.work.network.securityGroup?.vpcId ?? 'vpc-1', CidrBlock: '10.0.0.0/24', account: accounts.ambient, region: d.sites[Object.keys(d.sites)[0]].region });
    const r = await doctor(d);
    expect(r.row('credentials')[0]).toMatchObject({ subject: 'ambient credentials', result: 'ok', detail: `the ambient credentials: arn:aws:iam::${accounts.ambient}:user/ci` });
    expect(r.row('bucket name').every((c: any) => c.detail === `free: apply creates it in ${accounts.ambient}`)).toBe(true);
    expect(accounts.count('AssumeRole')).toBe(0);
  });
});
