/** FSx for Lustre facts (aws-facts.md): per-unit throughputs and storage capacity steps. */

/** Per-unit storage throughput (MB/s/TiB) each persistent deployment/storage type takes. */
export const THROUGHPUTS: Record<string, readonly number[]> = {
  'PERSISTENT_1/SSD': [50, 100, 200],
  'PERSISTENT_1/HDD': [12, 40],
  'PERSISTENT_2/SSD': [125, 250, 500, 1000],
};

/** The capacity steps (GiB) of a deployment and storage type, as words and a test; undefined for combinations without fixed steps. */
export function capacitySteps(d: string, s: string, throughput?: number): { words: string; ok: (gib: number) => boolean } | undefined {
  if (d === 'SCRATCH_1') return { words: '1200, 2400 or a multiple of 3600', ok: (c) => c === 1200 || c === 2400 || c % 3600 === 0 };
  if (s === 'SSD') return { words: '1200, 2400 or a multiple of 2400', ok: (c) => c === 1200 || c % 2400 === 0 };
  if (d === 'PERSISTENT_1' && s === 'HDD') {
    if (throughput === 12) return { words: 'a multiple of 6000 (HDD at 12 MB/s/TiB)', ok: (c) => c % 6000 === 0 };
    if (throughput === 40) return { words: 'a multiple of 1800 (HDD at 40 MB/s/TiB)', ok: (c) => c % 1800 === 0 };
  }
  return undefined;
}

/** The TCP ports Lustre (LNet) uses between clients and servers: the security group must allow them in and out. */
export const LUSTRE_PORTS: readonly [number, number][] = [
  [988, 988],
  [1018, 1023],
];

/**
 * FSx's S3 service-linked role of one file system: FSx creates `AWSServiceRoleForFSxS3Access_<file
 * system id>` under the path `aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/` for every
 * S3-linked file system, so a file system rebuilt at recovery has a new one (aws-facts.md; FSx for
 * Lustre User Guide, "Using service-linked roles for Amazon FSx").
 */
export const fsxS3RoleArn = (partition: string, account: string, fileSystemId: string): string =>
  `arn:${partition}:iam::${account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_${fileSystemId}`;

/**
 * The key-policy statement that lets one file system's S3 service-linked role use buckets'
 * customer-managed key through S3: the service-linked role has no KMS permission from IAM, so the
 * key policy must name it. As the FSx guide writes it ("Working with server-side encrypted Amazon
 * S3 buckets", docs.aws.amazon.com/fsx/latest/LustreGuide/s3-server-side-encryption-support.html),
 * with the encryption context matching both the bucket ARN (S3 Bucket Keys, which lustreform's
 * buckets enable) and object ARNs (objects written before Bucket Keys).
 */
export function fsxKeyStatement(o: { partition: string; account: string; fileSystemId: string; buckets: string[]; bucketRegion: string }): Record<string, unknown> {
  return {
    Sid: /^fs-[0-9a-f]+$/.test(o.fileSystemId) ? `FSxS3Access${o.fileSystemId.slice(3)}` : 'FSxS3AccessFileSystem',
    Effect: 'Allow',
    Principal: { AWS: fsxS3RoleArn(o.partition, o.account, o.fileSystemId) },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: '*',
    Condition: {
      StringEquals: { 'kms:CallerAccount': o.account, 'kms:ViaService': `s3.${o.bucketRegion}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': o.buckets.flatMap((b) => [`arn:${o.partition}:s3:::${b}`, `arn:${o.partition}:s3:::${b}/*`]) },
    },
  };
}
