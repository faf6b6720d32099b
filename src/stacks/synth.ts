import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Plan } from '../plan/types';
import { buildApp, type BuildOptions } from './app';
import { finishHcl } from './hcl';

/**
 * Synthesizes the plan's stacks into `outdir` (cdktf.out layout) atomically: everything is
 * written to a temporary directory beside it, which then replaces `outdir` in one rename. A synth
 * that fails leaves the previous output as it was. HCL is written as `terraform fmt` leaves it.
 */
export async function synthesize(plan: Plan, outdir: string, options: Omit<BuildOptions, 'outdir'> = {}): Promise<string[]> {
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    buildApp(plan, { ...options, outdir: tmp }).synth();
    if (options.hcl) await finishHcl(tmp);
    const old = existsSync(target) ? `${tmp}.old` : undefined;
    if (old) renameSync(target, old);
    renameSync(tmp, target);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return [...(plan.cloud ? [plan.cloud.workspaces.name, ...plan.cloud.bootstrap.map((b) => b.name)] : []), ...plan.stacks.map((p) => p.name)];
}
