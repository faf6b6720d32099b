/**
 * A blueprint as the loader hands it on: schema-valid, with the schema's defaults filled in.
 * Generated from schemas/blueprint.schema.json by scripts/raw-types.js (`npm run docs`); do not edit.
 */
/* eslint-disable */

/**
 * S3 changes imported automatically: any of NEW, CHANGED, DELETED. Default by purpose: input/sync all three, output none.
 *
 * @maxItems 3
 */
export type Events = ("NEW" | "CHANGED" | "DELETED")[];
/**
 * File system changes exported automatically: any of NEW, CHANGED, DELETED. Default by purpose: output/sync all three, input none.
 *
 * @maxItems 3
 */
export type Events1 = ("NEW" | "CHANGED" | "DELETED")[];

/**
 * One storage topology: S3 buckets, their replication, FSx for Lustre file systems linked to S3 prefixes, backups, archive restore and disaster recovery.
 */
export interface LoadedBlueprint {
  /**
   * Path or URL of this JSON Schema, for editors. Ignored by lustreform.
   */
  $schema?: string;
  /**
   * Blueprint format version. Always 1.
   */
  version: 1;
  /**
   * Blueprint name: 3-24 characters, a lowercase letter first, then lowercase letters, digits and hyphens. Prefixes resource names, stack names and tags.
   */
  name: string;
  /**
   * Tags added to every taggable resource, next to the lustreform:* tags.
   */
  tags?: {
    /**
     * Tag value: at most 256 characters.
     */
    [k: string]: string;
  };
  /**
   * AWS accounts, by key. Omitted: one account, the one of the ambient credentials.
   */
  accounts?: {
    [k: string]: Account;
  };
  /**
   * Sites, by key. A site is one account plus one region. At least one.
   */
  sites: {
    [k: string]: Site;
  };
  state: State;
  /**
   * S3 buckets, by key.
   */
  buckets?: {
    [k: string]: Bucket;
  };
  /**
   * Replication edges between buckets.
   */
  replication?: ReplicationEdge[];
  /**
   * FSx for Lustre file systems, by key.
   */
  fileSystems?: {
    [k: string]: FileSystem;
  };
  /**
   * AWS Backup plans, by key, for file systems that support backups (persistent, not linked to S3).
   */
  backupPlans?: {
    [k: string]: BackupPlan;
  };
  /**
   * Automatic restore of archived S3 objects that a file system tries to read.
   */
  archiveRestore?: ArchiveRestore[];
  monitoring: Monitoring;
  /**
   * Disaster recovery: file systems rebuilt at another site from the replicas of their buckets (or, when they read no bucket, from AWS Backup copies there).
   */
  recovery?: Recovery[];
  /**
   * Warnings a reviewer has accepted: each is still listed by validate, with its reason, but not counted (so --strict passes). Errors cannot be acknowledged; an entry that matches no warning is itself a warning (ACK001).
   */
  acknowledge?: Acknowledgement[];
}
export interface Account {
  /**
   * The 12-digit AWS account id, quoted so YAML keeps leading zeros.
   */
  id: string;
  /**
   * ARN of the IAM role to assume in this account for deploys and runner commands.
   */
  assumeRole?: string;
  /**
   * ARN of a read-only IAM role in this account that the stacks' providers assume instead of assumeRole when LUSTREFORM_PLAN=1 (terraform plan in pull requests); it needs read access to what the stacks manage (e.g. the ReadOnlyAccess managed policy) and to the state. Default: assumeRole.
   */
  planRole?: string;
}
export interface Site {
  /**
   * Key of an entry in accounts. Omitted: the ambient credentials' account.
   */
  account?: string;
  /**
   * AWS region of this site, e.g. eu-central-1.
   */
  region: string;
  /**
   * Customer-managed KMS key of this site's AWS Backup vault (the vault of its backup plans and of copies into it); default the AWS managed key.
   */
  backupVaultKmsKeyArn?: string;
  /**
   * Customer-managed KMS key, in the site's region, for what lustreform creates for itself at this site: the archive-restore trails and their log buckets, the batch-report bucket, the CloudWatch log groups (FSx logs, restore functions) and the site's alarm topic. Default: none (SSE-S3 buckets, CloudWatch Logs' own encryption, an unencrypted alarm topic). The key's policy must admit CloudTrail, CloudWatch Logs, CloudWatch alarms and EventBridge (docs/security.md lists the statements); lustreform does not manage key policies. Costs $1 a month per key plus requests.
   */
  operationalKmsKeyArn?: string;
  /**
   * AWS Organizations id (o-...): the site's backup vault policy admits copies from other accounts only while they belong to this organization (aws:PrincipalOrgID). Default: the accounts alone.
   */
  backupVaultOrganizationId?: string;
}
/**
 * Where Terraform keeps state for the generated stacks.
 */
