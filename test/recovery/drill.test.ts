/**
 * Disaster recovery on the shape teams write (blueprints/examples/ml-platform-dr.yaml: two
 * accounts, customer-managed keys on two-way replicated buckets, a cold standby, S3 state in the
 * DR region): it validates with fair warnings, fails over, and its drill runs as the runbook
 * writes it, every command against the fakes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { readOut, resources } from '../helpers/synth';
import { fakeAccounts } from '../helpers/fake-account';
import { writeDraft } from '../helpers/runner-env';
import { cdkCli } from '../../src/stacks/cdk-cli';
import { fsxKeyStatement } from '../../src/aws/fsx';

const BP = 'blueprints/examples/ml-platform-dr.yaml';
const CLI = cdkCli().command;
const FS_ID = 'fs-0ddddddddddddddddd';
const DR_KEY = 'arn:aws:kms:us-west-2:222222222222:key/5e6f7a8b-2222-4c5d-9e0f-1a2b3c4d5e6f';
const tmp = () => mkdtempSync(join(tmpdir(), 'lustreform-drill-'));
const draft = () => parse(readFileSync(join(ROOT, BP), 'utf8'));
const section = (text: string, heading: string) => {
  const start = text.indexOf(heading);
  return text.slice(start, text.indexOf('\n## ', start + 1));
};
const commands = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npx lustreform ') || l.includes(` npx ${CLI} `));

/** Runs a printed cdktf line's environment through the app, as cdktf would; returns the written stacks. */
function synthAsPrinted(line: string) {
  const env: Record<string, string> = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(tmp(), 'app') } as Record<string, string>;
  for (const m of line.matchAll(/(LUSTREFORM_[A-Z_]+)=(\S+)/g)) env[m[1]] = m[2];
  const app = spawnSync(process.execPath, ['dist/main.js'], { cwd: ROOT, env, encoding: 'utf8' });
  // Warnings go to stderr (the blueprint's fair KMS003 and REP006); nothing else may.
  const other = app.stderr.split('\n').filter((l) => l && !/ warning (KMS003|REP006) /.test(l));
  expect({ line, status: app.status, other }).toEqual({ line, status: 0, other: [] });
  const out = readOut(env.CDKTF_OUTDIR);
  for (const stack of line.split(new RegExp(` npx ${CLI} (?:deploy|destroy) `))[1].split(' ')) expect(Object.keys(out.stacks)).toContain(stack);
  return out;
}

