import type { Command } from 'commander';
import { describeTask, progress } from '../runner/progress';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { addRunnerOptions, operationOptions, type RunnerFlags } from './runner-options';

export function registerExport(program: Command, io: Io, done: (code: number) => void): void {
  const cmd = program
    .command('export')
    .description('export output/sync repositories without auto-export; wait for auto-export to settle on the others (flush before teardown)')
    .addOption(blueprintOption())
    .addOption(formatOption());
  addRunnerOptions(cmd).action(async (flags: RunnerFlags) => {
    const model = loadModel(flags.blueprint, io);
    if (!model) return done(2);
    const p = progress(io, flags.format);
    const { describeAutoExport, runExport } = await import('../runner/export');
    const result = await runExport(model, await operationOptions(model, flags, p));
    p.done();
    if (flags.format === 'json') io.out(JSON.stringify(result, null, 2));
    else {
      for (const t of result.tasks) io.out(describeTask(t));
      for (const a of result.autoExport) io.out(describeAutoExport(a));
      for (const problem of result.problems) io.err(`problem: ${problem}`);
    }
    done(result.ok ? 0 : 1);
  });
}
