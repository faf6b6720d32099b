import type { Command } from 'commander';
import { Journal } from '../runner/journal';
import { progress } from '../runner/progress';
import { systemClock } from '../runner/time';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { deadlineOf } from './runner-options';

export function registerReplicateExisting(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('replicate-existing')
    .description('start S3 Batch Replication for edges with existingObjects: batch (objects that existed before the rules)')
    .addOption(blueprintOption())
    .option('--wait', 'wait until the jobs finish')
    .option('--timeout <duration>', 'how long --wait waits: 90s, 30m, 2h', '24h')
    .option('--journal <dir>', 'where the resumable journal is kept', '.lustreform')
    .addOption(formatOption())
    .action(async (flags: { blueprint?: string; wait?: boolean; timeout: string; journal: string; format: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      const { batchJobs, replicateExisting } = await import('../runner/batch-replication');
      const { clientsFor } = await import('../runner/aws');
      if (batchJobs(model).length === 0) {
        io.out('no replication edge has existingObjects: batch; nothing to do');
        return done(0);
      }
      const p = progress(io, flags.format);
      const result = await replicateExisting(model, {
        wait: !!flags.wait,
        deadline: deadlineOf(flags.timeout),
        journal: Journal.open(flags.journal, model.name),
        clock: systemClock(),
        clientsFor: (site) => clientsFor(model, site),
        say: p.say,
      });
      p.done();
      if (flags.format === 'json') io.out(JSON.stringify(result, null, 2));
      else for (const j of result.jobs) io.out(`${j.source} -> ${j.destinations.join(', ')}: job ${j.jobId} ${j.status}${j.total !== undefined ? ` ${j.succeeded ?? 0}/${j.total} ok, ${j.failed ?? 0} failed` : ''}; report ${j.report}`);
      done(result.ok ? 0 : 1);
    });
}
