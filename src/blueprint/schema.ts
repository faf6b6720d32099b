import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schemas/blueprint.schema.json';
import { explainPattern } from './patterns';
import { didYouMean, suggest, type Issue, type ModelPath } from './findings';

export { schema };

let compiled: ValidateFunction | undefined;

/**
 * The schema's `default` of a property of one of its definitions (`$defs`), for the places that
 * fill a value the loader could not (an entry lustreform adds itself), so a default lives only in
 * the schema. Throws when the schema has none: a bug, caught by the tests.
 */
export function schemaDefault<T>(definition: string, property: string): T {
  const defs = schema.$defs as Record<string, { properties?: Record<string, { default?: unknown }> }>;
  const value = defs[definition]?.properties?.[property]?.default;
  if (value === undefined) throw new Error(`the schema has no default for ${definition}.${property}`);
  return value as T;
}

/** The blueprint validator, compiled once per process. It fills the schema's defaults into the data it checks. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true, verbose: true });
    addFormats(ajv, ['email']);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Checks `data` against schemas/blueprint.schema.json. Returns the data with the schema's defaults
 * filled in (a copy; the input is untouched) and one issue per problem, in the user's words.
 */
export function checkSchema(data: unknown): { data: unknown; issues: Issue[]; repairs: Repair[] } {
  const copy = data === undefined ? undefined : structuredClone(data);
  const validate = validator();
  if (validate(copy)) return { data: copy, issues: [], repairs: [] };
  const collapsed = toIssues(validate.errors ?? []);
  return { data: copy, issues: collapsed.map((c) => c.issue), repairs: collapsed.map((c) => c.repair) };
}

/**
 * How to take one schema problem out of the data so the rest can still be checked (see
 * src/blueprint/salvage.ts): `remove` the offending key or value (`taint`: rules that read it stay
 * quiet; `also`: a property a misspelt key probably meant, quiet too), `fill` a missing required
 * key with a placeholder rules never see, or `drop` the object holding the problem.
 */
export type Repair =
  | { kind: 'remove'; path: ModelPath; taint: boolean; also?: ModelPath }
  | { kind: 'fill'; path: ModelPath; value: unknown }
  | { kind: 'drop'; path: ModelPath };

