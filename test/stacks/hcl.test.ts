import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseToObject } from 'hcl2-parser';
import { buildApp } from '../../src/stacks/app';
import { example, multiSite, ROOT, validateDraft, type Draft } from '../helpers/blueprints';
import { readOut } from '../helpers/synth';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** JSON and HCL say the same thing once cdktf's metadata is dropped and single blocks are unwrapped. */
function normalize(x: any): any {
  if (Array.isArray(x)) {
    if (x.length === 1 && x[0] && typeof x[0] === 'object' && !Array.isArray(x[0])) return normalize(x[0]);
    return x.map(normalize);
  }
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).filter(([k]) => k !== '//').map(([k, v]) => [k, normalize(v)]));
  }
  return x;
}

function synthBoth(draft: Draft): { json: Record<string, any>; hcl: Record<string, string> } {
  const model = validateDraft(draft).model!;
  const jsonDir = mkdtempSync(join(tmpdir(), 'lustreform-json-'));
  const hclDir = mkdtempSync(join(tmpdir(), 'lustreform-hcl-'));
  buildApp(model, { outdir: jsonDir }).synth();
  buildApp(model, { outdir: hclDir, hcl: true }).synth();
  const hcl: Record<string, string> = {};
  for (const name of readdirSync(join(hclDir, 'stacks'))) hcl[name] = readFileSync(join(hclDir, 'stacks', name, 'cdk.tf'), 'utf8');
  return { json: readOut(jsonDir).stacks, hcl };
}

const examples = readdirSync(join(ROOT, 'blueprints')).filter((f) => f.endsWith('.yaml'));

describe('synth --hcl: the exit path off cdktf', () => {
  test.each(examples)('%s: every HCL file parses with an independent HCL parser and equals the JSON synth', (file) => {
    const { json, hcl } = synthBoth(parse(readFileSync(example(file), 'utf8')));
    expect(Object.keys(hcl).sort()).toEqual(Object.keys(json).sort());
    for (const [name, text] of Object.entries(hcl)) {
      expect(text.trimStart().startsWith('{')).toBe(false); // HCL, not JSON in a .tf file
      const [parsed, error] = parseToObject(text);
      expect({ name, error: parsed === null ? error : null }).toEqual({ name, error: null });
      expect({ name, config: normalize(parsed) }).toEqual({ name, config: normalize(json[name]) });
    }
  });

  test('token-bearing strings stay valid HCL (the recheck queue redrive policy is jsonencode, not a JSON string)', () => {
    const { hcl } = synthBoth(multiSite());
    expect(hcl['climate-primary-protection']).toContain('redrive_policy = "${jsonencode({"deadLetterTargetArn" = aws_sqs_queue.restore_0_dlq.arn, "maxReceiveCount" = 5})}"');
  });
});
