/**
 * `verify --recovery`'s rows for restore testing: for each plan with `restoreTesting`, whether
 * AWS Backup's latest restore test at the tested site succeeded, and recently enough.
 *
 * AWS Backup records each test as a restore job created by the restore testing plan
 * (ListRestoreJobs ByRestoreTestingPlanArn; RestoreJob.Status PENDING | RUNNING | COMPLETED |
 * ABORTED | FAILED, ValidationStatus FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING when a
 * validation window is set). The plan's ARN is AWS's (GetRestoreTestingPlan by name), not
 * computed: its form is not documented.
 */
import { GetRestoreTestingPlanCommand, paginateListRestoreJobs, type RestoreJobsListMember } from '@aws-sdk/client-backup';
import type { Blueprint, Site } from '../blueprint/model';
import { testedPlans } from '../blueprint/topology';
import { expectedIntervalHours } from '../aws/cron';
import { restoreTestPlan } from '../plan/restore-testing';
import { stackName } from '../plan/stacks';
import type { SiteClients } from './aws';
import type { Check } from './checks';

/** Hours a restore test may take after it starts before its result is overdue (FSx restores a whole file system; AWS states no bound). */
export const RESTORE_TEST_RUN_HOURS = 24;

const FINISHED = new Set(['COMPLETED', 'FAILED', 'ABORTED']);
const hoursSince = (now: Date, then: Date) => (now.getTime() - then.getTime()) / 3600_000;

export async function verifyRestoreTests(model: Blueprint, opts: { site?: string; clientsFor: (site: Site) => SiteClients; now?: Date }): Promise<Check[]> {
  const checks: Check[] = [];
  const now = opts.now ?? new Date();
  for (const plan of testedPlans(model)) {
    const rt = plan.restoreTesting;
    if (opts.site && rt.site.key !== opts.site && plan.site.key !== opts.site) continue;
    const planned = restoreTestPlan(model, plan);
    const subject = `${plan.key} @${rt.site.key} (${planned.name})`;
    const add = (result: Check['result'], detail: string) => checks.push({ check: 'restore test passed', subject, result, detail });
    const backup = opts.clientsFor(rt.site).backup;
    let arn: string | undefined;
    let created: Date | undefined;
    const jobs: RestoreJobsListMember[] = [];
    try {
      const got = (await backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: planned.name }))).RestoreTestingPlan;
      arn = got?.RestoreTestingPlanArn;
      created = got?.CreationTime;
      if (arn) for await (const page of paginateListRestoreJobs({ client: backup }, { ByRestoreTestingPlanArn: arn })) jobs.push(...(page.RestoreJobs ?? []));
    } catch (err) {
      // The tested site may be the one a failover survives without: a row, not the end of verify.
      if ((err as Error).name !== 'ResourceNotFoundException') {
        add('fail', `cannot read the restore tests at site '${rt.site.key}' (${(err as Error).name}: ${(err as Error).message})`);
        continue;
      }
    }
    if (!arn) {
      add('fail', `no restore testing plan ${planned.name} at site '${rt.site.key}' (${rt.site.region}); apply ${stackName(model, rt.site, 'protection')}`);
      continue;
    }
    const byNewest = jobs.filter((j) => j.CreationDate).sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
    const last = byNewest.find((j) => FINISHED.has(j.Status ?? ''));
    const running = byNewest[0] && !FINISHED.has(byNewest[0].Status ?? '') ? `; a test is ${byNewest[0].Status?.toLowerCase()} now` : '';
    const due = expectedIntervalHours(rt.schedule) + rt.startWindowHours + RESTORE_TEST_RUN_HOURS;
    if (!last) {
      const young = created && hoursSince(now, created) <= due;
      add(young ? 'skip' : 'fail', young ? `no restore test has finished yet; the first is due within ${due} h of the plan's creation (${rt.schedule})${running}` : `no restore test has finished in ${Math.round(hoursSince(now, created ?? now))} h (${rt.schedule}, due every ${due} h at most)${running}`);
      continue;
    }
    const age = hoursSince(now, last.CompletionDate ?? last.CreationDate!);
    const point = `recovery point of ${last.RecoveryPointCreationDate?.toISOString() ?? 'unknown date'}`;
    if (last.Status !== 'COMPLETED') {
      add('fail', `the last test ${last.Status === 'FAILED' ? 'failed' : 'was aborted'} ${age.toFixed(1)} h ago, restoring the ${point}: ${last.StatusMessage ?? 'no message'}${running}`);
    } else if (last.ValidationStatus && last.ValidationStatus !== 'SUCCESSFUL' && last.ValidationStatus !== 'VALIDATING') {
      add('fail', `the last test restored the ${point} ${age.toFixed(1)} h ago, and its validation ${last.ValidationStatus}: ${last.ValidationStatusMessage ?? 'no message'}`);
    } else if (age > due) {
      add('fail', `the last successful test finished ${age.toFixed(1)} h ago, more than the ${due} h its schedule allows (${rt.schedule}): AWS Backup has not run the later ones${running}`);
    } else {
      add('ok', `the last test restored the ${point} ${age.toFixed(1)} h ago${running}`);
    }
  }
  return checks;
}
