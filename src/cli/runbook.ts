import type { Command } from 'commander';
import { runbookMarkdown } from '../review/runbook';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerRunbook(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('runbook')
    .description('the disaster-recovery runbook of this blueprint: RPO/RTO per path, failover and failback steps, data at risk')
    .addOption(blueprintOption())
    .addOption(formatOption(['md']))
    .action((flags: { blueprint?: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      io.out(runbookMarkdown(model, blueprintPath(flags.blueprint)));
      done(0);
    });
}
