/**
 * Renders a plan into cdktf stacks: for each planned stack, one construct per planned item, in
 * deploy order. Nothing here decides what exists or what it holds; src/plan does.
 */
import { App, Aspects, TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { Plan, StackPlan } from '../plan/types';
import { LustreformBucket } from './bucket';
import { ArchiveRestoreAutomation, ArchiveRestoreTrail } from './archive-restore';
import { BatchReplicationAccess } from './batch-replication';
import { FileSystemBackupPlan, SiteBackupVault } from './backup';
import { RestoreTesting } from './restore-testing';
import { LustreFileSystem } from './lustre';
import { BucketReplication, ReplicationRole } from './replication';
import { AlarmTopic, renderBackupEvents, renderDashboard, withFileSystemIds } from './monitoring';
import { SiteStack } from './site-stack';
import { BootstrapStack, WorkspacesStack } from './cloud';

export interface BuildOptions {
  /** Where cdktf writes; default cdktf's own (CDKTF_OUTDIR or cdktf.out). */
  outdir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON. */
  hcl?: boolean;
}

/** Builds the cdktf App of a plan (call `.synth()` on it to write). */
export function buildApp(plan: Plan, options: BuildOptions = {}): App {
  // cdktf's validations would run `terraform version` for the cloud backend, so synth would need a
  // terraform binary; they check nothing lustreform does not (every stack has its provider).
  const app = new App({ outdir: options.outdir, hclOutput: options.hcl, skipValidation: true });
  const guard = new NoNotificationsOnRepositoryBuckets(plan);
  // cdktf invokes aspects from each stack down, so the guard goes on every stack, not on the app.
  for (const stack of plan.stacks) Aspects.of(buildStack(app, stack)).add(guard);
  if (plan.cloud) {
    new WorkspacesStack(app, plan.cloud.workspaces);
    for (const b of plan.cloud.bootstrap) new BootstrapStack(app, b);
  }
  return app;
}

/**
 * FSx owns the notification configuration of a bucket an auto-import repository reads, and
 * `aws_s3_bucket_notification` replaces the whole configuration (the DRA turns MISCONFIGURED).
 * lustreform never emits one there; this check makes any construct that tries fail the synth.
 */
export class NoNotificationsOnRepositoryBuckets implements IAspect {
  private readonly owned: Set<string>;

  constructor(plan: Plan) {
    this.owned = new Set(plan.stacks.flatMap((s) => (s.layer === 'lustre' ? s.fileSystems.flatMap((fs) => fs.repositories.filter((r) => r.autoImport.length).map((r) => r.bucketName)) : [])));
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

function buildStack(app: App, plan: StackPlan): SiteStack {
  const stack = new SiteStack(app, plan);
  switch (plan.layer) {
    case 'storage': {
      const logBucket = plan.accessLogBucket && new LustreformBucket(stack, 'access-logs', { bucket: stack.resolve(plan.accessLogBucket) });
      for (const b of plan.buckets) {
        new LustreformBucket(stack, `bucket-${b.key}`, { bucket: stack.resolve(b), logBucket });
        const role = plan.replicationRoles.find((r) => r.sourceKey === b.key);
        if (role) new ReplicationRole(stack, `replication-role-${b.key}`, { role: stack.resolve(role) });
      }
      if (plan.vault) new SiteBackupVault(stack, 'backup-vault', { vault: stack.resolve(plan.vault) });
      if (plan.batchReplication) new BatchReplicationAccess(stack, 'batch-replication', { access: stack.resolve(plan.batchReplication) });
      for (const t of plan.alarmTopics) new AlarmTopic(stack, `alarm-topic-${t.key}`, { topic: stack.resolve(t) });
      if (plan.dashboard) renderDashboard(stack, stack.resolve(plan.dashboard));
      break;
    }
    case 'replication':
      for (const t of plan.alarmTopics) new AlarmTopic(stack, `alarm-topic-${t.key}`, { topic: stack.resolve(t) });
      for (const c of plan.configurations) new BucketReplication(stack, `replication-${c.sourceKey}`, { configuration: stack.resolve(c) });
      break;
    case 'lustre':
      {
        const ids: Record<string, string> = {};
        for (const fs of plan.fileSystems) ids[fs.key] = new LustreFileSystem(stack, fs.id, { fileSystem: stack.resolve(fs) }).fileSystem.id;
        if (plan.dashboard) renderDashboard(stack, withFileSystemIds(stack.resolve(plan.dashboard), ids));
      }
      break;
    case 'protection':
      for (const p of plan.backupPlans) new FileSystemBackupPlan(stack, `backup-plan-${p.key}`, { plan: stack.resolve(p) });
      for (const t of plan.restoreTests) new RestoreTesting(stack, `restore-testing-${t.key}`, { test: stack.resolve(t) });
      if (plan.restoreTrail) new ArchiveRestoreTrail(stack, 'archive-restore-trail', { trail: stack.resolve(plan.restoreTrail) });
      for (const r of plan.archiveRestore) new ArchiveRestoreAutomation(stack, `archive-restore-${r.key}`, { restore: stack.resolve(r) });
      renderBackupEvents(stack, stack.resolve(plan.backupEvents));
      break;
  }
  for (const dep of plan.dependsOn) {
    const other = app.node.tryFindChild(dep) as SiteStack | undefined;
    if (other) stack.addDependency(other);
  }
  return stack;
}
