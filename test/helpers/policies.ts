/**
 * Policy documents of a synthesized stack as Terraform renders them: a JSON string as is,
 * `${jsonencode({...})}` evaluated (HCL object syntax to JSON, references kept as `${...}`
 * strings), and `${data.aws_iam_policy_document.X.json}` rendered from the data source's
 * statements the way the provider does.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** `${jsonencode(EXPR)}`: EXPR (HCL object/tuple syntax as cdktf writes it) as a value. */
export function evalJsonencode(text: string): unknown {
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
  if (!m) throw new Error(`not a jsonencode expression: ${text.slice(0, 80)}`);
  const src = m[1];
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const value = (): unknown => {
    ws();
    const c = src[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (src[i] === '}') return i++, obj;
        const key = value() as string;
        ws();
        if (src[i] !== '=' && src[i] !== ':') throw new Error(`expected = at ${i} in ${src.slice(i - 20, i + 20)}`);
        i++;
        obj[key] = value();
        ws();
        if (src[i] === ',') i++;
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      for (;;) {
        ws();
        if (src[i] === ']') return i++, arr;
        arr.push(value());
        ws();
        if (src[i] === ',') i++;
      }
    }
    if (c === '"') {
      let out = '';
      i++;
      let depth = 0; // inside ${...}, quotes belong to the interpolation
      while (i < src.length) {
        const ch = src[i];
        if (ch === '\\') {
          const next = src[i + 1];
          out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
          continue;
        }
        if (ch === '$' && src[i + 1] === '{') depth++;
        else if (ch === '}' && depth) depth--;
        else if (ch === '"' && !depth) break;
        out += ch;
        i++;
      }
      i++;
      return out;
    }
    const bare = /^[A-Za-z0-9_.\-[\]*]+/.exec(src.slice(i))?.[0] ?? '';
    i += bare.length;
    if (bare === 'true') return true;
    if (bare === 'false') return false;
    if (bare === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(bare)) return Number(bare);
    if (!bare) throw new Error(`unexpected ${src.slice(i, i + 20)}`);
    return `\${${bare}}`; // a reference: a string holding it, as an interpolation would
  };
  return value();
}

/** The policy JSON an aws_iam_policy_document data source renders. */
export function renderPolicyDocument(doc: any): any {
  const list = (v: any) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  return {
    Version: '2012-10-17',
    Statement: (doc.statement ?? []).map((s: any) => {
      const out: any = {};
      if (s.sid) out.Sid = s.sid;
      out.Effect = s.effect ?? 'Allow';
      if (s.actions) out.Action = list(s.actions);
      if (s.not_actions) out.NotAction = list(s.not_actions);
      if (s.resources) out.Resource = list(s.resources);
      for (const p of s.principals ?? []) {
        if (p.type === '*' && p.identifiers.includes('*')) out.Principal = '*';
        else out.Principal = { ...(out.Principal ?? {}), [p.type]: list(p.identifiers) };
      }
      for (const c of s.condition ?? []) out.Condition = { ...(out.Condition ?? {}), [c.test]: { ...(out.Condition?.[c.test] ?? {}), [c.variable]: list(c.values) } };
      return out;
    }),
  };
}

/** A policy attribute of a stack's resource as a document (undefined when it is none of the three forms). */
export function renderPolicy(value: unknown, stack: any): any {
  if (typeof value !== 'string') return value;
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(value);
  if (ref) return renderPolicyDocument(stack.data.aws_iam_policy_document[ref[1]]);
  if (value.startsWith('${jsonencode(')) return evalJsonencode(value);
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
