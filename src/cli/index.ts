import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UserError } from '../blueprint/errors';
import { cdkCli } from '../stacks/cdk-cli';
import { processIo, type Io } from './io';
import { registerDiff } from './diff';
import { registerDoctor } from './doctor';
import { registerExport } from './export';
import { registerFailover } from './failover';
import { registerHydrate } from './hydrate';
import { registerImport } from './import';
import { registerInit } from './init';
import { registerReplicateExisting } from './replicate-existing';
import { registerReview } from './review';
import { registerRules } from './rules';
import { registerRunbook } from './runbook';
import { registerStacks } from './stacks';
import { registerSummary } from './summary';
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
    .description(`S3 + FSx for Lustre from one validated blueprint: Terraform stacks through ${cdkCli().command}, and the post-apply runner`)
    .version(packageVersion(), '-V, --version', 'print the lustreform version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s) => io.err(s) })
    .showHelpAfterError('(run lustreform --help for the commands)');
  registerInit(program, io, done);
  registerValidate(program, io, done);
  registerRules(program, io, done);
  registerSynth(program, io, done);
  registerStacks(program, io, done);
  registerSummary(program, io, done);
  registerDiff(program, io, done);
  registerReview(program, io, done);
  registerImport(program, io, done);
  registerExport(program, io, done);
  registerHydrate(program, io, done);
  registerVerify(program, io, done);
  registerDoctor(program, io, done);
  registerReplicateExisting(program, io, done);
  registerFailover(program, io, done);
  registerRunbook(program, io, done);
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
    const aws = awsFailure(err);
    if (aws) {
      io.err(`lustreform: ${aws}`);
      return 1;
    }
    io.err(`lustreform: internal error: ${(err as Error).message}. This is a bug; please report it with the command you ran.`);
    if (process.env.LUSTREFORM_DEBUG) io.err(String((err as Error).stack));
    return 1;
  }
}

/** The version of the installed package (its package.json, two levels above dist/cli or src/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** A failed AWS call (an operation failure, exit 1), told in one line; undefined for anything else. */
export function awsFailure(err: unknown): string | undefined {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number; requestId?: string } };
  // Checked first: the SDK's retry layer gives network errors $metadata too, though AWS never answered.
  // The code is a field of Node's error, or only in the message when the SDK wrapped one it did not recognise.
  const inMessage = /\b(E[A-Z_]+)\b/.exec(e?.message ?? '')?.[1];
  const network = [e?.code, e?.cause?.code, inMessage].find((c) => c !== undefined && NETWORK_CODES.has(c)) ?? (e?.name === 'TimeoutError' ? 'timeout' : undefined);
  if (network) return `cannot reach AWS (${network}: ${e.message}); AWS did not answer, so nothing was refused: check the network, DNS, proxy (HTTPS_PROXY) and any AWS_ENDPOINT_URL_* settings, then rerun`;
  if (e?.name === 'CredentialsProviderError' || e?.name === 'ExpiredTokenException') {
    return `no usable AWS credentials (${e.message}); sign in (AWS_PROFILE, SSO, environment) for the account the blueprint names, then rerun`;
  }
  if (e?.$metadata) {
    const status = e.$metadata.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode}${e.$metadata.requestId ? `, request ${e.$metadata.requestId}` : ''})` : '';
    const hint = e.name === 'AccessDenied' || e.name === 'AccessDeniedException' ? '; the credentials (or the assumed role) lack a permission this command needs' : '';
    return `AWS refused a call: ${e.name}: ${e.message}${status}${hint}`;
  }
  return undefined;
}

/** Node's codes for a connection that never got an answer. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
