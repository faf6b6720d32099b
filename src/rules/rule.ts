import type { ModelPath, Severity } from '../blueprint/findings';
import type { Blueprint, FileSystem } from '../blueprint/model';

/** What a rule reports: where, and what is wrong and how to fix it. */
export interface RuleHit {
  path: ModelPath;
  message: string;
  atKey?: boolean;
}

/** A semantic rule: a stable ID, one severity, one line for `lustreform rules`, and a pure check. */
export interface Rule {
  id: string;
  severity: Severity;
  summary: string;
  check(model: Blueprint): RuleHit[];
}

export const hit = (path: ModelPath, message: string): RuleHit => ({ path, message });

/** Every pair (a, b) with a before b. */
export function* pairs<T>(items: readonly T[]): Generator<[T, T]> {
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) yield [items[i], items[j]];
}

/** The file systems of a blueprint. */
export const fileSystemsOf = (m: Pick<Blueprint, 'fileSystems'>): FileSystem[] => [...m.fileSystems.values()];

/** A check run on each file system, its hits collected. */
export const perFileSystem = (check: (fs: FileSystem) => RuleHit[]) => (m: Pick<Blueprint, 'fileSystems'>): RuleHit[] => fileSystemsOf(m).flatMap(check);