/** ajv's error objects, collapsed (one per problem, anyOf reduced to the branch the value meant) and worded for users. */
function toIssues(errors: ErrorObject[]): { issue: Issue; repair: Repair }[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const issues: { issue: Issue; repair: Repair }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const branchOf = anyOfs.find((a) => within(a, e));
    if (branchOf && !branchMatchesValue(branchOf, e)) continue;
    if (e.keyword === 'anyOf' && errors.some((x) => within(e, x) && branchMatchesValue(e, x))) continue;
    if (e.keyword === 'propertyNames') continue; // reported through its nested error, which names the key
    const issue = toIssue(e);
    const key = `${issue.id}|${issue.path.join('/')}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ issue, repair: repairOf(e, issue) });
    }
  }
  return issues;
}

/** The repair of one problem; see `Repair`. */
function repairOf(e: ErrorObject, issue: Issue): Repair {
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(issue.path.at(-1));
    const meant = suggest(key, Object.keys((parent.properties as object) ?? {}));
    const holder = e.data as Record<string, unknown>;
    return { kind: 'remove', path: issue.path, taint: false, also: meant !== undefined && !(meant in holder) ? [...issue.path.slice(0, -1), meant] : undefined };
  }
  if (issue.atKey) return { kind: 'remove', path: issue.path, taint: false }; // an invalid key name
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    const value = placeholder(resolve((parent.properties as Record<string, unknown> | undefined)?.[missing]), issue.path.length === 0 ? missing : undefined);
    return value === undefined ? { kind: 'drop', path: issue.path } : { kind: 'fill', path: [...issue.path, missing], value };
  }
  return { kind: 'remove', path: issue.path, taint: true };
}

/** A subschema, through its `$ref` into `$defs`. */
function resolve(sub: unknown): Record<string, unknown> | undefined {
  const s = sub as Record<string, unknown> | undefined;
  const ref = typeof s?.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1] : undefined;
  return ref ? resolve((schema.$defs as Record<string, unknown>)[ref]) : s;
}

/** A value that passes a required property's subschema, for an object checked on without it; undefined when none is known. */
function placeholder(sub: Record<string, unknown> | undefined, rootKey: string | undefined): unknown {
  if (!sub) return undefined;
  if (Array.isArray(sub.enum)) return sub.enum[0];
  if ('const' in sub) return sub.const;
  if (sub.default !== undefined) return sub.default;
  if (rootKey === 'name') return 'blueprint'; // the blueprint's name: everything else still checks
  return undefined;
}

/** True when `e` comes from a branch of `anyOf` for the same value. */
const within = (anyOf: ErrorObject, e: ErrorObject) =>
  e !== anyOf && e.schemaPath.startsWith(`${anyOf.schemaPath}/`) && (e.instancePath === anyOf.instancePath || e.instancePath.startsWith(`${anyOf.instancePath}/`));

/** True when the anyOf branch that produced `e` is the one for the value's JSON type. */
function branchMatchesValue(anyOf: ErrorObject, e: ErrorObject): boolean {
  const rest = e.schemaPath.slice(anyOf.schemaPath.length + 1);
  const index = Number(rest.split('/')[0]);
  const branch = (anyOf.schema as Record<string, unknown>[])[index];
  const value = anyOf.data;
  if (branch.type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(branch.enum)) return typeof value === 'string';
  return false;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  return String(v);
}

function typeWord(t: unknown): string {
  const words: Record<string, string> = { object: 'a map', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false' };
  return Array.isArray(t) ? t.map(typeWord).join(' or ') : (words[String(t)] ?? String(t));
}

function toIssue(e: ErrorObject): Issue {
  const path: ModelPath = pointerToPath(e.instancePath);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const hint = typeof parent.description === 'string' ? ` (${parent.description})` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((parent.properties as object) ?? {});
      return {
        id: 'SCH001',
        severity: 'error',
        path: [...path, key],
        atKey: true,
        message: `unknown key '${key}'${didYouMean(key, known)}${known.length ? `; allowed here: ${known.join(', ')}` : ''}`,
      };
    }
    case 'required':
      return { id: 'SCH002', severity: 'error', path, message: `missing required key '${String(p.missingProperty)}'` };
    case 'type':
      return { id: 'SCH003', severity: 'error', path, message: `must be ${typeWord(p.type)}, got ${describeValue(e.data)}${hint}` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map((v) => String(v));
      // `lustreVersion: 2.10` unquoted is the number 2.1 to YAML.
      const meant = typeof e.data === 'number' ? allowed.find((v) => Number(v) === e.data) : undefined;
      if (meant !== undefined) {
        return { id: 'SCH004', severity: 'error', path, message: `quote it: "${meant}". Unquoted, YAML reads ${meant} as the number ${String(e.data)}; allowed: ${allowed.map((v) => `"${v}"`).join(', ')}` };
      }
      return {
        id: 'SCH004',
        severity: 'error',
        path,
        message: `must be one of ${allowed.join(', ')}; got ${describeValue(e.data)}${didYouMean(String(e.data), allowed)}`,
      };
    }
    case 'const':
      return { id: 'SCH004', severity: 'error', path, message: `must be ${JSON.stringify(p.allowedValue)}; got ${describeValue(e.data)}` };
    case 'anyOf':
      return { id: 'SCH004', severity: 'error', path, message: `got ${describeValue(e.data)}, which is not allowed here${hint}` };
    case 'pattern':
    case 'format':
      if (e.propertyName !== undefined) {
        return { id: 'SCH001', severity: 'error', path: [...path, e.propertyName], atKey: true, message: `'${e.propertyName}' is not a valid key: a letter first, then letters, digits, - or _, at most 32 characters` };
      }
      {
        const why = explainPattern(String(p.pattern ?? ''), e.data);
        return { id: 'SCH004', severity: 'error', path, message: `${describeValue(e.data)} is not valid${why ? `: ${why}` : hint || ` (${e.message})`}` };
      }
    default:
      if (e.propertyName !== undefined) {
        return { id: 'SCH001', severity: 'error', path: [...path, e.propertyName], atKey: true, message: `'${e.propertyName}' is not a valid key: ${e.message}` };
      }
      return { id: 'SCH004', severity: 'error', path, message: `${describeValue(e.data)}: ${e.message}${hint}` };
  }
}
