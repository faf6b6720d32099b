/**
 * `lustreform review PLAN.json...`: a pull-request comment from `terraform show -json` plans (one
 * per stack): counts per stack, the dangerous changes first (in words), what the runner does after
 * apply, and every change folded away. Stays under GitHub's comment size.
 */
import { basename } from 'node:path';
import type { Blueprint } from '../blueprint/model';
import { consequence, DATA_BEARING } from './destructive';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface PlanFile {
  stack: string;
  plan: any;
}

export interface PlannedChange {
  stack: string;
  address: string;
  type: string;
  actions: string[];
  kind: 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'read';
}

export interface Danger {
  stack: string;
  address: string;
  reason: string;
  allowedBy?: string;
}

/** GitHub refuses comments over 65,536 characters; keep a margin. */
export const COMMENT_LIMIT = 60_000;

const kindOf = (actions: string[]): PlannedChange['kind'] => {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  return (actions[0] ?? 'no-op') as PlannedChange['kind'];
};

/** The stack a plan file belongs to: its file name without .json / .plan.json / .tfplan.json. */
export const stackOfFile = (file: string): string => basename(file).replace(/(\.tfplan|\.plan)?\.json$/, '');

export function changesOf(files: PlanFile[]): PlannedChange[] {
  return files.flatMap(({ stack, plan }) =>
    (plan.resource_changes ?? [])
      .filter((rc: any) => rc.mode !== 'data')
      .map((rc: any) => ({ stack, address: rc.address, type: rc.type, actions: rc.change?.actions ?? [], kind: kindOf(rc.change?.actions ?? []) })),
  );
}

const first = (x: any) => (Array.isArray(x) ? x[0] : x);
const deleteAfters = (plan: any): number[] => (plan?.rule ?? []).flatMap((r: any) => [first(r.lifecycle)?.delete_after, ...(r.copy_action ?? []).map((c: any) => first(c.lifecycle)?.delete_after)]).filter((d: any) => typeof d === 'number');

/** Why a planned change is dangerous, or undefined. */
export function dangerOf(rc: any): string | undefined {
  const actions: string[] = rc.change?.actions ?? [];
  const kind = kindOf(actions);
  const name = rc.name ?? rc.address;
  if ((kind === 'delete' || kind === 'replace') && DATA_BEARING.has(rc.type)) return consequence(rc.type, name, kind === 'replace');
  if (kind !== 'update') return undefined;
  const before = rc.change?.before ?? {};
  const after = rc.change?.after ?? {};
  if (rc.type === 'aws_s3_bucket_versioning' && first(before.versioning_configuration)?.status === 'Enabled' && first(after.versioning_configuration)?.status !== 'Enabled') {
    return `versioning of ${name} is suspended: replication stops and deleted or overwritten objects can no longer be recovered`;
  }
  if (rc.type === 'aws_backup_vault_lock_configuration') return `the vault lock ${name} changes: retention protection of its recovery points changes`;
  if (rc.type === 'aws_backup_plan') {
    const b = deleteAfters(before);
    const a = deleteAfters(after);
    if (a.some((d, i) => b[i] !== undefined && d < b[i])) return `backup plan ${name} keeps recovery points shorter (${b.join('/')} -> ${a.join('/')} days)`;
  }
  if (rc.type === 'aws_fsx_lustre_file_system' && typeof before.automatic_backup_retention_days === 'number' && (after.automatic_backup_retention_days ?? 0) < before.automatic_backup_retention_days) {
    return `file system ${name} keeps automatic backups shorter (${before.automatic_backup_retention_days} -> ${after.automatic_backup_retention_days ?? 0} days)`;
  }
  return undefined;
}

/** `*` matches any run of characters, `?` one; a pattern matches an address or `<stack>/<address>`. */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(text);
}

export function dangers(files: PlanFile[], allow: string[]): Danger[] {
  return files.flatMap(({ stack, plan }) =>
    (plan.resource_changes ?? []).flatMap((rc: any) => {
      if (rc.mode === 'data') return [];
      const reason = dangerOf(rc);
      if (!reason) return [];
      const allowedBy = allow.find((p) => globMatch(p, rc.address) || globMatch(p, `${stack}/${rc.address}`));
      return [{ stack, address: rc.address, reason, allowedBy }];
    }),
  );
}

/** What the runner does around this apply, from the blueprint and the plan. */
export function runnerActions(model: Blueprint | undefined, changes: PlannedChange[]): string[] {
  if (!model) return [];
  const touched = (type: string, kinds: string[]) => changes.some((c) => c.type === type && kinds.includes(c.kind));
  const out: string[] = [];
  if (touched('aws_fsx_lustre_file_system', ['delete', 'replace'])) out.push(`before apply: \`lustreform export -b <blueprint> --wait\` so nothing written on a file system that is going away is lost`);
  const repos = [...model.fileSystems.values()].flatMap((f) => f.repositories);
  if (touched('aws_fsx_data_repository_association', ['create', 'replace']) && repos.some((r) => r.preload !== 'none')) out.push('after apply: `lustreform import -b <blueprint> --wait` (metadata of repositories with preload)');
  if (touched('aws_fsx_data_repository_association', ['create', 'replace']) && repos.some((r) => r.preload === 'content')) out.push('then on a Lustre client: `lustreform hydrate -b <blueprint> --mount <dir>` (contents of preload: content repositories)');
  if (touched('aws_s3_bucket_replication_configuration', ['create', 'replace']) && model.replication.some((e) => e.existingObjects === 'batch')) out.push('after apply: `lustreform replicate-existing -b <blueprint> --wait` (objects that existed before the rules)');
  if (out.length) out.push('finally: `lustreform verify -b <blueprint>`');
  return out;
}

export function reviewMarkdown(files: PlanFile[], allow: string[], model?: Blueprint): { markdown: string; blocked: boolean } {
  const changes = changesOf(files);
  const found = dangers(files, allow);
  const blocked = found.some((d) => !d.allowedBy);
  const count = (stack: string, kind: string) => changes.filter((c) => c.stack === stack && c.kind === kind).length;
  const head: string[] = ['## lustreform review', ''];
  head.push('| stack | + create | ~ update | - delete | +/- replace |', '| --- | --- | --- | --- | --- |');
  for (const f of files) head.push(`| ${f.stack} | ${count(f.stack, 'create')} | ${count(f.stack, 'update')} | ${count(f.stack, 'delete')} | ${count(f.stack, 'replace')} |`);
  head.push('');
  if (found.length) {
    head.push(`### :warning: Dangerous changes (${found.length}${blocked ? ', not allowed' : ', all allowed'})`, '');
    for (const d of found) head.push(`- **${d.stack}** \`${d.address}\`: ${d.reason}${d.allowedBy ? ` _(allowed by \`--allow ${d.allowedBy}\`)_` : ''}`);
    if (blocked) head.push('', 'If intended, rerun the review with `--allow <address-glob>` for each, e.g. `--allow "aws_fsx_lustre_file_system.work"`.');
    head.push('');
  } else {
    head.push('No dangerous changes.', '');
  }
  const actions = runnerActions(model, changes);
  if (actions.length) head.push('### Runner steps', '', ...actions.map((a) => `- ${a}`), '');
  const rows = changes.filter((c) => c.kind !== 'no-op' && c.kind !== 'read').map((c) => `| ${c.stack} | \`${c.address}\` | ${c.kind} |`);
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
  return { markdown: [...head, ...open, ...shown, ...close].join('\n'), blocked };
}
