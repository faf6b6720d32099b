/**
 * What the environment asks of a synth, read the same way by `npx cdktf synth` (src/main.ts) and
 * `lustreform synth`, so both write the same stacks:
 * - LUSTREFORM_FAILOVER=<site>[:<fs>,...] and LUSTREFORM_FROM_BACKUP: cold standbys made real, as
 *   `lustreform failover` prints;
 * - LUSTREFORM_DRILL=1 with LUSTREFORM_FAILOVER: a drill; the rebuilt file systems import only;
 * - LUSTREFORM_PLAN=1: the providers assume each account's read-only `planRole` (where given)
 *   instead of `assumeRole`, for `terraform plan` in pull requests;
 * - LUSTREFORM_UNPROTECT=1: no `prevent_destroy` on buckets and file systems, whatever `protect`
 *   says, for one deliberate destroy (the runbook's failback, a teardown).
 */
import type { Blueprint } from '../blueprint/model';
import { activationFrom, failoverProblems } from './failover';
import type { PlanOptions } from './types';

export interface EnvironmentOptions extends PlanOptions {
  /** Why the environment cannot be honoured (exit 2, nothing written). */
  problems: string[];
}

export function environmentOptions(model: Blueprint, env: NodeJS.ProcessEnv = process.env): EnvironmentOptions {
  const drill = env.LUSTREFORM_DRILL;
  const activation = activationFrom(env.LUSTREFORM_FAILOVER, env.LUSTREFORM_FROM_BACKUP, drill);
  const problems = activation ? failoverProblems(model, activation).map((p) => `LUSTREFORM_FAILOVER: ${p}`) : [];
  if (drill !== undefined && drill !== '' && drill !== '0' && drill !== '1') problems.push(`LUSTREFORM_DRILL must be 1 (a drill: the rebuilt file systems import only) or 0; got '${drill}'`);
  else if (drill === '1' && !activation) problems.push('LUSTREFORM_DRILL=1 needs LUSTREFORM_FAILOVER=<site>: a drill rebuilds the cold standbys of a site, as `lustreform failover --drill` prints');
  const plan = env.LUSTREFORM_PLAN;
  if (plan !== undefined && plan !== '' && plan !== '0' && plan !== '1') problems.push(`LUSTREFORM_PLAN must be 1 (plan with each account's planRole) or 0; got '${plan}'`);
  const unprotect = env.LUSTREFORM_UNPROTECT;
  if (unprotect !== undefined && unprotect !== '' && unprotect !== '0' && unprotect !== '1') problems.push(`LUSTREFORM_UNPROTECT must be 1 (no prevent_destroy, for one deliberate destroy) or 0; got '${unprotect}'`);
  return { activation, planRoles: plan === '1', unprotect: unprotect === '1', problems };
}
