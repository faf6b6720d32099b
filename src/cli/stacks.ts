import type { Command } from 'commander';
import { planStacks } from '../plan/stacks';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerStacks(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('stacks')
    .description('the stacks in deploy order, with the stacks each waits for')
    .addOption(blueprintOption())
    .addOption(formatOption())
    .action((opts: { blueprint?: string; format: string }) => {
      const model = loadModel(opts.blueprint, io);
      if (!model) return done(2);
      const plans = planStacks(model).map((p) => ({ name: p.name, site: p.site.key, layer: p.layer, account: p.site.account?.id ?? null, region: p.site.region, dependsOn: p.dependsOn }));
      if (opts.format === 'json') io.out(JSON.stringify(plans, null, 2));
      else io.out(plans.map((p, i) => `${String(i + 1).padStart(2)}. ${p.name}${p.dependsOn.length ? `  (after ${p.dependsOn.join(', ')})` : ''}`).join('\n'));
      done(0);
    });
}
