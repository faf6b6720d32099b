import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { Blueprint, Site } from '../blueprint/model';
import { batchReportBucketName, batchRoleName, bucketArn, objectsArn } from '../plan/arns';
import { LustreformBucket, OPERATIONAL_NONCURRENT_DAYS } from './bucket';
import { policyJson, trustPolicy } from './policy';
import { batchSources } from '../plan/contents';

export interface BatchReplicationAccessProps {
  readonly model: Blueprint;
  readonly site: Site;
  /** The site's account id (a literal, or the ambient account). */
  readonly accountId: string;
}

/**
 * What `lustreform replicate-existing` needs at a site (storage layer): a report bucket for the
 * jobs' generated manifests and completion reports (secure defaults, expiring after 30 days),
 * and the role S3 Batch Operations assumes, allowed to start replication of exactly the source
 * buckets with `existingObjects: batch`, generate their manifests and write into the report bucket.
 */
export class BatchReplicationAccess extends Construct {
  constructor(scope: Construct, id: string, props: BatchReplicationAccessProps) {
    super(scope, id);
    const { model, site, accountId } = props;
    const sources = batchSources(model, site);
    const report = new LustreformBucket(this, 'reports', {
      bucket: {
        key: `batch_reports_${site.key}`,
        path: site.path,
        site,
        name: batchReportBucketName(model, site, accountId),
        nameGiven: false,
        encryption: { kind: 'sse-s3' },
        versioningDeclared: true,
        versioning: true,
        noncurrentVersionExpirationDays: OPERATIONAL_NONCURRENT_DAYS,
        adopt: false,
        lifecycle: [{ path: site.path, prefix: '', transitions: [], expirationDays: 30 }],
      },
    });
    const role = new IamRole(this, 'role', { name: batchRoleName(model, site), assumeRolePolicy: trustPolicy('batchoperations.s3.amazonaws.com'), description: `S3 Batch Replication of existing objects at ${site.key} (lustreform)` });
    role.overrideLogicalId(`batch_replication_${site.key}`);
    new IamRolePolicy(this, 'policy', {
      role: role.name,
      name: 'batch-replication',
      policy: policyJson([
        { Sid: 'InitiateReplication', Effect: 'Allow', Action: 's3:InitiateReplication', Resource: sources.map((b) => objectsArn(b)) },
        { Sid: 'GenerateManifests', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'], Resource: sources.map((b) => bucketArn(b)) },
        { Sid: 'ManifestsAndReports', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], Resource: `${report.arn}/*` },
        { Sid: 'ReportBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: report.arn },
      ]),
    }).overrideLogicalId(`batch_replication_${site.key}`);
  }
}
