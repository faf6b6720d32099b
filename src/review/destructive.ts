/**
 * Which changes AWS performs by replacing a resource (the provider's ForceNew arguments, for the
 * resource types lustreform emits), and how to say what that destroys in a storage engineer's
 * words. Shared by `diff` (blueprint vs blueprint) and `review` (terraform plans).
 */

/** Arguments whose change replaces the resource (hashicorp/aws 6.x ForceNew), by resource type. */
export const FORCE_NEW: Record<string, readonly string[]> = {
  aws_fsx_lustre_file_system: ['deployment_type', 'storage_type', 'subnet_ids', 'security_group_ids', 'kms_key_id', 'file_system_type_version', 'drive_cache_type', 'efa_enabled', 'copy_tags_to_backups', 'backup_id', 'import_path', 'export_path'],
  aws_fsx_data_repository_association: ['file_system_id', 'file_system_path', 'data_repository_path', 'batch_import_meta_data_on_create'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  aws_s3_bucket_versioning: ['bucket'],
  aws_s3_bucket_policy: ['bucket'],
  aws_s3_bucket_replication_configuration: ['bucket'],
  aws_s3_bucket_lifecycle_configuration: ['bucket'],
  aws_backup_vault: ['name', 'kms_key_arn'],
  aws_backup_vault_lock_configuration: ['backup_vault_name', 'changeable_for_days', 'min_retention_days', 'max_retention_days'],
  aws_backup_vault_policy: ['backup_vault_name'],
  aws_backup_plan: ['name'],
  aws_backup_selection: ['name', 'plan_id', 'iam_role_arn', 'resources', 'condition', 'selection_tag'],
  aws_iam_role: ['name'],
  aws_security_group: ['name', 'vpc_id', 'description'],
  aws_lambda_function: ['function_name'],
  aws_cloudtrail: ['name'],
  aws_cloudwatch_event_rule: ['name', 'name_prefix', 'event_bus_name'],
  aws_cloudwatch_event_target: ['rule', 'target_id', 'event_bus_name'],
  aws_lambda_permission: ['action', 'function_name', 'principal', 'qualifier', 'source_account', 'source_arn', 'statement_id', 'statement_id_prefix'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
  aws_sns_topic_subscription: ['topic_arn', 'protocol', 'endpoint'],
  aws_s3_bucket_public_access_block: ['bucket'],
  aws_s3_bucket_ownership_controls: ['bucket'],
  aws_s3_bucket_server_side_encryption_configuration: ['bucket', 'expected_bucket_owner'],
  aws_vpc_security_group_ingress_rule: ['security_group_id'],
  aws_vpc_security_group_egress_rule: ['security_group_id'],
  aws_sqs_queue: ['name', 'fifo_queue'],
  aws_sns_topic: ['name'],
  aws_cloudwatch_log_group: ['name'],
};

/** Whether changing `attribute` from `before` to `after` replaces a resource of `type`. */
export function forcesReplacement(type: string, attribute: string, before: unknown, after: unknown, resource?: Record<string, unknown>): boolean {
  if (type === 'aws_fsx_lustre_file_system' && attribute === 'storage_capacity') {
    // Capacity only grows in place; SCRATCH_1 cannot change at all.
    return resource?.deployment_type === 'SCRATCH_1' || (typeof before === 'number' && typeof after === 'number' && after < before);
  }
  return (FORCE_NEW[type] ?? []).includes(attribute);
}

/** Resource types whose loss loses data or protection; their deletes and replacements are dangers. */
export const DATA_BEARING = new Set(['aws_fsx_lustre_file_system', 'aws_fsx_data_repository_association', 'aws_s3_bucket', 'aws_backup_vault', 'aws_s3_bucket_replication_configuration', 'aws_backup_vault_lock_configuration', 'aws_s3_bucket_versioning', 'aws_backup_plan']);

/** What deleting or replacing a resource means, in words. */
export function consequence(type: string, name: string, replaced: boolean): string {
  const what = replaced ? 'is replaced' : 'is deleted';
  switch (type) {
    case 'aws_fsx_lustre_file_system':
      return `file system ${name} ${what}: data on it that is not exported to S3 is lost${replaced ? ', and clients must remount (new DNS name)' : ''}`;
    case 'aws_fsx_data_repository_association':
      return `the link ${name} between a file system path and S3 ${what}: ${replaced ? 'files under it are re-imported (metadata) and auto-import/export stop until it is AVAILABLE again' : 'the path stops syncing with S3 (its files stay on the file system)'}`;
    case 'aws_s3_bucket':
      return `bucket ${name} ${what}: ${replaced ? 'a new, empty bucket takes its place' : 'Terraform can only delete it empty'}; objects, versions and their replicas' source are gone`;
    case 'aws_backup_vault':
      return `backup vault ${name} ${what}: its recovery points go with it (AWS refuses while any remain)`;
    case 'aws_backup_vault_lock_configuration':
      return `the vault lock ${name} ${what}: retention protection of the vault changes${replaced ? ' (a compliance lock past its cooling-off period cannot change at all)' : ''}`;
    case 'aws_s3_bucket_replication_configuration':
      return `replication out of ${name} ${replaced ? 'is re-created' : 'stops'}: new objects ${replaced ? 'may miss replication while it is re-created' : 'no longer reach their replicas; the DR copy goes stale'}`;
    case 'aws_s3_bucket_versioning':
      return `versioning of ${name} ${what}: replication needs it, and deleted or overwritten objects can no longer be recovered`;
    case 'aws_backup_plan':
      return `backup plan ${name} ${what}: no new recovery points${replaced ? ' until it is re-created' : ''}`;
    case 'aws_cloudwatch_event_rule':
      return `the EventBridge rule ${name} ${what}: ${replaced ? 'deleted, then created again; events in between (archived reads to restore) are missed' : 'its events no longer reach their targets'}`;
    default:
      return `${type}.${name} ${what}${replaced ? ' (deleted, then created again)' : ''}`;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * One resource's change as both a terraform plan (`review`) and two synthesized configurations
 * (`diff`) can say it. Blocks may be objects (cdktf JSON) or one-element lists (plan JSON).
 */
export interface Change {
  type: string;
  name: string;
  kind: 'create' | 'update' | 'delete' | 'replace';
  before?: any;
  after?: any;
}

const first = (x: any) => (Array.isArray(x) ? x[0] : x);
const list = (x: any): any[] => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const deleteAfters = (plan: any): number[] => list(plan?.rule).flatMap((r: any) => [first(r.lifecycle)?.delete_after, ...list(r.copy_action).map((c: any) => first(c.lifecycle)?.delete_after)]).filter((d: any) => typeof d === 'number');
const rtcRules = (config: any): string[] =>
  list(config?.rule)
    .filter((r: any) => first(first(r.destination)?.replication_time)?.status === 'Enabled')
    .map((r: any) => String(r.id ?? r.priority));

/**
 * Why a change loses data or protection, in words, or undefined: deletes and replacements of
 * data-bearing resources, versioning suspended, vault locks changed, shorter backup retention,
 * Replication Time Control turned off.
 */
export function dangerOf(c: Change): string | undefined {
  if ((c.kind === 'delete' || c.kind === 'replace') && DATA_BEARING.has(c.type)) return consequence(c.type, c.name, c.kind === 'replace');
  if (c.kind !== 'update') return undefined;
  const before = c.before ?? {};
  const after = c.after ?? {};
  if (c.type === 'aws_s3_bucket_versioning' && first(before.versioning_configuration)?.status === 'Enabled' && first(after.versioning_configuration)?.status !== 'Enabled') {
    return `versioning of ${c.name} is suspended: replication stops and deleted or overwritten objects can no longer be recovered`;
  }
  if (c.type === 'aws_backup_vault_lock_configuration') return `the vault lock ${c.name} changes: retention protection of its recovery points changes`;
  if (c.type === 'aws_backup_plan') {
    const b = deleteAfters(before);
    const a = deleteAfters(after);
    if (a.some((d, i) => b[i] !== undefined && d < b[i])) return `backup plan ${c.name} keeps recovery points shorter (${b.join('/')} -> ${a.join('/')} days)`;
  }
  if (c.type === 'aws_fsx_lustre_file_system' && typeof before.automatic_backup_retention_days === 'number' && (after.automatic_backup_retention_days ?? 0) < before.automatic_backup_retention_days) {
    return `file system ${c.name} keeps automatic backups shorter (${before.automatic_backup_retention_days} -> ${after.automatic_backup_retention_days ?? 0} days)`;
  }
  if (c.type === 'aws_s3_bucket_replication_configuration') {
    const now = new Set(rtcRules(after));
    const off = rtcRules(before).filter((id) => !now.has(id));
    if (off.length) return `Replication Time Control of ${c.name} is turned off (rule ${off.join(', ')}): replicas are no longer guaranteed within 15 minutes, and the recovery point grows`;
  }
  return undefined;
}
