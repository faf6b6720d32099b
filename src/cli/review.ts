import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import type { Blueprint } from '../blueprint/model';
import { possibleStacks } from '../plan/plan';
import { LAYERS } from '../plan/types';
import { review, reviewMarkdown, stackOfFile, type NotPlanned, type PlanFile } from '../review/plan-review';
import { plansFromRuns, tfcTargets } from '../review/tfc';
import { findToken, tokenSearched, tokenVariable } from '../review/tfc-token';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerReview(program: Command, io: Io, done: (code: number) => void): void {
  const repeat = (v: string, acc: string[]) => [...acc, v];
  program
    .command('review')
    .description('a Markdown PR comment from `terraform show -json` plans (one per stack, named <stack>.json), or with --tfc from each stack\'s Terraform Cloud run; exit 3 on a dangerous change not allowed')
    .argument('[plans...]', 'plan JSON files, each named <stack>.json (not with --tfc)')
    .option('--allow <glob>', 'allow dangerous changes to matching addresses (or <stack>/<address>); repeatable', repeat, [] as string[])
    .option('--tfc', 'review the latest run of each stack\'s Terraform Cloud workspace (state: { backend: cloud }); token from TF_TOKEN_<host>, TFE_TOKEN or the terraform CLI credentials')
    .option('--stack <stack>', 'with --tfc: only this stack; repeatable', repeat, [] as string[])
    .option('--run <stack=run-id>', 'with --tfc: review this run for the stack instead of its latest; repeatable', repeat, [] as string[])
    .addOption(blueprintOption())
    .addOption(formatOption(['md', 'json']))
    .action(async (files: string[], flags: { allow: string[]; tfc?: boolean; stack: string[]; run: string[]; blueprint?: string; format: string }) => {
      if (flags.tfc && files.length) throw new UserError(`review takes plan files or --tfc, not both (got ${files.join(', ')} and --tfc)`);
      if (!flags.tfc && (flags.stack.length || flags.run.length)) throw new UserError('--stack and --run choose Terraform Cloud runs: add --tfc');
      if (!flags.tfc && !files.length) throw new UserError('review needs plan files (terraform show -json, each named <stack>.json) or --tfc for the stacks\' Terraform Cloud runs');
      let model: Blueprint | undefined;
      let plans: PlanFile[];
      let notPlanned: NotPlanned[] = [];
      if (flags.tfc) {
        model = loadModel(flags.blueprint, io);
        if (!model) return done(2);
        ({ plans, notPlanned } = await plansFromTfc(model, flags.stack, flags.run));
      } else {
        // The blueprint adds the runner steps and the stack names. Named (-b, $LUSTREFORM_BLUEPRINT), it
        // must load and own the plans; the default file is used only when the plans are its stacks.
        const named = Boolean(flags.blueprint ?? process.env.LUSTREFORM_BLUEPRINT);
        if (named || existsSync(blueprintPath(undefined))) {
          model = loadModel(flags.blueprint, io);
          if (named && !model) return done(2);
          const names = model ? possibleStacks(model) : [];
          if (!named && !files.every((f) => names.includes(stackOfFile(f)))) model = undefined;
        }
        plans = files.map((file) => ({ stack: checkedStack(file, model), plan: readPlan(file) }));
      }
      if (flags.format === 'json') {
        const r = review(plans, flags.allow, model, notPlanned);
        io.out(JSON.stringify(r, null, 2));
        return done(r.blocked ? 3 : 0);
      }
      const { markdown, blocked } = reviewMarkdown(plans, flags.allow, model, notPlanned);
      io.out(markdown);
      done(blocked ? 3 : 0);
    });
}

/** The stacks' plans from their Terraform Cloud runs (src/review/tfc.ts); API base from LUSTREFORM_TFC_ADDRESS. */
async function plansFromTfc(model: Blueprint, stacks: string[], runs: string[]): Promise<{ plans: PlanFile[]; notPlanned: NotPlanned[] }> {
  const targets = tfcTargets(model, stacks, runs);
  const { hostname, organization } = model.state;
  const token = findToken(hostname);
  if (!token) throw new UserError(`no Terraform Cloud token for ${hostname}: looked in ${tokenSearched(hostname)}. Set ${tokenVariable(hostname)} (a user or team token with admin access to the workspaces, which reading a JSON plan needs), or run terraform login ${hostname}`, 1);
  return plansFromRuns(targets, { hostname, organization: organization!, token, address: process.env.LUSTREFORM_TFC_ADDRESS });
}

function readPlan(file: string): PlanFile['plan'] {
  let plan: { format_version?: string };
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read plan ${file}: ${(err as Error).message}. Write it with: terraform show -json plan.tfplan > ${file}`);
  }
  if (!plan || typeof plan !== 'object' || typeof plan.format_version !== 'string') throw new UserError(`${file} is not a terraform show -json plan (no format_version); write it with: terraform show -json plan.tfplan > ${file}`);
  return plan as PlanFile['plan'];
}

/**
 * The stack a plan file is named after. A plan says nothing of its stack, so the file name must:
 * `<blueprint>-<site>-<layer>.json` for a site of the blueprint (any blueprint's form without one).
 */
function checkedStack(file: string, model: Blueprint | undefined): string {
  const stack = stackOfFile(file);
  const known = model ? possibleStacks(model) : undefined;
  const ok = known ? known.includes(stack) : new RegExp(`^[a-z][a-z0-9-]*-(${LAYERS.join('|')})$`).test(stack);
  if (ok) return stack;
  const example = known?.[0] ?? `<blueprint>-<site>-${LAYERS[0]}`;
  throw new UserError(
    `${file}: a plan file must be named after its stack, <stack>.json (e.g. ${example}.json), so the review can say which stack a change is in; '${stack}' is not a stack${model ? ` of blueprint ${model.name} (\`lustreform stacks -b ...\` lists them)` : ''}. Write it with: terraform -chdir=cdktf.out/stacks/<stack> show -json plan.tfplan > plans/<stack>.json`,
  );
}
