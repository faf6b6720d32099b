/**
 * `lustreform diff BASE HEAD`: two blueprints synthesized and compared resource by resource.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import type { Blueprint } from '../blueprint/model';
import { buildApp } from '../stacks/app';
import { consequence, DATA_BEARING, forcesReplacement } from './destructive';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Resources = Map<string, { stack: string; type: string; name: string; config: Record<string, any> }>;

export interface ResourceChange {
  stack: string;
  address: string;
  type: string;
  name: string;
  action: 'create' | 'delete' | 'update' | 'replace';
  changes: { attribute: string; before: string; after: string; forcesReplacement: boolean }[];
  destructive: boolean;
  consequence?: string;
}

const strip = (x: any): any => (Array.isArray(x) ? x.map(strip) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== '//').map(([k, v]) => [k, strip(v)])) : x);
const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v).slice(0, 120));

/** Every resource of a synthesized blueprint, keyed `<stack>/<type>.<name>`. */
export function synthesizedResources(model: Blueprint): Resources {
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-diff-'));
  try {
    buildApp(model, { outdir: dir }).synth();
    const out: Resources = new Map();
    for (const stack of readdirSync(join(dir, 'stacks'))) {
      const json = JSON.parse(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      for (const [type, byName] of Object.entries<Record<string, any>>(json.resource ?? {})) {
        for (const [name, config] of Object.entries(byName)) out.set(`${stack}/${type}.${name}`, { stack, type, name, config: strip(config) });
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resource-by-resource changes from `base` to `head`, destructive ones first. */
export function diffResources(base: Resources, head: Resources): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const [key, r] of head) {
    const before = base.get(key);
    if (!before) {
      changes.push({ stack: r.stack, address: `${r.type}.${r.name}`, type: r.type, name: r.name, action: 'create', changes: [], destructive: false });
      continue;
    }
    const attrs = [...new Set([...Object.keys(before.config), ...Object.keys(r.config)])].filter((a) => JSON.stringify(before.config[a]) !== JSON.stringify(r.config[a]));
    if (!attrs.length) continue;
    const list = attrs.map((a) => ({ attribute: a, before: show(before.config[a]), after: show(r.config[a]), forcesReplacement: forcesReplacement(r.type, a, before.config[a], r.config[a], r.config) }));
    const replaced = list.some((c) => c.forcesReplacement);
    changes.push({ stack: r.stack, address: `${r.type}.${r.name}`, type: r.type, name: r.name, action: replaced ? 'replace' : 'update', changes: list, destructive: replaced && DATA_BEARING.has(r.type), consequence: replaced ? consequence(r.type, r.name, true) : undefined });
  }
  for (const [key, r] of base) {
    if (!head.has(key)) changes.push({ stack: r.stack, address: `${r.type}.${r.name}`, type: r.type, name: r.name, action: 'delete', changes: [], destructive: DATA_BEARING.has(r.type), consequence: consequence(r.type, r.name, false) });
  }
  const order = { replace: 0, delete: 1, update: 2, create: 3 };
  return changes.sort((a, b) => Number(b.destructive) - Number(a.destructive) || order[a.action] - order[b.action] || a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));
}

/** The blueprint file as it was at a git ref, written to a temporary file. */
export function blueprintAtRef(ref: string, file: string): string {
  const text = execFileSync('git', ['show', `${ref}:${file.replace(/^\.\//, '')}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const out = join(mkdtempSync(join(tmpdir(), 'lustreform-ref-')), file.split('/').pop()!);
  writeFileSync(out, text);
  return out;
}

export function diffMarkdown(changes: ResourceChange[], base: string, head: string): string {
  const destructive = changes.filter((c) => c.destructive);
  const lines = [`## lustreform diff: ${base} -> ${head}`, ''];
  if (!changes.length) return [...lines, 'No resource changes.', ''].join('\n');
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  lines.push(`${count('create')} to create, ${count('update')} to update in place, ${count('replace')} to replace, ${count('delete')} to delete.`, '');
  if (destructive.length) {
    lines.push('### Destructive changes', '');
    for (const c of destructive) lines.push(`- **${c.stack}** \`${c.address}\`: ${c.consequence}${c.changes.filter((x) => x.forcesReplacement).map((x) => ` (\`${x.attribute}\` ${x.before} -> ${x.after})`).join('')}`);
    lines.push('');
  }
  lines.push('### All changes', '', '| stack | resource | action | attributes |', '| --- | --- | --- | --- |');
  for (const c of changes) lines.push(`| ${c.stack} | \`${c.address}\` | ${c.action} | ${c.changes.map((x) => `\`${x.attribute}\`: ${x.before} -> ${x.after}${x.forcesReplacement ? ' (forces replacement)' : ''}`).join('<br>').replace(/\|/g, '\\|') || '-'} |`);
  lines.push('');
  return lines.join('\n');
}
