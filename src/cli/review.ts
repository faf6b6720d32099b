import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import type { Blueprint } from '../blueprint/model';
import { possibleStacks } from '../plan/plan';
import { LAYERS } from '../plan/types';
import { review, reviewMarkdown, stackOfFile, type PlanFile } from '../review/plan-review';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerReview(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('review')
    .description('a Markdown PR comment from `terraform show -json` plans (one per stack, named <stack>.json); exit 3 on a dangerous change not allowed')
    .argument('<plans...>', 'plan JSON files, each named <stack>.json')
    .option('--allow <glob>', 'allow dangerous changes to matching addresses (or <stack>/<address>); repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(blueprintOption())
    .addOption(formatOption(['md', 'json']))
    .action((files: string[], flags: { allow: string[]; blueprint?: string; format: string }) => {
      // The blueprint adds the runner steps and the stack names. Named (-b, $LUSTREFORM_BLUEPRINT), it
      // must load and own the plans; the default file is used only when the plans are its stacks.
      const named = Boolean(flags.blueprint ?? process.env.LUSTREFORM_BLUEPRINT);
      let model: Blueprint | undefined;
      if (named || existsSync(blueprintPath(undefined))) {
        model = loadModel(flags.blueprint, io);
        if (named && !model) return done(2);
        const names = model ? possibleStacks(model) : [];
        if (!named && !files.every((f) => names.includes(stackOfFile(f)))) model = undefined;
      }
      const plans: PlanFile[] = files.map((file) => ({ stack: checkedStack(file, model), plan: readPlan(file) }));
      if (flags.format === 'json') {
        const r = review(plans, flags.allow, model);
        io.out(JSON.stringify(r, null, 2));
        return done(r.blocked ? 3 : 0);
      }
      const { markdown, blocked } = reviewMarkdown(plans, flags.allow, model);
      io.out(markdown);
      done(blocked ? 3 : 0);
    });
}

function readPlan(file: string): PlanFile['plan'] {
  let plan: { format_version?: string };
  try {
    plan = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read plan ${file}: ${(err as Error).message}. Write it with: terraform show -json plan.tfplan > ${file}`);
  }
  if (!plan || typeof plan !== 'object' || typeof plan.format_version !== 'string') throw new UserError(`${file} is not a terraform show -json plan (no format_version); write it with: terraform show -json plan.tfplan > ${file}`);
  return plan;
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
