import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Activation } from '../../src/plan/recovery';
import { multiSite, quickstart, ROOT, type Draft } from './blueprints';

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
