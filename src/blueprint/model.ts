/**
 * The typed, normalized blueprint every later stage reads. Defaults are filled in, references are
 * objects, and every object knows its path in the file so findings can point back at it.
 */
import type { ModelPath } from './findings';

export type DeploymentType = 'SCRATCH_1' | 'SCRATCH_2' | 'PERSISTENT_1' | 'PERSISTENT_2';
export type StorageType = 'SSD' | 'HDD' | 'INTELLIGENT_TIERING';
export type LustreVersion = '2.10' | '2.12' | '2.15';
export type RepositoryEvent = 'NEW' | 'CHANGED' | 'DELETED';
export type Purpose = 'input' | 'output' | 'sync';
export type Preload = 'none' | 'metadata' | 'content';
export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk';
export type StorageClass = 'STANDARD' | 'STANDARD_IA' | 'ONEZONE_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';

export const ALL_EVENTS: readonly RepositoryEvent[] = ['NEW', 'CHANGED', 'DELETED'];

interface Located {
  /** Where this object is in the blueprint file. */
  path: ModelPath;
}

export interface Account extends Located {
  key: string;
  id: string;
  assumeRole?: string;
  /** A read-only role the providers assume instead of assumeRole for plans (LUSTREFORM_PLAN=1). */
  planRole?: string;
}

export interface Site extends Located {
  key: string;
  /** Undefined: the ambient credentials' account. */
  account?: Account;
  region: string;
  /** Customer-managed key of the site's backup vault; undefined: the AWS managed key. */
  backupVaultKmsKeyArn?: string;
  /** The backup vault policy admits copies only from principals of this AWS Organization. */
  backupVaultOrganizationId?: string;
  /** Customer-managed key of what lustreform creates for itself here (trails, their buckets, log groups, the alarm topic). */
  operationalKmsKeyArn?: string;
}

export type Encryption = { kind: 'sse-s3' } | { kind: 'kms' } | { kind: 'kms-key'; keyArn: string };

export interface LifecycleRule extends Located {
  prefix: string;
  transitions: { afterDays: number; storageClass: StorageClass }[];
  expirationDays?: number;
  noncurrentVersionExpirationDays?: number;
}

export interface Bucket extends Located {
  key: string;
  site: Site;
  name: string;
  /** True when the blueprint gave the name; false when it is the computed default. */
  nameGiven: boolean;
  encryption: Encryption;
  /** What the blueprint asked for (default true); see `versioning` for what is deployed. */
  versioningDeclared: boolean;
  /** Deployed versioning: always on for replicated buckets. */
  versioning: boolean;
  adopt: boolean;
  /** S3 server access logs into the site's access-log bucket. */
  accessLogging: boolean;
  /** Terraform refuses to destroy or replace it (lifecycle.prevent_destroy); default true. */
  protect: boolean;
  lifecycle: LifecycleRule[];
  /** Bucket-wide noncurrent-version expiry (versioned buckets); undefined keeps them forever. */
  noncurrentVersionExpirationDays?: number;
}

export interface ReplicationEdge extends Located {
  from: Bucket;
  to: Bucket;
  mode: 'one-way' | 'two-way';
  prefix: string;
  replicationTime: boolean;
  deleteMarkers: boolean;
  storageClass?: StorageClass;
  existingObjects: 'none' | 'batch';
}

export interface SecurityGroupSpec {
  vpcId: string;
  clientCidrs: string[];
}

export interface Network extends Located {
  subnetId: string;
  securityGroupIds?: string[];
  securityGroup?: SecurityGroupSpec;
}

export interface Repository extends Located {
  /** The file system path, as written (`/ExtData`). */
  fileSystemPath: string;
  bucket: Bucket;
  /** The S3 prefix, "" or ending in "/". */
  prefix: string;
  purpose: Purpose;
  autoImport: RepositoryEvent[];
  autoExport: RepositoryEvent[];
  preload: Preload;
  importedFileChunkSize?: number;
}

export interface FileSystem extends Located {
  key: string;
  site: Site;
  deploymentType: DeploymentType;
  storageType: StorageType;
  storageCapacity?: number;
  /** Terraform refuses to destroy or replace it, and its recovery copies (lifecycle.prevent_destroy); default true. */
  protect: boolean;
  lustreVersion: LustreVersion;
  compression: 'NONE' | 'LZ4';
  network: Network;
  repositories: Repository[];
  throughput?: number;
  kmsKeyArn?: string;
  backups?: { dailyAt?: string; retentionDays: number; copyTagsToBackups: boolean };
  driveCache?: 'NONE' | 'READ';
  throughputCapacity?: number;
  readCache?: { sizing: 'NO_CACHE' | 'USER_PROVISIONED' | 'PROPORTIONAL_TO_THROUGHPUT_CAPACITY'; sizeGiB?: number };
  metadata?: { mode: 'AUTOMATIC' | 'USER_PROVISIONED'; iops?: number };
  efa: boolean;
  weeklyMaintenance?: string;
  /** FSx data repository event logging into a log group lustreform creates (DISABLED: none). */
  logging: { level: 'WARN_ERROR' | 'ERROR' | 'WARN' | 'DISABLED'; retentionDays: number };
}

