import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { blueprintOption, blueprintPath, formatOption, type Io } from './io';
import { loadModel } from './load';

export function registerDiff(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('diff')
    .description('what changes between two blueprints (or, with --git, two git refs of -b), resource by resource; replacements first')
    .argument('<base>', 'the blueprint before (a file; with --git, a git ref)')
    .argument('<head>', 'the blueprint after (a file; with --git, a git ref)')
    .option('--git', 'BASE and HEAD are git refs of the -b blueprint file')
    .addOption(blueprintOption())
    .addOption(formatOption(['md', 'json']))
    .action(async (base: string, head: string, flags: { git?: boolean; blueprint?: string; format: string }) => {
      const { blueprintAtRef, diffMarkdown, diffResources, synthesizedResources } = await import('../review/diff');
      const fileOf = (ref: string) => {
        if (!flags.git) return ref;
        try {
          return blueprintAtRef(ref, blueprintPath(flags.blueprint));
        } catch (err) {
          throw new UserError(`cannot read ${blueprintPath(flags.blueprint)} at git ref '${ref}': ${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
        }
      };
      const before = loadModel(fileOf(base), io);
      const after = loadModel(fileOf(head), io);
      if (!before || !after) return done(2);
      const changes = diffResources(synthesizedResources(before), synthesizedResources(after));
      io.out(flags.format === 'json' ? JSON.stringify(changes, null, 2) : diffMarkdown(changes, base, head));
      done(0);
    });
}
