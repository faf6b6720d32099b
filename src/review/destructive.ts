/**
 * Which changes AWS performs by replacing a resource (the provider's ForceNew arguments, for the
 * resource types lustreform emits), and how to say what that destroys in a storage engineer's
 * words. Shared by `diff` (blueprint vs blueprint) and `review` (terraform plans).
 */
import { at, list, type Config } from './json';

/**
 * Arguments whose change replaces the resource, by resource type: the AWS provider 6.25.0's
 * `ForceNew` schema arguments and `RequiresReplace` plan modifiers (internal/service/<svc>/*.go,
 * read at the v6.25.0 release, the version @cdktf/provider-aws 21 targets) and the tfe provider
 * 0.71.0's (what @cdktf/provider-tfe 12 targets). A nested argument is written `block.argument`;
 * a listed block replaces on any change inside it. `region` (provider 6's per-resource region) is
 * not ForceNew in the schema, but a provider-wide CustomizeDiff replaces every regional resource
 * whose region changes (internal/provider/sdkv2/region.go, forceNewIfRegionChanges); IAM types
 * have no region. `tags` is never ForceNew. A test fails when a construct emits a type missing here.
 */
const REGIONAL = (args: string[]) => [...args, 'region'];
export const FORCE_NEW: Record<string, readonly string[]> = {
  aws_backup_plan: REGIONAL(['name']),
  aws_backup_restore_testing_plan: REGIONAL(['name']),
  aws_backup_restore_testing_selection: REGIONAL(['name', 'protected_resource_type', 'restore_testing_plan_name']),
  aws_backup_selection: REGIONAL(['name', 'plan_id', 'iam_role_arn', 'resources', 'not_resources', 'condition', 'selection_tag']),
  aws_backup_vault: REGIONAL(['name', 'kms_key_arn']),
  aws_backup_vault_lock_configuration: REGIONAL(['backup_vault_name', 'changeable_for_days', 'min_retention_days', 'max_retention_days']),
  aws_backup_vault_policy: REGIONAL(['backup_vault_name']),
  aws_cloudtrail: REGIONAL(['name']),
  aws_cloudwatch_dashboard: REGIONAL(['dashboard_name']),
  aws_cloudwatch_event_rule: REGIONAL(['name', 'name_prefix', 'event_bus_name']),
  aws_cloudwatch_event_target: REGIONAL(['rule', 'target_id', 'event_bus_name']),
  aws_cloudwatch_log_group: REGIONAL(['name', 'name_prefix', 'log_group_class']),
  aws_cloudwatch_log_metric_filter: REGIONAL(['name', 'log_group_name']),
  aws_cloudwatch_metric_alarm: REGIONAL(['alarm_name']),
  aws_fsx_data_repository_association: REGIONAL(['file_system_id', 'file_system_path', 'data_repository_path']),
  aws_fsx_lustre_file_system: REGIONAL([
    'deployment_type', 'storage_type', 'subnet_ids', 'security_group_ids', 'kms_key_id', 'file_system_type_version', 'drive_cache_type',
    'efa_enabled', 'copy_tags_to_backups', 'backup_id', 'import_path', 'export_path', 'imported_file_chunk_size',
  ]),
  aws_iam_openid_connect_provider: ['url'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
  aws_kms_alias: REGIONAL(['name', 'name_prefix']),
  aws_kms_key: REGIONAL(['custom_key_store_id', 'customer_master_key_spec', 'key_usage', 'multi_region', 'xks_key_id']),
  aws_lambda_event_source_mapping: REGIONAL([
    'event_source_arn', 'queues', 'starting_position', 'starting_position_timestamp', 'topics',
    'amazon_managed_kafka_event_source_config', 'self_managed_event_source', 'self_managed_kafka_event_source_config',
  ]),
  aws_lambda_function: REGIONAL(['function_name', 'package_type', 'tenancy_config']),
  aws_lambda_permission: REGIONAL(['action', 'event_source_token', 'function_name', 'function_url_auth_type', 'principal', 'principal_org_id', 'qualifier', 'source_account', 'source_arn', 'statement_id', 'statement_id_prefix']),
  aws_s3_bucket: REGIONAL(['bucket', 'bucket_prefix', 'object_lock_enabled', 'object_lock_configuration.object_lock_enabled']),
  aws_s3_bucket_lifecycle_configuration: REGIONAL(['bucket', 'expected_bucket_owner']),
  aws_s3_bucket_logging: REGIONAL(['bucket', 'expected_bucket_owner']),
  aws_s3_bucket_ownership_controls: REGIONAL(['bucket']),
  aws_s3_bucket_policy: REGIONAL(['bucket']),
  aws_s3_bucket_public_access_block: REGIONAL(['bucket']),
  aws_s3_bucket_replication_configuration: REGIONAL(['bucket']),
  aws_s3_bucket_server_side_encryption_configuration: REGIONAL(['bucket', 'expected_bucket_owner']),
  aws_s3_bucket_versioning: REGIONAL(['bucket', 'expected_bucket_owner']),
  aws_security_group: REGIONAL(['name', 'name_prefix', 'vpc_id', 'description']),
  aws_sns_topic: REGIONAL(['name', 'name_prefix', 'fifo_topic']),
  aws_sns_topic_policy: REGIONAL(['arn']),
  aws_sns_topic_subscription: REGIONAL(['topic_arn', 'protocol', 'endpoint']),
  aws_sqs_queue: REGIONAL(['name', 'name_prefix', 'fifo_queue']),
  aws_sqs_queue_policy: REGIONAL(['queue_url']),
  aws_vpc_security_group_egress_rule: REGIONAL(['security_group_id']),
  aws_vpc_security_group_ingress_rule: REGIONAL(['security_group_id']),
  tfe_project: ['organization'],
  tfe_run_trigger: ['workspace_id', 'sourceable_id'],
  tfe_variable: ['category', 'workspace_id', 'variable_set_id'],
  tfe_workspace: ['organization'],
  tfe_workspace_settings: ['workspace_id'],
};

/** Data sources are read, never replaced: listed so the completeness test knows they are known. */
export const DATA_SOURCES = new Set(['aws_caller_identity', 'aws_iam_policy_document', 'aws_s3_bucket', 'tfe_project']);

/** The source type of a security group rule: switching between them replaces the rule (the provider's ModifyPlan). */
const RULE_SOURCES = ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'];

/**
 * Whether changing the value at `path` (`rule[0].lifecycle.delete_after`, indexes allowed) from
 * `before` to `after` replaces a resource of `type`; `resource` is its configuration after.
 */
export function forcesReplacement(type: string, path: string, before: unknown, after: unknown, resource?: Record<string, unknown>): boolean {
  const at = path.replace(/\[\d+\]/g, '');
  if (type === 'aws_fsx_lustre_file_system') {
    // Capacity only grows in place; SCRATCH_1 cannot change at all (resourceLustreFileSystemStorageCapacityCustomizeDiff).
    if (at === 'storage_capacity') return resource?.deployment_type === 'SCRATCH_1' || (typeof before === 'number' && typeof after === 'number' && after < before);
    // Fewer user-provisioned metadata IOPS replace the file system (resourceLustreFileSystemMetadataConfigCustomizeDiff).
    if (at === 'metadata_configuration.iops') return typeof before === 'number' && typeof after === 'number' && after < before;
  }
  if ((type === 'aws_vpc_security_group_ingress_rule' || type === 'aws_vpc_security_group_egress_rule') && RULE_SOURCES.includes(at)) return (before === undefined) !== (after === undefined);
  return (FORCE_NEW[type] ?? []).some((arg) => at === arg || at.startsWith(`${arg}.`));
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

/**
 * One resource's change as both a terraform plan (`review`) and two synthesized configurations
 * (`diff`) can say it. Blocks may be objects (cdktf JSON) or one-element lists (plan JSON).
 */
export interface Change {
  type: string;
  name: string;
  kind: 'create' | 'update' | 'delete' | 'replace';
  before?: Config | null;
  after?: Config | null;
}

const deleteAfters = (plan: unknown): number[] =>
  list(at(plan, 'rule'))
    .flatMap((r) => [at(r, 'lifecycle', 'delete_after'), ...list(at(r, 'copy_action')).map((c) => at(c, 'lifecycle', 'delete_after'))])
    .filter((d): d is number => typeof d === 'number');
const rtcRules = (config: unknown): string[] =>
  list(at(config, 'rule'))
    .filter((r) => at(r, 'destination', 'replication_time', 'status') === 'Enabled')
    .map((r) => String(at(r, 'id') ?? at(r, 'priority')));

/** A lifecycle configuration's rules by the prefix they filter on ("" for the whole bucket): how many, and the shortest expiries. */
function lifecycleByPrefix(config: unknown): Map<string, { rules: number; expiration?: number; noncurrent?: number }> {
  const out = new Map<string, { rules: number; expiration?: number; noncurrent?: number }>();
  // A rule that only expires (versions, objects, uploads) keeps data longer when it goes: not counted.
  const onlyExpires = (r: unknown) => !list(at(r, 'transition')).length && !list(at(r, 'noncurrent_version_transition')).length;
  const min = (a: number | undefined, b: unknown) => (typeof b !== 'number' ? a : a === undefined ? b : Math.min(a, b));
  for (const r of list(at(config, 'rule'))) {
    if (at(r, 'status') === 'Disabled') continue;
    const prefix = String(at(r, 'filter', 'prefix') ?? at(r, 'prefix') ?? '');
    const entry = out.get(prefix) ?? { rules: 0 };
    if (!onlyExpires(r)) entry.rules++;
    entry.expiration = min(entry.expiration, at(r, 'expiration', 'days'));
    entry.noncurrent = min(entry.noncurrent, at(r, 'noncurrent_version_expiration', 'noncurrent_days'));
    out.set(prefix, entry);
  }
  return out;
}

/**
 * Retention cuts of a bucket's lifecycle: noncurrent versions kept shorter (or no longer forever),
 * objects of an existing prefix expiring sooner (or newly), a rule removed (one that moves data
 * between storage classes; removing a rule that only expires keeps data longer, which cuts nothing). A team that relies on
 * versioning instead of backups loses its safety net with the first.
 */
function lifecycleCuts(name: string, before: unknown, after: unknown): string[] {
  const b = lifecycleByPrefix(before);
  const a = lifecycleByPrefix(after);
  const where = (prefix: string) => (prefix ? `under ${prefix}` : 'in the whole bucket');
  const days = (d: number | undefined) => (d === undefined ? 'never' : `after ${d} day${d === 1 ? '' : 's'}`);
  const out: string[] = [];
  for (const [prefix, was] of b) {
    const now = a.get(prefix);
    if ((now?.rules ?? 0) < was.rules) out.push(`a lifecycle rule of ${name} ${where(prefix)} that moves objects between storage classes is removed: where they are kept, and how a restore reads them, changes`);
    if (!now) continue;
    if (now.noncurrent !== undefined && (was.noncurrent === undefined || now.noncurrent < was.noncurrent)) {
      out.push(`noncurrent versions ${where(prefix)} of ${name} are deleted ${days(now.noncurrent)} (was ${days(was.noncurrent)}): the versions a restore needs go with them`);
    }
    if (now.expiration !== undefined && (was.expiration === undefined || now.expiration < was.expiration)) {
      out.push(`objects ${where(prefix)} of ${name} expire ${days(now.expiration)} (was ${days(was.expiration)})`);
    }
  }
  return out;
}

/**
 * Why a change loses data or protection, in words, or undefined: deletes and replacements of
 * data-bearing resources, versioning suspended, vault locks changed, shorter backup retention,
 * Replication Time Control turned off, lifecycle retention cuts.
 */
export function dangerOf(c: Change): string | undefined {
  if ((c.kind === 'delete' || c.kind === 'replace') && DATA_BEARING.has(c.type)) return consequence(c.type, c.name, c.kind === 'replace');
  if (c.kind !== 'update') return undefined;
  const before = c.before ?? {};
  const after = c.after ?? {};
  if (c.type === 'aws_s3_bucket_versioning' && at(before, 'versioning_configuration', 'status') === 'Enabled' && at(after, 'versioning_configuration', 'status') !== 'Enabled') {
    return `versioning of ${c.name} is suspended: replication stops and deleted or overwritten objects can no longer be recovered`;
  }
  if (c.type === 'aws_backup_vault_lock_configuration') return `the vault lock ${c.name} changes: retention protection of its recovery points changes`;
  if (c.type === 'aws_backup_plan') {
    const b = deleteAfters(before);
    const a = deleteAfters(after);
    if (a.some((d, i) => b[i] !== undefined && d < b[i])) return `backup plan ${c.name} keeps recovery points shorter (${b.join('/')} -> ${a.join('/')} days)`;
  }
  const retention = (x: Config) => x.automatic_backup_retention_days;
  if (c.type === 'aws_fsx_lustre_file_system' && typeof retention(before) === 'number' && Number(retention(after) ?? 0) < Number(retention(before))) {
    return `file system ${c.name} keeps automatic backups shorter (${retention(before)} -> ${retention(after) ?? 0} days)`;
  }
  if (c.type === 'aws_s3_bucket_lifecycle_configuration') {
    const cuts = lifecycleCuts(c.name, before, after);
    if (cuts.length) return cuts.join('; ');
  }
  if (c.type === 'aws_s3_bucket_replication_configuration') {
    const now = new Set(rtcRules(after));
    const off = rtcRules(before).filter((id) => !now.has(id));
    if (off.length) return `Replication Time Control of ${c.name} is turned off (rule ${off.join(', ')}): replicas are no longer guaranteed within 15 minutes, and the recovery point grows`;
  }
  return undefined;
}
