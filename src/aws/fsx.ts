/** FSx for Lustre facts (aws-facts.md): per-unit throughputs and storage capacity steps. */

/** Per-unit storage throughput (MB/s/TiB) each persistent deployment/storage type takes. */
export const THROUGHPUTS: Record<string, readonly number[]> = {
  'PERSISTENT_1/SSD': [50, 100, 200],
  'PERSISTENT_1/HDD': [12, 40],
  'PERSISTENT_2/SSD': [125, 250, 500, 1000],
};

/** The capacity steps of a type: in words, a test, and the valid capacities nearest a wrong one. */
export interface CapacitySteps {
  words: string;
  ok: (gib: number) => boolean;
  /** The largest valid capacity below `gib` (none below the smallest) and the smallest above it. */
  nearest: (gib: number) => { below?: number; above: number };
}

/** Steps of `fixed` capacities, then multiples of `step`. */
function steps(words: string, fixed: number[], step: number): CapacitySteps {
  const valid = (c: number) => fixed.includes(c) || (c > 0 && c % step === 0);
  const nearest = (gib: number) => {
    const candidates = [...fixed, Math.floor(gib / step) * step, Math.ceil(gib / step) * step, (Math.floor(gib / step) + 1) * step].filter((c) => c > 0 && valid(c));
    const below = candidates.filter((c) => c < gib);
    return { below: below.length ? Math.max(...below) : undefined, above: Math.min(...candidates.filter((c) => c > gib)) };
  };
  return { words, ok: valid, nearest };
}

/** The capacity steps (GiB) of a deployment and storage type; undefined for combinations without fixed steps. */
export function capacitySteps(d: string, s: string, throughput?: number): CapacitySteps | undefined {
  if (d === 'SCRATCH_1') return steps('1200, 2400 or a multiple of 3600', [1200, 2400], 3600);
  if (s === 'SSD') return steps('1200, 2400 or a multiple of 2400', [1200], 2400);
  if (d === 'PERSISTENT_1' && s === 'HDD') {
    if (throughput === 12) return steps('a multiple of 6000 (HDD at 12 MB/s/TiB)', [], 6000);
    if (throughput === 40) return steps('a multiple of 1800 (HDD at 40 MB/s/TiB)', [], 1800);
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