export interface BackupCopy extends Located {
  site: Site;
  retentionDays: number;
}

export interface BackupPlan extends Located {
  key: string;
  site: Site;
  fileSystems: FileSystem[];
  schedule: string;
  retentionDays: number;
  startWindowMinutes: number;
  completionWindowMinutes: number;
  copyTo: BackupCopy[];
  vaultLock?: { mode: 'governance' | 'compliance'; minRetentionDays: number; maxRetentionDays: number; changeableForDays: number };
  restoreTesting?: RestoreTesting;
}

/** AWS Backup restore testing of a plan's recovery points in the vault of one site (`backupPlans.<key>.restoreTesting`). */
export interface RestoreTesting extends Located {
  /** The tested site: the blueprint's `site`, else the plan's first copy target, else the plan's own site. */
  site: Site;
  schedule: string;
  /** As written; undefined: the network of a recovery entry (`restoreTestNetwork`). */
  network?: { subnetId: string; securityGroupIds: string[] };
  algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
  selectionWindowDays: number;
  startWindowHours: number;
  validationWindowHours?: number;
}

export interface ArchiveRestore extends Located {
  bucket: Bucket;
  prefix: string;
  tier: RestoreTier;
  days: number;
  notify: string[];
  /** Retention of the restore function's log group. */
  logRetentionDays: number;
  tracing: 'PassThrough' | 'Active';
}

export interface Recovery extends Located {
  fileSystem: FileSystem;
  site: Site;
  standby: 'cold' | 'warm';
  network: Network;
  /** Key of the rebuilt file system (persistent types); undefined: the AWS managed key. */
  kmsKeyArn?: string;
}

/** What every site watches (`monitoring:`): on by default. */
export interface Monitoring {
  enabled: boolean;
  notify: string[];
  freeCapacityPercent: number;
  exportBacklogMinutes: number;
  replicationLatencyMinutes: number;
}

export interface StateConfig {
  backend: 'local' | 's3' | 'cloud';
  organization?: string;
  workspacePrefix: string;
  hostname: string;
  /** The Terraform Cloud project of the workspaces (by name); undefined: the organization's default project. */
  project?: string;
  /** Workspaces, run triggers and dynamic AWS credentials as code (the tfc-workspaces and tfc-bootstrap stacks). */
  manageWorkspaces: boolean;
  /** Runs queued by run triggers apply without confirmation. */
  autoApplyRunTriggers: boolean;
  s3?: { bucket: string; region: string; keyPrefix: string };
}

/** A reference by key that names nothing; the object holding it is left out of the model. */
export interface UnresolvedReference extends Located {
  kind: 'account' | 'site' | 'bucket' | 'file system';
  name: string;
  known: string[];
}

export interface Blueprint {
  file: string;
  name: string;
  tags: Record<string, string>;
  accounts: Map<string, Account>;
  sites: Map<string, Site>;
  state: StateConfig;
  buckets: Map<string, Bucket>;
  replication: ReplicationEdge[];
  fileSystems: Map<string, FileSystem>;
  backupPlans: Map<string, BackupPlan>;
  archiveRestore: ArchiveRestore[];
  recovery: Recovery[];
  monitoring: Monitoring;
  /** Warnings a reviewer accepted: listed by validate, not counted. */
  acknowledge: Acknowledgement[];
  unresolved: UnresolvedReference[];
}

export interface Acknowledgement extends Located {
  id: string;
  /** The finding path as validate prints it. */
  findingPath: string;
  reason: string;
}

export const isScratch = (fs: FileSystem): boolean => fs.deploymentType.startsWith('SCRATCH');
export const isLinked = (fs: FileSystem): boolean => fs.repositories.length > 0;
/** "" or a prefix ending in "/", as FSx reads S3 prefixes. */
export const normalizePrefix = (prefix: string): string => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
/** The account id of a site, when the blueprint names it. */
export const accountId = (site: Site): string | undefined => site.account?.id;
export const sameAccount = (a: Site, b: Site): boolean => a.account?.id === b.account?.id;
