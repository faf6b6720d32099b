import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { quickstart } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { writeDraft } from '../helpers/runner-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateBlueprint } = require('../../bench/generate');

/** A git repository holding `draft` as blueprint.yaml, committed; run `fn` inside it. */
async function inRepo<T>(draft: unknown, fn: (commit: (d: unknown, file?: string) => void) => Promise<T>): Promise<T> {
  const { file, dir } = writeDraft(draft);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  const commit = (d: unknown, name = file) => {
    writeFileSync(name, stringify(d));
    git('add', '.');
    git('commit', '-qm', 'change');
  };
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await fn(commit);
  } finally {
    process.chdir(cwd);
  }
}

const changed = async (ref: string, file = 'blueprint.yaml') => {
  const r = await run('stacks', '-b', file, '--changed-since', ref, '--format', 'json');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as { name: string; change: string; after?: string }[];
};

describe('lustreform stacks --changed-since', () => {
  test('64 sites (192 stacks): one changed bucket lists its stack and the stacks deploying after it, not 192', async () => {
    const base = generateBlueprint({ sites: 64, fsPerSite: 1 });
    await inRepo(base, async (commit) => {
      expect(JSON.parse((await run('stacks', '-b', 'blueprint.yaml', '--format', 'json')).out)).toHaveLength(192);
      expect(await changed('HEAD')).toEqual([]);
      expect((await run('stacks', '-b', 'blueprint.yaml', '--changed-since', 'HEAD')).out).toContain('no stack changed since HEAD');

      // A replication edge's storage class: only the replication stack of its source site.
      const edge = structuredClone(base);
      edge.replication[7].storageClass = 'STANDARD_IA';
      commit(edge);
      expect((await changed('HEAD~1')).map((s) => [s.name, s.change])).toEqual([['bench-s7-replication', 'changed']]);

      // A bucket's lifecycle: its storage stack, then what deploys after it, in deploy order.
      const bucket = structuredClone(edge);
      bucket.buckets['s9-b0'].lifecycle = [{ prefix: 'old/', transitions: [{ afterDays: 90, storageClass: 'GLACIER' }] }];
      commit(bucket);
      const list = await changed('HEAD~1');
      expect(list).toEqual([
        expect.objectContaining({ name: 'bench-s9-storage', change: 'changed' }),
        expect.objectContaining({ name: 'bench-s8-replication', change: 'dependent', after: 'bench-s9-storage' }), // replicates into s9
        expect.objectContaining({ name: 'bench-s9-replication', change: 'dependent', after: 'bench-s9-storage' }),
        expect.objectContaining({ name: 'bench-s9-lustre', change: 'dependent', after: 'bench-s9-storage' }),
      ]);
      const text = (await run('stacks', '-b', 'blueprint.yaml', '--changed-since', 'HEAD~1')).out;
      expect(text).toContain(' 1. bench-s9-storage  [changed]');
      expect(text).toContain(' 3. bench-s9-replication  [deploys after bench-s9-storage]  (after bench-s10-storage, bench-s9-storage)');
    });
  });

  test('a blueprint new at HEAD lists every stack as new; an unknown ref is exit 2; a removed site is said', async () => {
    await inRepo(quickstart(), async (commit) => {
      const other = quickstart();
      other.name = 'second';
      commit(other, 'second.yaml');
      expect((await changed('HEAD~1', 'second.yaml')).map((s) => s.change)).toEqual(['new', 'new']);
      const bad = await run('stacks', '-b', 'blueprint.yaml', '--changed-since', 'no-such-ref');
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("git ref 'no-such-ref' is not a commit");

      const smaller = quickstart();
      delete smaller.fileSystems;
      commit(smaller);
      const r = await run('stacks', '-b', 'blueprint.yaml', '--changed-since', 'HEAD~1');
      expect(r.code).toBe(0);
      expect(r.err).toContain('stack quickstart-main-lustre is gone from the blueprint since HEAD~1');
    });
  });
});
