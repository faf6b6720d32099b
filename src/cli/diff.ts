import type { Command } from 'commander';
import type { Blueprint } from '../blueprint/model';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerDiff(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('diff')
    .description('what changes between two blueprints (or, with --git, two git refs of -b), resource by resource; replacements and dangers first')
    .argument('<base>', 'the blueprint before (a file; with --git, a git ref)')
    .argument('<head>', 'the blueprint after (a file; with --git, a git ref)')
    .option('--git', 'BASE and HEAD are git refs of the -b blueprint file (a blueprint absent at a ref counts as empty)')
    .addOption(blueprintOption())
    .addOption(formatOption(['md', 'json']))
    .action(async (base: string, head: string, flags: { git?: boolean; blueprint?: string; format: string }) => {
      const { diffMarkdown, diffResources, synthesizedResources } = await import('../review/diff');
      const { blueprintAtRef, refName } = await import('../review/git');
      // With --git, a blueprint that a ref lacks (new in the pull request) is empty: no resources.
      const modelOf = (ref: string): { model?: Blueprint; ok: boolean } => {
        const file = flags.git ? blueprintAtRef(ref, blueprintPath(flags.blueprint)) : ref;
        if (file === undefined) return { ok: true };
        const model = loadModel(file, io, flags.git ? refName(ref, blueprintPath(flags.blueprint)) : undefined);
        return { model, ok: model !== undefined };
      };
      const before = modelOf(base);
      const after = modelOf(head);
      if (!before.ok || !after.ok) return done(2);
      const { planBlueprint } = await import('../plan/plan');
      const planOf = (m: { model?: Blueprint }) => (m.model ? planBlueprint(m.model) : undefined);
      const changes = diffResources(synthesizedResources(planOf(before)), synthesizedResources(planOf(after)));
      const label = (ref: string, m: { model?: Blueprint }) => (m.model ? ref : `${ref} (no blueprint there)`);
      io.out(flags.format === 'json' ? JSON.stringify(changes, null, 2) : diffMarkdown(changes, label(base, before), label(head, after)));
      done(0);
    });
}
