/**
 * The decisions of the archive-restore function, as pure functions: which object an event names,
 * and what to do about it given its HeadObject answer. No AWS calls here.
 */

export type Tier = 'Expedited' | 'Standard' | 'Bulk';

/** An object a Lustre read failed on (or a re-check of one we restore). */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/** The part of a HeadObject answer the decision reads. */
export interface Head {
  StorageClass?: string;
  ArchiveStatus?: string;
  Restore?: string;
}

export type Decision =
  | { action: 'skip'; reason: 'gone' | 'not-archived' | 'restore-ongoing' | 'already-restored' }
  | { action: 'restore'; request: RestoreRequest; tier: Tier; storageClass: string };

/** The RestoreRequest of RestoreObject: Days for GLACIER/DEEP_ARCHIVE, none for Intelligent-Tiering tiers. */
export interface RestoreRequest {
  Days?: number;
  GlacierJobParameters: { Tier: Tier };
}

/** `ongoing-request="true"` while S3 restores; `ongoing-request="false", expiry-date="..."` once readable. */
export function restoreState(restore: string | undefined): 'none' | 'ongoing' | 'done' {
  if (!restore) return 'none';
  return /ongoing-request="true"/.test(restore) ? 'ongoing' : 'done';
}

export function expiryOf(restore: string | undefined): string | undefined {
  return restore ? /expiry-date="([^"]+)"/.exec(restore)?.[1] : undefined;
}

/**
 * What to do for an object, given its head (undefined: it no longer exists). Deep Archive
 * classes have no Expedited retrieval, so Expedited becomes Standard there.
 */
export function decide(head: Head | undefined, settings: { days: number; tier: Tier }): Decision {
  if (!head) return { action: 'skip', reason: 'gone' };
  const state = restoreState(head.Restore);
  if (state === 'ongoing') return { action: 'skip', reason: 'restore-ongoing' };
  const cls = head.StorageClass ?? 'STANDARD';
  const deep = cls === 'DEEP_ARCHIVE' || head.ArchiveStatus === 'DEEP_ARCHIVE_ACCESS';
  const tier: Tier = deep && settings.tier === 'Expedited' ? 'Standard' : settings.tier;
  if (cls === 'GLACIER' || cls === 'DEEP_ARCHIVE') {
    if (state === 'done') return { action: 'skip', reason: 'already-restored' };
    return { action: 'restore', tier, storageClass: cls, request: { Days: settings.days, GlacierJobParameters: { Tier: tier } } };
  }
  if (cls === 'INTELLIGENT_TIERING' && (head.ArchiveStatus === 'ARCHIVE_ACCESS' || head.ArchiveStatus === 'DEEP_ARCHIVE_ACCESS')) {
    // Restoring moves the object back to the Frequent Access tier: there is no expiry, so no Days.
    return { action: 'restore', tier, storageClass: `${cls}/${head.ArchiveStatus}`, request: { GlacierJobParameters: { Tier: tier } } };
  }
  return { action: 'skip', reason: 'not-archived' };
}

/** A CloudTrail S3 data event for a failed GetObject, as EventBridge delivers it. */
export interface CloudTrailEvent {
  'detail-type'?: string;
  detail?: {
    eventSource?: string;
    eventName?: string;
    errorCode?: string;
    requestParameters?: { bucketName?: string; key?: string; versionId?: string } | null;
    resources?: { type?: string; ARN?: string }[];
  };
}

/**
 * The object of a CloudTrail GetObject event, or undefined when the event is not one. CloudTrail
 * records the key as requested; clients that sent it URL-encoded leave `%2F`/`+` in it, so the
 * decoded form is offered as a second candidate (tried only when the first does not exist).
 */
export function objectsOfEvent(event: CloudTrailEvent): ObjectRef[] | undefined {
  const d = event.detail;
  if (!d || d.eventSource !== 's3.amazonaws.com' || d.eventName !== 'GetObject') return undefined;
  const p = d.requestParameters ?? {};
  let bucket = p.bucketName;
  let key = p.key;
  if (!bucket || key === undefined) {
    const arn = d.resources?.find((r) => r.type === 'AWS::S3::Object')?.ARN;
    const m = arn ? /^arn:[^:]+:s3:::([^/]+)\/(.*)$/.exec(arn) : null;
    if (!m) return undefined;
    bucket ??= m[1];
    key ??= m[2];
  }
  const refs: ObjectRef[] = [{ bucket, key, versionId: p.versionId }];
  const decoded = safeDecode(key);
  if (decoded !== undefined && decoded !== key) refs.push({ bucket, key: decoded, versionId: p.versionId });
  return refs;
}

function safeDecode(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
