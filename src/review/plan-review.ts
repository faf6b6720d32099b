/**
 * `lustreform review PLAN.json...`: a pull-request comment from `terraform show -json` plans (one
 * per stack): counts per stack, the dangerous changes first (in words), what the runner does after
 * apply, and every change folded away. Stays under GitHub's comment size.
 */
import type { PlannedResourceChange, TerraformPlan } from './json';
import { basename } from 'node:path';
import { pathToString } from '../blueprint/findings';
import type { Blueprint } from '../blueprint/model';
import { dangerOf as changeDanger } from './destructive';
import { planBlueprint, stacksOf } from '../plan/plan';

export interface PlanFile {
  stack: string;
  plan: TerraformPlan;
  /** Where the plan came from when it is a Terraform Cloud run's (`review --tfc`). */
  run?: RunRef;
}

/** The Terraform Cloud run a plan was read from. */
export interface RunRef {
  id: string;
  /** The run's page in the Terraform Cloud / Enterprise UI. */
  url: string;
  /** A destroy run: its plan deletes everything in the workspace. */
  destroy: boolean;
  /** Newer runs passed over because they never produced a plan (canceled, discarded before planning). */
  newerWithoutPlan: number;
}

/** A stack with no plan to review (`review --tfc`): no workspace or run yet, still planning, errored. */
export interface NotPlanned {
  stack: string;
  reason: string;
  /** The run that has no plan, when there is one. */
  run?: string;
  url?: string;
}

export interface PlannedChange {
  stack: string;
  address: string;
  type: string;
  actions: string[];
  kind: 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'read';
  /** For a replacement: the attributes whose change forces it (the plan's replace_paths). */
  replacedBecause?: string[];
}

export interface Danger {
  stack: string;
  address: string;
  reason: string;
  replacedBecause?: string[];
  allowedBy?: string;
  /** For a bucket or file system destroyed or replaced: what its `protect` does about it. */
  protection?: string;
}

/** `protect` of the blueprint's buckets and file systems, by `<stack>/<address>`, as planned. */
function protections(model: Blueprint): Map<string, { protect: boolean; what: string }> {
  const out = new Map<string, { protect: boolean; what: string }>();
  const plan = planBlueprint(model);
  for (const s of stacksOf(plan, 'storage')) for (const b of s.buckets) if (!b.adopt) out.set(`${s.name}/aws_s3_bucket.${b.key}`, { protect: b.protect, what: `buckets.${b.key}` });
  for (const s of stacksOf(plan, 'lustre')) for (const f of s.fileSystems) out.set(`${s.name}/aws_fsx_lustre_file_system.${f.key}`, { protect: f.protect, what: `fileSystems.${f.key}` });
  return out;
}

const PROTECTABLE = new Set(['aws_s3_bucket', 'aws_fsx_lustre_file_system']);

/** What `protect` does about a destroy or replacement of a bucket or file system, in words. */
function protectionOf(stack: string, rc: PlannedResourceChange, known: Map<string, { protect: boolean; what: string }> | undefined): string | undefined {
  const kind = kindOf(rc.change?.actions ?? []);
  if (!known || !PROTECTABLE.has(rc.type) || (kind !== 'delete' && kind !== 'replace')) return undefined;
  const p = known.get(`${stack}/${rc.address}`);
  if (!p) return 'not in the blueprint any more: `protect` cannot stop this destroy (Terraform destroys what its configuration no longer has)';
  if (p.protect) return `protected (\`${p.what}.protect\` is true): Terraform refuses this (prevent_destroy), so the apply fails until the blueprint says \`protect: false\``;
  return `not protected: \`${p.what}.protect\` is false`;
}

/** GitHub refuses comments over 65,536 characters; keep a margin. */
export const COMMENT_LIMIT = 60_000;

const kindOf = (actions: string[]): PlannedChange['kind'] => {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  return (actions[0] ?? 'no-op') as PlannedChange['kind'];
};

/** The stack a plan file belongs to: its file name without .json / .plan.json / .tfplan.json. */
export const stackOfFile = (file: string): string => basename(file).replace(/(\.tfplan|\.plan)?\.json$/, '');

/** The attribute paths whose change forces a replacement, from the plan's `replace_paths`. */
export function replacedBecause(rc: PlannedResourceChange): string[] | undefined {
  if (kindOf(rc.change?.actions ?? []) !== 'replace') return undefined;
  const paths: unknown[] = Array.isArray(rc.change?.replace_paths) ? rc.change.replace_paths : [];
  return [...new Set(paths.filter(Array.isArray).map((p) => pathToString(p as (string | number)[])))];
}

