import { Command, CommanderError } from 'commander';
import { UserError } from '../blueprint/errors';
import { processIo, type Io } from './io';
import { registerExport } from './export';
import { registerHydrate } from './hydrate';
import { registerImport } from './import';
import { registerReplicateExisting } from './replicate-existing';
import { registerRules } from './rules';
import { registerStacks } from './stacks';
import { registerSynth } from './synth';
import { registerVerify } from './verify';
import { registerValidate } from './validate';

/**
 * Runs the CLI and resolves to the exit code: 0 ok, 1 operation failed, 2 invalid input,
 * 3 review blocked. User errors print one line, never a stack trace.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command('lustreform')
    .description('S3 + FSx for Lustre from one validated blueprint: Terraform stacks through cdktf, and the post-apply runner')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s) => io.err(s) })
    .showHelpAfterError('(run lustreform --help for the commands)');
  registerValidate(program, io, done);
  registerRules(program, io, done);
  registerSynth(program, io, done);
  registerStacks(program, io, done);
  registerImport(program, io, done);
  registerExport(program, io, done);
  registerHydrate(program, io, done);
  registerVerify(program, io, done);
  registerReplicateExisting(program, io, done);
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      io.err(`lustreform: ${err.message}`);
      return err.exitCode;
    }
    io.err(`lustreform: internal error: ${(err as Error).message}. This is a bug; please report it with the command you ran.`);
    if (process.env.LUSTREFORM_DEBUG) io.err(String((err as Error).stack));
    return 1;
  }
}
