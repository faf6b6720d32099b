/**
 * The plan as data: every stack in deploy order with everything it holds, every name and ARN
 * computed. `planBlueprint` (src/plan/plan.ts) decides it once; the constructs in src/stacks
 * render one stack's part of it and decide nothing; `stacks`, `summary`, `runbook`, `failover`
 * and `stacks --changed-since` read the same value. Items are plain data (no model objects), so
 * a stack can resolve the ambient account in them (see AMBIENT_ACCOUNT) and tests can compare them.
 */
import type { Encryption, LifecycleRule, RepositoryEvent, RestoreTier, Site, StorageClass } from '../blueprint/model';
import type { PolicyStatement } from '../aws/policies';
import type { Activation, RecoveryCopy } from './recovery';
import type { AdvancedEventSelector } from '../aws/cloudtrail';

export const LAYERS = ['storage', 'replication', 'lustre', 'protection'] as const;
export type Layer = (typeof LAYERS)[number];

/** An IAM policy statement as plain data (rendered as JSON, or through jsonencode when it holds a reference). */
export type Statement = PolicyStatement;

/** The stack's AWS provider: the site's region and account, the role to assume, the default tags. */
export interface ProviderPlan {
  region: string;
  /** The site's account: the provider refuses credentials of any other. Undefined: the ambient account. */
  allowedAccountIds?: string[];
  assumeRole?: { roleArn: string; sessionName: string };
  tags: Record<string, string>;
}

export type BackendPlan =
  | { kind: 'local'; path: string }
  | { kind: 's3'; bucket: string; region: string; key: string }
  | { kind: 'cloud'; hostname: string; organization: string; workspace: string; project?: string };

/** A bucket as the storage layer renders it: lustreform's secure defaults plus what the blueprint and other sites need of it. */
export interface BucketPlan {
  key: string;
  name: string;
  arn: string;
  /** Only looked up (data source): nothing is created, changed or deleted on it. */
  adopt: boolean;
  /** lifecycle.prevent_destroy on the bucket: a plan that destroys or replaces it fails. */
  protect: boolean;
  encryption: Encryption;
  versioning: boolean;
  lifecycle: Omit<LifecycleRule, 'path'>[];
  /** The bucket-wide noncurrent-version expiry rule to emit, if any (none when a lifecycle rule has its own). */
  noncurrentVersionExpirationDays?: number;
  /** Statements after the TLS-only one: grants for other accounts' replication roles and file systems, service access. */
  statements: Statement[];
  /** S3 server access logging into the site's access-log bucket, under this prefix. */
  accessLogs?: { targetBucket: string; targetPrefix: string };
}

/** The IAM role S3 assumes to replicate out of one source bucket (storage layer of the source's site). */
export interface ReplicationRolePlan {
  sourceKey: string;
  roleName: string;
  description: string;
  /** The trust policy: S3, on behalf of the source bucket only. */
  trust: Statement[];
  statements: Statement[];
}

export interface VaultPlan {
  siteKey: string;
  name: string;
  kmsKeyArn?: string;
  lock?: { minRetentionDays: number; maxRetentionDays: number; changeableForDays?: number };
  /** Account root principals allowed `backup:CopyIntoBackupVault` (plans of other accounts copying in). */
  copyFrom: string[];
  /** Those principals must also belong to this AWS Organization (aws:PrincipalOrgID). */
  organizationId?: string;
}

/** What `lustreform replicate-existing` needs at a site: a report bucket and the Batch Operations role. */
export interface BatchReplicationPlan {
  siteKey: string;
  roleName: string;
  description: string;
  reportBucket: BucketPlan;
  /** The trust policy: S3 Batch Operations, for jobs of this account and region only. */
  trust: Statement[];
  statements: Statement[];
}

export interface ReplicationRulePlan {
  id: string;
  /** The destination bucket's key in the blueprint. */
  destinationKey: string;
  priority: number;
  prefix: string;
  deleteMarkers: boolean;
  replicaModifications: boolean;
  sseKmsEncryptedObjects: boolean;
  destination: {
    bucketArn: string;
    storageClass?: StorageClass;
    /** Set across accounts, with the owner override. */
    account?: string;
    replicaKmsKeyId?: string;
    /** Replication Time Control with its metrics (15 minutes). */
    replicationTime: boolean;
    /** Replication metrics (CloudWatch), also without RTC: what the rule's alarms watch. */
    metrics: boolean;
  };
}

/** The one replication configuration of a source bucket (replication layer). */
export interface ReplicationConfigurationPlan {
  sourceKey: string;
  bucketName: string;
  roleArn: string;
  rules: ReplicationRulePlan[];
  alarms: AlarmPlan[];
}