export interface State {
  /**
   * local (default), s3, or cloud (Terraform Cloud / Enterprise).
   */
  backend: "local" | "s3" | "cloud";
  /**
   * cloud: the Terraform Cloud / Enterprise organization.
   */
  organization?: string;
  /**
   * cloud: workspace name prefix; one workspace per stack, named <prefix><stack>.
   */
  workspacePrefix: string;
  /**
   * cloud: the Terraform Cloud or Terraform Enterprise hostname: the backends', the tfe provider's, and the IAM OIDC provider's (https://<hostname>) of dynamic credentials.
   */
  hostname: string;
  /**
   * cloud: the Terraform Cloud project (by name) of the stacks' workspaces; it must exist. The backends name it, manageWorkspaces creates the workspaces in it, and the run roles trust only its workspaces. Default: the organization's default project.
   */
  project?: string;
  /**
   * cloud: true adds a stack (<name>-tfc-workspaces, tfe provider, run once with TFE_TOKEN) that creates a CLI-driven workspace per stack, run triggers in deploy order and dynamic AWS credentials, and per account a bootstrap stack (<name>-<account>-tfc-bootstrap) with the IAM OIDC provider and the run role. Every site must name an account.
   */
  manageWorkspaces: boolean;
  /**
   * cloud, with manageWorkspaces: true applies the runs that run triggers queue (after a stack this one waits for applied) without confirmation; default false: each waits for a confirmation in Terraform Cloud.
   */
  autoApplyRunTriggers: boolean;
  /**
   * s3: the state bucket; one key per stack, native S3 lock file.
   */
  s3?: {
    /**
     * State bucket name.
     */
    bucket: string;
    /**
     * Region of the state bucket.
     */
    region: string;
    /**
     * Prefix of every state key, e.g. climate/.
     */
    keyPrefix: string;
  };
}
export interface Bucket {
  /**
   * Key of the site the bucket lives in.
   */
  site: string;
  /**
   * Bucket name. Default <name>-<key>-<region>, plus -<account id> when the site names an account.
   */
  name?: string;
  /**
   * Default encryption: sse-s3 (default), kms (the AWS managed key; not across accounts) or { kmsKeyArn } (a customer-managed key, with S3 Bucket Keys).
   */
  encryption:
    | ("sse-s3" | "kms")
    | {
        /**
         * ARN of a customer-managed KMS key in the bucket's region.
         */
        kmsKeyArn: string;
      };
  /**
   * Object versioning. Default true; always on when the bucket is replicated.
   */
  versioning: boolean;
  /**
   * true: the bucket exists already; lustreform references it and never creates, configures or deletes it.
   */
  adopt: boolean;
  /**
   * Default true: Terraform refuses to destroy or replace the bucket (lifecycle.prevent_destroy), so a plan that would fails until this says false. Removing the bucket from the blueprint still destroys it. Ignored with adopt (nothing is created).
   */
  protect: boolean;
  /**
   * Versioned buckets: days after which noncurrent (overwritten or deleted) versions are removed, bucket-wide. Default 90; null or 0 keeps them forever. Not emitted when a lifecycle rule of the bucket sets its own noncurrentVersionExpirationDays (S3 would apply the shorter of overlapping rules); BKT007 warns what that leaves uncovered.
   */
  noncurrentVersionExpirationDays: number | null;
  /**
   * Lifecycle rules. Lifecycle is not replicated: set it on every bucket that needs it.
   */
  lifecycle?: LifecycleRule[];
  /**
   * S3 server access logging of this bucket into its site's access-log bucket (<blueprint>-access-logs-<hash>-<account id>, SSE-S3, objects expire after 90 days). Default false: access logs cost their storage and are delivered best effort; CloudTrail data events are the complete record. Not on adopted buckets.
   */
  accessLogging: boolean;
}
export interface LifecycleRule {
  /**
   * Key prefix the rule applies to; default the whole bucket.
   */
  prefix: string;
  /**
   * Storage class transitions, in order of afterDays.
   */
  transitions?: {
    /**
     * Days after object creation.
     */
    afterDays: number;
    /**
     * Target storage class.
     */
    storageClass: "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
  }[];
  /**
   * Days after creation when current versions expire (become noncurrent on versioned buckets).
   */
  expirationDays?: number;
  /**
   * Days after which noncurrent versions are deleted.
   */
  noncurrentVersionExpirationDays?: number;
}
export interface ReplicationEdge {
  /**
   * Key of the source bucket.
   */
  from: string;
  /**
   * Key of the destination bucket.
   */
  to: string;
  /**
   * one-way (default) or two-way (adds the reverse rule and replica-modification sync on both sides).
   */
  mode: "one-way" | "two-way";
  /**
   * Only objects under this key prefix replicate; default all.
   */
  prefix: string;
  /**
   * S3 Replication Time Control (15 minutes) with its metrics.
   */
  replicationTime: boolean;
  /**
   * Replicate delete markers.
   */
  deleteMarkers: boolean;
  /**
   * Storage class of the replicas; default the source object's class.
   */
  storageClass?:
    "STANDARD" | "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
  /**
   * none (default) or batch: `lustreform replicate-existing` starts S3 Batch Replication for objects that existed before the rule.
   */
  existingObjects: "none" | "batch";
}
export interface FileSystem {
  /**
   * Key of the site the file system runs in.
   */
  site: string;
  /**
   * SCRATCH_1, SCRATCH_2, PERSISTENT_1 or PERSISTENT_2.
   */
  deploymentType: "SCRATCH_1" | "SCRATCH_2" | "PERSISTENT_1" | "PERSISTENT_2";
  /**
   * SSD (default), HDD (PERSISTENT_1 only) or INTELLIGENT_TIERING (PERSISTENT_2 only).
   */
  storageType: "SSD" | "HDD" | "INTELLIGENT_TIERING";
  /**
   * Storage capacity in GiB; valid steps depend on deployment and storage type. Not for INTELLIGENT_TIERING.
   */
  storageCapacity?: number;
  /**
   * Default true: Terraform refuses to destroy or replace the file system (lifecycle.prevent_destroy), so a plan that would fails until this says false; its recovery copies follow it. Removing the file system from the blueprint still destroys it.
   */
  protect: boolean;
  /**
   * Lustre version; always set explicitly in the output (the API default is 2.10).
   */
  lustreVersion: "2.10" | "2.12" | "2.15";
  /**
   * Data compression: NONE (default) or LZ4.
   */
  compression: "NONE" | "LZ4";
  network: Network;
  /**
   * Data repository associations linking file system paths to S3 prefixes (SCRATCH_2, PERSISTENT_1, PERSISTENT_2; at most 8).
   */
  repositories?: Repository[];
  /**
   * Per-unit storage throughput in MB/s per TiB; persistent types only, and required there.
   */
  throughput?: 12 | 40 | 50 | 100 | 125 | 200 | 250 | 500 | 1000;
  /**
   * Customer-managed KMS key; persistent types only (scratch uses the FSx service key).
   */
  kmsKeyArn?: string;
  /**
   * FSx automatic daily backups; persistent file systems not linked to S3 only.
   */
  backups?: {
    /**
     * Start time, HH:MM in UTC.
     */
    dailyAt?: string;
    /**
     * Days to keep automatic backups, 0-90 (0 turns them off).
     */
    retentionDays: number;
    /**
     * Copy the file system's tags to its backups.
     */
    copyTagsToBackups: boolean;
  };
  /**
   * HDD drive cache, required for HDD (PERSISTENT_1 only): NONE or READ.
   */
  driveCache?: "NONE" | "READ";
  /**
   * INTELLIGENT_TIERING only: throughput capacity in MBps, a multiple of 4000.
   */
  throughputCapacity?: number;
  /**
   * INTELLIGENT_TIERING only: the SSD read cache.
   */
  readCache?: {
    /**
     * NO_CACHE, USER_PROVISIONED (with sizeGiB) or PROPORTIONAL_TO_THROUGHPUT_CAPACITY.
     */
    sizing: "NO_CACHE" | "USER_PROVISIONED" | "PROPORTIONAL_TO_THROUGHPUT_CAPACITY";
    /**
     * Cache size in GiB, with USER_PROVISIONED only.
     */
    sizeGiB?: number;
  };
  /**
   * PERSISTENT_2 only: metadata server configuration.
   */
  metadata?: {
    /**
     * AUTOMATIC or USER_PROVISIONED (with iops).
     */
    mode: "AUTOMATIC" | "USER_PROVISIONED";
    /**
     * Metadata IOPS, with USER_PROVISIONED only.
     */
    iops?: number;
  };
  /**
   * Elastic Fabric Adapter and GPUDirect Storage; PERSISTENT_2 with a metadata configuration only.
   */
  efa: boolean;
  /**
   * Weekly maintenance window start, d:HH:MM in UTC, Monday = 1.
   */
  weeklyMaintenance?: string;
  /**
   * FSx logging of data repository events (failed imports and exports) to a CloudWatch log group lustreform creates, /aws/fsx/<blueprint>-<file system>. Default: WARN_ERROR for file systems with repositories, DISABLED for the others.
   */
  logging: {
    /**
     * WARN_ERROR (default with repositories), ERROR, WARN, or DISABLED (default without).
     */
    level?: "WARN_ERROR" | "ERROR" | "WARN" | "DISABLED";
    /**
     * Days the log group keeps events (a CloudWatch Logs retention value).
     */
    retentionDays:
      | 1
      | 3
      | 5
      | 7
      | 14
      | 30
      | 60
      | 90
      | 120
      | 150
      | 180
      | 365
      | 400
      | 545
      | 731
      | 1096
      | 1827
      | 2192
      | 2557
      | 2922
      | 3288
      | 3653;
  };
}
/**
 * Where the file system lives: one subnet, and either existing security groups or one created with the Lustre ports.
 */
