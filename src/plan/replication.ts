/**
 * The replication layer of a site: one replication configuration per source bucket there, holding
 * a V2 rule per direction (filter, priority, delete-marker replication). It deploys after the
 * storage stacks of both ends, so versioning is on first. Never `existing_object_replication`
 * (S3 refuses it); existing objects go through `lustreform replicate-existing`.
 */
import { sameAccount, type Blueprint, type Bucket, type Site } from '../blueprint/model';
import { directionsFrom, type ReplicationDirection } from '../blueprint/topology';
import { bucketArn, roleArn } from './arns';
import { replicationAlarms } from './monitoring';
import { replicatingBuckets } from './storage';
import type { ReplicationConfigurationPlan, ReplicationRulePlan } from './types';

/** A rule's id, which its replication metrics carry as RuleId. */
export const ruleId = (d: ReplicationDirection): string => `to-${d.destination.key}`;

const keyArn = (b: Bucket) => (b.encryption.kind === 'kms-key' ? b.encryption.keyArn : undefined);

function rule(m: Blueprint, { edge, source, destination }: ReplicationDirection, priority: number): ReplicationRulePlan {
  const crossAccount = !sameAccount(source.site, destination.site);
  const replicaKey = keyArn(destination);
  return {
    id: ruleId({ edge, source, destination }),
    destinationKey: destination.key,
    priority,
    prefix: edge.prefix,
    deleteMarkers: edge.deleteMarkers,
    replicaModifications: edge.mode === 'two-way',
    sseKmsEncryptedObjects: !!keyArn(source),
    destination: {
      bucketArn: bucketArn(destination),
      storageClass: edge.storageClass,
      account: crossAccount ? destination.site.account?.id : undefined,
      // SSE-KMS objects replicate only with the destination's key named (in its region).
      replicaKmsKeyId: keyArn(source) && replicaKey ? replicaKey : undefined,
      replicationTime: edge.replicationTime,
      metrics: edge.replicationTime || m.monitoring.enabled,
    },
  };
}

/** The replication configurations of `site`'s source buckets, each with the directions out of it, and the sites whose storage they need first (versioning on both ends). */
export function replicationAt(m: Blueprint, site: Site): { configurations: ReplicationConfigurationPlan[]; waitsFor: Site[] } {
  const sources = replicatingBuckets(m, site);
  return {
    configurations: sources.map((source) => ({
      sourceKey: source.key,
      bucketName: source.name,
      roleArn: roleArn(m, source.site, 'repl', source.key),
      rules: directionsFrom(m, source).map((d, i) => rule(m, d, i + 1)),
      alarms: directionsFrom(m, source).flatMap((d) => replicationAlarms(m, d, ruleId(d))),
    })),
    waitsFor: sources.flatMap((source) => [source.site, ...directionsFrom(m, source).map((d) => d.destination.site)]),
  };
}
