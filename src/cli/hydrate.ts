import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import type { Blueprint, FileSystem } from '../blueprint/model';
import { hydrate, missingRoots, parseShard } from '../runner/hydrate';
import { progress } from '../runner/progress';
import { systemClock } from '../runner/time';
import { blueprintOption, formatOption, type Io } from './io';
import { loadModel } from './load';
import { deadlineOf } from './runner-options';

interface HydrateFlags {
  blueprint?: string;
  mount: string;
  path: string[];
  fileSystem?: string;
  parallel: string;
  batch: string;
  shard: string;
  timeout: string;
  journal: string;
  format: string;
}

/** The file system whose `content` repositories a client loads: the one named, or the only one with any. */
function pickFileSystem(model: Blueprint, name: string | undefined): FileSystem {
  if (name) {
    const fs = model.fileSystems.get(name);
    if (!fs) throw new UserError(`--file-system '${name}' is not a file system of ${model.name}; file systems: ${[...model.fileSystems.keys()].join(', ')}`);
    return fs;
  }
  const withContent = [...model.fileSystems.values()].filter((f) => f.repositories.some((r) => r.preload === 'content'));
  if (withContent.length === 1) return withContent[0];
  if (withContent.length === 0) throw new UserError(`no repository of ${model.name} has preload: content; name the directories to load with --path`);
  throw new UserError(`several file systems have content repositories (${withContent.map((f) => f.key).join(', ')}); say which one is mounted with --file-system`);
}

export function registerHydrate(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('hydrate')
    .description('on a Lustre client: load file contents from S3 (lfs hsm_restore), resumable, shardable across nodes')
    .addOption(blueprintOption())
    .requiredOption('--mount <dir>', 'where the file system is mounted')
    .option('--path <dir>', 'a directory under the mount to load instead of the content repositories (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--file-system <key>', 'which file system of the blueprint is mounted')
    .option('--parallel <n>', 'lfs calls in parallel', '8')
    .option('--batch <n>', 'files per lfs call', '1000')
    .option('--shard <i/n>', 'this node loads shard i of n (0 <= i < n), for array jobs', '0/1')
    .option('--timeout <duration>', 'how long to wait for files to load', '12h')
    .option('--journal <dir>', 'where the progress journal is kept', '.lustreform')
    .addOption(formatOption())
    .action(async (flags: HydrateFlags) => {
      const model = loadModel(flags.blueprint, io);
      if (!model) return done(2);
      const mount = resolve(flags.mount);
      if (!existsSync(mount) || !statSync(mount).isDirectory()) throw new UserError(`--mount ${flags.mount} is not a directory; mount the file system first (see the <fs>_mount_command output)`);
      const shard = parseShard(flags.shard);
      if (!shard) throw new UserError(`--shard '${flags.shard}' must be I/N with 0 <= I < N, e.g. 0/4`);
      const parallel = Number(flags.parallel);
      const batch = Number(flags.batch);
      if (!Number.isInteger(parallel) || parallel < 1 || !Number.isInteger(batch) || batch < 1) throw new UserError('--parallel and --batch take whole numbers of at least 1');
      const deadline = deadlineOf(flags.timeout);
      const fs = flags.path.length ? (flags.fileSystem ? pickFileSystem(model, flags.fileSystem) : undefined) : pickFileSystem(model, flags.fileSystem);
      const roots = flags.path.length
        ? flags.path.map((p) => {
            const rel = relative(mount, resolve(mount, p.replace(/^\/+/, '')));
            if (rel.startsWith('..')) throw new UserError(`--path ${p} is outside the mount ${flags.mount}`);
            return rel;
          })
        : fs!.repositories.filter((r) => r.preload === 'content').map((r) => r.fileSystemPath.replace(/^\/+/, ''));
      const missing = missingRoots(mount, roots);
      if (missing.length) {
        throw new UserError(`${missing.map((r) => `/${r}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing under ${flags.mount}: is the file system mounted there (see the <fs>_mount_command output), and are the repositories AVAILABLE (lustreform verify)? Nothing was loaded`);
      }
      const p = progress(io, flags.format);
      const lfs = process.env.LUSTREFORM_LFS ?? 'lfs';
      let result;
      try {
        result = await hydrate({
          mount,
          roots,
          parallel,
          batch,
          shard,
          journalFile: join(flags.journal, `hydrate-${model.name}-${fs?.key ?? 'paths'}-${shard.index}of${shard.count}.log`),
          lfs,
          clock: systemClock(),
          deadline,
          say: p.say,
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`cannot run '${lfs}': hydrate runs on a Lustre client with the lfs tool on PATH (or LUSTREFORM_LFS naming it)`, 1);
        throw err;
      }
      p.done();
      if (flags.format === 'json') io.out(JSON.stringify(result, null, 2));
      else {
        io.out(`shard ${result.shard}: ${result.files} files, ${result.alreadyLoaded} already loaded, ${result.restored} loaded now, ${result.stuck.length} could not load, ${result.pending.length} still loading${result.refused.length ? `, ${result.refused.length} refused by lfs` : ''}`);
        if (result.stuck.length) io.out(`could not load (archived or missing in S3? restore them, e.g. lustreform import --restore-archived, then rerun):\n${result.stuck.map((f) => `  ${f}`).join('\n')}`);
        if (result.pending.length) io.out(`still loading at the timeout (rerun to resume):\n${result.pending.map((f) => `  ${f}`).join('\n')}`);
        if (result.refused.length) io.out(`lfs refused (deleted since the walk, or a name it rejects; rerun once fixed):\n${result.refused.map((r) => `  ${JSON.stringify(r.file).slice(1, -1)}: ${r.reason}`).join('\n')}`);
      }
      done(result.ok ? 0 : 1);
    });
}
