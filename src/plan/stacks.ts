/**
 * The stack plan: one stack per site and layer, named `<blueprint>-<site>-<layer>`, with
 * dependencies that only order deploys. No stack references another: identifiers that cross
 * sites are computed (src/plan/arns.ts), so every stack plans alone and the DAG has no cycle.
 */
import type { Blueprint, Site } from '../blueprint/model';
import { archiveRestoreEntries } from './contents';
import { deployedRecoveries, type Activation } from './recovery';
import { directions } from '../blueprint/topology';

export const LAYERS = ['storage', 'replication', 'lustre', 'protection'] as const;
export type Layer = (typeof LAYERS)[number];

export interface StackPlan {
  name: string;
  site: Site;
  layer: Layer;
  /** Names of the stacks that must be deployed first. */
  dependsOn: string[];
}

export const stackName = (m: Blueprint, site: Site, layer: Layer): string => `${m.name}-${site.key}-${layer}`;

/** Which sites have something in each layer, and which sites each of their stacks waits for. */
function layerContents(m: Blueprint, activation?: Activation): Map<string, { site: Site; layer: Layer; after: Set<string> }> {
  const stacks = new Map<string, { site: Site; layer: Layer; after: Set<string> }>();
  const need = (site: Site, layer: Layer, ...after: [Site, Layer][]) => {
    const name = stackName(m, site, layer);
    const entry = stacks.get(name) ?? { site, layer, after: new Set<string>() };
    for (const [s, l] of after) entry.after.add(stackName(m, s, l));
    stacks.set(name, entry);
  };
  for (const b of m.buckets.values()) need(b.site, 'storage');
  for (const e of m.replication) {
    for (const [src, dst] of directions(e)) {
      need(src.site, 'storage'); // the replication role lives with the source bucket
      need(src.site, 'replication', [src.site, 'storage'], [dst.site, 'storage']);
    }
  }
  for (const fs of m.fileSystems.values()) {
    need(fs.site, 'lustre', [fs.site, 'storage'], ...fs.repositories.map((r): [Site, Layer] => [r.bucket.site, 'storage']));
  }
  for (const p of m.backupPlans.values()) {
    need(p.site, 'storage'); // the plan's vault
    for (const c of p.copyTo) need(c.site, 'storage'); // the vaults copies go to
    need(p.site, 'protection', [p.site, 'storage'], [p.site, 'lustre'], ...p.copyTo.map((c): [Site, Layer] => [c.site, 'storage']));
  }
  for (const a of archiveRestoreEntries(m)) need(a.bucket.site, 'protection', [a.bucket.site, 'storage']);
  for (const { fileSystem: fs } of deployedRecoveries(m, activation)) {
    need(fs.site, 'lustre', [fs.site, 'storage'], ...fs.repositories.map((r): [Site, Layer] => [r.bucket.site, 'storage']));
  }
  return stacks;
}

/** The stacks in deploy order (dependencies first, then by name), each with its dependencies. */
export function planStacks(m: Blueprint, activation?: Activation): StackPlan[] {
  const contents = layerContents(m, activation);
  const plans = [...contents.entries()].map(([name, c]) => ({
    name,
    site: c.site,
    layer: c.layer,
    dependsOn: [...c.after].filter((d) => d !== name && contents.has(d)).sort(),
  }));
  return topologicalOrder(plans);
}

/** Kahn's algorithm, ties broken by layer then name so the order is stable; throws on a cycle (a bug). */
export function topologicalOrder(plans: StackPlan[]): StackPlan[] {
  const byName = new Map(plans.map((p) => [p.name, p]));
  const waiting = new Map(plans.map((p) => [p.name, new Set(p.dependsOn)]));
  const order: StackPlan[] = [];
  const rank = (p: StackPlan) => `${LAYERS.indexOf(p.layer)}:${p.name}`;
  while (waiting.size) {
    const ready = [...waiting.entries()].filter(([, deps]) => deps.size === 0).map(([n]) => byName.get(n)!);
    if (!ready.length) throw new Error(`stack dependency cycle among ${[...waiting.keys()].join(', ')}`);
    ready.sort((a, b) => rank(a).localeCompare(rank(b)));
    for (const p of ready) {
      order.push(p);
      waiting.delete(p.name);
      for (const deps of waiting.values()) deps.delete(p.name);
    }
  }
  return order;
}
