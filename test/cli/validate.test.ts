import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers/cli';
import { stringify } from 'yaml';
import { multiSite, ROOT, validateDraft } from '../helpers/blueprints';
import { planBlueprint, stacksOf } from '../../src/plan/plan';
import { selectorValues } from '../../src/aws/cloudtrail';

const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name);

describe('acknowledged warnings', () => {
  const withAck = (ack: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-ack-'));
    const file = join(dir, 'bp.yaml');
    writeFileSync(file, `${readFileSync(fixture('warning-only.yaml'), 'utf8')}acknowledge:\n${ack}`);
    return file;
  };

  test('an acknowledged warning is listed with its reason and does not fail --strict', async () => {
    const file = withAck('  - { id: SAF002, path: "fileSystems.work.repositories[0].autoExport", reason: "new files go back to the lab bucket on purpose" }\n');
    const r = await run('validate', '-b', file, '--strict');
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning SAF002 fileSystems.work.repositories[0].autoExport: an input repository exporting NEW');
    expect(r.out).toContain('[acknowledged: new files go back to the lab bucket on purpose]');
    const json = JSON.parse((await run('validate', '-b', file, '--format', 'json')).out);
    expect(json).toEqual([expect.objectContaining({ id: 'SAF002', acknowledged: 'new files go back to the lab bucket on purpose' })]);
  });

  test('an acknowledgement that matches nothing is a warning with the nearest paths; one that names an error is an error', async () => {
    const stale = withAck('  - { id: SAF002, path: "fileSystems.work.repositories[1].autoExport", reason: "typo" }\n');
    const r = await run('validate', '-b', stale, '--strict');
    expect(r.code).toBe(2);
    expect(r.out).toContain('warning ACK001 acknowledge[0].path: no SAF002 warning at fileSystems.work.repositories[1].autoExport; SAF002 warns at fileSystems.work.repositories[0].autoExport');
    expect(r.out).toMatch(/:\d+:\d+ warning SAF002 .*NEW writes back/);

    const dir = mkdtempSync(join(tmpdir(), 'lustreform-ack-'));
    const file = join(dir, 'bp.yaml');
    writeFileSync(file, `${readFileSync(fixture('three-mistakes.yaml'), 'utf8')}acknowledge:\n  - { id: FSX003, path: fileSystems.big.storageCapacity, reason: "we know" }\n`);
    const e = await run('validate', '-b', file);
    expect(e.code).toBe(2);
    expect(e.out).toContain('error ACK002 acknowledge[0].path: FSX003 at fileSystems.big.storageCapacity is an error; errors cannot be acknowledged');
    expect(e.out).toContain('error FSX003 fileSystems.big.storageCapacity');
  });
});

describe('lustreform validate', () => {
  test('the examples print nothing but acknowledged warnings and exit 0, --strict too', async () => {
    for (const file of ['blueprints/quickstart.yaml', 'blueprints/multi-site-dr.yaml']) {
      const r = await run('validate', '-b', join(ROOT, file), '--strict');
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
      for (const line of r.out.split('\n').filter(Boolean)) expect(line).toContain('[acknowledged: ');
    }
  });

  test('archive restores beyond one trail\'s 500 selector values at a site: RST006 at the entry that does not fit, with file:line:col and what to do', async () => {
    const draft = multiSite();
    const extra = (n: number) => Array.from({ length: n }, (_, i) => ({ bucket: 'input', prefix: `Other${i}/` }));
    // 125 entries at the primary site fill its trail exactly: valid, and the plan's one trail uses 500 values.
    const full = { ...draft, archiveRestore: [...draft.archiveRestore, ...extra(124)] };
    const v = validateDraft(full);
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const trail = stacksOf(planBlueprint(v.model!), 'protection').find((st) => st.site.key === 'primary')!.restoreTrail!;
    expect([trail.selectors.length, selectorValues(trail.selectors)]).toEqual([125, 500]);

    const dir = mkdtempSync(join(tmpdir(), 'lustreform-trail-'));
    const file = join(dir, 'bp.yaml');
    writeFileSync(file, stringify({ ...draft, archiveRestore: [...draft.archiveRestore, ...extra(125)] }));
    const { code, out } = await run('validate', '-b', file);
    expect(code).toBe(2);
    const line = out.split('\n').find((l) => l.includes('RST006'))!;
    expect(line).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error RST006 archiveRestore\\[125\\]: site 'primary' has 126 archive restores, which need 504 advanced event selector values on its one CloudTrail trail; CloudTrail allows 500 per trail \\(not adjustable\\), so at most 125 entries fit\\. Restore a common parent prefix`));
    expect(out.split('\n').filter((l) => l.includes('RST006'))).toHaveLength(1);
  });

  test('three mistakes: three findings on the right lines, exit 2', async () => {
    const file = fixture('three-mistakes.yaml');
    const { code, out } = await run('validate', '-b', file);
    expect(code).toBe(2);
    expect(out.trim().split('\n')).toEqual([
      `${file}:11:22 error FSX003 fileSystems.big.storageCapacity: SCRATCH_2 takes 1200, 2400 or a multiple of 2400 GiB; got 3000: the nearest are 2400 and 4800`,
      `${file}:19:7 error DRA001 fileSystems.old.repositories: SCRATCH_1 cannot have data repository associations; use SCRATCH_2, PERSISTENT_1 or PERSISTENT_2`,
      `${file}:26:14 error BAK002 fileSystems.linked.backups: a file system linked to S3 through repositories cannot have backups; S3 is its durable copy. Remove backups or the repositories`,
    ]);
  });

  test('--format json prints the same findings as objects', async () => {
    const { code, out } = await run('validate', '-b', fixture('three-mistakes.yaml'), '--format', 'json');
    expect(code).toBe(2);
    const findings = JSON.parse(out);
    expect(findings.map((f: { id: string }) => f.id)).toEqual(['FSX003', 'DRA001', 'BAK002']);
    expect(Object.keys(findings[0]).sort()).toEqual(['col', 'file', 'id', 'line', 'message', 'path', 'severity']);
  });

  test('warnings exit 0, and 2 with --strict', async () => {
    const file = fixture('warning-only.yaml');
    const plain = await run('validate', '-b', file);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/ warning SAF002 /);
    expect((await run('validate', '-b', file, '--strict')).code).toBe(2);
  });

  test('LUSTREFORM_BLUEPRINT names the default blueprint', async () => {
    process.env.LUSTREFORM_BLUEPRINT = fixture('three-mistakes.yaml');
    try {
      expect((await run('validate')).code).toBe(2);
    } finally {
      delete process.env.LUSTREFORM_BLUEPRINT;
    }
  });

  test('a missing file and a bad flag are one clear line and exit 2, no stack', async () => {
    const missing = await run('validate', '-b', 'no/such.yaml');
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toMatch(/^lustreform: cannot read blueprint no\/such.yaml: no such file/);
    const flag = await run('validate', '--format', 'xml');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Allowed choices are text, json");
    for (const r of [missing, flag]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('rules lists every check with its severity', async () => {
    const { code, out } = await run('rules');
    expect(code).toBe(0);
    expect(out).toMatch(/^FSX003 {2}error {3}/m);
    expect(out).toMatch(/^SAF002 {2}warning {2}/m);
    const json = JSON.parse((await run('rules', '--format', 'json')).out);
    expect(json.find((r: { id: string }) => r.id === 'DRA004')).toMatchObject({ severity: 'error' });
  });

  test('npx lustreform runs the built bin', () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    const r = spawnSync('npx', ['--no-install', 'lustreform', 'validate', '-b', fixture('three-mistakes.yaml')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('error FSX003');
  });
});
