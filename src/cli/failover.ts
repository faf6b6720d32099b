import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { failoverProblems } from '../plan/failover';
import type { Activation } from '../plan/recovery';
import { planBlueprint } from '../plan/plan';
import { cdkCli } from '../stacks/cdk-cli';
import { blueprintOption, blueprintPath, type Io } from './io';
import { loadModel } from './load';

export function registerFailover(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('failover')
    .description('check the recovery site can stand alone, synthesize with its cold standbys active, and print the next commands')
    .requiredOption('--to <site>', 'the site taking over (a key of sites with recovery entries)')
    .option('--file-system <key>', 'only this file system (repeatable; default every recovery entry of the site)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--from-backup <id>', 'rebuild a file system from a backup (a copy in the site\'s vault): <fs>=<backup id>, or just the id with one --file-system (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--drill', 'a rehearsal while the primary runs: the cold standbys are rebuilt with repositories that import only (nothing is exported to the replicas)')
    .option('--out <dir>', 'output directory', 'cdktf.out')
    .addOption(blueprintOption())
    .action(async (flags: { to: string; fileSystem: string[]; fromBackup: string[]; drill?: boolean; out: string; blueprint?: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      const fromBackup: Record<string, string> = {};
      for (const v of flags.fromBackup) {
        const [fs, id] = v.includes('=') ? v.split('=') : [flags.fileSystem.length === 1 ? flags.fileSystem[0] : '', v];
        if (!fs) throw new UserError(`--from-backup ${v}: say which file system, as <fs>=${v}`);
        fromBackup[fs] = id;
      }
      const activation: Activation = {
        site: flags.to,
        fileSystems: flags.fileSystem.length ? flags.fileSystem : undefined,
        fromBackup: Object.keys(fromBackup).length ? fromBackup : undefined,
        ...(flags.drill ? { drill: true } : {}),
      };
      const problems = failoverProblems(model, activation);
      if (flags.drill && !problems.length) {
        const entries = model.recovery.filter((r) => r.site.key === flags.to && (!activation.fileSystems || activation.fileSystems.includes(r.fileSystem.key)));
        const warm = entries.filter((r) => r.standby === 'warm').map((r) => r.fileSystem.key);
        if (warm.length) problems.push(`${warm.join(', ')} ${warm.length === 1 ? 'is a warm standby' : 'are warm standbys'} and runs already: a drill rebuilds cold standbys only; name the cold ones with --file-system, and check a warm one with \`lustreform verify --site ${flags.to}\``);
      }
      if (problems.length) throw new UserError(`cannot fail over to '${flags.to}':\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      const { buildApp } = await import('../stacks/app');
      const { standaloneProblems } = await import('../review/standalone');
      const { synthesize } = await import('../stacks/synth');
      const plan = planBlueprint(model, { activation });
      const check = mkdtempSync(join(tmpdir(), 'lustreform-failover-'));
      let standalone;
      try {
        buildApp(plan, { outdir: check }).synth();
        standalone = standaloneProblems(model, activation, plan.stacks, (name) => JSON.parse(readFileSync(join(check, 'stacks', name, 'cdk.tf.json'), 'utf8')));
      } finally {
        rmSync(check, { recursive: true, force: true });
      }
      if (standalone.problems.length) {
        io.err(`lustreform: '${flags.to}' cannot stand alone:\n${standalone.problems.map((p) => `  - ${p}`).join('\n')}`);
        return done(1);
      }
      await synthesize(plan, flags.out);
      const file = blueprintPath(flags.blueprint);
      const backups = Object.entries(fromBackup).map(([fs, id]) => `${fs}=${id}`).join(',');
      const env = `LUSTREFORM_BLUEPRINT=${file} LUSTREFORM_FAILOVER=${flags.to}${activation.fileSystems ? `:${activation.fileSystems.join(',')}` : ''}${backups ? ` LUSTREFORM_FROM_BACKUP=${backups}` : ''}${flags.drill ? ' LUSTREFORM_DRILL=1' : ''}`;
      const lustreStack = standalone.deploy[standalone.deploy.length - 1];
      if (flags.drill) {
        io.out(
          [
            `'${flags.to}' stands alone: it needs nothing of the other sites. Drill stacks written to ${flags.out}: the rebuilt file systems import only (no automatic export), tagged lustreform:drill=true.`,
            '',
            'Next, in this order:',
            `  1. ${env} npx ${cdkCli().command} deploy ${standalone.deploy.join(' ')}`,
            `  2. npx lustreform import -b ${file} --site ${flags.to} --wait`,
            `  3. on a client with the file system mounted (the <file system>_mount_command outputs of ${lustreStack}): npx lustreform verify -b ${file} --site ${flags.to} --mount <dir> --sample 20`,
            `  4. tear the drill down: ${env} npx ${cdkCli().command} destroy ${lustreStack}`,
            ...(standalone.deploy.length > 1 ? [`     then put the site's other stacks back as they run without a failover: LUSTREFORM_BLUEPRINT=${file} npx ${cdkCli().command} deploy ${standalone.deploy.slice(0, -1).join(' ')}`] : []),
            '',
            `Do not run lustreform export at ${flags.to} during the drill: it refuses drill file systems.`,
          ].join('\n'),
        );
        return done(0);
      }
      io.out(
        [
          `'${flags.to}' stands alone: it needs nothing of the other sites. Stacks written to ${flags.out}.`,
          '',
          'Next, in this order:',
          `  1. ${env} npx ${cdkCli().command} deploy ${standalone.deploy.join(' ')}`,
          `     (or terraform -chdir=${flags.out}/stacks/<stack> apply, for ${standalone.deploy.join(', then ')})`,
          `  2. npx lustreform import -b ${file} --site ${flags.to} --wait`,
          `  3. mount on the clients: the <file system>_mount_command outputs of ${lustreStack}`,
          `  4. npx lustreform verify -b ${file} --site ${flags.to}`,
          '',
          `Keep ${env.split(' ').slice(1).join(' ')} set for every later ${cdkCli().command} command until failback, or the standbys go cold again.`,
        ].join('\n'),
      );
      done(0);
    });
}
