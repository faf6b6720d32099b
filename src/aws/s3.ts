/** Amazon S3 facts (aws-facts.md): restore times of the archive tiers. */

/** How long a restore of each tier takes, in words (S3's documented retrieval times). */
export function restoreTime(tier: string, deepArchive = false): string {
  if (tier === 'Expedited' && !deepArchive) return '1-5 minutes';
  if (tier === 'Bulk') return deepArchive ? 'within 48 hours' : '5-12 hours';
  return deepArchive ? 'within 12 hours' : '3-5 hours';
}
