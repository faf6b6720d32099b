import type { Command } from 'commander';
import { synthesize } from '../stacks/synth';
import { blueprintOption, type Io } from './io';
import { loadModel } from './load';

export function registerSynth(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('synth')
    .description('write the Terraform stacks (cdktf.out layout) without the cdktf CLI')
    .addOption(blueprintOption())
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .option('--hcl', 'write HCL (cdk.tf) instead of JSON')
    .action((opts: { blueprint?: string; out: string; hcl?: boolean }) => {
      const model = loadModel(opts.blueprint, io);
      if (!model) return done(2);
      const stacks = synthesize(model, opts.out, { hcl: opts.hcl });
      io.err(`wrote ${stacks.length} stack${stacks.length === 1 ? '' : 's'} to ${opts.out}: ${stacks.join(', ')}`);
      done(0);
    });
}
