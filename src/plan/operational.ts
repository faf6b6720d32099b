/** The buckets lustreform creates for itself (trail logs, batch reports): secure defaults, versioned, expiring. */
import { partitionOf } from '../aws/regions';
import type { BucketPlan, Statement } from './types';

/** Noncurrent versions of lustreform's own operational buckets (trail logs, batch reports) live this many days. */
export const OPERATIONAL_NONCURRENT_DAYS = 90;

/** An operational bucket lustreform creates for itself: secure defaults, versioned, expiring. */
export function operationalBucket(key: string, name: string, region: string, expirationDays: number, statements: Statement[] = [], kmsKeyArn?: string): BucketPlan {
  return {
    key,
    name,
    arn: `arn:${partitionOf(region)}:s3:::${name}`,
    adopt: false,
    protect: false, // lustreform's own (reports, trail logs, access logs): expiring, nothing a restore needs
    encryption: kmsKeyArn ? { kind: 'kms-key', keyArn: kmsKeyArn } : { kind: 'sse-s3' },
    versioning: true,
    lifecycle: [{ prefix: '', transitions: [], expirationDays }],
    noncurrentVersionExpirationDays: OPERATIONAL_NONCURRENT_DAYS,
    statements,
  };
}
