/**
 * Rules on a blueprint with schema errors: every part the errors do not touch is still checked, so
 * a user sees every mistake in one run. The schema's problems are taken out of the data (an unknown
 * key removed, a value of the wrong type or outside its enum removed, a missing required key filled
 * with a placeholder, an object that cannot be built dropped) until it passes; the values taken out
 * are *tainted*: a rule that reads one throws `Tainted`, and runs again without the object holding
 * it, so rules that need a value the user got wrong stay quiet about that object and no finding
 * exists only because of another. An object dropped this way is still declared: references to it
 * are not reported (normalize's `written`). List items taken out keep their place in findings:
 * paths are mapped back to the indexes of the file (`original`).
 */
import { pathToString, type ModelPath } from './findings';
import type { Blueprint } from './model';
import { buildModel } from './normalize';
import type { LoadedBlueprint } from './raw';
import { checkSchema, type Repair } from './schema';

/** Thrown by a tainted value when a rule reads it; `at` is the model object holding the value. */
export class Tainted {
  // Not an Error: thrown often, and a stack trace would cost more than the rule.
  constructor(readonly at: ModelPath) {}

  get message(): string {
    return `read a value with a schema error in ${pathToString(this.at)}`;
  }
}

/** Top-level maps of objects by key: an entry taken out is gone, not tainted. */
const SECTION_MAPS = new Set(['accounts', 'sites', 'buckets', 'fileSystems', 'backupPlans']);
/** Lists whose items are objects of their own in the model: an item taken out is gone, not tainted. */
const ENTITY_LISTS = new Set(['replication', 'archiveRestore', 'recovery', 'acknowledge', 'repositories', 'lifecycle', 'copyTo']);
/** Model property names of a blueprint key where they differ. */
const ALIASES: Record<string, string[]> = { path: ['fileSystemPath', 'findingPath'], versioning: ['versioning', 'versioningDeclared'] };

type Container = Record<string | number, unknown>;
const key = (path: ModelPath) => JSON.stringify(path);
const isContainer = (x: unknown): x is Container => x !== null && typeof x === 'object';

function at(data: unknown, path: ModelPath): unknown {
  let node = data;
  for (const seg of path) node = isContainer(node) ? node[seg] : undefined;
  return node;
}

/** An entity (an object the model holds by itself) a path is in, or undefined at the root. */
export function entityOf(path: ModelPath): ModelPath | undefined {
  for (let n = path.length; n >= 2; n--) {
    const p = path.slice(0, n);
    if (n === 2 && SECTION_MAPS.has(String(p[0]))) return p;
    if (typeof p[n - 1] === 'number' && ENTITY_LISTS.has(String(p[n - 2]))) return p;
  }
  return undefined;
}

/** Blueprint data with schema problems taken out; see the file's comment. */
export class Salvaged {
  constructor(
    readonly data: unknown,
    /** By list (its path in the file), the indexes of the file's items taken out. */
    private readonly removed: ReadonlyMap<string, readonly number[]> = new Map(),
    /** Paths in the file whose values rules must not read. */
    readonly tainted: readonly ModelPath[] = [],
  ) {}

  /** The path in the file of a path into the data (list items taken out shift the indexes). */
  original(path: ModelPath): ModelPath {
    const out: (string | number)[] = [];
    for (const seg of path) {
      if (typeof seg === 'number') {
        let i = seg;
        for (const r of this.removed.get(key(out)) ?? []) if (r <= i) i++;
        out.push(i);
      } else out.push(seg);
    }
    return out;
  }

  /** A copy without the value at `path` (a path into the data), tainted unless it is a whole entity. */
  without(path: ModelPath, taint = true, copy = true): Salvaged {
    const data = copy ? structuredClone(this.data) : this.data;
    const removed = new Map(this.removed);
    const tainted = [...this.tainted];
    const parent = at(data, path.slice(0, -1));
    const last = path.at(-1);
    if (!isContainer(parent) || last === undefined || !(last in parent)) return this;
    const file = this.original(path);
    if (Array.isArray(parent)) {
      parent.splice(Number(last), 1);
      const list = key(file.slice(0, -1));
      removed.set(list, [...(removed.get(list) ?? []), Number(file.at(-1))].sort((a, b) => a - b));
      // A scalar taken out of a list (an event, a group id) changes what the list says: the list is tainted.
      if (taint && !ENTITY_LISTS.has(String(path.at(-2)))) tainted.push(file.slice(0, -1));
    } else {
      delete parent[last];
      if (taint && !(path.length === 2 && SECTION_MAPS.has(String(path[0])))) tainted.push(file);
    }
    return new Salvaged(data, removed, tainted);
  }

