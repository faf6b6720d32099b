import { resolve } from 'node:path';
import type { Command } from 'commander';
import { countReleased } from '../runner/hydrate';
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
    .option('--recovery', 'only whether recovery would work today: replicas, versioning, replication, recent backup copies')
    .addOption(formatOption())
    .action(async (flags: { blueprint?: string; site?: string; mount?: string; recovery?: boolean; format: string }) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      checkSite(model, flags.site);
      const mount = flags.mount ? resolve(flags.mount) : undefined;
      const lfs = { mount: mount ?? '', lfs: process.env.LUSTREFORM_LFS ?? 'lfs', batch: 1000, parallel: 8 };
      const { verify, verifyTable } = await import('../runner/verify');
      const { clientsFor } = await import('../runner/aws');
      const checks = await verify(model, {
        site: flags.site,
        recoveryOnly: flags.recovery,
        clientsFor: (site, region) => clientsFor(model, site, region),
        releasedUnder: mount
          ? (live) => countReleased(lfs, live.fs.repositories.filter((r) => r.preload === 'content').map((r) => r.fileSystemPath.replace(/^\/+/, '')))
          : undefined,
      });
      const failed = checks.filter((c) => c.result === 'fail').length;
      if (flags.format === 'json') io.out(JSON.stringify({ ok: failed === 0, checks }, null, 2));
      else io.out(`${verifyTable(checks)}\n\n${failed ? `${failed} of ${checks.length} checks failed` : `all ${checks.filter((c) => c.result === 'ok').length} checks passed`}`);
      done(failed ? 1 : 0);
    });
}