export interface Network {
  /**
   * The one subnet of the file system.
   */
  subnetId: string;
  /**
   * Existing security groups; they must allow TCP 988 and 1018-1023 between clients and the file system.
   *
   * @minItems 1
   * @maxItems 50
   */
  securityGroupIds?: string[];
  /**
   * A security group created for the file system with the Lustre ports only.
   */
  securityGroup?: {
    /**
     * VPC of the subnet.
     */
    vpcId: string;
    /**
     * IPv4 CIDR blocks of the Lustre clients.
     *
     * @minItems 1
     */
    clientCidrs: string[];
  };
}
export interface Repository {
  /**
   * Path inside the file system, starting with /.
   */
  path: string;
  /**
   * Key of the bucket; in the file system's region when autoImport is on.
   */
  bucket: string;
  /**
   * S3 key prefix; default "" (the whole bucket). A trailing / is added.
   */
  prefix: string;
  /**
   * input (S3 is authoritative), output (the file system writes results to S3) or sync (both).
   */
  purpose: "input" | "output" | "sync";
  autoImport?: Events;
  autoExport?: Events1;
  /**
   * What `lustreform import` loads after apply: none (default), metadata, or content (metadata, then file contents with `lustreform hydrate`).
   */
  preload: "none" | "metadata" | "content";
  /**
   * Stripe size of imported files in MiB, 1-512000 (AWS default 1024).
   */
  importedFileChunkSize?: number;
}
export interface BackupPlan {
  /**
   * Key of the site of the plan and its vault; the file systems must run there.
   */
  site: string;
  /**
   * Keys of the file systems to back up.
   *
   * @minItems 1
   */
  fileSystems: string[];
  /**
   * AWS Backup cron expression with six fields, in UTC, e.g. cron(0 3 * * ? *).
   */
  schedule: string;
  /**
   * Days to keep each recovery point, 1-36500.
   */
  retentionDays: number;
  /**
   * Minutes a backup may wait to start, at least 60.
   */
  startWindowMinutes: number;
  /**
   * Minutes a backup may take to complete.
   */
  completionWindowMinutes: number;
  /**
   * Copies to the backup vaults of other sites (other regions and/or accounts).
   */
  copyTo?: {
    /**
     * Key of the site whose vault receives the copy.
     */
    site: string;
    /**
     * Days to keep the copy; default the plan's retentionDays.
     */
    retentionDays?: number;
  }[];
  /**
   * AWS Backup Vault Lock on this plan's vault.
   */
  vaultLock?: {
    /**
     * governance (authorized principals may change or remove the lock) or compliance (immutable after changeableForDays).
     */
    mode: "governance" | "compliance";
    /**
     * Shortest retention a recovery point in the vault may have.
     */
    minRetentionDays: number;
    /**
     * Longest retention a recovery point in the vault may have.
     */
    maxRetentionDays: number;
    /**
     * compliance: days before the lock becomes immutable, at least 3.
     */
    changeableForDays: number;
  };
  /**
   * AWS Backup restore testing: on its schedule AWS restores a recovery point of every FSx file system in the backup vault of `site` into `network`, records whether the restore succeeded, and deletes the restored file system. Each test builds a whole file system of the backed-up size for the hours the restore takes (FSx charges for them). Off unless set.
   */
  restoreTesting?: {
    /**
     * AWS Backup cron expression with six fields, in UTC, of the tests, e.g. cron(0 5 ? * SAT *).
     */
    schedule: string;
    /**
     * Key of the site whose vault is tested: the plan's site or one of its copyTo sites; default the first copyTo site (a rehearsal of restoring there), else the plan's site.
     */
    site?: string;
    /**
     * Where the tests restore, at the tested site: an existing subnet and security groups (a restore otherwise takes the backed-up file system's groups, which do not exist at another site); default the network of the recovery entry of one of the plan's file systems at that site, when it names securityGroupIds.
     */
    network?: {
      /**
       * The subnet of the restored file system.
       */
      subnetId: string;
      /**
       * Existing security groups of the restored file system.
       *
       * @minItems 1
       * @maxItems 50
       */
      securityGroupIds: string[];
    };
    /**
     * LATEST_WITHIN_WINDOW (the recovery point a restore would use now) or RANDOM_WITHIN_WINDOW (any in the window).
     */
    algorithm: "LATEST_WITHIN_WINDOW" | "RANDOM_WITHIN_WINDOW";
    /**
     * Only recovery points created within this many days are tested, 1-365.
     */
    selectionWindowDays: number;
    /**
     * Hours a test may wait to start, 1-168.
     */
    startWindowHours: number;
    /**
     * Hours, 1-168, the restored file system stays for your own checks before AWS Backup deletes it; default none: deleted once the restore completes.
     */
    validationWindowHours?: number;
  };
}
export interface ArchiveRestore {
  /**
   * Key of the bucket whose archived objects are restored when read.
   */
  bucket: string;
  /**
   * Only objects under this key prefix; default the whole bucket.
   */
  prefix: string;
  /**
   * Expedited, Standard (default) or Bulk; Expedited falls back to Standard for DEEP_ARCHIVE.
   */
  tier: "Expedited" | "Standard" | "Bulk";
  /**
   * Days the restored copy stays readable.
   */
  days: number;
  /**
   * E-mail addresses told when restores start and complete (SNS).
   */
  notify?: string[];
  /**
   * Days the restore function's log group keeps events (a CloudWatch Logs retention value).
   */
  logRetentionDays:
    | 1
    | 3
    | 5
    | 7
    | 14
    | 30
    | 60
    | 90
    | 120
    | 150
    | 180
    | 365
    | 400
    | 545
    | 731
    | 1096
    | 1827
    | 2192
    | 2557
    | 2922
    | 3288
    | 3653;
  /**
   * AWS X-Ray tracing of the restore function: PassThrough (default; no traces of its own, no cost) or Active (traces sampled requests; X-Ray charges per trace).
   */
  tracing: "PassThrough" | "Active";
}
/**
 * Alarms, an alarm topic per site and a dashboard per site, on by default: free capacity and export backlog of every file system, data repository errors in its FSx log, failed and late replication per rule, failed and missed backups, archive-restore errors. Each alarm lives in the stack of what it watches and notifies the site's alarm topic <blueprint>-<site>-alarms.
 */