export type AlarmKind = 'free-capacity' | 'export-backlog' | 'repository-errors' | 'replication-failed' | 'replication-latency' | 'backup-missed' | 'restore-errors' | 'restore-backlog' | 'restore-dead-letters';

/** A CloudWatch alarm on one metric, with exactly the dimension set its service publishes, notifying an alarm topic. */
export interface AlarmPlan {
  /** `<blueprint>-<site>-<subject>-<kind>`: `verify` reads a site's alarms by the prefix. */
  name: string;
  /** Its resource name in the stack. */
  key: string;
  kind: AlarmKind;
  description: string;
  namespace: string;
  metricName: string;
  /** Dimension values; a file system's id is the marker of src/plan/arns.ts' fileSystemIdOf. */
  dimensions: Record<string, string>;
  statistic: string;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  threshold: number;
  treatMissingData: 'missing' | 'ignore' | 'breaching' | 'notBreaching';
  /** The region it lives in when that is not its stack's (the metric is published there). */
  region?: string;
  topicArn: string;
}

/** A site's alarm topic: in its storage stack, and in its replication stack one per other region its latency alarms live in. */
export interface AlarmTopicPlan {
  key: string;
  name: string;
  arn: string;
  /** When not the site's region. */
  region?: string;
  notify: string[];
  statements: Statement[];
  /** The site's operational key (in the site's region only). */
  kmsKeyArn?: string;
}

/** An EventBridge rule sending AWS Backup failure events to the site's alarm topic. */
export interface BackupEventRulePlan {
  key: string;
  name: string;
  description: string;
  pattern: Record<string, unknown>;
  topicArn: string;
}

/** A metric widget: CloudWatch dashboard body lines `[namespace, metric, dimension, value, ..., { stat, label, region? }]`. */
export interface DashboardWidget {
  title: string;
  region: string;
  period: number;
  metrics: (string | { stat: string; label: string; region?: string })[][];
}

export interface DashboardPlan {
  name: string;
  widgets: DashboardWidget[];
}

/** Counts a file system's FSx data repository events (its log group) into a metric its alarm watches. */
export interface LogMetricFilterPlan {
  name: string;
  logGroupName: string;
  pattern: string;
  namespace: string;
  metricName: string;
}

export interface RepositoryPlan {
  /** A resource name from the file system path: /ExtData -> ExtData, / -> root. */
  name: string;
  fileSystemPath: string;
  /** s3://bucket/prefix/, the replica's at a recovery site. */
  dataRepositoryPath: string;
  bucketName: string;
  autoImport: RepositoryEvent[];
  autoExport: RepositoryEvent[];
  batchImportMetaDataOnCreate: boolean;
  importedFileChunkSize?: number;
}

/** A file system as AWS accepts it, every argument resolved (a recovery copy's too). */
export interface FileSystemPlan {
  /** Construct id: `file-system-<key>`, or `recovery-<key>` for a recovery copy. */
  id: string;
  key: string;
  nameTag: string;
  /** The file system's own tags (beside the provider's default tags): Name, lustreform:filesystem, and lustreform:drill on a drill copy. */
  tags: Record<string, string>;
  deploymentType: string;
  storageType: string;
  storageCapacity?: number;
  /** lifecycle.prevent_destroy on the file system: a plan that destroys or replaces it fails. */
  protect: boolean;
  lustreVersion: string;
  subnetId: string;
  /** Given security groups; with `securityGroup`, the one lustreform creates instead. */
  securityGroupIds: string[];
  securityGroup?: { name: string; description: string; vpcId: string; clientCidrs: string[] };
  perUnitStorageThroughput?: number;
  driveCacheType?: string;
  compression: string;
  kmsKeyId?: string;
  throughputCapacity?: number;
  readCache?: { sizing: string; sizeGiB?: number };
  metadata?: { mode: string; iops?: number };
  efa?: boolean;
  weeklyMaintenance?: string;
  logging?: { logGroupName: string; level: string; retentionDays: number; kmsKeyId?: string };
  backupId?: string;
  /** Automatic backups (persistent types only: explicitly 0 when the blueprint says nothing). */
  automaticBackups?: { retentionDays: number; dailyAt?: string; copyTagsToBackups?: boolean };
  skipFinalBackup?: boolean;
  repositories: RepositoryPlan[];
  alarms: AlarmPlan[];
  /** With logging and monitoring on: the filter feeding the repository-errors alarm. */
  repositoryEvents?: LogMetricFilterPlan;
}

