import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers/blueprints';
import { blueprintFiles } from './helpers/features';
import { blueprintReference } from '../src/pipeline/reference';
import { validateFile } from '../src/pipeline/validate';

const examples = blueprintFiles();

describe('example blueprints', () => {
  test('there are examples, the quickstart among them', () => {
    expect(examples).toEqual(expect.arrayContaining(['quickstart.yaml', 'multi-site-dr.yaml', 'examples/ambient-account.yaml']));
  });

  test.each(examples)('%s opens with a comment that says what it shows, and the README and docs/blueprint.md list it', (name) => {
    const [, second] = readFileSync(join(ROOT, 'blueprints', name), 'utf8').split('\n');
    expect(second).toMatch(/^# \S.{20,}/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`${name}\``);
    expect(blueprintReference()).toContain(`\`blueprints/${name}\``);
  });

  test.each(examples)('%s validates with no findings but the warnings it acknowledges', (name) => {
    const v = validateFile(join(ROOT, 'blueprints', name));
    expect(v.findings.filter((f) => f.acknowledged === undefined)).toEqual([]);
    expect(v.model).toBeDefined();
  });

  test.each(examples)('%s points editors at the schema', (name) => {
    const schema = /^# yaml-language-server: \$schema=(\S+)/.exec(readFileSync(join(ROOT, 'blueprints', name), 'utf8'))?.[1];
    expect(schema && existsSync(join(ROOT, 'blueprints', dirname(name), schema)) && schema.endsWith('schemas/blueprint.schema.json')).toBe(true);
  });
});

describe('docs/blueprint.md', () => {
  test('is what `npm run docs` generates from the schema and rules (run it after changing either)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'blueprint.md'), 'utf8')).toBe(blueprintReference());
  });

  test('documents every property of the schema', () => {
    const doc = blueprintReference();
    const walk = (node: Record<string, unknown>, seen = new Set<object>()): string[] => {
      if (!node || typeof node !== 'object' || seen.has(node)) return [];
      seen.add(node);
      const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
      return [...Object.keys(props), ...Object.values(node).flatMap((v) => (v && typeof v === 'object' ? walk(v as Record<string, unknown>, seen) : []))];
    };
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'blueprint.schema.json'), 'utf8'));
    for (const key of new Set(walk(schema))) expect(doc).toContain(`| \`${key}\` |`);
  });
});
