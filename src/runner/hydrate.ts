/**
 * `lustreform hydrate`: on a Lustre client, loads file contents from S3 (there is no data
 * repository task for that). Walks the tree directory by directory and streams this shard's files
 * through a bounded window: `lfs hsm_state` (skip what is loaded), `lfs hsm_restore` with many
 * files per call and N calls in parallel, then polls `lfs hsm_state` until nothing is `released`.
 * Memory stays bounded by the window and the largest directory, not by the tree. A file still
 * released when `lfs hsm_action` says NOOP, and still released when asked again (a restore may
 * finish between the two calls), could not load (typically an archived S3 object): it is listed
 * and the command exits 1. A file lfs refuses (deleted since the walk, an odd name) is retried
 * alone and reported, never counted as loaded. Directories whose files are all loaded go to an
 * append-only journal, one line each, so a rerun skips them without a single lfs call.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pool } from './pool';
import { Backoff, type Clock } from './time';

const run = promisify(execFile);

export interface Shard {
  index: number;
  count: number;
}

export interface HydrateOptions {
  mount: string;
  /** Directories under the mount to load, relative to it. */
  roots: string[];
  parallel: number;
  batch: number;
  shard: Shard;
  journalFile: string;
  /** The lfs binary: LUSTREFORM_LFS, else `lfs` on PATH. */
  lfs: string;
  clock: Clock;
  deadline: number;
  say: (line: string) => void;
}

export interface HydrateResult {
  ok: boolean;
  shard: string;
  files: number;
  /** Loaded before this run (journal or hsm_state). */
  alreadyLoaded: number;
  restored: number;
  /** Files that could not load, relative to the mount. */
  stuck: string[];
  /** Files still loading at the deadline. */
  pending: string[];
  /** Files lfs refused (deleted since the walk, a name it rejects), with what it said. */
  refused: { file: string; reason: string }[];
  /** lfs processes started. */
  lfsCalls: number;
}

/** `I/N` with 0 <= I < N (array job indexes: Slurm's %a from 0, AWS Batch, Kubernetes indexed Jobs). */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  return shard.count >= 1 && shard.index < shard.count ? shard : undefined;
}

/** FNV-1a: a stable hash of a path, so every node computes the same split without talking to the others. */
export function inShard(path: string, shard: Shard): boolean {
  if (shard.count === 1) return true;
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shard.count === shard.index;
}

/**
 * The regular files under each root (relative to `mount`), one directory at a time in a stable
 * order, without holding the tree: only the directories still to visit. Symlinks are not followed.
 */
export function* walkDirectories(mount: string, roots: string[]): Generator<{ dir: string; files: string[] }> {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const stack = roots.map((r) => r.replace(/^\/+|\/+$/g, '')).reverse();
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(join(mount, dir), { withFileTypes: true });
    } catch {
      continue; // removed since it was listed
    }
    const child = (name: string) => (dir ? `${dir}/${name}` : name);
    yield { dir, files: entries.filter((e) => e.isFile()).map((e) => e.name).sort(byName).map(child) };
    stack.push(...entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byName).reverse().map(child));
  }
}

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** What calling lfs needs; `calls` counts the processes started. */
export interface LfsOptions {
  mount: string;
  lfs: string;
  batch: number;
  parallel: number;
  calls?: { n: number };
}

/** A path lfs can never read as an option: `-x` or `--help` at the mount root goes as `./-x`. */
const arg = (file: string) => `./${file}`;

const reasonOf = (err: unknown) => String((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n')[0];

/**
 * Runs `lfs <sub>` over `files` in batches and returns each file's line of output (without the
 * path). A file whose name holds a newline, or that a batch's output does not mention, is asked
 * alone (then the whole output is its answer). A batch lfs fails on is retried file by file, so
 * one deleted file does not stop the others; files failing alone are returned in `refused`.
 */
async function lfsEach(opts: LfsOptions, sub: string, files: string[]): Promise<{ out: Map<string, string>; refused: Map<string, string> }> {
  const out = new Map<string, string>();
  const refused = new Map<string, string>();
  const call = async (args: string[]) => {
    if (opts.calls) opts.calls.n++;
    // env passed on explicitly, for embedders that swap process.env
    return (await run(opts.lfs, [sub, ...args], { cwd: opts.mount, env: process.env, maxBuffer: 256 * 1024 * 1024 })).stdout;
  };
  const alone = async (file: string) => {
    try {
      const text = (await call([arg(file)])).trim();
      const prefix = `${arg(file)}: `;
      out.set(file, text.startsWith(prefix) ? text.slice(prefix.length) : text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err; // no lfs at all
      refused.set(file, reasonOf(err));
    }
  };
  await pool(chunk(files, opts.batch), opts.parallel, async (batch) => {
    const plain = batch.filter((f) => !f.includes('\n'));
    for (const f of batch) if (f.includes('\n')) await alone(f);
    if (!plain.length) return;
    let stdout: string;
    try {
      stdout = await call(plain.map(arg));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      for (const f of plain) await alone(f);
      return;
    }
    const lines = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const at = line.lastIndexOf(': ');
      if (at > 0) lines.set(line.slice(0, at), line.slice(at + 2));
    }
    for (const f of plain) {
      const line = lines.get(arg(f));
      if (line !== undefined || sub === 'hsm_restore') out.set(f, line ?? '');
      else await alone(f);
    }
  });
  return { out, refused };
}

type State = 'released' | 'loaded' | 'unknown';
const stateOf = (line: string | undefined): State => (line === undefined ? 'unknown' : /\breleased\b/.test(line) ? 'released' : /\bexists\b|\(0x[0-9a-f]+\)/.test(line) ? 'loaded' : 'unknown');

/** Counts the files under `roots` that lfs does not report loaded (for `verify --mount`), streaming the walk. */
export async function countReleased(opts: LfsOptions, roots: string[]): Promise<number> {
  let n = 0;
  for (const { files } of walkDirectories(opts.mount, roots)) {
    for (const part of chunk(files, opts.batch * opts.parallel)) {
      const { out } = await lfsEach(opts, 'hsm_state', part);
      n += part.filter((f) => stateOf(out.get(f)) !== 'loaded').length;
    }
  }
  return n;
}

/**
 * The journal: one JSON-quoted directory per line, written when every file of this shard in it is
 * loaded. A line cut short by a crash does not parse and is ignored (that directory is checked again).
 */
class DirectoryJournal {
  private readonly complete = new Set<string>();
  private readonly remaining = new Map<string, number>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      try {
        const dir = JSON.parse(line);
        if (typeof dir === 'string') this.complete.add(dir);
      } catch {
        // a line cut short, or an earlier format: that directory is checked again
      }
    }
  }

  isComplete(dir: string): boolean {
    return this.complete.has(dir);
  }

  expect(dir: string, files: number): void {
    this.remaining.set(dir, files);
  }

  /** A file is loaded; its directory is recorded once all of its files are. */
  loaded(file: string): void {
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const left = (this.remaining.get(dir) ?? 0) - 1;
    if (left > 0) {
      this.remaining.set(dir, left);
      return;
    }
    this.remaining.delete(dir);
    this.complete.add(dir);
    appendFileSync(this.file, `${JSON.stringify(dir)}\n`);
  }
}

