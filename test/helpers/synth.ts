import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planBlueprint } from '../../src/plan/plan';
import { buildApp } from '../../src/stacks/app';
import { validateDraft, type Draft } from './blueprints';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type StackJson = any;

export interface Synthesized {
  stacks: Record<string, StackJson>;
  manifest: any;
}

/** Validates a draft (it must be clean of errors) and synthesizes it; returns every stack's JSON. */
export function synthDraft(draft: Draft): Synthesized {
  const v = validateDraft(draft);
  const errors = v.findings.filter((f) => f.severity === 'error');
  if (errors.length || !v.model) throw new Error(`draft does not validate: ${errors.map((f) => `${f.id} ${f.path}: ${f.message}`).join('; ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-synth-'));
  try {
    buildApp(planBlueprint(v.model), { outdir: dir }).synth();
    return readOut(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readOut(dir: string): Synthesized {
  const stacks: Record<string, StackJson> = {};
  for (const name of readdirSync(join(dir, 'stacks'))) stacks[name] = JSON.parse(readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  return { stacks, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) };
}

/** All resources of one type in a stack, by name. */
export const resources = (stack: StackJson, type: string): Record<string, any> => stack.resource?.[type] ?? {};
export const policy = (resource: { policy: string }) => JSON.parse(resource.policy);
