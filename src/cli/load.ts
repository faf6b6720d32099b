import { counted, formatFinding, hasErrors } from '../blueprint/findings';
import type { Blueprint } from '../blueprint/model';
import { blueprintPath, type Io } from './io';
import { validateFile } from '../pipeline/validate';

/**
 * The validated model of the command's blueprint. Findings go to stderr; on errors it returns
 * undefined and the command exits 2 having written nothing.
 */
export function loadModel(option: string | undefined, io: Io): Blueprint | undefined {
  const { findings, model } = validateFile(blueprintPath(option));
  // Acknowledged warnings are listed by validate, not repeated by every command.
  const shown = counted(findings);
  if (shown.length) io.err(shown.map(formatFinding).join('\n'));
  return hasErrors(findings) ? undefined : model;
}
