import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import type { Blueprint } from '../blueprint/model';
import { reviewMarkdown, stackOfFile, type PlanFile } from '../review/plan-review';
import { blueprintOption, blueprintPath, type Io } from './io';
import { loadModel } from './load';

export function registerReview(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('review')
    .description('a Markdown PR comment from `terraform show -json` plans (one per stack, named <stack>.json); exit 3 on a dangerous change not allowed')
    .argument('<plans...>', 'plan JSON files')
    .option('--allow <glob>', 'allow dangerous changes to matching addresses (or <stack>/<address>); repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(blueprintOption())
    .action((files: string[], flags: { allow: string[]; blueprint?: string }) => {
      const plans: PlanFile[] = files.map((file) => {
        let plan: { format_version?: string; resource_changes?: unknown };
        try {
          plan = JSON.parse(readFileSync(file, 'utf8'));
        } catch (err) {
          throw new UserError(`cannot read plan ${file}: ${(err as Error).message}. Write it with: terraform show -json plan.tfplan > ${file}`);
        }
        if (!plan || typeof plan !== 'object' || typeof plan.format_version !== 'string') throw new UserError(`${file} is not a terraform show -json plan (no format_version); write it with: terraform show -json plan.tfplan > ${file}`);
        return { stack: stackOfFile(file), plan };
      });
      // The blueprint only adds the runner steps: used when given, or when the default exists.
      let model: Blueprint | undefined;
      if (flags.blueprint || existsSync(blueprintPath(undefined))) {
        model = loadModel(flags.blueprint, io);
        if (flags.blueprint && !model) return done(2);
      }
      const { markdown, blocked } = reviewMarkdown(plans, flags.allow, model);
      io.out(markdown);
      done(blocked ? 3 : 0);
    });
}
