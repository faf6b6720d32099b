import { readFileSync } from 'node:fs';
import { RULES } from '../rules';
import { UserError } from '../blueprint/errors';
import { compareFindings, hasErrors, pathToString, type Finding, type Issue, type Severity } from '../blueprint/findings';
import type { Blueprint } from '../blueprint/model';
import { buildModel } from '../blueprint/normalize';
import type { LoadedBlueprint } from '../blueprint/raw';
import { checkSchema } from '../blueprint/schema';
import { parseSource, type Source } from '../blueprint/source';
import { RUN_TRIGGER_SOURCES_MAX, tooManyTriggerSources } from '../plan/cloud';
import { planBlueprint } from '../plan/plan';
import { entityOf, salvage, salvagedModel, Tainted, type Salvaged } from '../blueprint/salvage';

/** Findings reported by the pipeline's stages rather than by semantic rules; listed by `lustreform rules`. */
export const STAGE_CHECKS: readonly { id: string; severity: Severity; summary: string }[] = [
  { id: 'YML001', severity: 'error', summary: 'The file is not valid YAML.' },
  { id: 'YML002', severity: 'error', summary: 'A key appears twice in the same map.' },
  { id: 'YML003', severity: 'error', summary: 'Tabs used for indentation (YAML allows spaces only).' },
  { id: 'YML004', severity: 'error', summary: 'A key or list item is indented out of line with its siblings, or deeper than a key that already has a value.' },
  { id: 'SCH001', severity: 'error', summary: 'An unknown key (a typo, or a key in the wrong place), or an invalid key name.' },
  { id: 'SCH002', severity: 'error', summary: 'A required key is missing.' },
  { id: 'SCH003', severity: 'error', summary: 'A value has the wrong type (a list for a map, a string for a number...).' },
  { id: 'SCH004', severity: 'error', summary: 'A value is not allowed (enum, pattern, range, format).' },
  { id: 'ACK001', severity: 'warning', summary: 'An acknowledgement matches no warning (the warning is gone, or its id or path has a typo); remove or fix it.' },
  { id: 'ACK002', severity: 'error', summary: 'An acknowledgement names an error; only warnings can be acknowledged.' },
  { id: 'TFC001', severity: 'error', summary: `With manageWorkspaces, a stack waits for more than ${RUN_TRIGGER_SOURCES_MAX} stacks: a Terraform Cloud workspace takes at most ${RUN_TRIGGER_SOURCES_MAX} run-trigger sources, so its runs could not follow the deploy order.` },
  { id: 'INT001', severity: 'error', summary: 'lustreform failed on this input: a bug; please report it with the blueprint.' },
];

export interface Validation {
  findings: Finding[];
  /** The model, when there are no errors. */
  model?: Blueprint;
}

/** Reads and validates a blueprint file: YAML, then schema, then model and rules; findings name it `shownAs` (default: its path). */
export function validateFile(file: string, shownAs = file): Validation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UserError(`cannot read blueprint ${file}: ${why}. Pass one with -b FILE or set LUSTREFORM_BLUEPRINT.`);
  }
  return validateText(shownAs, text);
}

/** Validates blueprint text; never throws on any input. */
export function validateText(file: string, text: string): Validation {
  const source = parseSource(file, text);
  if (hasErrors(source.findings)) return { findings: sorted(source.findings) };
  const place = (issues: Issue[]) => issues.map((i) => locate(source, i));
  try {
    if (source.data === undefined || source.data === null) {
      return { findings: sorted([...source.findings, locate(source, { id: 'SCH003', severity: 'error', path: [], message: 'the blueprint is empty; start from blueprints/quickstart.yaml' })]) };
    }
    const schema = checkSchema(source.data);
    if (schema.issues.length) {
      // Rules still run on every part the schema errors do not touch (src/blueprint/salvage.ts).
      const salvaged = salvage(source.data, schema.repairs);
      if (!salvaged) return { findings: sorted([...source.findings, ...place(schema.issues)]) };
      const model = salvagedModel(file, salvaged, source.data);
      const found = [...source.findings, ...place(schema.issues), ...place(runSalvagedRules(file, salvaged, source.data, model))];
      return { findings: sorted(acknowledge(model, found, (i) => locate(source, i))) };
    }
    const model = buildModel(file, schema.data as LoadedBlueprint); // schema-valid, defaults filled
    const ruled = place(runRules(model));
    const planned = hasErrors(ruled) ? [] : place(planChecks(model));
    const findings = acknowledge(model, [...source.findings, ...ruled, ...planned], (i) => locate(source, i));
    return { findings: sorted(findings), model: hasErrors(findings) ? undefined : model };
  } catch (err) {
    return { findings: sorted([...source.findings, locate(source, internal(`validation failed: ${(err as Error).message}`))]) };
  }
}

