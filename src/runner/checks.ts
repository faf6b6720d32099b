/**
 * The rows `verify` and `doctor` print: what was checked, of what, the verdict and why, and the
 * one table both print them as.
 */

/** ok: as it should be; fail: will not work (exit 1); warn: may not work, read why; skip: could not be checked, and why. */
export type Verdict = 'ok' | 'fail' | 'warn' | 'skip';

export interface Check {
  check: string;
  subject: string;
  result: Verdict;
  detail: string;
}

/** The rows as a table for a terminal or a PR comment. */
export function checkTable(checks: Check[]): string {
  const rows = [['check', 'subject', 'result', 'detail'], ...checks.map((c) => [c.check, c.subject, c.result.toUpperCase(), c.detail])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => [0, 1, 2].map((i) => r[i].padEnd(widths[i])).join('  ') + `  ${r[3]}`).join('\n');
}

/** The closing line under the table: how many failed, else how many passed (and warned, and were skipped). */
export function checkSummary(checks: Check[]): string {
  const n = (v: Verdict) => checks.filter((c) => c.result === v).length;
  const extra = [n('warn') ? `${n('warn')} warnings` : '', n('skip') ? `${n('skip')} skipped` : ''].filter(Boolean).join(', ');
  const tail = extra ? ` (${extra})` : '';
  return n('fail') ? `${n('fail')} of ${checks.length} checks failed${tail}` : `all ${n('ok')} checks passed${tail}`;
}
