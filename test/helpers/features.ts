import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { planBlueprint } from '../../src/plan/plan';
import type { Activation } from '../../src/plan/recovery';
import { synthesize } from '../../src/stacks/synth';
import { activationFrom } from '../../src/plan/failover';
import { cdkCli } from '../../src/stacks/cdk-cli';
import { ROOT, validateDraft, type Draft } from './blueprints';

/** A blueprint that exercises a feature, with the failover activation to synthesize it with (if any). */
export interface FeatureBlueprint {
  /** Its file under blueprints/: `quickstart.yaml`, `examples/warm-standby.yaml`. */
  name: string;
  draft: Draft;
  activation?: Activation;
}

/** Every blueprint file under blueprints/, examples/ included. */
export const blueprintFiles = (dir = join(ROOT, 'blueprints'), prefix = ''): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? blueprintFiles(join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith('.yaml') ? [`${prefix}${e.name}`] : []));

/**
 * The environment an example says to synthesize it with, from its `# lustreform-env: NAME=value ...`
 * header line (what `lustreform failover` prints); none without one.
 */
export function exampleEnv(text: string): Record<string, string> {
  const line = /^# lustreform-env: (.+)$/m.exec(text)?.[1];
  return Object.fromEntries((line ?? '').split(/\s+/).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/**
 * On CDK Terrain (`npm run test:cdktn`), blueprints with `state.manageWorkspaces` are left out,
 * loudly: their workspaces stack uses @cdktf/provider-tfe, which has no cdktn build and extends
 * cdktf's own classes, so a cdktn app cannot synthesize it (test/stacks/cloud.test.ts skips too).
 */
export const ON_CDKTN = cdkCli().command === 'cdktn';
if (ON_CDKTN) console.warn('SKIPPED on cdktn: blueprints with state.manageWorkspaces (no @cdktn/provider-tfe exists)');

/**
 * The blueprints that together exercise every feature the stacks render: every file in
 * blueprints/ (the runnable example of each feature is blueprints/examples/<feature>.yaml), each
 * with the activation its header asks for.
 */
export function featureBlueprints(): FeatureBlueprint[] {
  return blueprintFiles().flatMap((name) => {
    const text = readFileSync(join(ROOT, 'blueprints', name), 'utf8');
    const env = exampleEnv(text);
    const draft = parse(text);
    if (ON_CDKTN && draft.state?.manageWorkspaces) return []; // see ON_CDKTN
    return [{ name, draft, activation: activationFrom(env.LUSTREFORM_FAILOVER, env.LUSTREFORM_FROM_BACKUP, env.LUSTREFORM_DRILL) }];
  });
}

/**
 * Every feature blueprint synthesized (JSON or HCL), as `<blueprint name>/<stack>` -> stack
 * directory. Several test files read the same output, so it is written once per source state
 * into a cache under the system temp directory, keyed by a hash of everything synthesis reads
 * (src, schemas, blueprints, this helper, the lock file): a change to any of them synthesizes anew.
 */
export async function synthesizedFeatures(hcl = false): Promise<Map<string, string>> {
  const dir = join(tmpdir(), `lustreform-features-${sourceHash()}-${hcl ? 'hcl' : 'json'}`);
  if (!existsSync(join(dir, 'index.json'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const index: Record<string, string> = {};
    for (const [i, f] of featureBlueprints().entries()) {
      const v = validateDraft(f.draft);
      if (!v.model) throw new Error(`${f.name}: ${v.findings.map((x) => `${x.id} ${x.message}`).join('; ')}`);
      await synthesize(planBlueprint(v.model, { activation: f.activation }), join(tmp, `b${i}`), { hcl });
      for (const stack of readdirSync(join(tmp, `b${i}`, 'stacks'))) index[`${f.name}/${stack}`] = join(`b${i}`, 'stacks', stack);
    }
    writeFileSync(join(tmp, 'index.json'), JSON.stringify(index));
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another worker wrote it first
    }
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(index).map(([k, v]) => [k, join(dir, v)]));
}

let hash: string | undefined;
function sourceHash(): string {
  if (hash) return hash;
  const h = createHash('sha256');
  const add = (path: string) => {
    if (statSync(path).isDirectory()) for (const f of readdirSync(path).sort()) add(join(path, f));
    else h.update(path).update(readFileSync(path));
  };
  for (const p of ['src', 'schemas', 'blueprints', 'test/helpers/features.ts', 'test/helpers/blueprints.ts', 'package-lock.json']) add(join(ROOT, p));
  return (hash = h.digest('hex').slice(0, 16));
}
