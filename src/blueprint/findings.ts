/** A finding: one problem in a blueprint, pointing at the offending key or value. */
export type Severity = 'error' | 'warning';

/** A path into the blueprint, as keys and array indexes: ['fileSystems', 'work', 'repositories', 0]. */
export type ModelPath = readonly (string | number)[];

/** What a rule or a stage reports before the loader has mapped it to a position. */
export interface Issue {
  id: string;
  severity: Severity;
  path: ModelPath;
  message: string;
  /** Point at the key of the last path segment instead of its value (unknown keys). */
  atKey?: boolean;
}

export interface Finding {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  id: string;
  path: string;
  message: string;
  /** A warning the blueprint acknowledges (`acknowledge:`): the reason given. Listed, not counted. */
  acknowledged?: string;
}

/** `fileSystems.work.repositories[0].path`; keys that are not identifiers are quoted. */
export function pathToString(path: ModelPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(root)';
}

/** The one-line form of blueprint-spec.md: `file:line:col severity ID path: message`. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.col} ${f.severity} ${f.id} ${f.path}: ${f.message}${f.acknowledged !== undefined ? ` [acknowledged: ${f.acknowledged}]` : ''}`;
}

export function hasErrors(findings: readonly { severity: Severity }[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** The findings that count: all but acknowledged warnings (what --strict fails on). */
export const counted = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.acknowledged === undefined);

export function compareFindings(a: Finding, b: Finding): number {
  return a.line - b.line || a.col - b.col || a.id.localeCompare(b.id);
}

/** The nearest of `candidates` to `word` when it is close enough to be a likely typo. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
