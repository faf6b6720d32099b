import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseToObject } from 'hcl2-parser';
import { planBlueprint } from '../../src/plan/plan';
import { buildApp } from '../../src/stacks/app';
import { singleInterpolation, terraformStyle } from '../../src/stacks/hcl';
import { synthesize } from '../../src/stacks/synth';
import { example, multiSite, validateDraft, type Draft } from '../helpers/blueprints';
import { readOut } from '../helpers/synth';
import { featureBlueprints } from '../helpers/features';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** JSON and HCL say the same thing once cdktf's metadata is dropped and single blocks are unwrapped. */
function normalize(x: any): any {
  if (Array.isArray(x)) {
    if (x.length === 1 && x[0] && typeof x[0] === 'object' && !Array.isArray(x[0])) return normalize(x[0]);
    return x.map(normalize);
  }
  if (x && typeof x === 'object') {
    // depends_on and provider hold references: bare in HCL (parsed as "${x}"), plain strings in JSON syntax.
    const bare = (d: string) => d.replace(/^\$\{(.*)\}$/, '$1');
    const entry = ([k, v]: [string, any]) => [k, k === 'depends_on' ? v.map(bare) : k === 'provider' && typeof v === 'string' ? bare(v) : normalize(v)];
    return Object.fromEntries(Object.entries(x).filter(([k]) => k !== '//').map(entry));
  }
  // An expression differs only in the spaces hclwrite puts inside object braces.
  if (typeof x === 'string' && x.startsWith('${')) return x.replace(/\{\s+/g, '{').replace(/\s+\}/g, '}');
  return x;
}

/** The JSON synth, and the HCL exactly as `lustreform synth --hcl` writes it. */
async function synthBoth(draft: Draft): Promise<{ json: Record<string, any>; hcl: Record<string, string> }> {
  const model = validateDraft(draft).model!;
  const jsonDir = mkdtempSync(join(tmpdir(), 'lustreform-json-'));
  const hclDir = join(mkdtempSync(join(tmpdir(), 'lustreform-hcl-')), 'out');
  buildApp(planBlueprint(model), { outdir: jsonDir }).synth();
  await synthesize(planBlueprint(model), hclDir, { hcl: true });
  const hcl: Record<string, string> = {};
  for (const name of readdirSync(join(hclDir, 'stacks'))) hcl[name] = readFileSync(join(hclDir, 'stacks', name, 'cdk.tf'), 'utf8');
  return { json: readOut(jsonDir).stacks, hcl };
}

// The feature blueprints (on the cdktn leg without those managing workspaces: helpers/features.ts ON_CDKTN).
const examples = featureBlueprints().map((f) => f.name);

describe('synth --hcl: the exit path off cdktf', () => {
  test.each(examples)('%s: every HCL file parses with an independent HCL parser and equals the JSON synth', async (file) => {
    const { json, hcl } = await synthBoth(parse(readFileSync(example(file), 'utf8')));
    expect(Object.keys(hcl).sort()).toEqual(Object.keys(json).sort());
    for (const [name, text] of Object.entries(hcl)) {
      expect(text.trimStart().startsWith('{')).toBe(false); // HCL, not JSON in a .tf file
      const [parsed, error] = parseToObject(text);
      expect({ name, error: parsed === null ? error : null }).toEqual({ name, error: null });
      expect({ name, config: normalize(parsed) }).toEqual({ name, config: normalize(json[name]) });
    }
  });

  test('token-bearing strings stay valid HCL (the recheck queue redrive policy is jsonencode, not a JSON string)', async () => {
    const { hcl } = await synthBoth(multiSite());
    expect(hcl['climate-primary-protection']).toMatch(/redrive_policy += jsonencode\(\{ ?"deadLetterTargetArn" = aws_sqs_queue.restore_input_d32adf_dlq.arn, "maxReceiveCount" = 5 ?\}\)/);
  });

  test('references are bare expressions and depends_on entries are references, as terraform fmt writes them', async () => {
    const { hcl } = await synthBoth(multiSite());
    const lustre = hcl['climate-primary-lustre'];
    expect(lustre).toContain('  file_system_id                   = aws_fsx_lustre_file_system.work.id');
    expect(lustre).toMatch(/depends_on = \[\n\s+aws_fsx_data_repository_association\.work_ExtData,?\n\s+\]/);
    expect(lustre).not.toMatch(/= "\$\{[^"]*\}"\n/);
  });

  test.each([
    ['"${aws_s3_bucket.a.id}"', 'aws_s3_bucket.a.id'],
    ['"${jsonencode({"a" = "${x.y}"})}"', 'jsonencode({"a" = "${x.y}"})'],
    ['"${a.b}-${c.d}"', undefined],
    ['"arn:${a.b}"', undefined],
    ['"${a.b}x"', undefined],
    ['"plain"', undefined],
  ])('an attribute value %s is one interpolation: %s', (value, expr) => {
    expect(singleInterpolation(value)).toBe(expr);
  });

  test('terraformStyle unwraps attribute and map entries, and leaves lists and heredocs alone', () => {
    const hcl = ['resource "x" "y" {', 'provider = "aws.eu_west_1"', 'a = "${b.c}"', 'tags = {', 'k = "${d.e}"', '}', 'list = [', '"${f.g}"', ']', 'text = <<EOT', 'v = "${h.i}"', 'EOT', 'depends_on = [', '"x.z",', ']', '}'].join('\n');
    expect(terraformStyle(hcl).split('\n')).toEqual(['resource "x" "y" {', 'provider = aws.eu_west_1', 'a = b.c', 'tags = {', 'k = d.e', '}', 'list = [', '"${f.g}"', ']', 'text = <<EOT', 'v = "${h.i}"', 'EOT', 'depends_on = [', 'x.z,', ']', '}']);
  });
});