export interface Monitoring {
  /**
   * false: no alarms, topics or dashboards.
   */
  enabled: boolean;
  /**
   * E-mail addresses subscribed to every site's alarm topic (each must confirm AWS's e-mail).
   */
  notify: string[];
  /**
   * Alarm when a file system's free storage (all storage targets) falls below this share of its capacity.
   */
  freeCapacityPercent: number;
  /**
   * Alarm when the oldest change queued for auto-export is older than this.
   */
  exportBacklogMinutes: number;
  /**
   * Alarm when a replication rule lags longer than this (Replication Time Control promises 15).
   */
  replicationLatencyMinutes: number;
}
export interface Recovery {
  /**
   * Key of the file system to rebuild.
   */
  fileSystem: string;
  /**
   * Key of the site where it is rebuilt; its repositories use the replicas there.
   */
  site: string;
  /**
   * cold (default): described, deployed only on failover; warm: deployed now.
   */
  standby: "cold" | "warm";
  network: Network;
  /**
   * Customer-managed KMS key of the rebuilt file system, in the recovery site's region (persistent types); default the AWS managed key, so nothing of the primary's account is needed.
   */
  kmsKeyArn?: string;
}
export interface Acknowledgement {
  /**
   * The rule ID of the warning, e.g. REP006.
   */
  id: string;
  /**
   * The path the warning points at, exactly as validate prints it, e.g. replication[0] or fileSystems.work.repositories[1].
   */
  path: string;
  /**
   * Why the warning is accepted, for the next reviewer.
   */
  reason: string;
}