/** "because deployment_type changes", "because a and b change", or '' when the plan does not say. */
export function becauseText(paths: string[] | undefined): string {
  if (!paths?.length) return '';
  const names = paths.map((p) => `\`${p}\``);
  return `replaced because ${names.length === 1 ? `${names[0]} changes` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} change`}`;
}

export function changesOf(files: PlanFile[]): PlannedChange[] {
  return files.flatMap(({ stack, plan }) =>
    (plan.resource_changes ?? [])
      .filter((rc) => rc.mode !== 'data')
      .map((rc) => ({ stack, address: rc.address, type: rc.type, actions: rc.change?.actions ?? [], kind: kindOf(rc.change?.actions ?? []), replacedBecause: replacedBecause(rc) })),
  );
}

/** Why a planned change is dangerous, or undefined. */
export function dangerOf(rc: PlannedResourceChange): string | undefined {
  const kind = kindOf(rc.change?.actions ?? []);
  if (kind === 'no-op' || kind === 'read') return undefined;
  return changeDanger({ type: rc.type, name: rc.name ?? rc.address, kind, before: rc.change?.before, after: rc.change?.after });
}

/** `*` matches any run of characters, `?` one; a pattern matches an address or `<stack>/<address>`. */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(text);
}

export function dangers(files: PlanFile[], allow: string[], model?: Blueprint): Danger[] {
  const known = model ? protections(model) : undefined;
  return files.flatMap(({ stack, plan }) =>
    (plan.resource_changes ?? []).flatMap((rc) => {
      if (rc.mode === 'data') return [];
      const reason = dangerOf(rc);
      if (!reason) return [];
      const allowedBy = allow.find((p) => globMatch(p, rc.address) || globMatch(p, `${stack}/${rc.address}`));
      const protection = protectionOf(stack, rc, known);
      return [{ stack, address: rc.address, reason, replacedBecause: replacedBecause(rc), allowedBy, ...(protection ? { protection } : {}) }];
    }),
  );
}

/** What the runner does around this apply, from the blueprint and the plan. */
export function runnerActions(model: Blueprint | undefined, changes: PlannedChange[]): string[] {
  if (!model) return [];
  const touched = (type: string, kinds: string[]) => changes.some((c) => c.type === type && kinds.includes(c.kind));
  const out: string[] = [];
  // The steps name the blueprint the review was given, so they run as written.
  const b = /^[\w./@:+-]+$/.test(model.file) ? model.file : `'${model.file.replace(/'/g, `'\\''`)}'`;
  if (touched('aws_fsx_lustre_file_system', ['delete', 'replace'])) out.push(`before apply: \`lustreform export -b ${b} --wait\` so nothing written on a file system that is going away is lost`);
  const repos = [...model.fileSystems.values()].flatMap((f) => f.repositories);
  if (touched('aws_fsx_data_repository_association', ['create', 'replace']) && repos.some((r) => r.preload !== 'none')) out.push(`after apply: \`lustreform import -b ${b} --wait\` (metadata of repositories with preload)`);
  if (touched('aws_fsx_data_repository_association', ['create', 'replace']) && repos.some((r) => r.preload === 'content')) out.push(`then on a Lustre client: \`lustreform hydrate -b ${b} --mount <dir>\` (contents of preload: content repositories)`);
  if (touched('aws_s3_bucket_replication_configuration', ['create', 'replace']) && model.replication.some((e) => e.existingObjects === 'batch')) out.push(`after apply: \`lustreform replicate-existing -b ${b} --wait\` (objects that existed before the rules)`);
  if (out.length) out.push(`finally: \`lustreform verify -b ${b}\``);
  return out;
}

/** The review as data: what `--format json` prints and the Markdown renders. */
export interface Review {
  blocked: boolean;
  stacks: { stack: string; create: number; update: number; delete: number; replace: number; run?: RunRef }[];
  /** Stacks asked for that have no plan, so none of their changes is reviewed here. */
  notPlanned: NotPlanned[];
  dangers: Danger[];
  runnerSteps: string[];
  changes: PlannedChange[];
}

