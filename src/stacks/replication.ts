import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketReplicationConfigurationA, type S3BucketReplicationConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { Construct } from 'constructs';
import type { ReplicationConfigurationPlan, ReplicationRolePlan, ReplicationRulePlan } from '../plan/types';
import { renderAlarms } from './monitoring';
import { policyJson } from './policy';

export interface ReplicationRoleProps {
  /** The planned role: its name and least-privilege statements for every rule out of its source bucket. */
  readonly role: ReplicationRolePlan;
}

/** The IAM role S3 assumes to replicate out of one bucket (storage layer of the source's site). */
export class ReplicationRole extends Construct {
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: ReplicationRoleProps) {
    super(scope, id);
    const { role: r } = props;
    this.roleName = r.roleName;
    const role = new IamRole(this, 'role', { name: r.roleName, assumeRolePolicy: policyJson(r.trust), description: r.description });
    role.overrideLogicalId(`replication_${r.sourceKey}`);
    new IamRolePolicy(this, 'policy', { role: role.name, name: 'replication', policy: policyJson(r.statements) }).overrideLogicalId(`replication_${r.sourceKey}`);
  }
}

export interface BucketReplicationProps {
  /** The planned configuration of one source bucket: its role's ARN and a rule per direction. */
  readonly configuration: ReplicationConfigurationPlan;
}

/**
 * The one replication configuration of a source bucket, holding a V2 rule per direction (filter,
 * priority, delete-marker replication); two-way rules sync replica modifications, RTC comes with
 * its metrics (15/15), and across accounts the destination gets `account` plus the owner override.
 */
export class BucketReplication extends Construct {
  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const c = props.configuration;
    new S3BucketReplicationConfigurationA(this, 'configuration', { bucket: c.bucketName, role: c.roleArn, rule: c.rules.map(replicationRule) }).overrideLogicalId(c.sourceKey);
    renderAlarms(this, c.alarms);
  }
}

function replicationRule(r: ReplicationRulePlan): S3BucketReplicationConfigurationRule {
  const d = r.destination;
  return {
    id: r.id,
    status: 'Enabled',
    priority: r.priority,
    filter: r.prefix ? { prefix: r.prefix } : {},
    deleteMarkerReplication: { status: r.deleteMarkers ? 'Enabled' : 'Disabled' },
    sourceSelectionCriteria:
      r.replicaModifications || r.sseKmsEncryptedObjects
        ? {
            replicaModifications: r.replicaModifications ? { status: 'Enabled' } : undefined,
            sseKmsEncryptedObjects: r.sseKmsEncryptedObjects ? { status: 'Enabled' } : undefined,
          }
        : undefined,
    destination: {
      bucket: d.bucketArn,
      storageClass: d.storageClass,
      account: d.account,
      accessControlTranslation: d.account ? { owner: 'Destination' } : undefined,
      encryptionConfiguration: d.replicaKmsKeyId ? { replicaKmsKeyId: d.replicaKmsKeyId } : undefined,
      replicationTime: d.replicationTime ? { status: 'Enabled', time: { minutes: 15 } } : undefined,
      // Metrics without RTC take no event threshold: S3 refuses one (InvalidArgument) unless ReplicationTime is on.
      metrics: d.replicationTime ? { status: 'Enabled', eventThreshold: { minutes: 15 } } : d.metrics ? { status: 'Enabled' } : undefined,
    },
  };
}
