/**
 * HCL as `terraform fmt` writes it. cdktf 0.21 writes HCL unindented, with every reference inside
 * a string ("${aws_x.y.id}") and `depends_on` entries quoted (deprecated since Terraform 0.12, a
 * warning on every one). `terraformStyle` writes attribute and map values that are one interpolation as
 * bare expressions (what `terraform fmt` does), `depends_on` entries and `provider = "aws.alias"` as references; hclwrite's
 * own formatter (`@cdktf/hcl-tools`, the one cdktf's CLI uses) then indents and aligns.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Index just past the expression that starts at `i` and ends at the `}` closing depth 1. */
function skipExpression(text: string, i: number): number {
  let depth = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') i = skipString(text, i);
    else {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i + 1;
      i++;
    }
  }
  return -1;
}

/** Index just past the quoted string (with its escapes and interpolations) that starts at `i`. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      i = skipExpression(text, i + 2);
      if (i < 0) return -1;
    } else i++;
  }
  return -1;
}

/** `"${expr}"` holding exactly one interpolation and no literal text: `expr`; otherwise undefined. */
export function singleInterpolation(value: string): string | undefined {
  if (!value.startsWith('"${') || !value.endsWith('}"')) return undefined;
  const end = skipExpression(value, 3);
  return end === value.length - 1 ? value.slice(3, end - 1).trim() : undefined;
}

type Context = 'block' | 'object' | 'list' | 'depends_on';

/** cdktf's HCL with interpolation-only attribute values unwrapped and `depends_on` as references. */
export function terraformStyle(hcl: string): string {
  const stack: Context[] = ['block'];
  let heredoc: string | undefined;
  return hcl
    .split('\n')
    .map((line) => {
      const text = line.trim();
      if (heredoc) {
        if (text === heredoc) heredoc = undefined;
        return line;
      }
      const marker = /<<-?([A-Za-z_]+)$/.exec(text);
      if (marker) {
        heredoc = marker[1];
        return line;
      }
      if (/^[}\]]/.test(text)) stack.pop();
      const here = stack[stack.length - 1];
      let out = line;
      const attribute = /^([A-Za-z_][\w-]*)(\s*=\s*)(".*")$/.exec(text);
      if (here === 'block' && attribute?.[1] === 'provider' && /^"[a-z][\w-]*\.[A-Za-z_][\w-]*"$/.test(attribute[3])) {
        out = `${attribute[1]}${attribute[2]}${attribute[3].slice(1, -1)}`; // an aliased provider is a reference too
      } else if ((here === 'block' || here === 'object') && attribute) {
        const expr = singleInterpolation(attribute[3]);
        if (expr !== undefined && !expr.includes('\n')) out = `${attribute[1]}${attribute[2]}${expr}`;
      } else if (here === 'depends_on') {
        out = text.replace(/^"([\w.-]+(?:\[[^\]]*\])?)"(,?)$/, '$1$2');
      }
      if (text.endsWith('[')) stack.push(here === 'block' && /^depends_on\s*=\s*\[$/.test(text) ? 'depends_on' : 'list');
      else if (text.endsWith('{')) stack.push(/=\s*\{$/.test(text) || text === '{' ? 'object' : 'block');
      return out;
    })
    .join('\n');
}

/** Rewrites every stack's cdk.tf under `outdir` as `terraform fmt` would leave it. */
export async function finishHcl(outdir: string): Promise<void> {
  const { format } = await import('@cdktf/hcl-tools');
  const stacks = join(outdir, 'stacks');
  for (const stack of readdirSync(stacks)) {
    const file = join(stacks, stack, 'cdk.tf');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // a JSON synth
    }
    writeFileSync(file, await format(terraformStyle(text)));
  }
}
