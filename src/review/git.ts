/**
 * A blueprint as it was at a git ref, for `diff --git` and `stacks --changed-since`. A blueprint
 * that did not exist at the ref (new in a pull request) is `undefined`, not an error: every
 * resource is then new. A ref git does not know is an error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { UserError } from '../blueprint/errors';

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const stderrOf = (err: unknown) => String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();

/** How findings name a blueprint read at a ref: `<ref>:<path>`, as git names it, never the temporary file. */
export const refName = (ref: string, file: string): string => `${ref}:${relative(process.cwd(), resolve(file)).split('\\').join('/')}`;

/** The file at `ref` written to a temporary file, or undefined when the ref has no such file. */
export function blueprintAtRef(ref: string, file: string): string | undefined {
  try {
    git('rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`);
  } catch (err) {
    throw new UserError(`git ref '${ref}' is not a commit in this repository${stderrOf(err) ? ` (${stderrOf(err)})` : ''}; fetch it first (actions/checkout needs fetch-depth: 0) or name another ref`);
  }
  // `<ref>:./<path>` is relative to the working directory, as the -b path is.
  const spec = `${ref}:./${relative(process.cwd(), resolve(file)).split('\\').join('/')}`;
  try {
    git('cat-file', '-e', spec);
  } catch {
    return undefined;
  }
  const out = join(mkdtempSync(join(tmpdir(), 'lustreform-ref-')), basename(file));
  try {
    writeFileSync(out, git('show', spec));
  } catch (err) {
    throw new UserError(`cannot read ${file} at git ref '${ref}': ${stderrOf(err)}`);
  }
  return out;
}
