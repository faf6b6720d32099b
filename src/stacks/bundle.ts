import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the functions' TypeScript sources are, from src/stacks or dist/stacks alike. */
export const FUNCTIONS_DIR = join(__dirname, '..', '..', 'src', 'functions');

const bundles = new Map<string, string>();

/**
 * Bundles a function (its TypeScript entry and everything it imports, the AWS SDK included, so
 * the deployed code does not depend on the runtime's SDK version) into a directory holding one
 * index.js, for a TerraformAsset to zip. Built once per process and function.
 */
export function bundleFunction(name: string): string {
  const cached = bundles.get(name);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), `lustreform-${name}-`));
  buildSync({
    entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  bundles.set(name, dir);
  return dir;
}
