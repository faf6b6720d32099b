import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { multiSite, ROOT, validateDraft } from '../helpers/blueprints';
import { standaloneProblems } from '../../src/review/standalone';
import { planBlueprint } from '../../src/plan/plan';
import { cdkCli } from '../../src/stacks/cdk-cli';
import { run } from '../helpers/cli';
import { readOut, resources, synthDraft, type StackJson } from '../helpers/synth';
import { FakeAws } from '../helpers/fake-aws';
import { fakeAws, writeDraft } from '../helpers/runner-env';
import { fakeAccounts } from '../helpers/fake-account';

const BACKUP = 'backup-0123456789abcdef0';
/** cdktf, or cdktn where lustreform is built on CDK Terrain: the CLI the printed commands name. */
const CLI = cdkCli().command;
const tmp = () => mkdtempSync(join(tmpdir(), 'lustreform-dr-'));

/** Nothing of the primary site in a stack: its account, its region, its buckets. */
function expectNoPrimary(stack: StackJson) {
  const text = JSON.stringify(stack);
  expect(text).not.toContain('111111111111');
  expect(text).not.toMatch(/"eu-central-1"|:eu-central-1:/);
  for (const b of ['acme-climate-input/', 'acme-climate-output/']) expect(text).not.toContain(`s3://${b}`);
}

describe('recovery stacks', () => {
  test('cold standbys emit nothing until failover', () => {
    const { stacks } = synthDraft(multiSite());
    expect(Object.keys(stacks)).not.toContain('climate-recovery-lustre');
  });

  test('a warm standby is deployed now: same file system at the recovery site, on the replicas, standing alone', () => {
    const d = multiSite();
    d.recovery[0].standby = 'warm';
    const { stacks, manifest } = synthDraft(d);
    const stack = stacks['climate-recovery-lustre'];
    expect(manifest.stacks['climate-recovery-lustre'].dependencies).toEqual(['climate-recovery-storage']);
    expect(stack.provider.aws[0]).toMatchObject({ region: 'eu-west-1', allowed_account_ids: ['222222222222'], default_tags: [{ tags: expect.objectContaining({ 'lustreform:site': 'recovery' }) }] });
    const fs = resources(stack, 'aws_fsx_lustre_file_system').work;
    expect(fs).toMatchObject({ deployment_type: 'SCRATCH_2', storage_capacity: 2400, data_compression_type: 'LZ4', file_system_type_version: '2.15', subnet_ids: ['subnet-0def1234abc567890'], security_group_ids: ['sg-0def1234abc567890'], tags: { 'lustreform:filesystem': 'work' } });
    const dras = resources(stack, 'aws_fsx_data_repository_association');
    expect(dras.work_ExtData).toMatchObject({ file_system_path: '/ExtData', data_repository_path: 's3://acme-climate-input-dr/ExtData/', s3: { auto_import_policy: { events: ['NEW', 'CHANGED', 'DELETED'] } } });
    // The output repository exports to the replica, as the original exports to its bucket.
    expect(dras.work_output).toMatchObject({ file_system_path: '/output', data_repository_path: 's3://acme-climate-output-dr/output/', s3: { auto_export_policy: { events: ['NEW', 'CHANGED', 'DELETED'] } } });
    expectNoPrimary(stack);
  });
});

