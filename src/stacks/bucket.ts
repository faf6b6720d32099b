import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { BucketPlan, Statement } from '../plan/types';
import { denyInsecureTransport } from '../aws/policies';
import { policyJson } from './policy';

/** Days after which incomplete multipart uploads are aborted on every bucket. */
export const ABORT_MULTIPART_DAYS = 7;

export interface LustreformBucketProps {
  /** The planned bucket: name, encryption, versioning, lifecycle, adopt, and the statements other sites need in its policy. */
  readonly bucket: BucketPlan;
  /** The site's access-log bucket, when this one delivers server access logs into it. */
  readonly logBucket?: LustreformBucket;
}

/**
 * An S3 bucket with lustreform's secure defaults: owner-enforced object ownership, all four
 * public access blocks, versioning (always on when replicated), default encryption (SSE-S3, the
 * AWS managed KMS key, or a customer key with S3 Bucket Keys), a bucket policy that denies
 * requests without TLS, and lifecycle rules from the blueprint plus aborting incomplete multipart
 * uploads and expiring noncurrent versions, and the planned statements after the TLS one.
 *
 * An adopted bucket (`adopt: true`) is only looked up (data source): nothing is created, changed
 * or deleted on it (validation warns where that matters).
 */
export class LustreformBucket extends Construct {
  readonly name: string;
  readonly arn: string;
  /** The Terraform attribute naming the bucket; using it orders a resource after the bucket. */
  readonly bucketRef: string;
  /** The bucket policy resource; resources that need the policy in place depend on it. Undefined when adopted. */
  readonly policy?: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LustreformBucketProps) {
    super(scope, id);
    const b = props.bucket;
    this.name = b.name;
    this.arn = b.arn;
    const key = b.key;
    if (b.adopt) {
      const found = new DataAwsS3Bucket(this, 'adopted', { bucket: b.name });
      found.overrideLogicalId(key);
      this.bucketRef = found.bucket;
      this.outputs(key);
      return;
    }

    // prevent_destroy: a plan that would destroy or replace the bucket fails (protect: false lifts it).
    const bucket = new S3Bucket(this, 'bucket', { bucket: b.name, tags: { 'lustreform:bucket': key }, lifecycle: b.protect ? { preventDestroy: true } : undefined });
    bucket.overrideLogicalId(key);
    this.bucketRef = bucket.bucket;
    const on = { bucket: bucket.bucket };

    new S3BucketOwnershipControls(this, 'ownership', { ...on, rule: { objectOwnership: 'BucketOwnerEnforced' } }).overrideLogicalId(key);
    const pab = new S3BucketPublicAccessBlock(this, 'public-access', { ...on, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    pab.overrideLogicalId(key);

    const versioning = new S3BucketVersioningA(this, 'versioning', { ...on, versioningConfiguration: { status: b.versioning ? 'Enabled' : 'Suspended' } });
    versioning.overrideLogicalId(key);

    const e = b.encryption;
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      ...on,
      rule: [
        e.kind === 'sse-s3'
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: e.kind === 'kms-key' ? e.keyArn : undefined }, bucketKeyEnabled: true },
      ],
    }).overrideLogicalId(key);

    const tlsOnly: Statement = denyInsecureTransport('s3', [this.arn, `${this.arn}/*`]);
    // The public access block goes first: a policy put while it is being set can be refused.
    this.policy = new S3BucketPolicy(this, 'policy', { ...on, policy: policyJson([tlsOnly, ...b.statements]), dependsOn: [pab] });
    this.policy.overrideLogicalId(key);

    if (b.accessLogs) {
      // The log bucket is in this stack (rendered first); its policy must be in place for delivery.
      new S3BucketLoggingA(this, 'access-logs', { ...on, targetBucket: b.accessLogs.targetBucket, targetPrefix: b.accessLogs.targetPrefix, dependsOn: props.logBucket?.policy ? [props.logBucket.policy] : undefined }).overrideLogicalId(key);
    }

    new S3BucketLifecycleConfiguration(this, 'lifecycle', { ...on, rule: lifecycleRules(b), dependsOn: [versioning] }).overrideLogicalId(key);
    this.outputs(key);
  }

  private outputs(key: string): void {
    new TerraformOutput(this, 'name-output', { value: this.name, description: `bucket ${key}` }).overrideLogicalId(`bucket_${key}_name`);
    new TerraformOutput(this, 'arn-output', { value: this.arn, description: `bucket ${key}` }).overrideLogicalId(`bucket_${key}_arn`);
  }
}

function lifecycleRules(b: BucketPlan): S3BucketLifecycleConfigurationRule[] {
  const rules: S3BucketLifecycleConfigurationRule[] = b.lifecycle.map((r, i) => ({
    id: `blueprint-${i}`,
    status: 'Enabled',
    filter: [{ prefix: r.prefix }],
    transition: r.transitions.length ? r.transitions.map((t) => ({ days: t.afterDays, storageClass: t.storageClass })) : undefined,
    expiration: r.expirationDays === undefined ? undefined : [{ days: r.expirationDays }],
    noncurrentVersionExpiration: r.noncurrentVersionExpirationDays === undefined ? undefined : [{ noncurrentDays: r.noncurrentVersionExpirationDays }],
  }));
  rules.push({ id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_MULTIPART_DAYS }] });
  if (b.noncurrentVersionExpirationDays) {
    rules.push({ id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{}], noncurrentVersionExpiration: [{ noncurrentDays: b.noncurrentVersionExpirationDays }] });
  }
  return rules;
}
