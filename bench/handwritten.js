'use strict';
// The baseline of bench/synth: a plain cdktf script that creates the same stacks and resources
// as lustreform does for a generated blueprint, straight from the generator's data, with no
// blueprint loading, validation, model or plan. What a careful engineer would write by hand.
const { App, TerraformStack, TerraformOutput } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');
const { S3BucketOwnershipControls } = require('@cdktf/provider-aws/lib/s3-bucket-ownership-controls');
const { S3BucketPublicAccessBlock } = require('@cdktf/provider-aws/lib/s3-bucket-public-access-block');
const { S3BucketVersioningA } = require('@cdktf/provider-aws/lib/s3-bucket-versioning');
const { S3BucketServerSideEncryptionConfigurationA } = require('@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration');
const { S3BucketPolicy } = require('@cdktf/provider-aws/lib/s3-bucket-policy');
const { S3BucketLifecycleConfiguration } = require('@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration');
const { S3BucketReplicationConfigurationA } = require('@cdktf/provider-aws/lib/s3-bucket-replication-configuration');
const { IamRole } = require('@cdktf/provider-aws/lib/iam-role');
const { IamRolePolicy } = require('@cdktf/provider-aws/lib/iam-role-policy');

function handwritten(bp, outdir) {
  const app = new App({ outdir });
  const accountOf = (site) => bp.accounts[bp.sites[site].account].id;
  const storage = {};
  const provider = (stack, site) =>
    new AwsProvider(stack, 'aws', {
      region: bp.sites[site].region,
      allowedAccountIds: [accountOf(site)],
      defaultTags: [{ tags: { 'lustreform:blueprint': bp.name, 'lustreform:site': site } }],
    });
  for (const site of Object.keys(bp.sites)) {
    const stack = new TerraformStack(app, `${bp.name}-${site}-storage`);
    provider(stack, site);
    storage[site] = stack;
    for (const [key, b] of Object.entries(bp.buckets).filter(([, b]) => b.site === site)) {
      const arn = `arn:aws:s3:::${b.name}`;
      const bucket = new S3Bucket(stack, key, { bucket: b.name, tags: { 'lustreform:bucket': key } });
      new S3BucketOwnershipControls(stack, `${key}-own`, { bucket: bucket.bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      const pab = new S3BucketPublicAccessBlock(stack, `${key}-pab`, { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const versioning = new S3BucketVersioningA(stack, `${key}-ver`, { bucket: bucket.bucket, versioningConfiguration: { status: 'Enabled' } });
      new S3BucketServerSideEncryptionConfigurationA(stack, `${key}-sse`, { bucket: bucket.bucket, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
      const statements = [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': false } } }];
      for (const e of bp.replication.filter((e) => e.to === key && accountOf(bp.buckets[e.from].site) !== accountOf(site))) {
        const src = accountOf(bp.buckets[e.from].site);
        const cond = { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${src}:role/${bp.name}-repl-${e.from}` } };
        statements.push({ Sid: `ReplicateFrom${e.from}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${src}:root` }, Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'], Resource: `${arn}/${e.prefix}*`, Condition: cond });
        statements.push({ Sid: `VersioningFor${e.from}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${src}:root` }, Action: 's3:GetBucketVersioning', Resource: arn, Condition: cond });
      }
      new S3BucketPolicy(stack, `${key}-policy`, { bucket: bucket.bucket, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }), dependsOn: [pab] });
      new S3BucketLifecycleConfiguration(stack, `${key}-lc`, {
        bucket: bucket.bucket,
        dependsOn: [versioning],
        rule: [
          { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
          { id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{}], noncurrentVersionExpiration: [{ noncurrentDays: 90 }] },
        ],
      });
      const out = bp.replication.filter((e) => e.from === key);
      if (out.length) {
        const role = new IamRole(stack, `${key}-role`, { name: `${bp.name}-repl-${key}`, assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) });
        const dst = (e) => `arn:aws:s3:::${bp.buckets[e.to].name}/${e.prefix}*`;
        new IamRolePolicy(stack, `${key}-role-policy`, {
          role: role.name,
          name: 'replication',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: arn },
              { Effect: 'Allow', Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], Resource: out.map((e) => `${arn}/${e.prefix}*`) },
              { Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: out.map(dst) },
              { Effect: 'Allow', Action: 's3:ObjectOwnerOverrideToBucketOwner', Resource: out.map(dst) },
            ],
          }),
        });
      }
      new TerraformOutput(stack, `bucket_${key}_name`, { value: b.name });
      new TerraformOutput(stack, `bucket_${key}_arn`, { value: arn });
    }
  }
  for (const site of Object.keys(bp.sites)) {
    const sources = Object.entries(bp.buckets).filter(([key, b]) => b.site === site && bp.replication.some((e) => e.from === key));
    if (!sources.length) continue;
    const stack = new TerraformStack(app, `${bp.name}-${site}-replication`);
    provider(stack, site);
    for (const [key, b] of sources) {
      const rules = bp.replication
        .filter((e) => e.from === key)
        .map((e, i) => {
          const to = bp.buckets[e.to];
          const cross = accountOf(to.site) !== accountOf(site);
          return {
            id: `to-${e.to}`,
            status: 'Enabled',
            priority: i + 1,
            filter: { prefix: e.prefix },
            deleteMarkerReplication: { status: 'Enabled' },
            destination: { bucket: `arn:aws:s3:::${to.name}`, account: cross ? accountOf(to.site) : undefined, accessControlTranslation: cross ? { owner: 'Destination' } : undefined },
          };
        });
      new S3BucketReplicationConfigurationA(stack, key, { bucket: b.name, role: `arn:aws:iam::${accountOf(site)}:role/${bp.name}-repl-${key}`, rule: rules });
      for (const e of bp.replication.filter((e) => e.from === key)) {
        for (const s of [site, bp.buckets[e.to].site]) if (!stack.dependencies.includes(storage[s])) stack.addDependency(storage[s]);
      }
    }
  }
  app.synth();
}

module.exports = { handwritten };
