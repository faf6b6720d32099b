import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { BatchReplicationPlan } from '../plan/types';
import { LustreformBucket } from './bucket';
import { policyJson } from './policy';

export interface BatchReplicationAccessProps {
  /** The planned report bucket and Batch Operations role of a site. */
  readonly access: BatchReplicationPlan;
}

/**
 * What `lustreform replicate-existing` needs at a site (storage layer): a report bucket for the
 * jobs' generated manifests and completion reports (secure defaults, expiring), and the role S3
 * Batch Operations assumes, allowed exactly what the plan's statements say.
 */
export class BatchReplicationAccess extends Construct {
  constructor(scope: Construct, id: string, props: BatchReplicationAccessProps) {
    super(scope, id);
    const a = props.access;
    new LustreformBucket(this, 'reports', { bucket: a.reportBucket });
    const role = new IamRole(this, 'role', { name: a.roleName, assumeRolePolicy: policyJson(a.trust), description: a.description });
    role.overrideLogicalId(`batch_replication_${a.siteKey}`);
    new IamRolePolicy(this, 'policy', { role: role.name, name: 'batch-replication', policy: policyJson(a.statements) }).overrideLogicalId(`batch_replication_${a.siteKey}`);
  }
}
