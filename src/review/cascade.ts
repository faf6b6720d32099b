/**
 * Replacements carried through references, as Terraform plans them: a replaced resource gets new
 * values for its computed attributes (`id`, `arn`: known only after apply), and an updated one for
 * the attributes that change; a resource whose ForceNew argument refers to such a value is
 * replaced too (a file system whose `security_group_ids` names a security group replaced for a new
 * `vpc_id`), and one whose other arguments do is updated. A synthesized configuration holds the
 * reference (`${aws_security_group.work.id}`), not the value, so comparing configurations alone
 * never sees these. Data sources pass changes on: one that reads a changed value is read again
 * at apply, and everything it returns is unknown until then.
 */
import { consequence, forcesReplacement } from './destructive';
import type { LeafChange, ResourceChange, Resources } from './diff';
import type { Config } from './json';

/** `${aws_security_group.work.id}`, `${data.aws_iam_policy_document.p.json}`: the resource and the attribute referred to. */
const REFERENCE = /\$\{(data\.[a-z0-9_]+|[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)/g;

/** Every string leaf of a configuration with its path (`rule[0].filter.prefix`), skipping cdktf metadata and depends_on. */
function leaves(x: unknown, path = ''): { path: string; value: string }[] {
  if (typeof x === 'string') return [{ path, value: x }];
  if (Array.isArray(x)) return x.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => (k === '//' || k === 'depends_on' ? [] : leaves(v, path ? `${path}.${k}` : k)));
  return [];
}

/** What changes about a resource for those referring to it: every attribute (replaced, or a data source read again), or these. */
type Changed = { all: boolean; attributes: Set<string> };

/** The attribute changes a change makes visible to references (top-level attribute names). */
function changedOf(c: ResourceChange, config: Config | undefined): Changed | undefined {
  const attributes = new Set(c.changes.map((l) => l.attribute.split(/[.[]/)[0]));
  if (c.action === 'replace') {
    // Computed attributes (not in the configuration) are new; configured ones only where they change.
    const configured = new Set(Object.keys(config ?? {}));
    return { all: false, attributes: new Set([...attributes, `!${[...configured].join(',')}`]) };
  }
  return c.action === 'update' && attributes.size ? { all: false, attributes } : undefined;
}

const touches = (changed: Changed, attribute: string) => {
  if (changed.all || changed.attributes.has(attribute)) return true;
  const computed = [...changed.attributes].find((a) => a.startsWith('!'));
  return computed !== undefined && !computed.slice(1).split(',').includes(attribute);
};

/**
 * Adds to `changes` (and changes in place) what references carry: replacements through ForceNew
 * arguments, with the chain in words, and updates through the others. `base`/`head` as diffed.
 */
export function cascade(changes: ResourceChange[], base: Resources, head: Resources): void {
  const keyOf = (stack: string, address: string) => `${stack}/${address}`;
  const byKey = new Map(changes.map((c) => [keyOf(c.stack, c.address), c]));
  // Why a resource is replaced, in words, for the chain: its own reason first.
  const because = new Map<string, string>();
  for (const c of changes) if (c.action === 'replace') because.set(keyOf(c.stack, c.address), c.changes.filter((l) => l.forcesReplacement).map((l) => `\`${l.attribute}\` changes`).join(' and ') || 'it changes');
  const changed = new Map<string, Changed>();
  for (const c of changes) {
    const ch = changedOf(c, head.get(keyOf(c.stack, c.address))?.config);
    if (ch) changed.set(keyOf(c.stack, c.address), ch);
  }
  for (let round = 0, grew = true; grew && round < 100; round++) {
    grew = false;
    for (const [key, r] of head) {
      if (!base.has(key)) continue; // created anyway
      const existing = byKey.get(key);
      if (existing?.action === 'replace') continue;
      const added: LeafChange[] = [];
      const chain: string[] = [];
      for (const leaf of leaves(r.config)) {
        for (const m of leaf.value.matchAll(REFERENCE)) {
          const target = keyOf(r.stack, `${m[1]}.${m[2]}`);
          const ch = changed.get(target);
          if (!ch || !touches(ch, m[3]) || target === key) continue;
          if (existing?.changes.some((l) => l.attribute === leaf.path) || added.some((l) => l.attribute === leaf.path)) continue;
          const forces = !r.type.startsWith('data.') && forcesReplacement(r.type, leaf.path, leaf.value, `${leaf.value} (new)`, r.config);
          added.push({ attribute: leaf.path, before: JSON.stringify(leaf.value), after: `(new ${m[1]}.${m[2]}.${m[3]}, known after apply)`, forcesReplacement: forces });
          if (forces) chain.push(`\`${leaf.path}\` refers to \`${m[1]}.${m[2]}\`, which is replaced because ${because.get(target) ?? 'it changes'}`);
        }
      }
      if (!added.length) continue;
      if (r.type.startsWith('data.')) {
        // Read again at apply; not a change of its own.
        if (!changed.get(key)?.all) {
          changed.set(key, { all: true, attributes: new Set() });
          grew = true;
        }
        continue;
      }
      grew = true;
      const c: ResourceChange = existing ?? { stack: r.stack, address: `${r.type}.${r.name}`, type: r.type, name: r.name, action: 'update', changes: [], destructive: false };
      c.changes.push(...added);
      if (chain.length) {
        c.action = 'replace';
        c.destructive = true;
        c.consequence = `${consequence(r.type, r.name, true)}; because ${chain.join('; and ')}`;
        because.set(key, chain.join(' and '));
      }
      if (!existing) {
        byKey.set(key, c);
        changes.push(c);
      }
      const ch = changedOf(c, r.config);
      if (ch) changed.set(key, ch);
    }
  }
}