/** Runs every semantic rule; a rule that throws becomes an INT001 finding instead of a crash. */
export function runRules(model: Blueprint): Issue[] {
  return RULES.flatMap((rule) => {
    try {
      return rule.check(model).map((h) => ({ id: rule.id, severity: rule.severity, path: h.path, message: h.message, atKey: h.atKey }));
    } catch (err) {
      return [internal(`rule ${rule.id} failed: ${(err as Error).message}`)];
    }
  });
}

/**
 * Checks of what the plan decides (it is only planned for a blueprint the rules pass): TFC001,
 * a workspace's run-trigger sources, which are the stacks its stack waits for.
 */
function planChecks(model: Blueprint): Issue[] {
  if (model.state.backend !== 'cloud' || !model.state.manageWorkspaces) return [];
  return tooManyTriggerSources(planBlueprint(model).stacks).map(({ stack, sources }) => ({
    id: 'TFC001',
    severity: 'error',
    path: ['state', 'manageWorkspaces'],
    message: `stack ${stack} waits for ${sources.length} stacks (${sources.join(', ')}), but a Terraform Cloud workspace takes at most ${RUN_TRIGGER_SOURCES_MAX} run-trigger sources: have its site read or copy to buckets of fewer sites (or split the blueprint), or set manageWorkspaces: false and order its runs yourself (lustreform stacks prints the order)`,
  }));
}

/**
 * Every semantic rule on salvaged data: a rule that reads a value with a schema error runs again
 * without the object holding it (so it stays quiet about that object); paths are the file's.
 */
function runSalvagedRules(file: string, base: Salvaged, written: unknown, baseModel: Blueprint): Issue[] {
  // Rules that read the same tainted objects run on the same model without them: built once.
  const models = new Map<string, { state: Salvaged; model: Blueprint }>([['', { state: base, model: baseModel }]]);
  return RULES.flatMap((rule) => {
    let state = base;
    let model = baseModel;
    let dropped = '';
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        return rule.check(model).map((h) => ({ id: rule.id, severity: rule.severity, path: state.original(h.path), message: h.message, atKey: h.atKey }));
      } catch (err) {
        if (!(err instanceof Tainted)) return [internal(`rule ${rule.id} failed: ${(err as Error).message}`)];
        const entity = entityOf(err.at);
        if (!entity) return []; // needs a blueprint-wide value the user got wrong
        dropped += `|${JSON.stringify(entity)}`;
        let known = models.get(dropped);
        if (!known) {
          const without = state.without(entity, false);
          known = { state: without, model: salvagedModel(file, without, written) };
          models.set(dropped, known);
        }
        ({ state, model } = known);
      }
    }
    return [];
  });
}

/**
 * Marks the warnings the blueprint acknowledges (same id, same printed path) with their reason,
 * and reports acknowledgements that name an error (ACK002) or match nothing (ACK001).
 */
function acknowledge(model: Blueprint, findings: Finding[], place: (i: Issue) => Finding): Finding[] {
  const extra: Finding[] = [];
  const marked = findings.map((f) => ({ ...f }));
  for (const a of readable(() => model.acknowledge) ?? []) {
    if (readable(() => [a.id, a.findingPath, a.reason]) === undefined) continue; // a schema error of its own
    const hits = marked.filter((f) => f.id === a.id && f.path === a.findingPath);
    const at = [...a.path, 'path'];
    if (hits.some((f) => f.severity === 'error')) extra.push(place({ id: 'ACK002', severity: 'error', path: at, message: `${a.id} at ${a.findingPath} is an error; errors cannot be acknowledged, fix the blueprint instead` }));
    // With errors, objects may be left out and their warnings missing: a stale acknowledgement then says nothing.
    else if (!hits.length && !hasErrors(findings)) {
      const near = marked.filter((f) => f.id === a.id && f.severity === 'warning').map((f) => f.path);
      extra.push(place({ id: 'ACK001', severity: 'warning', path: at, message: `no ${a.id} warning at ${a.findingPath}${near.length ? `; ${a.id} warns at ${near.join(', ')}` : ''}; remove the acknowledgement or fix its id or path` }));
    } else for (const f of hits) f.acknowledged = a.reason;
  }
  return [...marked, ...extra];
}

/** A value of a salvaged model, or undefined when reading it meets a schema error. */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof Tainted) return undefined;
    throw err;
  }
}

const internal = (message: string): Issue => ({ id: 'INT001', severity: 'error', path: [], message: `${message}; this is a lustreform bug, please report it` });

function locate(source: Source, issue: Issue): Finding {
  const { line, col } = source.locate(issue.path, issue.atKey);
  return { file: source.file, line, col, severity: issue.severity, id: issue.id, path: pathToString(issue.path), message: issue.message };
}

const sorted = (findings: Finding[]) => [...findings].sort(compareFindings);
