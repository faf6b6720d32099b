import type { Command } from 'commander';
import type { Blueprint } from '../blueprint/model';
import { planBlueprint } from '../plan/plan';
import type { StackPlan } from '../plan/types';
import { cdkCli } from '../stacks/cdk-cli';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerStacks(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('stacks')
    .description('the stacks in deploy order, with the stacks each waits for')
    .addOption(blueprintOption())
    .addOption(formatOption())
    .option('--changed-since <ref>', 'only the stacks whose synthesized configuration differs from the blueprint at this git ref, and the stacks that deploy after them')
    .action(async (opts: { blueprint?: string; format: string; changedSince?: string }) => {
      const model = loadModel(opts.blueprint, io);
      if (!model) return done(2);
      const plan = planBlueprint(model);
      const plans = plan.stacks;
      const row = (p: StackPlan) => ({ name: p.name, site: p.site.key, layer: p.layer, account: p.site.account?.id ?? null, region: p.site.region, dependsOn: p.dependsOn });
      const after = (p: StackPlan) => (p.dependsOn.length ? `  (after ${p.dependsOn.join(', ')})` : '');
      if (opts.changedSince === undefined) {
        if (opts.format === 'json') io.out(JSON.stringify(plans.map(row), null, 2));
        else io.out(plans.map((p, i) => `${String(i + 1).padStart(2)}. ${p.name}${after(p)}`).join('\n'));
        return done(0);
      }
      const { blueprintAtRef, refName } = await import('../review/git');
      const { synthesizedStacks } = await import('../review/diff');
      const { changedStacks } = await import('../review/changed-stacks');
      const file = blueprintAtRef(opts.changedSince, blueprintPath(opts.blueprint));
      let base: Blueprint | undefined;
      if (file !== undefined) {
        base = loadModel(file, io, refName(opts.changedSince, blueprintPath(opts.blueprint)));
        if (!base) {
          io.err(`lustreform: ${blueprintPath(opts.blueprint)} at ${opts.changedSince} is not valid (findings above), so nothing can be compared with it; every stack is listed`);
        }
      }
      const changed = changedStacks(synthesizedStacks(base && planBlueprint(base)), synthesizedStacks(plan), plans);
      for (const name of changed.removed) io.err(`lustreform: stack ${name} is gone from the blueprint since ${opts.changedSince}; its resources stay until you destroy them (${cdkCli().command} destroy ${name} at ${opts.changedSince})`);
      if (opts.format === 'json') io.out(JSON.stringify(changed.stacks.map((c) => ({ ...row(c.plan), change: c.change, ...(c.because ? { after: c.because } : {}) })), null, 2));
      else if (!changed.stacks.length) io.out(`no stack changed since ${opts.changedSince}`);
      else io.out(changed.stacks.map((c, i) => `${String(i + 1).padStart(2)}. ${c.plan.name}  [${c.change === 'dependent' ? `deploys after ${c.because}` : c.change}]${after(c.plan)}`).join('\n'));
      done(0);
    });
}
