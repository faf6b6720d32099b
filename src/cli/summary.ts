import type { Command } from 'commander';
import { summarize, summaryMarkdown } from '../review/summary';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerSummary(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('summary')
    .description('the topology for review: sites, buckets, replication, file systems and repositories, protection, recovery, cost')
    .addOption(blueprintOption())
    .addOption(formatOption(['md', 'json']))
    .action((flags: { blueprint?: string; format: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      io.out(flags.format === 'json' ? JSON.stringify(summarize(model), null, 2) : summaryMarkdown(model));
      done(0);
    });
}
