/**
 * `lustreform hydrate`: on a Lustre client, loads file contents from S3 (there is no data
 * repository task for that). Walks the tree, keeps this shard's files, skips what the journal or
 * `lfs hsm_state` says is loaded, calls `lfs hsm_restore` with many files per call and N calls in
 * parallel, then polls `lfs hsm_state` until nothing is `released`. A file still released when
 * `lfs hsm_action` says NOOP could not load (typically an archived S3 object): it is listed and
 * the command exits 1. Finished files go to an append-only journal, so a rerun resumes.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pool } from './pool';

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
  pollMs: number;
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

/** Regular files under `root` (relative to `mount`), in a stable order; symlinks are not followed. */
export function walk(mount: string, root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    const entries = readdirSync(join(mount, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(child);
      else if (e.isFile()) out.push(child);
    }
  };
  if (existsSync(join(mount, root)) && lstatSync(join(mount, root)).isDirectory()) visit(root.replace(/^\/+|\/+$/g, ''));
  return out;
}

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** What calling lfs needs. */
export type LfsOptions = Pick<HydrateOptions, 'mount' | 'lfs' | 'batch' | 'parallel'>;

/** Runs `lfs <sub> files...` in the mount and returns its lines keyed by file (env passed on explicitly, for embedders that swap process.env). */
async function lfsLines(opts: LfsOptions, sub: string, files: string[]): Promise<Map<string, string>> {
  const { stdout } = await run(opts.lfs, [sub, ...files], { cwd: opts.mount, env: process.env, maxBuffer: 64 * 1024 * 1024 });
  const lines = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.lastIndexOf(': ');
    if (at > 0) lines.set(line.slice(0, at), line.slice(at + 2));
  }
  return lines;
}

/** Files among `files` that `lfs hsm_state` reports `released` (contents still only in S3). */
export async function released(opts: LfsOptions, files: string[]): Promise<string[]> {
  const out: string[] = [];
  await pool(chunk(files, opts.batch), opts.parallel, async (batch) => {
    const states = await lfsLines(opts, 'hsm_state', batch);
    for (const f of batch) if (/\breleased\b/.test(states.get(f) ?? '')) out.push(f);
  });
  return out;
}

function readJournal(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // the last line is empty, or cut short by a crash: either way not a finished record
  return new Set(lines);
}

export async function hydrate(opts: HydrateOptions): Promise<HydrateResult> {
  mkdirSync(dirname(opts.journalFile), { recursive: true });
  const done = readJournal(opts.journalFile);
  const mine = opts.roots.flatMap((r) => walk(opts.mount, r)).filter((f) => inShard(f, opts.shard));
  const todo = mine.filter((f) => !done.has(f));
  const record = (files: string[]) => files.length && appendFileSync(opts.journalFile, files.map((f) => `${f}\n`).join(''));
  opts.say(`shard ${opts.shard.index}/${opts.shard.count}: ${mine.length} files, ${mine.length - todo.length} loaded in earlier runs`);

  const toLoad = await released(opts, todo);
  const loadedBefore = new Set(todo);
  for (const f of toLoad) loadedBefore.delete(f);
  record([...loadedBefore]);
  opts.say(`${toLoad.length} files to load, ${loadedBefore.size} already loaded`);

  await pool(chunk(toLoad, opts.batch), opts.parallel, async (batch) => {
    await run(opts.lfs, ['hsm_restore', ...batch], { cwd: opts.mount, env: process.env, maxBuffer: 16 * 1024 * 1024 });
  });

  let waiting = toLoad;
  const stuck: string[] = [];
  let delay = opts.pollMs;
  while (waiting.length) {
    const still = new Set(await released(opts, waiting));
    record(waiting.filter((f) => !still.has(f)));
    const stillList = waiting.filter((f) => still.has(f));
    // Released and no restore under way: the restore failed (an archived object, a missing one).
    const failed = new Set<string>();
    await pool(chunk(stillList, opts.batch), opts.parallel, async (batch) => {
      const actions = await lfsLines(opts, 'hsm_action', batch);
      for (const f of batch) if (/\bNOOP\b/.test(actions.get(f) ?? 'NOOP')) failed.add(f);
    });
    stuck.push(...stillList.filter((f) => failed.has(f)));
    waiting = stillList.filter((f) => !failed.has(f));
    if (!waiting.length || Date.now() + delay > opts.deadline) break;
    opts.say(`${waiting.length} files still loading`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 60_000);
  }
  return {
    ok: stuck.length === 0 && waiting.length === 0,
    shard: `${opts.shard.index}/${opts.shard.count}`,
    files: mine.length,
    alreadyLoaded: mine.length - toLoad.length,
    restored: toLoad.length - stuck.length - waiting.length,
    stuck: stuck.sort(),
    pending: waiting.sort(),
  };
}
