import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildModel } from '../../src/blueprint/normalize';
import type { LoadedBlueprint } from '../../src/blueprint/raw';
import { checkSchema, schema } from '../../src/blueprint/schema';
import { ROOT } from '../helpers/blueprints';


type Node = Record<string, unknown>;
const defs = schema.$defs as Record<string, Node>;

/** Every property path of the schema (`.buckets.*.lifecycle[].prefix`), and the paths that are maps by key. */
function schemaPaths(): { properties: Set<string>; maps: Set<string> } {
  const properties = new Set<string>();
  const maps = new Set<string>();
  const walk = (n: Node | undefined, path: string, seen: Set<string>) => {
    if (!n || typeof n !== 'object') return;
    if (typeof n.$ref === 'string') {
      const name = n.$ref.split('/').pop()!;
      if (!seen.has(name)) walk(defs[name], path, new Set([...seen, name]));
    }
    for (const k of ['anyOf', 'oneOf', 'allOf']) for (const b of (n[k] as Node[] | undefined) ?? []) walk(b, path, seen);
    for (const [k, v] of Object.entries((n.properties as Record<string, Node>) ?? {})) {
      properties.add(`${path}.${k}`);
      walk(v, `${path}.${k}`, seen);
    }
    const entry = (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined) ?? Object.values((n.patternProperties as Record<string, Node>) ?? {})[0];
    if (entry) {
      maps.add(path);
      walk(entry as Node, `${path}.*`, seen);
    }
    if (n.items) walk(n.items as Node, `${path}[]`, seen);
  };
  walk(schema as unknown as Node, '', new Set());
  return { properties, maps };
}

/**
 * The data behind a recording proxy: every property read, and every object the model keeps as it
 * is (whose whole subtree is then carried), by schema path.
 */
function recorded(data: unknown, maps: Set<string>) {
  const read = new Set<string>();
  const proxies = new Map<object, string>();
  const wrap = (value: unknown, path: string): unknown => {
    if (!value || typeof value !== 'object') return value;
    const proxy = new Proxy(value as object, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return v;
        const child = Array.isArray(target) ? `${path}[]` : maps.has(path) ? `${path}.*` : `${path}.${key}`;
        if (!Array.isArray(target)) read.add(child);
        return wrap(v, child);
      },
    });
    proxies.set(proxy, path);
    return proxy;
  };
  return { data: wrap(data, '') as LoadedBlueprint, read, proxies };
}

/** Paths of the properties present in plain data. */
function present(data: unknown, maps: Set<string>, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(data)) for (const v of data) present(v, maps, `${path}[]`, out);
  else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const child = maps.has(path) ? `${path}.*` : `${path}.${k}`;
      if (!maps.has(path)) out.add(child);
      present(v, maps, child, out);
    }
  }
  return out;
}

describe('the loaded blueprint is typed', () => {
  test('src/blueprint/raw.ts is what `npm run docs` generates from the schema (run it after changing the schema)', () => {
    // In a process of its own: the generator's formatter (prettier) loads modules dynamically, which jest's VM refuses.
    const generated = execFileSync(process.execPath, [join(ROOT, 'scripts', 'raw-types.js'), '--stdout'], { encoding: 'utf8' });
    expect(readFileSync(join(ROOT, 'src', 'blueprint', 'raw.ts'), 'utf8')).toBe(generated);
  });

  test('the model reads or keeps every property of the schema: none is dropped silently', () => {
    const { properties, maps } = schemaPaths();
    const { data: loaded } = checkSchema(parse(readFileSync(join(ROOT, 'test', 'fixtures', 'every-field.yaml'), 'utf8')));
    // The fixture names every property of the schema, so a new property must be added there (and then be read).
    expect([...properties].filter((p) => !present(loaded, maps).has(p))).toEqual([]);

    const { data, read, proxies } = recorded(loaded, maps);
    const model = buildModel('every-field.yaml', data);
    const kept = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (v: unknown) => {
      if (!v || typeof v !== 'object' || seen.has(v)) return;
      seen.add(v);
      const path = proxies.get(v);
      if (path !== undefined) kept.add(path);
      for (const x of v instanceof Map ? v.values() : Object.values(v)) walk(x);
    };
    walk(model);
    const consumed = (p: string) => read.has(p) || [...kept].some((k) => p.startsWith(`${k}.`) || p.startsWith(`${k}[]`));
    // $schema is for editors (documented as ignored); version is checked by the schema (always 1).
    const ignored = new Set(['.$schema', '.version']);
    expect([...present(loaded, maps)].filter((p) => !ignored.has(p) && !consumed(p))).toEqual([]);
  });
});
