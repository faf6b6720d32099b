import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inShard, parseShard } from '../../src/runner/hydrate';
import { quickstart, ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { writeDraft } from '../helpers/runner-env';

const LFS = join(ROOT, 'test', 'fixtures', 'fake-lfs.sh');

/** A mount with `n` released files under input/ (and one loaded one), for the fake lfs. */
function mountWith(n: number, stuck: string[] = []): string {
  const mount = mkdtempSync(join(tmpdir(), 'lustreform-mount-'));
  for (let i = 0; i < n; i++) {
    const dir = join(mount, 'input', `d${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const f = join(dir, `f${i}.nc`);
    writeFileSync(f, '');
    chmodSync(f, 0o1644); // sticky = released
  }
  for (const s of stuck) {
    writeFileSync(join(mount, 'input', s), '');
    chmodSync(join(mount, 'input', s), 0o1644);
  }
  writeFileSync(join(mount, 'input', 'loaded.nc'), '');
  return mount;
}

const released = (mount: string, rel: string) => (statSync(join(mount, rel)).mode & 0o1000) !== 0;

function contentDraft() {
  const d = quickstart();
  d.fileSystems.work.repositories[0].preload = 'content';
  return d;
}

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = { LUSTREFORM_LFS: process.env.LUSTREFORM_LFS, FAKE_LFS_LOG: process.env.FAKE_LFS_LOG, FAKE_LFS_STUCK: process.env.FAKE_LFS_STUCK, LUSTREFORM_POLL_MS: process.env.LUSTREFORM_POLL_MS };
  process.env.LUSTREFORM_LFS = LFS;
  process.env.LUSTREFORM_POLL_MS = '5';
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

describe('lustreform hydrate', () => {
  test('loads every released file of the content repositories, many files per lfs call', async () => {
    const mount = mountWith(50);
    const { file, journal, dir } = writeDraft(contentDraft());
    process.env.FAKE_LFS_LOG = join(dir, 'lfs.log');
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--batch', '20', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, files: 51, alreadyLoaded: 1, restored: 50, stuck: [] });
    for (let i = 0; i < 50; i++) expect(released(mount, `input/d${i % 7}/f${i}.nc`)).toBe(false);
    const restores = readFileSync(process.env.FAKE_LFS_LOG!, 'utf8').split('\n').filter((l) => l.startsWith('hsm_restore'));
    expect(restores.map((l) => Number(l.split(' ')[1]))).toEqual([20, 20, 10]);
  });

  test('files that cannot load are listed and the exit code says so', async () => {
    process.env.FAKE_LFS_STUCK = 'ARCHIVED';
    const mount = mountWith(5, ['ARCHIVED-a.nc', 'ARCHIVED-b.nc']);
    const { file, journal } = writeDraft(contentDraft());
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal);
    expect(r.code).toBe(1);
    expect(r.out).toContain('5 loaded now, 2 could not load');
    expect(r.out).toContain('  input/ARCHIVED-a.nc\n  input/ARCHIVED-b.nc');
  });

  test('a rerun resumes from the journal: loaded files are not checked again', async () => {
    const mount = mountWith(30);
    const { file, journal, dir } = writeDraft(contentDraft());
    expect((await run('hydrate', '-b', file, '--mount', mount, '--journal', journal)).code).toBe(0);
    process.env.FAKE_LFS_LOG = join(dir, 'lfs.log');
    const again = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--format', 'json');
    expect(JSON.parse(again.out)).toMatchObject({ files: 31, alreadyLoaded: 31, restored: 0 });
    // Not one lfs call: the fake writes its log on every call.
    expect(existsSync(process.env.FAKE_LFS_LOG!)).toBe(false);
  });

  test('--shard I/N splits the files deterministically and completely across nodes', async () => {
    const mount = mountWith(200);
    const { file, journal } = writeDraft(contentDraft());
    const counts = [];
    for (let i = 0; i < 4; i++) {
      const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--shard', `${i}/4`, '--format', 'json');
      expect(r.code).toBe(0);
      counts.push(JSON.parse(r.out).files);
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(201);
    for (const c of counts) expect(c).toBeGreaterThan(20);
    for (let i = 0; i < 200; i++) expect(released(mount, `input/d${i % 7}/f${i}.nc`)).toBe(false);
  });

  test('shards are stable functions of the path', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1', 'a/b', '-1/2']) expect(parseShard(bad)).toBeUndefined();
    const paths = Array.from({ length: 1000 }, (_, i) => `input/x${i}`);
    for (const p of paths) expect([0, 1, 2].filter((i) => inShard(p, { index: i, count: 3 }))).toHaveLength(1);
  });

  test('clear errors: no mount, bad shard, no lfs', async () => {
    const { file, journal } = writeDraft(contentDraft());
    expect((await run('hydrate', '-b', file, '--mount', '/nonexistent/mnt')).err).toContain('is not a directory');
    expect((await run('hydrate', '-b', file, '--mount', tmpdir(), '--shard', '3/3')).code).toBe(2);
    process.env.LUSTREFORM_LFS = '/nonexistent/lfs';
    const r = await run('hydrate', '-b', file, '--mount', mountWith(1), '--journal', journal);
    expect(r.code).toBe(1);
    expect(r.err).toContain("cannot run '/nonexistent/lfs'");
  });
});

describe('hydrate on awkward trees', () => {
  /** A content repository at the root of the file system, as `path: /`. */
  function rootDraft() {
    const d = quickstart();
    d.fileSystems.work.repositories = [{ path: '/', bucket: 'input', purpose: 'input', preload: 'content' }];
    return d;
  }
  const releasedFile = (mount: string, rel: string) => {
    mkdirSync(join(mount, rel, '..'), { recursive: true });
    writeFileSync(join(mount, rel), '');
    chmodSync(join(mount, rel), 0o1644);
  };

  test('names starting with "-" reach lfs as paths, also at the root of the file system', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'lustreform-mount-'));
    for (const f of ['--help', '-x', 'plain', 'sub/-y']) releasedFile(mount, f);
    const { file, journal } = writeDraft(rootDraft());
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--format', 'json');
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, files: 4, restored: 4, stuck: [], refused: [] });
    for (const f of ['--help', '-x', 'plain', 'sub/-y']) expect(released(mount, f)).toBe(false);
  });

  test('a name with a newline is asked about alone, and only counted loaded once lfs says so', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'lustreform-mount-'));
    releasedFile(mount, 'input/odd\nname.nc');
    releasedFile(mount, 'input/fine.nc');
    const { file, journal } = writeDraft(contentDraft());
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--format', 'json');
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, files: 2, restored: 2, alreadyLoaded: 0 });
    expect(released(mount, 'input/odd\nname.nc')).toBe(false);
  });

  test('a restore that finishes between hsm_state and hsm_action is loaded, not stuck', async () => {
    process.env.FAKE_LFS_LATE = 'late';
    const mount = mountWith(3, ['late-1.nc']);
    const { file, journal } = writeDraft(contentDraft());
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, restored: 4, stuck: [] });
    delete process.env.FAKE_LFS_LATE;
  });

  test('a file lfs refuses fails its batch only: the others load, it is reported, exit 1 (never "a bug")', async () => {
    process.env.FAKE_LFS_REFUSE = 'gone';
    const mount = mountWith(30, ['gone.nc']);
    const { file, journal } = writeDraft(contentDraft());
    const r = await run('hydrate', '-b', file, '--mount', mount, '--journal', journal, '--batch', '10');
    delete process.env.FAKE_LFS_REFUSE;
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('internal error');
    expect(r.out).toContain('30 loaded now, 0 could not load, 0 still loading, 1 refused by lfs');
    expect(r.out).toContain("  input/gone.nc: lfs hsm_state: cannot get HSM state of './input/gone.nc': No such file or directory");
    for (let i = 0; i < 30; i++) expect(released(mount, `input/d${i % 7}/f${i}.nc`)).toBe(false);
  });

  test('a mount point without the repository paths (file system not mounted) is exit 2, not "0 files"', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lustreform-mount-'));
    const { file, journal } = writeDraft(contentDraft());
    const r = await run('hydrate', '-b', file, '--mount', empty, '--journal', journal);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`/input is missing under ${empty}: is the file system mounted there`);
    expect(r.out).toBe('');
  });
});
