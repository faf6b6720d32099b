import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../rules';
import { schema } from '../blueprint/schema';
import { STAGE_CHECKS } from './validate';

/** The parts of a JSON Schema node the reference reads. */
interface Node {
  $ref?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  required?: string[];
  default?: unknown;
}

const root = schema as unknown as Node & { $defs: Record<string, Node & { properties: Record<string, Node & { properties: Record<string, Node>; items: Node }> }> };
const defs = root.$defs;

/** Where the example blueprints are, from src/pipeline or dist/pipeline alike. */
const BLUEPRINTS = join(__dirname, '..', '..', 'blueprints');

/** Where each map-of-objects or list-of-objects in the blueprint is documented. */
const SECTIONS: [string, Node][] = [
  ['Top level', root],
  ['accounts.<key>', defs.account],
  ['sites.<key>', defs.site],
  ['state', defs.state],
  ['state.s3', defs.state.properties.s3],
  ['buckets.<key>', defs.bucket],
  ['buckets.<key>.lifecycle[]', defs.lifecycleRule],
  ['buckets.<key>.lifecycle[].transitions[]', defs.lifecycleRule.properties.transitions.items],
  ['replication[]', defs.replicationEdge],
  ['fileSystems.<key>', defs.fileSystem],
  ['fileSystems.<key>.network and recovery[].network', defs.network],
  ['network.securityGroup', defs.network.properties.securityGroup],
  ['fileSystems.<key>.repositories[]', defs.repository],
  ['fileSystems.<key>.backups', defs.fileSystem.properties.backups],
  ['fileSystems.<key>.readCache', defs.fileSystem.properties.readCache],
  ['fileSystems.<key>.metadata', defs.fileSystem.properties.metadata],
  ['fileSystems.<key>.logging', defs.fileSystem.properties.logging],
  ['backupPlans.<key>', defs.backupPlan],
  ['backupPlans.<key>.copyTo[]', defs.backupPlan.properties.copyTo.items],
  ['backupPlans.<key>.vaultLock', defs.backupPlan.properties.vaultLock],
  ['backupPlans.<key>.restoreTesting', defs.backupPlan.properties.restoreTesting],
  ['backupPlans.<key>.restoreTesting.network', defs.backupPlan.properties.restoreTesting.properties.network],
  ['archiveRestore[]', defs.archiveRestore],
  ['monitoring', defs.monitoring],
  ['recovery[]', defs.recovery],
  ['acknowledge[]', defs.acknowledgement],
];

function resolve(node: Node): Node {
  return node.$ref ? defs[node.$ref.split('/').pop()!] : node;
}

function typeOf(node: Node): string {
  const n = resolve(node);
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((v: unknown) => `\`${v}\``).join(' \\| ');
  if (n.anyOf) return n.anyOf.map(typeOf).join(' \\| ');
  if (n.type === 'array') return `list of ${typeOf(n.items ?? {})}`;
  if (n.type === 'object' && typeof n.additionalProperties === 'object' && !n.properties) return `map of ${typeOf(n.additionalProperties)}`;
  if (n.type === 'object') return n.properties ? `{ ${Object.keys(n.properties).join(', ')} }` : 'map';
  if (Array.isArray(n.type)) return n.type.join(' or ');
  return n.type ?? 'any';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/blueprint.md: every field of the schema, then every check, generated so it cannot drift. */
export function blueprintReference(): string {
  const out: string[] = [
    '# Blueprint reference',
    '',
    '<!-- Generated from schemas/blueprint.schema.json and src/rules by `npm run docs`. Do not edit by hand. -->',
    '',
    root.description ?? '',
    '',
    '## Examples',
    '',
    'Every example is validated, synthesized and checked with `terraform validate` by the test suite; each opens with what it shows.',
    '',
    ...examples().map((e) => `- \`blueprints/${e.file}\`: ${e.about}`),
    '',
  ];
  for (const [title, node] of SECTIONS) {
    out.push(`## ${title}`, '', '| key | required | type | default | description |', '| --- | --- | --- | --- | --- |');
    const required = new Set<string>(node.required ?? []);
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      const p = resolve(prop);
      const description = prop.description ?? p.description ?? '';
      const def = prop.default ?? p.default;
      out.push(`| \`${key}\` | ${required.has(key) ? 'yes' : ''} | ${cell(typeOf(prop))} | ${def === undefined ? '' : `\`${JSON.stringify(def)}\``} | ${cell(description)} |`);
    }
    out.push('');
  }
  out.push('## Checks', '', 'Listed by `lustreform validate` as `file:line:col severity ID path: message`, and by `lustreform rules`.', '', '| ID | severity | what it catches |', '| --- | --- | --- |');
  for (const r of [...STAGE_CHECKS, ...RULES]) out.push(`| ${r.id} | ${r.severity} | ${cell(r.summary)} |`);
  out.push('');
  return out.join('\n');
}

/** The example blueprints (blueprints/, examples/ included) and the opening comment of each, in one line. */
function examples(dir = BLUEPRINTS, prefix = ''): { file: string; about: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      if (e.isDirectory()) return examples(join(dir, e.name), `${prefix}${e.name}/`);
      if (!e.name.endsWith('.yaml')) return [];
      const lead: string[] = [];
      for (const l of readFileSync(join(dir, e.name), 'utf8').split('\n').slice(1)) {
        if (!l.startsWith('# ') || l.startsWith('# lustreform-env:')) break;
        lead.push(l.slice(2));
        if (l.endsWith('.') || l.endsWith(':')) break;
      }
      return [{ file: `${prefix}${e.name}`, about: lead.join(' ').replace(/:$/, '.') }];
    });
}
