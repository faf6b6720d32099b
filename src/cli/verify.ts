import { resolve } from 'node:path';
import type { Command } from 'commander';
import { countReleased } from '../runner/hydrate';
import { UserError } from '../blueprint/errors';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { checkSite } from './runner-options';

export function registerVerify(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('verify')
    .description('check that the S3 copy may be relied on and recovery can work: a table, exit 1 when anything fails')
    .addOption(blueprintOption())
    .option('--site <site>', 'only this site (a key of sites)')
    .option('--mount <dir>', 'on a Lustre client: also check that nothing is released under the content repositories')
    .option('--file-system <key>', 'only this file system (a key of fileSystems)')
    .option('--sample <n>', 'with --mount: read back n files of each repository and compare them with S3 (size and SHA-256)')
    .option('--recovery', 'only whether recovery would work today: replicas, versioning, replication, recent backup copies')
    .addOption(formatOption())
    .action(async (flags: { blueprint?: string; site?: string; fileSystem?: string; mount?: string; sample?: string; recovery?: boolean; format: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      checkSite(model, flags.site);
      if (flags.fileSystem && !model.fileSystems.has(flags.fileSystem)) throw new UserError(`--file-system '${flags.fileSystem}' is not a file system of ${model.name}; file systems: ${[...model.fileSystems.keys()].join(', ')}`);
      const count = flags.sample === undefined ? undefined : Number(flags.sample);
      if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new UserError(`--sample '${flags.sample}' must be a whole number of files, 1 or more`);
      if (count !== undefined && !flags.mount) throw new UserError('--sample reads files through a Lustre client: give the mount point with --mount <dir>');
      if (flags.recovery && !model.recovery.length && ![...model.backupPlans.values()].some((p) => p.copyTo.length)) {
        io.err(`lustreform: nothing to verify for recovery: ${model.name} has no recovery entries and no backup copies to another site. Add recovery: entries (or copyTo on a backup plan) for what must survive the loss of a site.`);
        return done(2);
      }
      const mount = flags.mount ? resolve(flags.mount) : undefined;
      const lfs = { mount: mount ?? '', lfs: process.env.LUSTREFORM_LFS ?? 'lfs', batch: 1000, parallel: 8 };
      const { verify, verifyTable } = await import('../runner/verify');
      const { clientsFor } = await import('../runner/aws');
      const checks = await verify(model, {
        site: flags.site,
        recoveryOnly: flags.recovery,
        fileSystem: flags.fileSystem,
        sample: count !== undefined && mount ? { mount, count } : undefined,
        clientsFor: (site, region) => clientsFor(model, site, region),
        releasedUnder: mount
          ? (live) => countReleased(lfs, live.fs.repositories.filter((r) => r.preload === 'content').map((r) => r.fileSystemPath.replace(/^\/+/, '')))
          : undefined,
      });
      if (!checks.length) {
        io.err(`lustreform: nothing to verify${flags.site ? ` at site '${flags.site}'` : ''}${flags.fileSystem ? ` for file system '${flags.fileSystem}'` : ''}: no file system, alarm, replica or backup copy of ${model.name} is in scope.`);
        return done(2);
      }
      const failed = checks.filter((c) => c.result === 'fail').length;
      if (flags.format === 'json') io.out(JSON.stringify({ ok: failed === 0, checks }, null, 2));
      else io.out(`${verifyTable(checks)}\n\n${failed ? `${failed} of ${checks.length} checks failed` : `all ${checks.filter((c) => c.result === 'ok').length} checks passed`}`);
      done(failed ? 1 : 0);
    });
}
