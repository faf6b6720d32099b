import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers/blueprints';

/**
 * One direction of flow (design.md): each layer imports only the layers below it. AWS facts know
 * nothing of the model; rules only produce findings; the validate pipeline sits above blueprint
 * and rules; plan decides what exists and stacks render it; the runner never imports stacks and
 * review never imports the runner.
 */
const ALLOWED: Record<string, string[]> = {
  aws: [],
  functions: [],
  blueprint: ['aws'],
  rules: ['blueprint', 'aws'],
  pipeline: ['blueprint', 'rules', 'plan', 'aws'], // TFC001 checks what the plan decides
  plan: ['blueprint', 'aws'],
  stacks: ['blueprint', 'plan', 'aws'],
  runner: ['blueprint', 'plan', 'aws', 'functions'], // import --restore-archived decides as the restore function does
  review: ['blueprint', 'plan', 'aws', 'stacks'],
};

const src = join(ROOT, 'src');
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));

test('every layer imports only the layers below it', () => {
  const wrong: string[] = [];
  for (const file of files(src)) {
    const layer = relative(src, file).split('/')[0];
    if (!(layer in ALLOWED)) continue; // cli and the entry points may use everything
    for (const m of readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '(\.[^']+)';/gms)) {
      const target = relative(src, resolve(dirname(file), m[1])).split('/')[0];
      if (target === '..') continue; // schemas/, outside src
      if (target !== layer && !ALLOWED[layer].includes(target)) wrong.push(`${relative(ROOT, file)} imports ${m[1]}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(Object.keys(ALLOWED).every((l) => files(src).some((f) => relative(src, f).startsWith(`${l}/`)))).toBe(true);
});

/**
 * The plan is data (design.md): constructs render one stack's part of it and decide nothing, so
 * src/stacks takes from src/plan only its types and its names (src/plan/arns.ts), never a function
 * that decides what exists or what it holds.
 */
const NAMING = ['arns'];

test('stacks import from plan only types and naming', () => {
  const wrong: string[] = [];
  for (const file of files(join(src, 'stacks'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^import (type )?[^;]*? from '(\.\.\/plan\/[^']+)';/gms)) {
      if (!m[1] && !NAMING.includes(m[2].replace('../plan/', ''))) wrong.push(`${relative(ROOT, file)} imports ${m[2]}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(files(join(src, 'stacks')).some((f) => /from '\.\.\/plan\/types'/.test(readFileSync(f, 'utf8')))).toBe(true);
});

test('no explicit any in src/ without a reason on its line (`// any: why`)', () => {
  const unexplained = files(src).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, at: `${relative(ROOT, file)}:${i + 1}` }))
      .filter(({ line }) => /(:\s*any\b|\bas any\b|<any>|\bany\[\]|=\s*any\b)/.test(line) && !/\/\/ any: \S/.test(line) && !/^\s*(\*|\/\/)/.test(line))
      .map(({ at }) => at),
  );
  expect(unexplained).toEqual([]);
});