/** A role a service assumes, with AWS managed policies only. */
export interface ServiceRolePlan {
  name: string;
  description: string;
  trust: Statement[];
  managedPolicies: { name: string; arn: string }[];
}

export interface BackupPlanPlan {
  key: string;
  name: string;
  vaultName: string;
  schedule: string;
  startWindowMinutes: number;
  completionWindowMinutes: number;
  retentionDays: number;
  copies: { vaultArn: string; retentionDays: number }[];
  recoveryPointTags: Record<string, string>;
  role: ServiceRolePlan;
  selections: { fileSystemKey: string; name: string; resources: string[]; tags: { key: string; value: string }[] }[];
  alarms: AlarmPlan[];
}

/** AWS Backup restore testing of one backup plan's recovery points in the vault of the tested site (its protection stack). */
export interface RestoreTestPlan {
  /** The backup plan's key. */
  key: string;
  /** The restore testing plan's name (letters, digits, underscores; at most 50). */
  name: string;
  selectionName: string;
  schedule: string;
  startWindowHours: number;
  algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
  /** The tested site's vault: the only one its tests pick recovery points from. */
  vaultArn: string;
  selectionWindowDays: number;
  validationWindowHours?: number;
  /** RestoreMetadataOverrides: the tested site's network (list values as JSON array strings). */
  metadataOverrides: Record<string, string>;
  role: ServiceRolePlan;
}

export interface ArchiveRestorePlan {
  /** `<bucket key>[_<hash of the prefix>]`: what the entry's resources are keyed by. */
  key: string;
  name: string;
  bucketKey: string;
  bucketName: string;
  /** The bucket's customer-managed key, if any. */
  bucketKeyArn?: string;
  /** The objects under the prefix: `arn:<partition>:s3:::<bucket>/<prefix>*`. */
  objectsArn: string;
  region: string;
  partition: string;
  accountId: string;
  prefix: string;
  tier: RestoreTier;
  days: number;
  notify: string[];
  /** The selector of this entry on its site's one trail (ArchiveRestoreTrailPlan). */
  trailName: string;
  /** Names of its queues and topic: the queue between the rule and the function (which also carries the function's delayed re-checks), its dead-letter queue, the notify topic. */
  queue: string;
  /** The function's log group: retention, and the site's operational key if any. */
  logGroup: { retentionDays: number; kmsKeyArn?: string };
  tracing: 'PassThrough' | 'Active';
  deadLetterQueue: string;
  notifyTopic: string;
  function: RestoreFunctionPlan;
  alarms: AlarmPlan[];
}

/** How the restore function runs and is fed (not in the blueprint: fixed, documented defaults). */
export interface RestoreFunctionPlan {
  runtime: string;
  architecture: string;
  timeoutSeconds: number;
  memoryMb: number;
  logRetentionDays: number;
  /** Delay of a re-check message on the queue. */
  recheckSeconds: number;
  /** Reserved concurrency; undefined: none (Lambda refuses reservations that leave fewer than 10 unreserved). */
  reservedConcurrency?: number;
  /** The event source mapping's `scaling_config.maximum_concurrency`: bursts are bounded here instead. */
  maximumConcurrency: number;
  batchSize: number;
  /** The queue's visibility timeout: at least six times the function's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives of a message before the queue moves it to the dead-letter queue. */
  maxReceiveCount: number;
  /** How long the dead-letter queue keeps a message. */
  deadLetterRetentionSeconds: number;
}

/** The one CloudTrail trail of a site's archive restores: an advanced event selector per entry, into its own log bucket. */
export interface ArchiveRestoreTrailPlan {
  name: string;
  arn: string;
  logBucket: BucketPlan;
  /** The site's operational key (`operationalKmsKeyArn`), if any: the trail's log files are encrypted with it. */
  kmsKeyArn?: string;
  selectors: AdvancedEventSelector[];
}

interface StackBase {
  name: string;
  site: Site;
  /** Names of the stacks that must be deployed first. */
  dependsOn: string[];
  provider: ProviderPlan;
  backend: BackendPlan;
  /** Regions other than the site's that some of its resources live in (an aliased provider each). */
  otherRegions: string[];
}

export interface StorageStackPlan extends StackBase {
  layer: 'storage';
  buckets: BucketPlan[];
  replicationRoles: ReplicationRolePlan[];
  vault?: VaultPlan;
  batchReplication?: BatchReplicationPlan;
  /** Where the site's buckets with `accessLogging` deliver their S3 server access logs. */
  accessLogBucket?: BucketPlan;
  alarmTopics: AlarmTopicPlan[];
  /** The site's dashboard, here when the site runs no file system. */
  dashboard?: DashboardPlan;
}

