import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketReplicationConfigurationA, type S3BucketReplicationConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { Construct } from 'constructs';
import { sameAccount, type Blueprint, type Bucket } from '../blueprint/model';
import { bucketArn, objectsArn, replicationRoleName, roleArn } from '../plan/arns';
import type { LustreformBucket } from './bucket';
import { policyJson, trustPolicy, type Statement } from './policy';
import { partitionOf } from '../aws/regions';
import { directionsFrom, directionsInto, type ReplicationDirection } from '../blueprint/topology';

const keyArn = (b: Bucket) => (b.encryption.kind === 'kms-key' ? b.encryption.keyArn : undefined);

export interface ReplicationRoleProps {
  readonly model: Blueprint;
  /** The source bucket; the role holds the permissions of all its outgoing rules. */
  readonly source: Bucket;
}

/**
 * The IAM role S3 assumes to replicate out of one bucket (storage layer of the source's site).
 * Least privilege: read-for-replication on the source objects under each rule's prefix, replicate
 * actions on the destination objects under that prefix, owner override only across accounts, and
 * KMS decrypt/encrypt on exactly the buckets' keys, through S3 in their regions.
 */
export class ReplicationRole extends Construct {
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: ReplicationRoleProps) {
    super(scope, id);
    const { model, source } = props;
    this.roleName = replicationRoleName(model, source);
    const rules = directionsFrom(model, source);
    const statements: Statement[] = [
      { Sid: 'SourceBucket', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: bucketArn(source) },
      { Sid: 'SourceObjects', Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: unique(rules.map((r) => objectsArn(source, r.edge.prefix))) },
      { Sid: 'DestinationObjects', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: unique(rules.map((r) => objectsArn(r.destination, r.edge.prefix))) },
    ];
    const foreign = rules.filter((r) => !sameAccount(r.source.site, r.destination.site));
    if (foreign.length) {
      statements.push({ Sid: 'OwnerOverride', Effect: 'Allow', Action: 's3:ObjectOwnerOverrideToBucketOwner', Resource: unique(foreign.map((r) => objectsArn(r.destination, r.edge.prefix))) });
    }
    const sourceKey = keyArn(source);
    if (sourceKey) {
      statements.push({ Sid: 'DecryptSource', Effect: 'Allow', Action: 'kms:Decrypt', Resource: sourceKey, Condition: { StringEquals: { 'kms:ViaService': `s3.${source.site.region}.amazonaws.com` } } });
    }
    for (const r of rules) {
      const k = keyArn(r.destination);
      if (k) {
        statements.push({ Sid: `EncryptInto${sid(r.destination.key)}`, Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: k, Condition: { StringEquals: { 'kms:ViaService': `s3.${r.destination.site.region}.amazonaws.com` } } });
      }
    }
    const role = new IamRole(this, 'role', { name: this.roleName, assumeRolePolicy: trustPolicy('s3.amazonaws.com'), description: `S3 replication out of ${source.name} (lustreform)` });
    role.overrideLogicalId(`replication_${source.key}`);
    new IamRolePolicy(this, 'policy', { role: role.name, name: 'replication', policy: policyJson(statements) }).overrideLogicalId(`replication_${source.key}`);
  }
}

/**
 * Lets the replication roles of other accounts write replicas into `destination` (storage layer of
 * the destination's site). The principal is the source account with a condition on the role ARN,
 * not the role itself: a policy naming a role that does not exist yet is refused, and the role
 * lives in another stack that may deploy later.
 */
export function grantCrossAccountReplication(model: Blueprint, destination: LustreformBucket, bucket: Bucket, sourceAccountId: (b: Bucket) => string): void {
  for (const r of directionsInto(model, bucket).filter((d) => !sameAccount(d.source.site, d.destination.site))) {
    const account = sourceAccountId(r.source);
    const condition = { ArnEquals: { 'aws:PrincipalArn': roleArn(model, r.source.site, 'repl', r.source.key, account) } };
    const principal = { AWS: `arn:${partitionOf(r.source.site.region)}:iam::${account}:root` };
    destination.addToResourcePolicy({ Sid: `ReplicateFrom${sid(r.source.key)}`, Effect: 'Allow', Principal: principal, Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'], Resource: objectsArn(bucket, r.edge.prefix), Condition: condition });
    destination.addToResourcePolicy({ Sid: `VersioningFor${sid(r.source.key)}`, Effect: 'Allow', Principal: principal, Action: 's3:GetBucketVersioning', Resource: bucketArn(bucket), Condition: condition });
  }
}

export interface BucketReplicationProps {
  readonly model: Blueprint;
  readonly source: Bucket;
  /** ARN of the source's replication role (its account id may be the ambient one). */
  readonly roleArn: string;
}

/**
 * The one replication configuration of a source bucket, holding a V2 rule per direction (filter,
 * priority, delete-marker replication), in the replication layer, which deploys after the
 * storage stacks of both buckets so versioning is on first. Never `existing_object_replication`
 * (S3 refuses it); existing objects go through `lustreform replicate-existing`.
 */
export class BucketReplication extends Construct {
  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const { model, source } = props;
    const rules = directionsFrom(model, source).map((r, i) => replicationRule(r, i + 1));
    new S3BucketReplicationConfigurationA(this, 'configuration', { bucket: source.name, role: props.roleArn, rule: rules }).overrideLogicalId(source.key);
  }
}

function replicationRule({ edge, source, destination }: ReplicationDirection, priority: number): S3BucketReplicationConfigurationRule {
  const crossAccount = !sameAccount(source.site, destination.site);
  const replicaKey = keyArn(destination);
  return {
    id: `to-${destination.key}`,
    status: 'Enabled',
    priority,
    filter: edge.prefix ? { prefix: edge.prefix } : {},
    deleteMarkerReplication: { status: edge.deleteMarkers ? 'Enabled' : 'Disabled' },
    sourceSelectionCriteria:
      edge.mode === 'two-way' || keyArn(source)
        ? {
            replicaModifications: edge.mode === 'two-way' ? { status: 'Enabled' } : undefined,
            sseKmsEncryptedObjects: keyArn(source) ? { status: 'Enabled' } : undefined,
          }
        : undefined,
    destination: {
      bucket: bucketArn(destination),
      storageClass: edge.storageClass,
      account: crossAccount ? destination.site.account?.id : undefined,
      accessControlTranslation: crossAccount ? { owner: 'Destination' } : undefined,
      encryptionConfiguration: keyArn(source) && replicaKey ? { replicaKmsKeyId: replicaKey } : undefined,
      replicationTime: edge.replicationTime ? { status: 'Enabled', time: { minutes: 15 } } : undefined,
      metrics: edge.replicationTime ? { status: 'Enabled', eventThreshold: { minutes: 15 } } : undefined,
    },
  };
}

const unique = (xs: string[]) => [...new Set(xs)];
/** A statement id from a key: letters and digits only. */
const sid = (key: string) => key.replace(/[^A-Za-z0-9]/g, '');