export function review(files: PlanFile[], allow: string[], model?: Blueprint, notPlanned: NotPlanned[] = []): Review {
  const all = changesOf(files);
  const found = dangers(files, allow, model);
  const count = (stack: string, kind: string) => all.filter((c) => c.stack === stack && c.kind === kind).length;
  return {
    blocked: found.some((d) => !d.allowedBy),
    stacks: files.map((f) => ({ stack: f.stack, create: count(f.stack, 'create'), update: count(f.stack, 'update'), delete: count(f.stack, 'delete'), replace: count(f.stack, 'replace'), ...(f.run ? { run: f.run } : {}) })),
    notPlanned,
    dangers: found,
    runnerSteps: runnerActions(model, all),
    changes: all.filter((c) => c.kind !== 'no-op' && c.kind !== 'read'),
  };
}

/** The `--allow` arguments that would let exactly these dangers through. */
const allowArguments = (blocked: Danger[]): string => blocked.map((d) => `--allow '${d.stack}/${d.address}'`).join(' ');

/** A run as a table cell: its link, and what a reviewer should know about it. */
const runCell = (run: RunRef | undefined): string => {
  if (!run) return '';
  const notes = [run.destroy ? 'destroy run' : '', run.newerWithoutPlan ? `${run.newerWithoutPlan} newer without a plan` : ''].filter(Boolean);
  return `[${run.id}](${run.url})${notes.length ? ` (${notes.join('; ')})` : ''}`;
};

export function reviewMarkdown(files: PlanFile[], allow: string[], model?: Blueprint, notPlanned: NotPlanned[] = []): { markdown: string; blocked: boolean } {
  const r = review(files, allow, model, notPlanned);
  const found = r.dangers;
  const head: string[] = ['## lustreform review', ''];
  const runs = r.stacks.some((s) => s.run);
  if (r.stacks.length) {
    head.push(`| stack |${runs ? ' run |' : ''} + create | ~ update | - delete | +/- replace |`, `| --- |${runs ? ' --- |' : ''} --- | --- | --- | --- |`);
    for (const s of r.stacks) head.push(`| ${s.stack} |${runs ? ` ${runCell(s.run)} |` : ''} ${s.create} | ${s.update} | ${s.delete} | ${s.replace} |`);
    head.push('');
  }
  if (r.notPlanned.length) {
    head.push(`### Not planned (${r.notPlanned.length})`, '', 'No plan to review for these stacks, so none of their changes is in this review:', '');
    for (const n of r.notPlanned) head.push(`- **${n.stack}**: ${n.reason}${n.run ? ` ([${n.run}](${n.url}))` : ''}`);
    head.push('');
  }
  if (found.length) {
    head.push(`### :warning: Dangerous changes (${found.length}${r.blocked ? ', not allowed' : ', all allowed'})`, '');
    for (const d of found) {
      const because = becauseText(d.replacedBecause);
      head.push(`- **${d.stack}** \`${d.address}\`: ${d.reason}${because ? ` (${because})` : ''}${d.protection ? `; ${d.protection}` : ''}${d.allowedBy ? ` _(allowed by \`--allow ${d.allowedBy}\`)_` : ''}`);
    }
    if (r.blocked) head.push('', `If intended, rerun the review with: \`${allowArguments(found.filter((d) => !d.allowedBy))}\``);
    head.push('');
  } else {
    head.push(r.notPlanned.length ? 'No dangerous changes in the plans reviewed.' : 'No dangerous changes.', '');
  }
  if (r.runnerSteps.length) head.push('### Runner steps', '', ...r.runnerSteps.map((a) => `- ${a}`), '');
  const rows = r.changes.map((c) => `| ${c.stack} | \`${c.address}\` | ${c.kind}${c.replacedBecause?.length ? ` (${becauseText(c.replacedBecause)})` : ''} |`);
  const open = [`<details><summary>All changes (${rows.length})</summary>`, '', '| stack | resource | action |', '| --- | --- | --- |'];
  const close = ['', '</details>', ''];
  const budget = COMMENT_LIMIT - head.join('\n').length - open.join('\n').length - close.join('\n').length - 200;
  const shown: string[] = [];
  let used = 0;
  for (const r of rows) {
    if (used + r.length + 1 > budget) break;
    shown.push(r);
    used += r.length + 1;
  }
  if (shown.length < rows.length) shown.push(`| ... | ${rows.length - shown.length} more changes not shown (comment size limit); see the plan files | |`);
  return { markdown: [...head, ...open, ...shown, ...close].join('\n'), blocked: r.blocked };
}
