import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../helpers/cli';
import { multiSite } from '../helpers/blueprints';
import { validateText } from '../../src/pipeline/validate';

/** A small seeded PRNG (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

type R = ReturnType<typeof rng>;
const WEIRD: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -2147483649, 2 ** 53, '', ' ', 'x'.repeat(5000), '💥🚀', '\u202e\u0000', 'SCRATCH_9', [], {}, [[[]]], { a: { b: {} } }, 'arn:aws:kms:::', '../../etc/passwd'];

function randomString(r: R): string {
  const len = r.int(40);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCodePoint(r.pick([r.int(128), 0x80 + r.int(0x700), 0x4e00 + r.int(500), 0x1f300 + r.int(200)]));
  return s;
}

/** Changes one random place of the tree: drops a key, swaps a value's type, pushes a number out of range, adds junk. */
function mutate(node: unknown, r: R, depth = 0): unknown {
  if (node === null || typeof node !== 'object' || r.next() < 0.15 + depth * 0.05) {
    const roll = r.int(5);
    if (roll === 0) return r.pick(WEIRD);
    if (roll === 1) return randomString(r);
    if (roll === 2) return typeof node === 'number' ? node * r.pick([-1, 1000, 0, 1e9]) + r.int(7) : r.int(1e6) - 5e5;
    if (roll === 3) return Array.isArray(node) ? {} : [node];
    return undefined; // dropped
  }
  const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  if (entries.length === 0) return r.next() < 0.5 ? { [randomString(r)]: r.pick(WEIRD) } : node;
  const [k, v] = r.pick(entries);
  const out: Record<string | number, unknown> | unknown[] = Array.isArray(node) ? [...node] : { ...(node as object) };
  const m = mutate(v, r, depth + 1);
  if (m === undefined) {
    if (Array.isArray(out)) out.splice(Number(k), 1);
    else delete (out as Record<string, unknown>)[k];
  } else (out as Record<string | number, unknown>)[k] = m;
  return out;
}

function corruptText(text: string, r: R): string {
  const chars = [...text];
  for (let i = r.int(6) + 1; i > 0; i--) {
    const at = r.int(chars.length);
    const op = r.int(3);
    if (op === 0) chars.splice(at, 1 + r.int(10));
    else if (op === 1) chars.splice(at, 0, r.pick([':', '\t', '"', '[', '{', '-', '&a', '*a', '!!binary', '\n  ', '#']));
    else chars[at] = randomString(r).slice(0, 1) || ' ';
  }
  return chars.join('');
}

/** The cases: mutated trees, corrupted text, and the extremes (empty, huge, deep). */
function* cases(count: number): Generator<[string, string]> {
  const base = multiSite();
  const baseText = stringify(base);
  yield ['empty', ''];
  yield ['only a comment', '# nothing\n'];
  yield ['a scalar', '42\n'];
  yield ['deep nesting', `${'['.repeat(20000)}${']'.repeat(20000)}\n`];
  yield ['deep maps', `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`];
  yield ['alias bomb', `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n`];
  yield ['huge', `version: 1\nname: huge\nsites:\n${Array.from({ length: 10000 }, (_, i) => `  s${i}: { region: eu-west-1 }`).join('\n')}\n`];
  yield ['binary junk', String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256))];
  for (let seed = 1; seed <= count; seed++) {
    const r = rng(seed);
    if (seed % 4 === 0) {
      yield [`text seed ${seed}`, corruptText(baseText, r)];
    } else {
      let tree: unknown = base;
      for (let n = 1 + r.int(4); n > 0; n--) tree = mutate(tree, r) ?? {};
      yield [`tree seed ${seed}`, stringify(tree)];
    }
  }
}

describe('validate survives any input', () => {
  test('thousands of mutated blueprints: never throws, always findings when invalid', () => {
    let invalid = 0;
    for (const [name, text] of cases(3000)) {
      let result;
      try {
        result = validateText('fuzz.yaml', text);
      } catch (err) {
        throw new Error(`${name} threw: ${(err as Error).stack}`);
      }
      const errors = result.findings.filter((f) => f.severity === 'error');
      if (!result.model) {
        invalid++;
        expect({ name, errors: errors.length > 0 }).toEqual({ name, errors: true });
      }
      for (const f of result.findings) {
        expect(f.line).toBeGreaterThanOrEqual(1);
        expect(f.col).toBeGreaterThanOrEqual(1);
        if (f.id === 'INT001') throw new Error(`${name}: ${f.message}\n${text}`);
      }
    }
    expect(invalid).toBeGreaterThan(2000);
  });

  test('through the CLI: exit 0 or 2, findings on 2, never a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-fuzz-'));
    let n = 0;
    for (const [name, text] of cases(150)) {
      const file = join(dir, `case-${n++}.yaml`);
      writeFileSync(file, text);
      const { code, out, err } = await run('validate', '-b', file);
      expect({ name, code: [0, 2].includes(code) }).toEqual({ name, code: true });
      if (code === 2) expect(out).toMatch(/ error [A-Z]{3}\d{3} /);
      expect(`${out}${err}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      expect(err).toBe('');
    }
  });
});
