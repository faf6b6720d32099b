/**
 * Reading a KMS key policy for one question: does it let this principal use these actions? Not a
 * policy evaluator: it reads Allow statements for the principal (the exact ARN, an ARN pattern,
 * the account, or `*` narrowed by aws:PrincipalArn / kms:CallerAccount / aws:PrincipalAccount
 * conditions) and unconditional Deny statements, which is how key policies are written in
 * practice. Other conditions are taken as met, so it errs towards "admitted".
 */
import type { KeyNeed } from './expectations';

export type Admission = { level: 'ok' | 'partial' | 'no'; detail: string };

type Strings = string | string[] | undefined;
interface Statement {
  Effect?: string;
  Principal?: '*' | { AWS?: Strings; Service?: Strings };
  Action?: Strings;
  Condition?: Record<string, Record<string, Strings>>;
}

const list = (v: Strings): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** An IAM wildcard pattern (`*`, `?`) as a regular expression. */
const glob = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
const covers = (patterns: string[], action: string) => patterns.some((p) => glob(p).test(action));

/** How a statement's principal relates to the needed one: the principal itself, its account only, or not at all. */
function principalMatch(s: Statement, need: KeyNeed): 'principal' | 'account' | 'none' {
  const names = s.Principal === '*' ? ['*'] : list(s.Principal?.AWS);
  let best: 'principal' | 'account' | 'none' = 'none';
  for (const name of names) {
    if (name === '*') {
      const cond = s.Condition ?? {};
      const values = (key: string) => Object.values(cond).flatMap((c) => Object.entries(c).filter(([k]) => k.toLowerCase() === key).flatMap(([, v]) => list(v)));
      const accounts = [...values('kms:calleraccount'), ...values('aws:principalaccount')];
      if (accounts.length && !accounts.includes(need.account)) continue;
      const arns = values('aws:principalarn');
      if (arns.length) {
        if (arns.some((a) => glob(a).test(need.principal.replace(/\*$/, 'x')) || a === need.principal)) return 'principal';
        continue;
      }
      return 'principal';
    }
    const account = /^\d{12}$/.test(name) ? name : /^arn:[^:]+:iam::(\d{12}):root$/.exec(name)?.[1];
    if (account) {
      if (account === need.account) best = 'account';
      continue;
    }
    if (name === need.principal || glob(name).test(need.principal.replace(/\*$/, 'x'))) return 'principal';
    if (need.principal.endsWith('*') && name.startsWith(need.principal.slice(0, -1))) best = best === 'none' ? 'account' : best; // one file system's role, not every one's
  }
  return best;
}

/** Whether the key policy (JSON text) admits what `need` must do with the key. */
export function admits(policyText: string, need: KeyNeed): Admission {
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = JSON.parse(policyText);
  } catch {
    return { level: 'no', detail: 'the key policy is not JSON' };
  }
  const statements = list(doc.Statement as never) as unknown as Statement[];
  const named = (s: Statement) => s.Principal === '*' || list(s.Principal?.AWS).length > 0;
  for (const s of statements) {
    if (s.Effect === 'Deny' && !s.Condition && named(s) && principalMatch(s, need) !== 'none' && need.actions.some((a) => covers(list(s.Action), a))) return { level: 'no', detail: `a Deny statement refuses ${need.who}` };
  }
  let worst: 'principal' | 'account' | 'none' = 'principal';
  const rank = { principal: 2, account: 1, none: 0 };
  for (const action of need.actions) {
    let best: 'principal' | 'account' | 'none' = 'none';
    for (const s of statements) {
      if (s.Effect !== 'Allow' || !covers(list(s.Action), action)) continue;
      const m = principalMatch(s, need);
      if (rank[m] > rank[best]) best = m;
    }
    if (rank[best] < rank[worst]) worst = best;
  }
  const actions = need.actions.join(', ');
  if (worst === 'none') return { level: 'no', detail: `does not let ${need.who} use ${actions}` };
  if (worst === 'principal') return { level: 'ok', detail: `lets ${need.who} use ${actions}` };
  // Admitted through the account only: fine for a role whose own IAM policy grants the actions
  // (lustreform's roles), not for a service-linked role, which has none.
  if (need.kind === 'service-role') return { level: 'partial', detail: `names only account ${need.account} (or single file systems' roles) for ${actions}; FSx's service-linked roles get no KMS permission from IAM, and a new or rebuilt file system has a new role: add a statement for ${need.principal} (e.g. Principal "*" with aws:PrincipalArn ArnLike it), or a grant` };
  if (need.kind === 'account') return { level: 'ok', detail: `lets ${need.who} use ${actions}` };
  return { level: 'ok', detail: `lets account ${need.account} use ${actions} (${need.who} through its IAM policy)` };
}
