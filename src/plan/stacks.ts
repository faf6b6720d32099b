/**
 * Stack names and the deploy order: one stack per site and layer, `<blueprint>-<site>-<layer>`,
 * ordered so every stack comes after the stacks it waits for.
 */
import type { Blueprint, Site } from '../blueprint/model';
import { LAYERS, type Layer } from './types';

export const stackName = (m: Blueprint, site: Site, layer: Layer): string => `${m.name}-${site.key}-${layer}`;

/** Kahn's algorithm, ties broken by layer then name so the order is stable; throws on a cycle (a bug). */
export function topologicalOrder<T extends { name: string; layer: Layer; dependsOn: string[] }>(plans: T[]): T[] {
  const byName = new Map(plans.map((p) => [p.name, p]));
  const waiting = new Map(plans.map((p) => [p.name, new Set(p.dependsOn)]));
  const order: T[] = [];
  const rank = (p: T) => `${LAYERS.indexOf(p.layer)}:${p.name}`;
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
