import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { cdkCli } from '../stacks/cdk-cli';
import { blueprintOption, type Io } from './io';
import { loadModel } from './load';

export function registerSynth(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('synth')
    .description(`write the Terraform stacks (cdktf.out layout) without the ${cdkCli().command} CLI; reads LUSTREFORM_FAILOVER, LUSTREFORM_FROM_BACKUP and LUSTREFORM_PLAN as ${cdkCli().command} synth does`)
    .addOption(blueprintOption())
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--hcl', 'write HCL (cdk.tf) instead of JSON')
    .action(async (opts: { blueprint?: string; out: string; hcl?: boolean }) => {
      const model = loadModel(opts.blueprint, io);
      if (!model) return done(2);
      const { synthesize } = await import('../stacks/synth'); // cdktf and the provider load only when needed
      const { environmentOptions } = await import('../plan/environment');
      const { planBlueprint } = await import('../plan/plan');
      const { problems, ...options } = environmentOptions(model);
      if (problems.length) throw new UserError(problems.join('; '));
      const stacks = await synthesize(planBlueprint(model, options), opts.out, { hcl: opts.hcl });
      io.err(`wrote ${stacks.length} stack${stacks.length === 1 ? '' : 's'} to ${opts.out}: ${stacks.join(', ')}`);
      done(0);
    });
}
