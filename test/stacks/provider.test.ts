/**
 * The AWS provider requirement every stack carries is lustreform's own constant (any compatible
 * 6.x), not the exact version the bindings were generated for, in JSON and in HCL alike; and the
 * terraform test's mirror rewrite reads constraints as Terraform does.
 */
import { planBlueprint } from '../../src/plan/plan';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_PROVIDER_REQUIREMENT } from '../../src/stacks/site-stack';
import { synthesize } from '../../src/stacks/synth';
import { multiSite, quickstart, validateDraft } from '../helpers/blueprints';
import { synthDraft } from '../helpers/synth';
import { satisfies } from '../helpers/terraform';

test('the requirement accepts every 6.x from 6.25 (what the cdktf bindings target), nothing older or newer', () => {
  expect(AWS_PROVIDER_REQUIREMENT).toEqual({ source: 'hashicorp/aws', version: '~> 6.25' });
});

test('every stack of every example requires exactly that, in JSON', () => {
  for (const draft of [quickstart(), multiSite()]) {
    for (const [name, stack] of Object.entries(synthDraft(draft).stacks)) expect({ name, required: stack.terraform.required_providers }).toEqual({ name, required: { aws: AWS_PROVIDER_REQUIREMENT } });
  }
});

test('and in HCL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-provider-'));
  try {
    await synthesize(planBlueprint(validateDraft(quickstart()).model!), dir, { hcl: true });
    for (const stack of readdirSync(join(dir, 'stacks'))) {
      const block = /required_providers \{\n\s*aws = \{\n([^}]*)\}/.exec(readFileSync(join(dir, 'stacks', stack, 'cdk.tf'), 'utf8'))![1];
      expect(block.split('\n').map((l) => l.trim()).filter(Boolean).sort()).toEqual([`source  = "${AWS_PROVIDER_REQUIREMENT.source}"`, `version = "${AWS_PROVIDER_REQUIREMENT.version}"`]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('version constraints read as Terraform reads them (the mirror rewrite only where needed)', () => {
  expect(satisfies('6.25.0', '~> 6.25')).toBe(true);
  expect(satisfies('6.66.0', '~> 6.25')).toBe(true);
  expect(satisfies('6.24.9', '~> 6.25')).toBe(false);
  expect(satisfies('7.0.0', '~> 6.25')).toBe(false);
  expect(satisfies('5.100.0', '~> 6.25')).toBe(false);
  expect(satisfies('6.25.3', '~> 6.25.0')).toBe(true);
  expect(satisfies('6.26.0', '~> 6.25.0')).toBe(false);
  expect(satisfies('6.25.0', '6.25.0')).toBe(true);
  expect(satisfies('6.25.1', '= 6.25.0')).toBe(false);
  expect(satisfies('6.30.0', '>= 6.0, < 7.0')).toBe(true);
  expect(satisfies('7.1.0', '>= 6.0, < 7.0')).toBe(false);
  expect(satisfies('6.1.0', '!= 6.1.0')).toBe(false);
  expect(() => satisfies('6.1.0', 'latest')).toThrow("cannot read 'latest'");
});