export async function hydrate(opts: HydrateOptions): Promise<HydrateResult> {
  const journal = new DirectoryJournal(opts.journalFile);
  const lfs: LfsOptions = { ...opts, calls: { n: 0 } };
  const window = Math.max(opts.batch * opts.parallel * 2, 1);
  const result: HydrateResult = { ok: false, shard: `${opts.shard.index}/${opts.shard.count}`, files: 0, alreadyLoaded: 0, restored: 0, stuck: [], pending: [], refused: [], lfsCalls: 0 };
  const waiting = new Set<string>();
  const refuse = (refused: Map<string, string>) => {
    for (const [file, reason] of refused) result.refused.push({ file, reason });
  };

  /** Checks a window of files and starts the restores of the released ones. */
  const start = async (files: string[]) => {
    const { out, refused } = await lfsEach(lfs, 'hsm_state', files);
    refuse(refused);
    const toLoad: string[] = [];
    for (const f of files) {
      const state = stateOf(out.get(f));
      if (state === 'loaded') {
        result.alreadyLoaded++;
        journal.loaded(f);
      } else if (state === 'released') toLoad.push(f);
      else if (!refused.has(f)) result.refused.push({ file: f, reason: `lfs hsm_state said '${out.get(f) ?? ''}'` });
    }
    const restores = await lfsEach(lfs, 'hsm_restore', toLoad);
    refuse(restores.refused);
    for (const f of toLoad) if (!restores.refused.has(f)) waiting.add(f);
  };

  /** One look at the files being restored: loaded ones are recorded, failed ones listed as stuck. */
  const poll = async () => {
    const files = [...waiting];
    const states = await lfsEach(lfs, 'hsm_state', files);
    const still = files.filter((f) => stateOf(states.out.get(f)) !== 'loaded' && !states.refused.has(f));
    const stillSet = new Set(still);
    for (const f of files) {
      if (states.refused.has(f)) waiting.delete(f);
      else if (!stillSet.has(f)) {
        waiting.delete(f);
        result.restored++;
        journal.loaded(f);
      }
    }
    refuse(states.refused);
    // Released with no restore under way: failed, unless it finished between the two calls.
    const actions = await lfsEach(lfs, 'hsm_action', still);
    const idle = still.filter((f) => /\bNOOP\b/.test(actions.out.get(f) ?? 'NOOP'));
    const again = await lfsEach(lfs, 'hsm_state', idle);
    for (const f of idle) {
      waiting.delete(f);
      if (stateOf(again.out.get(f)) === 'loaded') {
        result.restored++;
        journal.loaded(f);
      } else result.stuck.push(f);
    }
  };

  let batch: string[] = [];
  for (const { dir, files } of walkDirectories(opts.mount, opts.roots)) {
    const mine = files.filter((f) => inShard(f, opts.shard));
    result.files += mine.length;
    if (journal.isComplete(dir)) {
      result.alreadyLoaded += mine.length;
      continue;
    }
    journal.expect(dir, mine.length);
    for (const f of mine) {
      batch.push(f);
      if (batch.length < window) continue;
      await start(batch);
      batch = [];
      // Bounded: while more than a window is being restored, wait for some to finish.
      while (waiting.size > window) {
        await opts.clock.sleep(opts.clock.pollMs);
        await poll();
      }
    }
  }
  await start(batch);
  opts.say(`shard ${result.shard}: ${result.files} files, ${result.alreadyLoaded} already loaded, ${waiting.size + result.restored} restoring`);

  const backoff = new Backoff(opts.clock, opts.deadline);
  for (;;) {
    await poll();
    if (!waiting.size) break;
    opts.say(`${waiting.size} files still loading`);
    if (!(await backoff.wait())) break;
  }
  result.pending = [...waiting].sort();
  result.stuck.sort();
  result.lfsCalls = lfs.calls!.n;
  result.ok = !result.stuck.length && !result.pending.length && !result.refused.length;
  return result;
}

/** Roots that do not exist under the mount (a file system not mounted there, or a path not created). */
export function missingRoots(mount: string, roots: string[]): string[] {
  return roots.filter((r) => {
    try {
      return !statSync(join(mount, r)).isDirectory();
    } catch {
      return true;
    }
  });
}