  withTaint(path: ModelPath): Salvaged {
    return new Salvaged(this.data, this.removed, [...this.tainted, this.original(path)]);
  }

  withData(data: unknown): Salvaged {
    return new Salvaged(data, this.removed, this.tainted);
  }

  /** Applies one round of repairs (paths into this data); undefined when the root itself is at fault. */
  repaired(repairs: readonly Repair[]): Salvaged | undefined {
    let state: Salvaged = this.withData(structuredClone(this.data)); // one copy, changed in place
    // Indexes move as list items go: a later repair's path is taken through the file's indexes.
    const pending = repairs.map((r) => ({ r, file: this.original(r.path) }));
    const current = (file: ModelPath): ModelPath | undefined => {
      const out: (string | number)[] = [];
      for (let i = 0; i < file.length; i++) {
        const seg = file[i];
        if (typeof seg !== 'number') {
          out.push(seg);
          continue;
        }
        const gone = state.removed.get(key(file.slice(0, i))) ?? [];
        if (gone.includes(seg)) return undefined;
        out.push(seg - gone.filter((g) => g < seg).length);
      }
      return out;
    };
    for (const { r, file } of pending) {
      const path = current(file);
      if (!path) continue; // inside something already taken out
      if (r.kind === 'fill') {
        const holder = at(state.data, path.slice(0, -1));
        if (!isContainer(holder)) continue;
        holder[path.at(-1) as string] = r.value;
        state = state.withTaint(path);
        continue;
      }
      if (path.length === 0) return undefined;
      state = state.without(path, r.kind === 'drop' || r.taint, false);
      if (r.kind === 'remove' && r.also) {
        const also = current(this.original(r.also));
        if (also) state = state.withTaint(also);
      }
    }
    return state;
  }
}

/**
 * The blueprint as written, with its schema problems (the repairs of the first check) taken out,
 * re-checked until it passes (defaults filled); undefined when that is impossible (the root, or
 * `version`, `name` or `sites` themselves at fault).
 */
export function salvage(written: unknown, repairs: readonly Repair[]): Salvaged | undefined {
  let state: Salvaged | undefined = new Salvaged(structuredClone(written));
  let next = repairs;
  for (let round = 0; round < 30 && state; round++) {
    state = state.repaired(next);
    if (!state) return undefined;
    const check = checkSchema(state.data);
    if (!check.issues.length) return state.withData(check.data);
    next = check.repairs;
  }
  return undefined;
}

/** Every object of the model that knows its path, by its path in the file; the model itself at the root. */
function located(model: Blueprint, s: Salvaged): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>([[key([]), model as unknown as Record<string, unknown>]]);
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    if (!isContainer(x) || seen.has(x)) return;
    seen.add(x);
    if (x instanceof Map) return [...x.values()].forEach(walk);
    if (Array.isArray(x)) return x.forEach(walk);
    if (Array.isArray(x.path) && x !== (model as unknown)) out.set(key(s.original(x.path as ModelPath)), x);
    for (const [k, v] of Object.entries(x)) if (k !== 'path') walk(v);
  };
  walk(model);
  return out;
}

function taint(obj: Record<string, unknown>, prop: string, holder: ModelPath): void {
  for (const name of ALIASES[prop] ?? [prop]) {
    if (name === 'path') continue;
    Object.defineProperty(obj, name, {
      configurable: true,
      enumerable: true,
      get() {
        throw new Tainted(holder);
      },
    });
  }
}

/** The model of salvaged data, its tainted values throwing `Tainted` when read. */
export function salvagedModel(file: string, s: Salvaged, written: unknown): Blueprint {
  const declared = isContainer(written) && !Array.isArray(written) ? (written as Partial<LoadedBlueprint>) : {};
  const model = buildModel(file, s.data as LoadedBlueprint, declared);
  const objects = located(model, s);
  // Default bucket names are made of the blueprint's name.
  if (s.tainted.some((t) => t.length === 1 && t[0] === 'name')) for (const b of model.buckets.values()) if (!b.nameGiven) taint(b as unknown as Record<string, unknown>, 'name', b.path);
  for (const t of s.tainted) {
    // Inside an entity taken out (for a rule that read it): nothing left to taint.
    const floor = entityOf(t)?.length ?? 0;
    for (let n = t.length - 1; n >= floor; n--) {
      const obj = objects.get(key(t.slice(0, n)));
      if (!obj) continue;
      taint(obj, String(t[n]), n === 0 ? [] : (obj.path as ModelPath));
      break;
    }
  }
  return model;
}
