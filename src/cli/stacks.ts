import type { Command } from 'commander';
import type { Blueprint } from '../blueprint/model';
import { planBlueprint } from '../plan/plan';
import type { CloudPlan, Plan, StackPlan } from '../plan/types';
import { tokenVariable } from '../review/tfc-token';
import { cdkCli } from '../stacks/cdk-cli';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerStacks(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('stacks')
    .description('the stacks in deploy order, with the stacks each waits for')
    .addOption(blueprintOption())
    .addOption(formatOption())
    .option('--changed-since <ref>', 'only the stacks whose synthesized configuration differs from the blueprint at this git ref, and the stacks that deploy after them')
    .action(async (opts: { blueprint?: string; format: string; changedSince?: string }) => {
      const model = loadModel(opts.blueprint, io);
      if (!model) return done(2);
      const plan = planBlueprint(model);
      const plans = plan.stacks;
      const row = (p: StackPlan) => ({ name: p.name, site: p.site.key, layer: p.layer, account: p.site.account?.id ?? null, region: p.site.region, dependsOn: p.dependsOn });
      const after = (p: StackPlan) => (p.dependsOn.length ? `  (after ${p.dependsOn.join(', ')})` : '');
      if (opts.changedSince === undefined) {
        if (opts.format === 'json') io.out(JSON.stringify([...bootstrapRows(plan), ...plans.map(row)], null, 2));
        else io.out([...bootstrapLines(plan), ...plans.map((p, i) => `${String(i + 1).padStart(2)}. ${p.name}${after(p)}`)].join('\n'));
        return done(0);
      }
      const { blueprintAtRef, refName } = await import('../review/git');
      const { synthesizedStacks } = await import('../review/diff');
      const { changedStacks } = await import('../review/changed-stacks');
      const file = blueprintAtRef(opts.changedSince, blueprintPath(opts.blueprint));
      let base: Blueprint | undefined;
      if (file !== undefined) {
        base = loadModel(file, io, refName(opts.changedSince, blueprintPath(opts.blueprint)));
        if (!base) {
          io.err(`lustreform: ${blueprintPath(opts.blueprint)} at ${opts.changedSince} is not valid (findings above), so nothing can be compared with it; every stack is listed`);
        }
      }
      const changed = changedStacks(synthesizedStacks(base && planBlueprint(base)), synthesizedStacks(plan), plans);
      const cloud = plan.cloud;
      if (cloud) {
        const base_ = synthesizedStacks(base && planBlueprint(base));
        const head = synthesizedStacks(plan);
        for (const name of [cloud.workspaces.name, ...cloud.bootstrap.map((b) => b.name)]) {
          if (JSON.stringify(base_.get(name)) === JSON.stringify(head.get(name))) continue;
          io.err(`lustreform: ${name} ${base_.has(name) ? 'changed' : 'is new'} since ${opts.changedSince}: apply it where you are (${name === cloud.workspaces.name ? 'with TFE_TOKEN' : "with the account's credentials"}) before the stacks below run in Terraform Cloud (lustreform stacks prints the order)`);
        }
      }
      for (const name of changed.removed) io.err(`lustreform: stack ${name} is gone from the blueprint since ${opts.changedSince}; its resources stay until you destroy them (${cdkCli().command} destroy ${name} at ${opts.changedSince})`);
      if (opts.format === 'json') io.out(JSON.stringify(changed.stacks.map((c) => ({ ...row(c.plan), change: c.change, ...(c.because ? { after: c.because } : {}) })), null, 2));
      else if (!changed.stacks.length) io.out(`no stack changed since ${opts.changedSince}`);
      else io.out(changed.stacks.map((c, i) => `${String(i + 1).padStart(2)}. ${c.plan.name}  [${c.change === 'dependent' ? `deploys after ${c.because}` : c.change}]${after(c.plan)}`).join('\n'));
      done(0);
    });
}

/**
 * What runs before the stacks with state.manageWorkspaces, in order (src/plan/cloud.ts): the
 * workspaces stack, then each account's bootstrap stack, both applied where you are.
 */
function bootstrapSteps(cloud: CloudPlan) {
  const w = cloud.workspaces;
  const host = w.hostname;
  return [
    {
      name: w.name,
      layer: 'tfc-workspaces',
      account: null,
      region: null,
      dependsOn: [] as string[],
      runs: 'local',
      token: `TFE_TOKEN (or terraform login ${host}): a user or team token that may manage workspaces in ${w.organization}`,
      state: `local file ${w.backend.kind === 'local' ? w.backend.path.replace(/^(\.\.\/)+/, '') : ''} beside cdktf.out (keep it; terraform init -migrate-state moves it)`,
    },
    ...cloud.bootstrap.map((b) => ({
      name: b.name,
      layer: 'tfc-bootstrap',
      account: b.accountId,
      region: b.provider.region,
      dependsOn: [w.name],
      runs: 'local',
      token: `${tokenVariable(host)} or terraform login ${host} (its state is in Terraform Cloud), and AWS credentials of account ${b.accountKey} (${b.accountId})${b.provider.assumeRole ? ` that may assume ${b.provider.assumeRole.roleArn}` : ''}`,
      state: `workspace ${b.backend.kind === 'cloud' ? b.backend.workspace : ''} (local execution, created by ${w.name})`,
    })),
  ];
}

const bootstrapRows = (plan: Plan) => (plan.cloud ? bootstrapSteps(plan.cloud).map((s) => ({ ...s, site: null })) : []);

function bootstrapLines(plan: Plan): string[] {
  if (!plan.cloud) return [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const roles = plan.cloud.bootstrap.filter((b) => b.provider.assumeRole).map((b) => `${b.runRole.arn} in the trust policy of ${b.provider.assumeRole!.roleArn}`);
  return [
    'Terraform Cloud bootstrap (state.manageWorkspaces): once, in this order, before the stacks, each applied where you are:',
    ...bootstrapSteps(plan.cloud).map((s, i) => ` ${letters[i % 26]}. ${s.name}${s.dependsOn.length ? `  (after ${s.dependsOn.join(', ')})` : ''}\n      token: ${s.token}\n      state: ${s.state}`),
    ...(roles.length ? [' then let each run role assume its account\'s assumeRole: add', ...roles.map((r) => `      ${r}`)] : []),
    'Stacks, each in its workspace: runs in Terraform Cloud with dynamic credentials, queued by run triggers in this order:',
  ];
}