export interface ReplicationStackPlan extends StackBase {
  layer: 'replication';
  configurations: ReplicationConfigurationPlan[];
  /** Alarm topics in the other regions the rules' latency alarms live in (the destinations'). */
  alarmTopics: AlarmTopicPlan[];
}

export interface LustreStackPlan extends StackBase {
  layer: 'lustre';
  fileSystems: FileSystemPlan[];
  /** The site's dashboard: here, where the file systems' ids are known. */
  dashboard?: DashboardPlan;
}

export interface ProtectionStackPlan extends StackBase {
  layer: 'protection';
  backupPlans: BackupPlanPlan[];
  restoreTests: RestoreTestPlan[];
  archiveRestore: ArchiveRestorePlan[];
  /** The trail of the site's archive restores; undefined when there are none. */
  restoreTrail?: ArchiveRestoreTrailPlan;
  backupEvents: BackupEventRulePlan[];
}

export type StackPlan = StorageStackPlan | ReplicationStackPlan | LustreStackPlan | ProtectionStackPlan;

export interface PlanOptions {
  /** A failover: cold standbys of this site become real file systems. */
  activation?: Activation;
  /** Providers assume each account's planRole (read-only, for plans) where given. */
  planRoles?: boolean;
  /**
   * No prevent_destroy anywhere, whatever `protect` says: for one deliberate command (a failback's
   * destroy of the recovery file systems, a teardown), never for a plan in CI (LUSTREFORM_UNPROTECT=1).
   */
  unprotect?: boolean;
}

/** A Terraform Cloud workspace of one stack, CLI-driven (no VCS connection). */
export interface WorkspacePlan {
  /** Its resource name in the workspaces stack (the stack's name, `-` as `_`). */
  key: string;
  /** `<workspacePrefix><stack>`: what the stack's cloud backend names. */
  name: string;
  stack: string;
  description: string;
  /** Key-value tags (tfe_workspace `tags`, HCP Terraform's tag bindings). */
  tags: Record<string, string>;
  /** remote: runs in Terraform Cloud with dynamic credentials; local: runs where `terraform` is run, state kept here (bootstrap stacks). */
  executionMode: 'remote' | 'local';
  autoApplyRunTriggers: boolean;
  /** Keys of the workspaces whose successful applies queue a run here (tfe_run_trigger sources, at most 20). */
  triggeredBy: string[];
  /** Environment variables of its runs. */
  variables: { key: string; value: string; description: string }[];
}

/** The stack that creates the workspaces (`<blueprint>-tfc-workspaces`): tfe provider only, its own (local) state. */
export interface WorkspacesStackPlan {
  name: string;
  hostname: string;
  organization: string;
  /** Looked up by name (it must exist); undefined: the organization's default project. */
  project?: string;
  backend: BackendPlan;
  workspaces: WorkspacePlan[];
}

/** Per account, what lets Terraform Cloud runs reach it without static keys (`<blueprint>-<account>-tfc-bootstrap`). */
export interface BootstrapStackPlan {
  name: string;
  accountKey: string;
  accountId: string;
  provider: ProviderPlan;
  /** Its state: a Terraform Cloud workspace in local execution (created by the workspaces stack). */
  backend: BackendPlan;
  /** The IAM OIDC provider for the Terraform Cloud host: `https://<hostname>`, audience aws.workload.identity. */
  oidcProvider: { url: string; arn: string; clientIds: string[] };
  /** The role every workspace's runs in this account assume (TFC_AWS_RUN_ROLE_ARN). */
  runRole: {
    name: string;
    arn: string;
    description: string;
    trust: Statement[];
    /** The roles it may assume (the account's assumeRole and planRole): the stacks' providers assume assumeRole from it. */
    statements: Statement[];
    /** Without assumeRole it is the deployer itself: AdministratorAccess. */
    managedPolicies: { name: string; arn: string }[];
  };
}

/** Terraform Cloud as code (`state.manageWorkspaces: true`): applied once, in this order, before the stacks. */
export interface CloudPlan {
  workspaces: WorkspacesStackPlan;
  bootstrap: BootstrapStackPlan[];
}

export interface Plan {
  blueprint: string;
  /** With state.manageWorkspaces: the workspaces stack, then a bootstrap stack per account, before `stacks`. */
  cloud?: CloudPlan;
  activation?: Activation;
  /** Every stack in deploy order (dependencies first). */
  stacks: StackPlan[];
  /** The recovery copies deployed (warm standbys, and cold ones the activation names). */
  recoveries: RecoveryCopy[];
}
