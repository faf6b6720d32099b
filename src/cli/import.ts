import { Option, type Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { describeTask, progress } from '../runner/progress';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { addRunnerOptions, operationOptions, type RunnerFlags } from './runner-options';

export function registerImport(program: Command, io: Io, done: (code: number) => void): void {
  const cmd = program
    .command('import')
    .description('after apply: import metadata where preload asks (preflights for content), wait and report')
    .addOption(blueprintOption())
    .addOption(formatOption());
  addRunnerOptions(cmd)
    .option('--restore-archived', 'start restores of archived objects in content repositories first')
    .addOption(new Option('--restore-tier <tier>', 'tier of those restores').choices(['Expedited', 'Standard', 'Bulk']).default('Standard'))
    .option('--restore-days <days>', 'days restored copies stay readable', '7')
    .option('--restore-rate <n>', 'restore requests per second at most', '50')
    .action(async (flags: RunnerFlags & { restoreArchived?: boolean; restoreTier: 'Expedited' | 'Standard' | 'Bulk'; restoreDays: string; restoreRate: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      const days = Number(flags.restoreDays);
      const rate = Number(flags.restoreRate);
      if (!Number.isInteger(days) || days < 1) throw new UserError(`--restore-days must be a whole number of days, at least 1; got '${flags.restoreDays}'`);
      if (!(rate > 0)) throw new UserError(`--restore-rate must be a positive number; got '${flags.restoreRate}'`);
      const p = progress(io, flags.format);
      const { runImport } = await import('../runner/import');
      const result = await runImport(model, {
        ...(await operationOptions(model, flags, p)),
        restoreArchived: !!flags.restoreArchived,
        restoreDays: days,
        restoreTier: flags.restoreTier,
        restorePerSecond: rate,
      });
      p.done();
      if (flags.format === 'json') io.out(JSON.stringify(result, null, 2));
      else {
        for (const t of result.tasks) io.out(describeTask(t) + (t.report ? ` report: ${t.report}` : ''));
        if (!result.tasks.length) io.out('nothing to import: no repository with preload metadata or content is ready');
        for (const problem of result.problems) io.err(`problem: ${problem}`);
      }
      done(result.ok ? 0 : 1);
    });
}