describe('the ML platform shape', () => {
  test('validate: only fair warnings, one KMS003 per keyed bucket a file system reads, naming the role and the statement', async () => {
    const v = await run('validate', '-b', BP);
    expect(v.code).toBe(0);
    expect(v.err + v.out).not.toContain(' error ');
    const kms = (v.out + v.err).split('\n').filter((l) => l.includes('KMS003'));
    expect(kms.map((l) => /buckets\.([a-z-]+)\.encryption/.exec(l)?.[1])).toEqual(['datasets', 'datasets-dr', 'checkpoints', 'checkpoints-dr']);
    expect(kms[1]).toContain('AWSServiceRoleForFSxS3Access_<file system id> (path aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/; file system training rebuilt at dr');
    const statement = JSON.parse(/once per file system id: (\{.*\})\. `lustreform verify`/.exec(kms[1])![1]);
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_<file system id>' }, Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com', 'kms:CallerAccount': '222222222222' } } });
  });

  test('fails over with state in the DR region or a third region; state in the primary region refuses, with STA003 and the runbook saying so first', async () => {
    expect((await run('failover', '-b', BP, '--to', 'dr', '--out', join(tmp(), 'o'))).out).toContain("'dr' stands alone");
    const d = draft();
    d.state.s3.region = 'eu-west-1';
    expect((await run('failover', '-b', writeDraft(d).file, '--to', 'dr', '--out', join(tmp(), 'o'))).code).toBe(0);
    d.state.s3.region = 'us-east-1';
    const { file } = writeDraft(d);
    const words = "the state bucket mlplat-tf-state-dr (state.s3) is in us-east-1, the region of site 'prod' that a failover to 'dr' (us-west-2) must survive";
    const r = await run('failover', '-b', file, '--to', 'dr', '--out', join(tmp(), 'o'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the state backend: ${words}`);
    expect((await run('validate', '-b', file)).out).toContain(`STA003 state.s3.region: lustreform failover --to dr would refuse: ${words}`);
    const book = (await run('runbook', '-b', file)).out;
    const first = book.indexOf('\n## ');
    expect(book.slice(first, book.indexOf('\n## ', first + 1))).toContain(`## Fix first: a failover would refuse today\n\n- \`failover --to dr\` would refuse: the state backend: ${words}`);
    expect((await run('runbook', '-b', BP)).out).not.toContain('## Fix first');
  });

  test('the runbook: deletions replicate, for how long they stay recoverable; the key step comes before the import, with the statement', async () => {
    const text = (await run('runbook', '-b', BP)).out;
    const risk = section(text, '## Data at risk');
    expect(risk).toContain('an object deleted in **datasets** under datasets/ gets a delete marker in datasets-dr too (deleteMarkers defaults to true)');
    expect(risk).toContain('stays recoverable at datasets-dr for 30 days (its noncurrent-version expiry)');
    expect(risk).toContain('both ways on this two-way edge');
    expect(risk).toContain('stays recoverable at checkpoints-dr for 14 days');
    const failover = section(text, '## Failover to dr');
    const key = failover.indexOf('A rebuilt file system has a new id');
    expect(key).toBeGreaterThan(failover.indexOf('deploy mlplat-dr-storage mlplat-dr-lustre'));
    expect(key).toBeLessThan(failover.indexOf('npx lustreform import'));
    const statement = JSON.parse(/```json\n\s+(\{.*\})\n/.exec(failover)![1]);
    expect(statement.Condition.StringLike['kms:EncryptionContext:aws:s3:arn']).toEqual(['arn:aws:s3:::mlplat-datasets-dr', 'arn:aws:s3:::mlplat-datasets-dr/*', 'arn:aws:s3:::mlplat-checkpoints-dr', 'arn:aws:s3:::mlplat-checkpoints-dr/*']);
  });

  test('the drill: every command of the runbook runs as written against the fakes; the drill copy imports only and reads back what S3 holds', async () => {
    const { aws, accounts, restore } = await fakeAccounts();
    try {
      const drill = section((await run('runbook', '-b', BP)).out, '## Drill: rehearse the failover to dr');
      expect(drill).toContain('import only');
      const lines = commands(drill);
      expect(lines.map((l) => l.replace(/ .*?npx /, ' npx ').split(' ').slice(0, 3).join(' '))).toEqual([
        'npx lustreform failover',
        `LUSTREFORM_BLUEPRINT=${BP} npx ${CLI}`,
        'npx lustreform verify',
        'npx lustreform import',
        'npx lustreform verify',
        `LUSTREFORM_BLUEPRINT=${BP} npx ${CLI}`,
        `LUSTREFORM_BLUEPRINT=${BP} npx ${CLI}`,
      ]);
      // 1. failover --drill
      const out = join(tmp(), 'o');
      const f = await run(...lines[0].replace('npx lustreform ', '').split(' '), '--out', out);
      expect(f.code).toBe(0);
      // 2. deploy: the drill copy's repositories import only, and it carries the drill tag.
      expect(lines[1]).toContain('LUSTREFORM_DRILL=1');
      const deployed = synthAsPrinted(lines[1]).stacks['mlplat-dr-lustre'];
      expect(readOut(out).stacks['mlplat-dr-lustre']).toEqual(deployed);
      const dras = Object.values(resources(deployed, 'aws_fsx_data_repository_association'));
      expect(dras.map((d) => d.data_repository_path).sort()).toEqual(['s3://mlplat-checkpoints-dr/runs/', 's3://mlplat-datasets-dr/datasets/']);
      for (const d of dras) expect(d.s3).toEqual({ auto_import_policy: { events: ['NEW', 'CHANGED', 'DELETED'] } });
      expect(resources(deployed, 'aws_fsx_lustre_file_system').training.tags).toMatchObject({ 'lustreform:drill': 'true' });
      // Made to be torn down: no prevent_destroy on the drill copy (the primary's stays protected).
      expect(resources(deployed, 'aws_fsx_lustre_file_system').training.lifecycle?.prevent_destroy).toBeFalsy();
      expect(resources(readOut(out).stacks['mlplat-prod-lustre'], 'aws_fsx_lustre_file_system').training.lifecycle).toMatchObject({ prevent_destroy: true });

      // What the apply made, in the fakes: the file system, its associations, the replicas' objects, the key.
      aws.addFileSystem(FS_ID, { 'lustreform:blueprint': 'mlplat', 'lustreform:site': 'dr', 'lustreform:filesystem': 'training', 'lustreform:drill': 'true' }, 4800);
      aws.addAssociation(FS_ID, '/datasets', 's3://mlplat-datasets-dr/datasets/', 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
      aws.addAssociation(FS_ID, '/checkpoints', 's3://mlplat-checkpoints-dr/runs/', 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
      const files: Record<string, string> = { 'mlplat-datasets-dr/datasets/imagenet/train-0001.tar': 'alpha', 'mlplat-datasets-dr/datasets/imagenet/val-0001.tar': 'bravo', 'mlplat-checkpoints-dr/runs/r7/step-1000.pt': 'charlie' };
      for (const [k, body] of Object.entries(files)) aws.s3.put(k.split('/')[0], k.slice(k.indexOf('/') + 1), { body });
      aws.s3.put('mlplat-datasets-dr', 'datasets/old/2019.tar', { body: 'cold', storageClass: 'DEEP_ARCHIVE' });
      for (const b of ['mlplat-datasets-dr', 'mlplat-checkpoints-dr']) accounts.buckets.set(b, { owner: '222222222222', region: 'us-west-2', versioning: 'Enabled' });
      const keyPolicy = (id: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:*', Resource: '*' }, fsxKeyStatement({ partition: 'aws', account: '222222222222', fileSystemId: id, buckets: ['mlplat-datasets-dr', 'mlplat-checkpoints-dr'], bucketRegion: 'us-west-2' })] });
      accounts.keys.push({ arn: DR_KEY, policy: keyPolicy('fs-0000000000000000a') });

      // 3. The key step's verify names the new id and prints the statement to add.
      const before = await run(...lines[2].replace('npx lustreform ', '').split(' '));
      const keyRows = before.out.split('\n').filter((l) => l.includes('key admits FSx'));
      expect(keyRows).toHaveLength(2);
      for (const row of keyRows) expect(row).toMatch(new RegExp(`FAIL .*AWSServiceRoleForFSxS3Access_${FS_ID}`));
      accounts.keys[0].policy = keyPolicy(FS_ID); // what the user adds

      // 4. import from the replicas.
      const imp = await run(...lines[3].replace('npx lustreform ', '').split(' '), '--journal', join(tmp(), 'j'));
      expect(imp.code).toBe(0);
      expect(aws.calls.filter((c) => c.op === 'CreateDataRepositoryTask').flatMap((c) => c.input.Paths)).toEqual(['s3://mlplat-datasets-dr/datasets/']); // preload: metadata (checkpoints import on access)

      // 5. read back a sample on the mount, compared with S3.
      const mount = tmp();
      const put = (path: string, body: string) => (mkdirSync(dirname(join(mount, path)), { recursive: true }), writeFileSync(join(mount, path), body));
      put('datasets/imagenet/train-0001.tar', 'alpha');
      put('datasets/imagenet/val-0001.tar', 'bravo');
      put('checkpoints/r7/step-1000.pt', 'charlie');
      const sampleLine = lines[4].replace('<mount point>', mount);
      const good = await run(...sampleLine.replace('npx lustreform ', '').split(' '));
      const rows = (text: string, check: string) => text.split('\n').filter((l) => l.includes(check));
      expect(rows(good.out, 'key admits FSx').every((l) => / OK /.test(l))).toBe(true);
      const sampled = rows(good.out, 'sample matches S3');
      expect(sampled).toHaveLength(2);
      expect(sampled[0]).toMatch(/OK .*2 files read on the mount match s3:\/\/mlplat-datasets-dr\/datasets\/ \(size and SHA-256\); 1 archived objects not sampled/);
      expect(sampled[1]).toMatch(/OK .*1 files read on the mount match s3:\/\/mlplat-checkpoints-dr\/runs\//);
      put('checkpoints/r7/step-1000.pt', 'charliX');
      const bad = await run(...sampleLine.replace('npx lustreform ', '').split(' '));
      expect(bad.code).toBe(1);
      expect(rows(bad.out, 'sample matches S3')[1]).toContain('FAIL');
      expect(rows(bad.out, 'sample matches S3')[1]).toContain('/checkpoints/r7/step-1000.pt: content differs from s3://mlplat-checkpoints-dr/runs/r7/step-1000.pt');

      // During the drill, export refuses the drill copy: nothing reaches buckets that replicate home.
      const exp = await run('export', '-b', BP, '--site', 'dr');
      expect(exp.code).toBe(1);
      expect(exp.err + exp.out).toContain(`dr/training (${FS_ID}) is a drill copy (tag lustreform:drill=true): nothing is exported from it`);
      expect(aws.calls.filter((c) => c.op === 'CreateDataRepositoryTask' && c.input.Type === 'EXPORT_TO_REPOSITORY')).toEqual([]);

      // 6. tear down with the drill's variables, then the storage stack as it runs without a failover.
      expect(lines[5]).toBe(`${lines[1].split(' npx ')[0]} npx ${CLI} destroy mlplat-dr-lustre`);
      synthAsPrinted(lines[5]);
      const back = synthAsPrinted(lines[6]);
      expect(lines[6]).toBe(`LUSTREFORM_BLUEPRINT=${BP} npx ${CLI} deploy mlplat-dr-storage`);
      expect(Object.keys(back.stacks)).not.toContain('mlplat-dr-lustre');
    } finally {
      await restore();
    }
  });

  test('failover --drill refuses warm standbys, and LUSTREFORM_DRILL needs a failover', async () => {
    const d = draft();
    d.recovery[0].standby = 'warm';
    const r = await run('failover', '-b', writeDraft(d).file, '--to', 'dr', '--drill', '--out', join(tmp(), 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('training is a warm standby and runs already: a drill rebuilds cold standbys only');
    const app = spawnSync(process.execPath, ['dist/main.js'], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(tmp(), 'app'), LUSTREFORM_BLUEPRINT: BP, LUSTREFORM_DRILL: '1' }, encoding: 'utf8' });
    expect(app.status).toBe(2);
    expect(app.stderr).toContain('LUSTREFORM_DRILL=1 needs LUSTREFORM_FAILOVER=<site>');
  });
});

describe('verify with nothing to verify', () => {
  test('--recovery on a blueprint without recovery entries or backup copies says so and exits 2', async () => {
    const r = await run('verify', '-b', 'blueprints/quickstart.yaml', '--recovery');
    expect(r.code).toBe(2);
    expect(r.err).toContain('nothing to verify for recovery: quickstart has no recovery entries and no backup copies to another site');
    expect(r.out).not.toContain('checks passed');
  });
});
