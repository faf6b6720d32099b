import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type Validation, validateText } from '../../src/pipeline/validate';

export const ROOT = join(__dirname, '..', '..');
export const example = (name: string) => join(ROOT, 'blueprints', name);

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A blueprint as plain data, to mutate in a test. */
export type Draft = any;

/** The multi-site example as plain data: every section filled, validates clean. */
export function multiSite(): Draft {
  return parse(readFileSync(example('multi-site-dr.yaml'), 'utf8'));
}

export function quickstart(): Draft {
  return parse(readFileSync(example('quickstart.yaml'), 'utf8'));
}

/** Validates a draft written out as YAML, the way a user's file would be. */
export function validateDraft(draft: Draft, file = 'test.yaml'): Validation {
  return validateText(file, stringify(draft));
}

export const ids = (v: Validation) => v.findings.map((f) => f.id);
