import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { planBlueprint } from '../../src/plan/plan';
import type { Activation } from '../../src/plan/recovery';
import { synthesize } from '../../src/stacks/synth';
import { multiSite, quickstart, ROOT, validateDraft, type Draft } from './blueprints';

/** A blueprint that exercises a feature, with the failover activation to synthesize it with (if any). */
export interface FeatureBlueprint {
  name: string;
  draft: Draft;
  activation?: Activation;
}

/**
 * The blueprints that together exercise every feature the stacks render: the examples, plus
 * variants for what they do not cover (no `accounts` with batch replication and archive restore
 * with notify; a repository bucket in another account; a warm standby; an activated cold standby
 * restored from a backup).
 */
export function featureBlueprints(): FeatureBlueprint[] {
  const ambient = quickstart();
  ambient.name = 'ambient';
  ambient.buckets.copy = { site: 'main' };
  ambient.replication = [{ from: 'input', to: 'copy', existingObjects: 'batch', replicationTime: true }];
  ambient.archiveRestore = [{ bucket: 'input', tier: 'Bulk', days: 3, notify: ['ops@example.org'] }, { bucket: 'output', prefix: 'results/' }];

  const crossAccount = multiSite();
  crossAccount.name = 'shared';
  crossAccount.buckets.shared = { site: 'recovery', name: 'acme-shared-results' };
  crossAccount.fileSystems.work.repositories.push({ path: '/shared', bucket: 'shared', prefix: 'climate/', purpose: 'output' });

  const warm = multiSite();
  warm.name = 'warm';
  warm.recovery[0].standby = 'warm';

  const activated = multiSite();
  activated.name = 'activated';
  const examples = readdirSync(join(ROOT, 'blueprints'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), draft: parse(readFileSync(join(ROOT, 'blueprints', f), 'utf8')) }));
  return [
    ...examples,
    { name: 'no accounts, batch replication, archive restore with notify', draft: ambient },
    { name: 'cross-account repository', draft: crossAccount },
    { name: 'warm standby', draft: warm },
    { name: 'activated cold standbys, one from a backup', draft: activated, activation: { site: 'recovery', fileSystems: ['work', 'archive'], fromBackup: { archive: 'backup-0123456789abcdef0' } } },
  ];
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
