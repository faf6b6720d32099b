import { counted, formatFinding, hasErrors } from '../blueprint/findings';
import type { Blueprint } from '../blueprint/model';
import { blueprintPath, type Io } from './io';
import { validateFile } from '../pipeline/validate';

/**
 * The validated model of the command's blueprint. Findings go to stderr; on errors it returns
 * undefined and the command exits 2 having written nothing.
 */
export function loadModel(option: string | undefined, io: Io, shownAs?: string): Blueprint | undefined {
  const path = blueprintPath(option);
  const { findings, model } = validateFile(path, shownAs ?? path);
  // Acknowledged warnings are listed by validate, not repeated by every command; and a command that
  // reads a blueprint twice (diff, stacks --changed-since: as it is and as it was) says each once.
  const seen = printed.get(io) ?? new Set<string>();
  printed.set(io, seen);
  const shown = counted(findings).filter((f) => {
    const key = `${f.severity} ${f.id} ${f.path}: ${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (shown.length) io.err(shown.map(formatFinding).join('\n'));
  return hasErrors(findings) ? undefined : model;
}

/** The findings each command's output has printed already. */
const printed = new WeakMap<Io, Set<string>>();
