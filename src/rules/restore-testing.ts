import type { BackupPlan } from '../blueprint/model';
import { restoreTestNetwork, testedPlans as tested } from '../blueprint/topology';
import { cronProblem, expectedIntervalHours } from '../aws/cron';
import { COPY_LAG_HOURS } from '../aws/backup';
import { hit, type Rule, type RuleHit } from './rule';

/** Where the plan's recovery points are: its own vault and the vaults it copies to. */
const holds = (p: BackupPlan) => [p.site, ...p.copyTo.map((c) => c.site)];

/** `value` outside `min`-`max`: the message, else undefined. */
const outside = (name: string, value: number | undefined, min: number, max: number) =>
  value !== undefined && (value < min || value > max) ? `${name} takes ${min} to ${max}; got ${value}` : undefined;

/**
 * Restore testing (`backupPlans.<key>.restoreTesting`): AWS Backup restores recovery points of the
 * tested site's vault on a schedule. The bounds are the AWS Backup API's
 * (RestoreTestingRecoveryPointSelection.SelectionWindowDays 1-365, StartWindowHours up to 168,
 * RestoreTestingSelection ValidationWindowHours up to 168; the provider refuses 0 for the last:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForCreate.html).
 */
export const restoreTestingRules: Rule[] = [
  {
    id: 'PLN013',
    severity: 'error',
    summary: "Restore testing at a site that holds none of the plan's recovery points.",
    check: (m) =>
      tested(m)
        .filter((p) => !holds(p).includes(p.restoreTesting.site))
        .map((p) => hit([...p.restoreTesting.path, 'site'], `site '${p.restoreTesting.site.key}' holds no recovery point of plan '${p.key}'; test at ${holds(p).map((s) => `'${s.key}'`).join(' or ')}`)),
  },
  {
    id: 'PLN014',
    severity: 'error',
    summary: 'Restore testing with no network to restore into (no restoreTesting.network and no recovery entry there with security groups).',
    check: (m) =>
      tested(m)
        .filter((p) => !restoreTestNetwork(m, p))
        .map((p) =>
          hit(
            p.restoreTesting.path,
            `restore tests of plan '${p.key}' at site '${p.restoreTesting.site.key}' need an existing subnet and security groups there: set restoreTesting.network: { subnetId, securityGroupIds }, or give a recovery entry of ${p.fileSystems.map((f) => `'${f.key}'`).join(' or ')} at '${p.restoreTesting.site.key}' network.securityGroupIds`,
          ),
        ),
  },
  {
    id: 'PLN015',
    severity: 'error',
    summary: 'Restore testing schedule not an AWS Backup cron expression, or a window outside its bounds.',
    check: (m) =>
      tested(m).flatMap((p) => {
        const rt = p.restoreTesting;
        const out: RuleHit[] = [];
        const cron = cronProblem(rt.schedule);
        if (cron) out.push(hit([...rt.path, 'schedule'], `'${rt.schedule}': ${cron}`));
        for (const [name, value, min, max] of [
          ['selectionWindowDays', rt.selectionWindowDays, 1, 365],
          ['startWindowHours', rt.startWindowHours, 1, 168],
          ['validationWindowHours', rt.validationWindowHours, 1, 168],
        ] as const) {
          const problem = outside(name, value, min, max);
          if (problem) out.push(hit([...rt.path, name], problem));
        }
        return out;
      }),
  },
  {
    id: 'PLN016',
    severity: 'warning',
    summary: 'Restore testing selection window shorter than the time between recovery points reaching the tested vault.',
    check: (m) =>
      tested(m).flatMap((p) => {
        const rt = p.restoreTesting;
        const gap = expectedIntervalHours(p.schedule) + (rt.site === p.site ? 0 : COPY_LAG_HOURS);
        return rt.selectionWindowDays * 24 < gap
          ? [hit([...rt.path, 'selectionWindowDays'], `recovery points of '${p.key}' reach site '${rt.site.key}' up to ${gap} h apart (${p.schedule}${rt.site === p.site ? '' : `, plus ${COPY_LAG_HOURS} h for the copy`}); a ${rt.selectionWindowDays}-day window leaves some tests with nothing to restore: use at least ${Math.ceil(gap / 24)} days`)]
          : [];
      }),
  },
  {
    id: 'PLN017',
    severity: 'error',
    summary: 'Two plans test restores at one site (a test covers every FSx recovery point of the site\'s one vault).',
    check: (m) =>
      tested(m).flatMap((p, i, all) => {
        const first = all.find((o) => o.restoreTesting.site === p.restoreTesting.site);
        return first && first !== p && all.indexOf(first) < i
          ? [hit(p.restoreTesting.path, `plan '${first.key}' already tests restores at site '${p.restoreTesting.site.key}', and a test restores every FSx file system with recovery points in that site's vault (${[...new Set(all.filter((o) => o.restoreTesting.site === p.restoreTesting.site).map((o) => o.key))].join(', ')}); keep restoreTesting on one of them`)]
          : [];
      }),
  },
];
