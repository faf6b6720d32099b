import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { example, ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { readOut } from '../helpers/synth';
import { cdkCli } from '../../src/stacks/cdk-cli';

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name);
const tmp = () => mkdtempSync(join(tmpdir(), 'lustreform-cli-'));

describe('lustreform synth', () => {
  test('writes the stacks in the cdktf.out layout', async () => {
    const out = join(tmp(), 'cdktf.out');
    const r = await run('synth', '-b', example('multi-site-dr.yaml'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('wrote 7 stacks');
    const { stacks, manifest } = readOut(out);
    expect(Object.keys(stacks).sort()).toEqual(['climate-primary-lustre', 'climate-primary-protection', 'climate-primary-replication', 'climate-primary-storage', 'climate-recovery-protection', 'climate-recovery-replication', 'climate-recovery-storage']);
    expect(Object.keys(manifest.stacks).length).toBe(7);
  });

  test('invalid input: findings, exit 2, nothing written, previous output untouched', async () => {
    const parent = tmp();
    const fresh = join(parent, 'fresh');
    const r = await run('synth', '-b', fixture('three-mistakes.yaml'), '--out', fresh);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error FSX003');
    expect(existsSync(fresh)).toBe(false);
    const kept = join(parent, 'kept');
    mkdirSync(kept);
    writeFileSync(join(kept, 'marker'), 'x');
    expect((await run('synth', '-b', fixture('three-mistakes.yaml'), '--out', kept)).code).toBe(2);
    expect(readdirSync(kept)).toEqual(['marker']);
    expect(readdirSync(parent).sort()).toEqual(['kept']);
  });

  test('replaces an earlier output whole, leaving no temporary directories', async () => {
    const parent = tmp();
    const out = join(parent, 'cdktf.out');
    mkdirSync(join(out, 'stacks', 'stale-stack'), { recursive: true });
    expect((await run('synth', '-b', example('quickstart.yaml'), '--out', out)).code).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['quickstart-main-lustre', 'quickstart-main-storage']);
    expect(readdirSync(parent)).toEqual(['cdktf.out']);
  });

  test('--hcl writes cdk.tf files', async () => {
    const out = join(tmp(), 'hcl');
    expect((await run('synth', '-b', example('quickstart.yaml'), '--out', out, '--hcl')).code).toBe(0);
    expect(existsSync(join(out, 'stacks', 'quickstart-main-storage', 'cdk.tf'))).toBe(true);
  });
});

describe('lustreform stacks', () => {
  test('prints deploy order with dependencies', async () => {
    const r = await run('stacks', '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(0);
    expect(r.out.replace(/\n$/, '').split('\n')).toEqual([
      ' 1. climate-primary-storage',
      ' 2. climate-recovery-storage',
      ' 3. climate-primary-replication  (after climate-primary-storage, climate-recovery-storage)',
      ' 4. climate-recovery-replication  (after climate-primary-storage, climate-recovery-storage)',
      ' 5. climate-primary-lustre  (after climate-primary-storage)',
      ' 6. climate-recovery-protection  (after climate-recovery-storage)',
      ' 7. climate-primary-protection  (after climate-primary-lustre, climate-primary-storage, climate-recovery-storage)',
    ]);
  });

  test('--format json', async () => {
    const r = await run('stacks', '-b', example('multi-site-dr.yaml'), '--format', 'json');
    expect(JSON.parse(r.out)[2]).toEqual({
      name: 'climate-primary-replication',
      site: 'primary',
      layer: 'replication',
      account: '111111111111',
      region: 'eu-central-1',
      dependsOn: ['climate-primary-storage', 'climate-recovery-storage'],
    });
  });
});

describe('the cdktf app (cdktf.json)', () => {
  const env = (extra: Record<string, string>) => ({ ...process.env, CHECKPOINT_DISABLE: '1', ...extra });

  test('dist/main.js synthesizes $LUSTREFORM_BLUEPRINT into the directory cdktf chooses', () => {
    const out = join(tmp(), 'out');
    const r = spawnSync('node', ['dist/main.js'], { cwd: ROOT, env: env({ CDKTF_OUTDIR: out, LUSTREFORM_BLUEPRINT: example('multi-site-dr.yaml') }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).length).toBe(7);
  });

  test('dist/main.js refuses an invalid blueprint with its findings', () => {
    const out = join(tmp(), 'out');
    const r = spawnSync('node', ['dist/main.js'], { cwd: ROOT, env: env({ CDKTF_OUTDIR: out, LUSTREFORM_BLUEPRINT: fixture('three-mistakes.yaml') }), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error DRA001');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('under the cdktf CLI an invalid blueprint is error annotations, so the CLI prints each finding once, without stack traces', () => {
    const out = join(tmp(), 'out');
    const r = spawnSync('node', ['dist/main.js'], { cwd: ROOT, env: env({ CDKTF_OUTDIR: out, LUSTREFORM_BLUEPRINT: fixture('three-mistakes.yaml'), CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' }), encoding: 'utf8' });
    // Nothing on stdout or stderr: the CLI echoes those live and again in its error summary.
    expect({ status: r.status, out: r.stdout, err: r.stderr }).toEqual({ status: 0, out: '', err: '' });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['invalid-blueprint']);
    const annotations = manifest.stacks['invalid-blueprint'].annotations;
    expect(annotations.map((a: { level: string; message: string }) => `${a.level} ${a.message.split(' ')[2]}`)).toEqual(['@cdktf/error FSX003', '@cdktf/error DRA001', '@cdktf/error BAK002']);
    for (const a of annotations) expect(a.stacktrace).toBeUndefined();
  });

  test('LUSTREFORM_PLAN=1 and LUSTREFORM_FAILOVER have the same effect on lustreform synth as on the cdktf app', async () => {
    const roles = (out: string) => {
      const { stacks } = readOut(out);
      return Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, s.provider.aws[0].assume_role[0].role_arn]));
    };
    const variants: [Record<string, string>, (r: Record<string, string>) => void][] = [
      [{ LUSTREFORM_PLAN: '1' }, (r) => expect(Object.values(r).every((arn) => arn.endsWith(':role/planner'))).toBe(true)],
      [{ LUSTREFORM_PLAN: '0' }, (r) => expect(Object.values(r).every((arn) => arn.endsWith(':role/deployer'))).toBe(true)],
      [{ LUSTREFORM_FAILOVER: 'recovery:work' }, (r) => expect(r['climate-recovery-lustre']).toBe('arn:aws:iam::222222222222:role/deployer')],
    ];
    for (const [vars, check] of variants) {
      const viaCdktf = join(tmp(), 'out');
      const r = spawnSync('node', ['dist/main.js'], { cwd: ROOT, env: env({ CDKTF_OUTDIR: viaCdktf, LUSTREFORM_BLUEPRINT: example('multi-site-dr.yaml'), ...vars }), encoding: 'utf8' });
      expect(r.status).toBe(0);
      const viaCli = join(tmp(), 'out');
      const saved = { ...process.env };
      Object.assign(process.env, vars);
      try {
        expect((await run('synth', '-b', example('multi-site-dr.yaml'), '--out', viaCli)).code).toBe(0);
      } finally {
        for (const k of Object.keys(vars)) if (saved[k] === undefined) delete process.env[k];
      }
      expect(roles(viaCli)).toEqual(roles(viaCdktf));
      check(roles(viaCli));
    }
    process.env.LUSTREFORM_PLAN = 'yes';
    try {
      const bad = await run('synth', '-b', example('multi-site-dr.yaml'), '--out', join(tmp(), 'out'));
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("LUSTREFORM_PLAN must be 1 (plan with each account's planRole) or 0; got 'yes'");
    } finally {
      delete process.env.LUSTREFORM_PLAN;
    }
  });

  test('synthesizes without a terraform binary, the cloud backend included (cdktf\'s own validation would run terraform)', () => {
    const out = join(tmp(), 'out');
    const r = spawnSync(process.execPath, ['bin/lustreform.js', 'synth', '-b', example('multi-site-dr.yaml'), '--out', out], { cwd: ROOT, env: { ...env({}), PATH: dirname(process.execPath) }, encoding: 'utf8' });
    expect(r.stderr).toContain('wrote 7 stacks');
    expect(r.status).toBe(0);
  });

  test('npx cdktf synth (cdktn on CDK Terrain) writes the default blueprint', () => {
    const dir = tmp();
    const r = spawnSync('npx', [cdkCli().command, 'synth', '--output', join(dir, 'out')], { cwd: ROOT, env: env({}), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'out', 'stacks')).sort()).toEqual(['quickstart-main-lustre', 'quickstart-main-storage']);
  });
});

describe('lustreform --version', () => {
  test('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) expect(await run(flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });
});
