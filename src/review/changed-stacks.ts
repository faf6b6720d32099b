/**
 * `lustreform stacks --changed-since REF`: the stacks whose synthesized configuration differs
 * from the blueprint's at a git ref, plus every stack that deploys after one of them, in deploy
 * order, so a pipeline plans only what changed. Stacks have no cross-stack references, so a
 * stack whose own configuration is the same plans the same; its dependents are listed because
 * they apply after it (a new bucket before the file system that reads it).
 */
import type { StackPlan } from '../plan/types';
import { comparable } from './diff';
import type { StackJson } from './json';

export type StackChange = 'new' | 'changed' | 'dependent';

export interface ChangedStacks {
  /** In deploy order. */
  stacks: { plan: StackPlan; change: StackChange; because?: string }[];
  /** Stacks of the ref that the blueprint no longer has (their resources stay until destroyed). */
  removed: string[];
}

export function changedStacks(base: Map<string, StackJson>, head: Map<string, StackJson>, plans: StackPlan[]): ChangedStacks {
  const text = (x: StackJson) => JSON.stringify(comparable(x));
  const own = new Map<string, StackChange>();
  for (const [name, json] of head) {
    const before = base.get(name);
    if (!before) own.set(name, 'new');
    else if (text(before) !== text(json)) own.set(name, 'changed');
  }
  const because = new Map<string, string>();
  // Plans are in deploy order, so every dependency is decided before its dependents.
  for (const p of plans) {
    if (own.has(p.name)) continue;
    const after = p.dependsOn.find((d) => own.has(d) || because.has(d));
    if (after) because.set(p.name, after);
  }
  return {
    stacks: plans.filter((p) => own.has(p.name) || because.has(p.name)).map((plan) => ({ plan, change: own.get(plan.name) ?? 'dependent', because: because.get(plan.name) })),
    removed: [...base.keys()].filter((name) => !head.has(name)).sort(),
  };
}
