import type { Command } from 'commander';
import { RULES } from '../rules';
import { formatOption, type Io } from './io';
import { STAGE_CHECKS } from '../pipeline/validate';

export function registerRules(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('rules')
    .description('list every check: ID, severity and what it catches')
    .addOption(formatOption())
    .action((opts: { format: string }) => {
      const all = [...STAGE_CHECKS, ...RULES].map(({ id, severity, summary }) => ({ id, severity, summary }));
      if (opts.format === 'json') io.out(JSON.stringify(all, null, 2));
      else io.out(all.map((r) => `${r.id}  ${r.severity.padEnd(7)}  ${r.summary}`).join('\n'));
      done(0);
    });
}
