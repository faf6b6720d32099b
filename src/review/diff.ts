/**
 * `lustreform diff BASE HEAD`: two blueprints synthesized and compared resource by resource.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import type { Plan } from '../plan/types';
import type { Config, StackJson } from './json';
import { buildApp } from '../stacks/app';
import { cascade } from './cascade';
import { consequence, dangerOf, forcesReplacement } from './destructive';

export type Resources = Map<string, { stack: string; type: string; name: string; config: Config }>;

/** One changed value: its path inside the resource (`rule[0].lifecycle.delete_after`), before and after. */
export interface LeafChange {
  attribute: string;
  before: string;
  after: string;
  forcesReplacement: boolean;
}

export interface ResourceChange {
  stack: string;
  address: string;
  type: string;
  name: string;
  action: 'create' | 'delete' | 'update' | 'replace';
  changes: LeafChange[];
  /** A replacement, a delete of a data-bearing resource, or an update that cuts protection. */
  destructive: boolean;
  consequence?: string;
}

/** Configuration that is not the resource's own: cdktf metadata, and `depends_on`, which only orders. */
const META = new Set(['//', 'depends_on']);
/** A configuration without cdktf's metadata and `depends_on`, as compared. */
export const comparable = (x: unknown): unknown => (Array.isArray(x) ? x.map(comparable) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => !META.has(k)).map(([k, v]) => [k, comparable(v)])) : x);
const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/** A JSON document held in a string (a policy), parsed so it compares statement by statement. */
function document(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Every leaf that differs between two values, deep through blocks, lists and policy documents. */
export function changedLeaves(before: unknown, after: unknown, path = ''): { path: string; before: unknown; after: unknown }[] {
  const b = document(before);
  const a = document(after);
  const container = (x: unknown) => x !== null && typeof x === 'object';
  if (container(b) && container(a) && Array.isArray(b) === Array.isArray(a)) {
    const keys = Array.isArray(b) ? Array.from({ length: Math.max(b.length, (a as unknown[]).length) }, (_, i) => i) : [...new Set([...Object.keys(b as object), ...Object.keys(a as object)])].sort();
    const child = (x: unknown, k: string | number) => (x as Record<string | number, unknown>)[k];
    return keys.flatMap((k) => changedLeaves(child(b, k), child(a, k), typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return JSON.stringify(b) === JSON.stringify(a) ? [] : [{ path, before: b, after: a }];
}

/** The synthesized configuration (cdk.tf.json) of every stack of a plan, by stack name; none for no plan (no blueprint). */
export function synthesizedStacks(plan: Plan | undefined): Map<string, StackJson> {
  const out = new Map<string, StackJson>();
  if (!plan) return out;
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-synth-'));
  try {
    buildApp(plan, { outdir: dir }).synth();
    for (const stack of readdirSync(join(dir, 'stacks'))) out.set(stack, JSON.parse(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8')));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every resource and data source of a synthesized plan, keyed `<stack>/<address>`; none for no plan (no blueprint). */
export function synthesizedResources(plan: Plan | undefined): Resources {
  const out: Resources = new Map();
  for (const [stack, json] of synthesizedStacks(plan)) {
    for (const [prefix, blocks] of [['', json.resource], ['data.', json.data]] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [name, config] of Object.entries(byName)) out.set(`${stack}/${prefix}${type}.${name}`, { stack, type: `${prefix}${type}`, name, config });
      }
    }
  }
  return out;
}

/** Resource-by-resource changes from `base` to `head`, destructive ones first. */
export function diffResources(base: Resources, head: Resources): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const address = (r: { type: string; name: string }) => `${r.type}.${r.name}`;
  for (const [key, r] of head) {
    const before = base.get(key);
    if (!before) {
      changes.push({ stack: r.stack, address: address(r), type: r.type, name: r.name, action: 'create', changes: [], destructive: false });
      continue;
    }
    const leaves = changedLeaves(comparable(before.config), comparable(r.config));
    if (!leaves.length) continue;
    const list = leaves.map((l) => ({ attribute: l.path, before: show(l.before), after: show(l.after), forcesReplacement: forcesReplacement(r.type, l.path, l.before, l.after, r.config) }));
    const action = list.some((c) => c.forcesReplacement) ? 'replace' : 'update';
    const danger = dangerOf({ type: r.type, name: r.name, kind: action, before: before.config, after: r.config });
    const consequenceText = danger ?? (action === 'replace' ? consequence(r.type, r.name, true) : undefined);
    changes.push({ stack: r.stack, address: address(r), type: r.type, name: r.name, action, changes: list, destructive: action === 'replace' || danger !== undefined, consequence: consequenceText });
  }
  for (const [key, r] of base) {
    if (head.has(key)) continue;
    const danger = dangerOf({ type: r.type, name: r.name, kind: 'delete', before: r.config });
    changes.push({ stack: r.stack, address: address(r), type: r.type, name: r.name, action: 'delete', changes: [], destructive: danger !== undefined, consequence: danger ?? consequence(r.type, r.name, false) });
  }
  cascade(changes, base, head);
  const order = { replace: 0, delete: 1, update: 2, create: 3 };
  return changes.sort((a, b) => Number(b.destructive) - Number(a.destructive) || order[a.action] - order[b.action] || a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));
}

/** A Markdown table row; pipes inside cells are escaped. */
const cells = (...values: string[]) => `| ${values.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`;

export function diffMarkdown(changes: ResourceChange[], base: string, head: string): string {
  const destructive = changes.filter((c) => c.destructive);
  const lines = [`## lustreform diff: ${base} -> ${head}`, ''];
  if (!changes.length) return [...lines, 'No resource changes.', ''].join('\n');
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  lines.push(`${count('create')} to create, ${count('update')} to update in place, ${count('replace')} to replace, ${count('delete')} to delete.`, '');
  if (destructive.length) {
    lines.push('### Destructive changes', '', '| stack | resource | action | what it means | because |', '| --- | --- | --- | --- | --- |');
    for (const c of destructive) {
      const because = c.changes.filter((x) => x.forcesReplacement || c.action !== 'replace').map((x) => `\`${x.attribute}\` ${x.before} -> ${x.after}`);
      lines.push(cells(c.stack, `\`${c.address}\``, c.action, c.consequence ?? '', because.join('<br>') || '-'));
    }
    lines.push('');
  }
  lines.push('### All changes', '', '| stack | resource | action | attributes |', '| --- | --- | --- | --- |');
  for (const c of changes) lines.push(cells(c.stack, `\`${c.address}\``, c.action, c.changes.map((x) => `\`${x.attribute}\`: ${x.before} -> ${x.after}${x.forcesReplacement ? ' (forces replacement)' : ''}`).join('<br>') || '-'));
  lines.push('');
  return lines.join('\n');
}
