import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { resetClients } from '../../src/runner/aws';
import type { Draft } from './blueprints';
import { FakeAws } from './fake-aws';

/** Starts a FakeAws and points this process's SDK at it; returns a cleanup. */
export async function fakeAws(): Promise<{ aws: FakeAws; restore: () => Promise<void> }> {
  const aws = new FakeAws();
  await aws.start();
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(aws.env())) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  resetClients();
  return {
    aws,
    restore: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetClients();
      await aws.stop();
    },
  };
}

/** Writes a draft blueprint to a fresh directory; returns the file and a journal directory beside it. */
export function writeDraft(draft: Draft): { file: string; journal: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-runner-'));
  const file = join(dir, 'blueprint.yaml');
  writeFileSync(file, stringify(draft));
  return { file, journal: join(dir, '.lustreform'), dir };
}

/** Registers the file systems of the quickstart (or a variant) in the fake, as apply would have. */
export function applyQuickstart(aws: FakeAws, opts: { draLifecycle?: string; creatingFor?: number } = {}): void {
  aws.addFileSystem('fs-0123456789abcdef0', { 'lustreform:blueprint': 'quickstart', 'lustreform:site': 'main', 'lustreform:filesystem': 'work' });
  aws.addAssociation('fs-0123456789abcdef0', '/input', 's3://quickstart-input-eu-central-1/', opts.draLifecycle ?? 'AVAILABLE', opts.creatingFor ?? 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
  aws.addAssociation('fs-0123456789abcdef0', '/results', 's3://quickstart-output-eu-central-1/results/', 'AVAILABLE', 0, { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
}
