import type { Command } from 'commander';
import { counted, formatFinding, hasErrors } from '../blueprint/findings';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { validateFile } from '../pipeline/validate';

export function registerValidate(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('validate')
    .description('check a blueprint: YAML, schema, then AWS rules and DR safety; one line per finding')
    .addOption(blueprintOption())
    .addOption(formatOption())
    .option('--strict', 'exit 2 on warnings too (but not on warnings the blueprint acknowledges)')
    .action((opts: { blueprint?: string; format: string; strict?: boolean }) => {
      const { findings } = validateFile(blueprintPath(opts.blueprint));
      if (opts.format === 'json') io.out(JSON.stringify(findings, null, 2));
      else if (findings.length) io.out(findings.map(formatFinding).join('\n'));
      done(hasErrors(findings) || (opts.strict && counted(findings).length > 0) ? 2 : 0);
    });
}
