/**
 * Renders the stack plan into cdktf stacks: for each planned stack, the constructs of its layer
 * at its site. Nothing here decides what exists; src/plan does.
 */
import { App, Aspects, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { Blueprint } from '../blueprint/model';
import { roleArn } from '../plan/arns';
import { archiveRestoreEntries, batchSources, hasVault, plansAt, replicatingBuckets } from '../plan/contents';
import { deployedRecoveries, type Activation } from '../plan/recovery';
import { planStacks, type StackPlan } from '../plan/stacks';
import { LustreformBucket } from './bucket';
import { ArchiveRestoreAutomation, restoreKey } from './archive-restore';
import { BatchReplicationAccess } from './batch-replication';
import { FileSystemBackupPlan, SiteBackupVault } from './backup';
import { grantFileSystemAccess, LustreFileSystem } from './lustre';
import { BucketReplication, grantCrossAccountReplication, ReplicationRole } from './replication';
import { SiteStack } from './site-stack';

export interface BuildOptions {
  /** Where cdktf writes; default cdktf's own (CDKTF_OUTDIR or cdktf.out). */
  outdir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON. */
  hcl?: boolean;
  /** A failover: cold standbys of this site become real file systems. */
  activation?: Activation;
  /** Providers assume each account's planRole (read-only, for plans) where given. */
  planRoles?: boolean;
}

/** Builds the cdktf App of a validated blueprint (call `.synth()` on it to write). */
export function buildApp(model: Blueprint, options: BuildOptions = {}): App {
  // cdktf's validations would run `terraform version` for the cloud backend, so synth would need a
  // terraform binary; they check nothing lustreform does not (every stack has its provider).
  const app = new App({ outdir: options.outdir, hclOutput: options.hcl, skipValidation: true });
  const guard = new NoNotificationsOnRepositoryBuckets(model);
  // cdktf invokes aspects from each stack down, so the guard goes on every stack, not on the app.
  for (const plan of planStacks(model, options.activation)) Aspects.of(buildStack(app, model, plan, options)).add(guard);
  return app;
}

/**
 * FSx owns the notification configuration of a bucket an auto-import repository reads, and
 * `aws_s3_bucket_notification` replaces the whole configuration (the DRA turns MISCONFIGURED).
 * lustreform never emits one there; this check makes any construct that tries fail the synth.
 */
export class NoNotificationsOnRepositoryBuckets implements IAspect {
  private readonly owned: Set<string>;

  constructor(model: Blueprint) {
    this.owned = new Set([...model.fileSystems.values()].flatMap((fs) => fs.repositories.filter((r) => r.autoImport.length).map((r) => r.bucket.name)));
  }

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && node.terraformResourceType === 'aws_s3_bucket_notification') {
      const bucket = (node as TerraformResource & { bucketInput?: string }).bucketInput;
      if (bucket && this.owned.has(bucket)) {
        throw new Error(`${node.node.path}: an aws_s3_bucket_notification on ${bucket} would replace the notifications FSx manages for its auto-import repositories`);
      }
    }
  }
}

function buildStack(app: App, model: Blueprint, plan: StackPlan, { activation, planRoles }: BuildOptions): SiteStack {
  const stack = new SiteStack(app, model, plan, { planRoles });
  const here = [...model.buckets.values()].filter((b) => b.site === plan.site);
  const replicating = replicatingBuckets(model, plan.site);
  switch (plan.layer) {
    case 'storage':
      for (const b of here) {
        const bucket = new LustreformBucket(stack, `bucket-${b.key}`, { bucket: b });
        if (!b.adopt) {
          grantCrossAccountReplication(model, bucket, b, (source) => stack.accountIdOf(source.site));
          grantFileSystemAccess(model, bucket, b);
        }
        if (replicating.includes(b)) new ReplicationRole(stack, `replication-role-${b.key}`, { model, source: b });
      }
      if (hasVault(model, plan.site)) new SiteBackupVault(stack, 'backup-vault', { model, site: plan.site });
      if (batchSources(model, plan.site).length) new BatchReplicationAccess(stack, 'batch-replication', { model, site: plan.site, accountId: stack.accountIdOf(plan.site) });
      break;
    case 'replication':
      for (const b of replicating) {
        const arn = roleArn(model, b.site, 'repl', b.key, stack.accountIdOf(b.site));
        new BucketReplication(stack, `replication-${b.key}`, { model, source: b, roleArn: arn });
      }
      break;
    case 'lustre':
      for (const fs of model.fileSystems.values()) if (fs.site === plan.site) new LustreFileSystem(stack, `file-system-${fs.key}`, { model, fileSystem: fs });
      for (const copy of deployedRecoveries(model, activation).filter((c) => c.fileSystem.site === plan.site)) {
        new LustreFileSystem(stack, `recovery-${copy.fileSystem.key}`, { model, fileSystem: copy.fileSystem, backupId: copy.backupId });
      }
      break;
    case 'protection':
      for (const p of plansAt(model, plan.site)) new FileSystemBackupPlan(stack, `backup-plan-${p.key}`, { model, plan: p, accountIdOf: (site) => stack.accountIdOf(site) });
      for (const entry of archiveRestoreEntries(model)) {
        if (entry.bucket.site === plan.site) new ArchiveRestoreAutomation(stack, `archive-restore-${restoreKey(entry)}`, { model, entry, accountId: stack.accountIdOf(plan.site) });
      }
      break;
  }
  for (const dep of plan.dependsOn) {
    const other = app.node.tryFindChild(dep) as SiteStack | undefined;
    if (other) stack.addDependency(other);
  }
  return stack;
}