describe('lustreform failover', () => {
  const file = () => writeDraft(multiSite()).file;

  test('of the multi-site example: checks, writes the recovery stacks, prints the next commands', async () => {
    const out = join(tmp(), 'cdktf.out');
    const bp = file();
    const r = await run('failover', '-b', bp, '--to', 'recovery', '--file-system', 'work', '--file-system', 'archive', '--from-backup', `archive=${BACKUP}`, '--out', out);
    expect(r.code).toBe(0);
    const { stacks } = readOut(out);
    const stack = stacks['climate-recovery-lustre'];
    expect(Object.keys(resources(stack, 'aws_fsx_lustre_file_system')).sort()).toEqual(['archive', 'work']);
    expect(resources(stack, 'aws_fsx_lustre_file_system').archive).toMatchObject({ backup_id: BACKUP, deployment_type: 'PERSISTENT_2', storage_capacity: 4800, per_unit_storage_throughput: 250, file_system_type_version: '2.15', data_compression_type: 'NONE', kms_key_id: 'arn:aws:kms:eu-west-1:222222222222:key/0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a' });
    expectNoPrimary(stack);
    expect(r.out).toContain("'recovery' stands alone");
    const deploy = r.out.split('\n').find((l) => l.includes(`npx ${CLI} deploy`))!;
    expect(deploy).toContain(`LUSTREFORM_BLUEPRINT=${bp} LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=${BACKUP} npx ${CLI} deploy climate-recovery-storage climate-recovery-lustre`);
    expect(r.out).toContain(`npx lustreform import -b ${bp} --site recovery --wait`);

    // The printed environment makes the cdktf app write the same recovery stack.
    const env: Record<string, string> = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(tmp(), 'app') } as Record<string, string>;
    for (const m of deploy.matchAll(/(LUSTREFORM_[A-Z_]+)=(\S+)/g)) env[m[1]] = m[2];
    const app = spawnSync(process.execPath, ['dist/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(app.status).toBe(0);
    expect(readOut(env.CDKTF_OUTDIR).stacks['climate-recovery-lustre']).toEqual(stack);
  });

  test('refuses what cannot work: an unknown site, an empty rebuild, a bad backup id (exit 2)', async () => {
    const bp = file();
    const unknown = await run('failover', '-b', bp, '--to', 'nowhere');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("--to 'nowhere' is not a site of climate");
    const empty = await run('failover', '-b', bp, '--to', 'recovery', '--out', join(tmp(), 'o'));
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('archive reads no bucket, so rebuilt without a backup it would be empty');
    const bad = await run('failover', '-b', bp, '--to', 'recovery', '--file-system', 'archive', '--from-backup', 'latest');
    expect(bad.err).toContain("--from-backup 'latest' is not a backup id");
  });

  test('a recovery site that would need the primary (here a key of its account) cannot stand alone (exit 1), and nothing is written', async () => {
    const d = multiSite();
    d.recovery[1].kmsKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/6f1c2a4e-0b7d-4c1e-9a52-3f8e7d6c5b4a';
    const out = join(tmp(), 'o');
    const r = await run('failover', '-b', writeDraft(d).file, '--to', 'recovery', '--file-system', 'archive', '--from-backup', BACKUP, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain("climate-recovery-lustre aws_fsx_lustre_file_system.archive kms_key_id needs arn:aws:kms:eu-west-1:111111111111:key/6f1c2a4e-0b7d-4c1e-9a52-3f8e7d6c5b4a, of account 111111111111, the account of site 'primary'");
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});

describe('recovery as written', () => {
  test('--from-backup for a file system not failing over, or a typo, is an error', async () => {
    const bp = writeDraft(multiSite()).file;
    const typo = await run('failover', '-b', bp, '--to', 'recovery', '--file-system', 'work', '--from-backup', `archiv=${BACKUP}`);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("--from-backup names 'archiv', which has no recovery entry for site 'recovery'; entries there: work, archive");
    const unselected = await run('failover', '-b', bp, '--to', 'recovery', '--file-system', 'work', '--from-backup', `archive=${BACKUP}`);
    expect(unselected.code).toBe(2);
    expect(unselected.err).toContain("--from-backup names 'archive', which is not among the file systems failing over (work); add --file-system archive");
  });

  test('state kept in the primary region: validate warns (STA003), and failover names the backend', async () => {
    const d = multiSite();
    d.state = { backend: 's3', s3: { bucket: 'acme-tf-state', region: 'eu-central-1', keyPrefix: 'climate/' } };
    const { file: bp } = writeDraft(d);
    const v = await run('validate', '-b', bp);
    const words = "the state bucket acme-tf-state (state.s3) is in eu-central-1, the region of site 'primary' that a failover to 'recovery' (eu-west-1) must survive";
    expect(v.out).toContain(`warning STA003 state.s3.region: lustreform failover --to recovery would refuse: ${words}`);
    const r = await run('failover', '-b', bp, '--to', 'recovery', '--file-system', 'work', '--out', join(tmp(), 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the state backend: ${words}`); // the same words
    expect(r.err.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(1); // and nothing else
    // In the recovery region, or a third region: no warning, and the failover goes ahead.
    for (const region of ['eu-west-1', 'us-east-1']) {
      d.state.s3.region = region;
      const { file } = writeDraft(d);
      expect((await run('validate', '-b', file)).out).not.toContain('STA003');
      expect((await run('failover', '-b', file, '--to', 'recovery', '--file-system', 'work', '--out', join(tmp(), 'o'))).code).toBe(0);
    }
  });

  test('every stack to deploy is checked structurally: placements and deploy-time needs, named by address and attribute; ARNs in policies are references', () => {
    const m = validateDraft(multiSite()).model!;
    const activation = { site: 'recovery', fileSystems: ['work'] };
    const plans = planBlueprint(m, { activation }).stacks;
    const primaryKey = 'arn:aws:kms:eu-central-1:111111111111:key/6f1c2a4e-0b7d-4c1e-9a52-3f8e7d6c5b4a';
    const stacks: Record<string, StackJson> = {
      'climate-recovery-storage': {
        provider: { aws: [{ region: 'eu-west-1' }, { alias: 'primary', region: 'eu-central-1' }] },
        resource: {
          aws_sns_topic: { t: { name: 't', provider: 'aws.primary' } },
          // A reference to the primary's key in a policy document places nothing there.
          aws_iam_role_policy: { r: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: primaryKey }] }) } },
        },
      },
      'climate-recovery-lustre': {
        provider: { aws: [{ region: 'eu-west-1' }] },
        resource: {
          aws_fsx_lustre_file_system: { work: { kms_key_id: primaryKey } },
          aws_fsx_data_repository_association: { work_ExtData: { data_repository_path: 's3://acme-climate-input/ExtData/' } },
        },
      },
    };
    const { deploy, problems } = standaloneProblems(m, activation, plans, (name) => stacks[name] ?? {});
    expect(deploy).toEqual(['climate-recovery-storage', 'climate-recovery-lustre']);
    expect(problems).toEqual([
      "climate-recovery-storage aws_sns_topic.t (provider aws.primary) is placed in eu-central-1, the region of site 'primary'",
      `climate-recovery-lustre aws_fsx_lustre_file_system.work kms_key_id needs ${primaryKey}, in eu-central-1, the region of site 'primary'`,
      "climate-recovery-lustre aws_fsx_data_repository_association.work_ExtData data_repository_path needs bucket acme-climate-input, of site 'primary' (eu-central-1)",
    ]);
  });
});

describe('the runner after failover', () => {
  let aws: FakeAws;
  let restore: () => Promise<void>;
  beforeEach(async () => ({ aws, restore } = await fakeAws()));
  afterEach(() => restore());

  test('import --site recovery finds the rebuilt file system by its tags and imports from the replicas', async () => {
    aws.addFileSystem('fs-0ccccccccccccccccc', { 'lustreform:blueprint': 'climate', 'lustreform:site': 'recovery', 'lustreform:filesystem': 'work' }, 2400);
    aws.addAssociation('fs-0ccccccccccccccccc', '/ExtData', 's3://acme-climate-input-dr/ExtData/');
    aws.addAssociation('fs-0ccccccccccccccccc', '/output', 's3://acme-climate-output-dr/output/');
    const { file, journal } = writeDraft(multiSite());
    const r = await run('import', '-b', file, '--site', 'recovery', '--wait', '--journal', journal);
    expect(r.code).toBe(0);
    expect(aws.calls.filter((c) => c.op === 'CreateDataRepositoryTask').map((c) => c.input.Paths)).toEqual([['s3://acme-climate-input-dr/ExtData/']]);
  });
});

describe('lustreform runbook', () => {
  test('lists every repository\'s RPO, the data at risk, failover and failback for each recovery site', async () => {
    const r = await run('runbook', '-b', 'blueprints/multi-site-dr.yaml');
    expect(r.code).toBe(0);
    for (const h of ['## At a glance', '## Recovery point of every repository', '## Data at risk', '## Failover to recovery', '## Failback from recovery', '## What verify checks']) expect(r.out).toContain(h);
    expect(r.out).toContain('| work | /ExtData | s3://acme-climate-input/ExtData/ | s3://acme-climate-input-dr/ExtData/ | usually minutes, no guarantee');
    expect(r.out).toContain('| work | /output | s3://acme-climate-output/output/ | s3://acme-climate-output-dr/output/ | 15 minutes (S3 Replication Time Control');
    expect(r.out).toMatch(/\| archive \| primary \(eu-central-1\) \| recovery \(eu-west-1\) \| cold \| AWS Backup copy \| up to 48 hours/);
    expect(r.out).toContain('same deployment type, storage capacity, throughput, Lustre version and compression');
    expect(r.out).toContain('changes under /output not yet auto-exported when a server fails are lost');
  });

  test('every lustreform command of the runbook is a real command with real options', async () => {
    const text = (await run('runbook', '-b', 'blueprints/multi-site-dr.yaml')).out;
    const lines = [...text.matchAll(/npx lustreform (\S+)([^\n]*)/g)];
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const help = (await run('--help')).out;
    for (const [, command, rest] of lines) {
      expect(help).toContain(`  ${command}`);
      const commandHelp = (await run(command, '--help')).out;
      for (const opt of rest.match(/--[a-z-]+/g) ?? []) expect({ command, opt, known: commandHelp.includes(opt) }).toEqual({ command, opt, known: true });
    }
  });

  test('RPO one readable line per repository; existing objects said right for none and batch; RTO of a backup rebuild; archived replicas in the RTO', async () => {
    const out = (await run('runbook', '-b', 'blueprints/multi-site-dr.yaml')).out;
    const work = out.split('\n').find((l) => l.startsWith('| work | primary'))!;
    expect(work).toContain('/ExtData: usually minutes, no guarantee (no Replication Time Control); objects older than the replication rule once `lustreform replicate-existing` has run (existingObjects: batch)<br>/output: 15 minutes');
    expect(work).toContain('/output: 15 minutes (S3 Replication Time Control: 99.99% of objects); objects older than the replication rule are not replicated (existingObjects: none)');
    expect(work).toContain('archived objects (GLACIER, DEEP_ARCHIVE in input-dr) read only after a restore: within 12 hours (Standard)');
    const archive = out.split('\n').find((l) => l.startsWith('| archive | primary'))!;
    expect(archive).toContain('the restore of the backup copy into a new file system');
    expect(archive).not.toMatch(/metadata import|hydrate/);
  });

  test('data at risk lists every output or sync path without auto-export, on persistent file systems too', async () => {
    const d = multiSite();
    d.buckets.results = { site: 'primary', name: 'acme-climate-results' };
    d.fileSystems.archive.repositories = [{ path: '/results', bucket: 'results', purpose: 'output', autoExport: [] }];
    d.fileSystems.archive.backups = undefined;
    delete d.fileSystems.archive.backups;
    d.backupPlans = {};
    d.recovery = d.recovery.filter((r: { fileSystem: string }) => r.fileSystem === 'work');
    const r = await run('runbook', '-b', writeDraft(d).file);
    expect(r.out).toContain('- **archive** /results (output) has no auto-export: what is written there reaches results, and its replicas, only when `lustreform export` runs; until then losing primary loses it.');
  });

  test('the backup interval is read from the cron fields: every 12 hours is a 36-hour RPO with the copy delay, not 25', async () => {
    const d = multiSite();
    d.backupPlans.nightly.schedule = 'cron(0 */12 * * ? *)';
    const r = await run('runbook', '-b', writeDraft(d).file);
    expect(r.out).toContain('up to 36 hours (backup cron(0 */12 * * ? *), copy to recovery within about 24 h)');
  });

  test('failback carries LUSTREFORM_FROM_BACKUP, and every cdktf and failover command of the runbook runs as written', async () => {
    const bp = writeDraft(multiSite()).file;
    const text = (await run('runbook', '-b', bp)).out;
    const fill = (line: string) => line.replace(/<backup id>/g, BACKUP);
    const cdktf = text.split('\n').map((l) => l.trim()).filter((l) => new RegExp(` npx ${CLI} (deploy|destroy) `).test(l));
    expect(cdktf).toEqual([
      `LUSTREFORM_BLUEPRINT=${bp} LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=<backup id> npx ${CLI} deploy climate-recovery-storage climate-recovery-lustre`,
      `LUSTREFORM_BLUEPRINT=${bp} LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=<backup id> LUSTREFORM_UNPROTECT=1 npx ${CLI} destroy climate-recovery-lustre`,
      `LUSTREFORM_BLUEPRINT=${bp} npx ${CLI} deploy '*'`,
      // The drill: the same activation with LUSTREFORM_DRILL=1, and the storage stack put back.
      `LUSTREFORM_BLUEPRINT=${bp} LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=<backup id> LUSTREFORM_DRILL=1 npx ${CLI} deploy climate-recovery-storage climate-recovery-lustre`,
      `LUSTREFORM_BLUEPRINT=${bp} LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=<backup id> LUSTREFORM_DRILL=1 npx ${CLI} destroy climate-recovery-lustre`,
      `LUSTREFORM_BLUEPRINT=${bp} npx ${CLI} deploy climate-recovery-storage`,
    ]);
    for (const line of cdktf.map(fill)) {
      // The environment goes through the cdktf app as cdktf runs it; the stacks it names must come out.
      const env: Record<string, string> = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(tmp(), 'app') } as Record<string, string>;
      for (const m of line.matchAll(/(LUSTREFORM_[A-Z_]+)=(\S+)/g)) env[m[1]] = m[2];
      const app = spawnSync(process.execPath, ['dist/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
      expect({ line, status: app.status, stderr: app.stderr }).toEqual({ line, status: 0, stderr: '' });
      const written = readdirSync(join(env.CDKTF_OUTDIR, 'stacks'));
      for (const stack of line.split(new RegExp(` npx ${CLI} (?:deploy|destroy) `))[1].split(' ').filter((s) => s !== "'*'")) expect(written).toContain(stack);
      // protect: the file systems refuse destruction, except for the failback's one deliberate destroy; drill copies are made to be torn down.
      const lustre = join(env.CDKTF_OUTDIR, 'stacks', 'climate-recovery-lustre', 'cdk.tf.json');
      if (existsSync(lustre)) expect({ line, protectedFs: readFileSync(lustre, 'utf8').includes('"prevent_destroy": true') }).toEqual({ line, protectedFs: !line.includes(' destroy ') && !line.includes('LUSTREFORM_DRILL=1') });
    }
    const failover = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('npx lustreform failover'))!;
    const args = fill(failover).replace('npx lustreform ', '').split(' ');
    expect((await run(...args, '--out', join(tmp(), 'o'))).code).toBe(0);
  });

  test('the alarm table: every kind the blueprint deploys, and every lustreform command in it runs as written', async () => {
    const { aws, restore } = await fakeAccounts(); // doctor's services too
    try {
      const bp = writeDraft(multiSite()).file;
      const text = (await run('runbook', '-b', bp)).out;
      const table = text.slice(text.indexOf('## When an alarm fires'), text.indexOf('## What verify checks'));
      for (const kind of ['free-capacity', 'export-backlog', 'repository-errors', 'replication-failed', 'replication-latency', 'backup-missed', 'restore-errors', 'restore-backlog', 'restore-dead-letters']) expect(table).toContain(`| \`${kind}\``);
      const commands = [...table.matchAll(/`npx lustreform ([^`]+)`/g)].map((x) => x[1]);
      expect(commands.length).toBeGreaterThanOrEqual(5);
      for (const line of new Set(commands)) {
        const r = await run(...line.split(' '), ...(line.includes('--wait') ? ['--timeout', '1s'] : []));
        expect({ line, code: r.code === 0 || r.code === 1, err: r.err }).toEqual({ line, code: true, err: expect.not.stringContaining('    at ') });
      }
      expect(aws.calls.length).toBeGreaterThan(0);
    } finally {
      await restore();
    }
  });

  test('a blueprint without recovery says so', async () => {
    const r = await run('runbook', '-b', 'blueprints/quickstart.yaml');
    expect(r.out).toContain('This blueprint has no `recovery` entries');
  });
});

