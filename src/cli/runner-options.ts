import { Option, type Command } from 'commander';
import { UserError } from '../blueprint/errors';
import type { Blueprint } from '../blueprint/model';
import { Journal } from '../runner/journal';
import type { OperationOptions } from '../runner/operation';
import type { Progress } from '../runner/progress';
import { parseDuration, systemClock } from '../runner/time';

/** Options the AWS-calling commands share. */
export interface RunnerFlags {
  blueprint?: string;
  site?: string;
  wait?: boolean;
  timeout: string;
  report?: string;
  journal: string;
  format: string;
}

export function addRunnerOptions(cmd: Command, { wait = true }: { wait?: boolean } = {}): Command {
  cmd.option('--site <site>', 'only this site (a key of sites)');
  if (wait) cmd.option('--wait', 'wait until the tasks finish').option('--timeout <duration>', 'how long --wait waits: 90s, 30m, 2h', '6h');
  cmd.option('--report <s3uri>', 'write failed-file reports of tasks under this s3:// path (a bucket linked to the file system)');
  cmd.addOption(new Option('--journal <dir>', 'where the resumable journal is kept').default('.lustreform'));
  return cmd;
}

/** The deadline of a --timeout value, checked; a bad value is a user error (exit 2). */
export function deadlineOf(timeout: string): number {
  const ms = parseDuration(timeout);
  if (ms === undefined) throw new UserError(`--timeout '${timeout}' is not a duration; write it like 90s, 30m or 2h`);
  return Date.now() + ms;
}

export function checkSite(model: Blueprint, site: string | undefined): void {
  if (site !== undefined && !model.sites.has(site)) throw new UserError(`--site '${site}' is not a site of ${model.name}; sites: ${[...model.sites.keys()].join(', ')}`);
}

export function checkReport(report: string | undefined): void {
  if (report !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(report)) throw new UserError(`--report '${report}' is not an s3:// path like s3://my-bucket/reports/`);
}

/** The options of an import or export run, from the command's flags (checked) and its progress display. */
export async function operationOptions(model: Blueprint, flags: RunnerFlags, p: Progress): Promise<OperationOptions> {
  checkSite(model, flags.site);
  checkReport(flags.report);
  const { clientsFor } = await import('../runner/aws'); // the AWS SDK loads only for commands that call AWS
  return {
    site: flags.site,
    wait: !!flags.wait,
    deadline: deadlineOf(flags.timeout ?? '6h'),
    report: flags.report,
    journal: Journal.open(flags.journal, model.name),
    clock: systemClock(),
    clientsFor: (site) => clientsFor(model, site),
    say: p.say,
    onTask: p.task,
  };
}
