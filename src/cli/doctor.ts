import type { Command } from 'commander';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { checkSite } from './runner-options';

export function registerDoctor(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('doctor')
    .description('read-only live preflight of what validate cannot see (credentials, bucket names, networks, KMS keys, limits, Organization settings, state backend): a table, exit 1 when anything fails')
    .addOption(blueprintOption())
    .option('--site <site>', 'only this site (a key of sites)')
    .addOption(formatOption())
    .action(async (flags: { blueprint?: string; site?: string; format: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      checkSite(model, flags.site);
      const { doctor } = await import('../runner/doctor'); // the AWS SDK loads only for commands that call AWS
      const { checkSummary, checkTable } = await import('../runner/checks');
      const checks = await doctor(model, { site: flags.site });
      const failed = checks.some((c) => c.result === 'fail');
      if (flags.format === 'json') io.out(JSON.stringify({ ok: !failed, checks }, null, 2));
      else io.out(`${checkTable(checks)}\n\n${checkSummary(checks)}`);
      done(failed ? 1 : 0);
    });
}
