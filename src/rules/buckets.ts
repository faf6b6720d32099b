import type { Bucket } from '../blueprint/model';
import { hit, pairs, type Rule, type RuleHit } from './rule';

/** Why `name` is not a valid general purpose bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `it has ${name.length} characters; S3 takes 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lowercase letters, digits, dots and hyphens are allowed';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'it must begin and end with a letter or digit';
  if (name.includes('..')) return 'two dots may not be adjacent';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'it may not look like an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) return `the prefix '${p}' is reserved`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) return `the suffix '${s}' is reserved`;
  return undefined;
}

const namePath = (b: Bucket) => (b.nameGiven ? [...b.path, 'name'] : b.path);
const IA = new Set(['STANDARD_IA', 'ONEZONE_IA']);
const ARCHIVE = new Set(['GLACIER', 'DEEP_ARCHIVE']);

export const bucketRules: Rule[] = [
  {
    id: 'BKT001',
    severity: 'error',
    summary: 'A bucket name (given or computed) is not a valid S3 bucket name.',
    check: (m) =>
      [...m.buckets.values()].flatMap((b) => {
        const problem = bucketNameProblem(b.name);
        if (!problem) return [];
        const fix = b.nameGiven ? '' : " (this is the default <name>-<key>-<region>[-<account id>]; set 'name' to choose one)";
        return [hit(namePath(b), `'${b.name}' is not a valid bucket name: ${problem}${fix}`)];
      }),
  },
  {
    id: 'BKT002',
    severity: 'error',
    summary: 'Two buckets have the same name (S3 names are global).',
    check: (m) =>
      [...pairs([...m.buckets.values()])]
        .filter(([a, b]) => a.name === b.name)
        .map(([a, b]) => hit(namePath(b), `'${b.name}' is also the name of bucket '${a.key}'; bucket names are unique across all of S3`)),
  },
  {
    id: 'BKT003',
    severity: 'warning',
    summary: 'A bucket name has dots (no virtual-hosted TLS, no Transfer Acceleration).',
    check: (m) =>
      [...m.buckets.values()]
        .filter((b) => b.name.includes('.'))
        .map((b) => hit(namePath(b), `'${b.name}' has dots: TLS to virtual-hosted URLs fails and Transfer Acceleration is unavailable; prefer hyphens`)),
  },
  {
    id: 'BKT004',
    severity: 'error',
    summary: 'Lifecycle transitions S3 refuses (IA before 30 days, archive less than 30 days after IA, out of order, expiry before archive minimum).',
    check: (m) =>
      [...m.buckets.values()].flatMap((b) =>
        b.lifecycle.flatMap((rule) => {
          const out: RuleHit[] = [];
          const t = rule.transitions;
          t.forEach((tr, i) => {
            const p = [...rule.path, 'transitions', i];
            if (IA.has(tr.storageClass) && tr.afterDays < 30) out.push(hit([...p, 'afterDays'], `${tr.storageClass} takes objects at least 30 days old; got ${tr.afterDays}`));
            const prev = t[i - 1];
            if (prev && tr.afterDays <= prev.afterDays) out.push(hit([...p, 'afterDays'], `transitions must be in increasing afterDays; ${tr.afterDays} follows ${prev.afterDays}`));
            if (prev && IA.has(prev.storageClass) && ARCHIVE.has(tr.storageClass) && tr.afterDays - prev.afterDays < 30)
              out.push(hit([...p, 'afterDays'], `${tr.storageClass} must come at least 30 days after ${prev.storageClass} (day ${prev.afterDays}); got day ${tr.afterDays}`));
            if (prev && prev.storageClass === 'DEEP_ARCHIVE') out.push(hit([...p, 'storageClass'], 'nothing transitions out of DEEP_ARCHIVE; remove this transition'));
          });
          if (rule.expirationDays !== undefined && t.length > 0) {
            const last = t[t.length - 1];
            if (rule.expirationDays <= last.afterDays)
              out.push(hit([...rule.path, 'expirationDays'], `objects expire on day ${rule.expirationDays}, before or at their last transition (day ${last.afterDays}); drop the transition or expire later`));
          }
          return out;
        }),
      ),
  },
  {
    id: 'BKT005',
    severity: 'error',
    summary: 'An adopted bucket (adopt: true) carries settings lustreform would have to manage on it.',
    check: (m) =>
      [...m.buckets.values()]
        .filter((b) => b.adopt && b.lifecycle.length > 0)
        .map((b) => hit([...b.path, 'lifecycle'], 'adopted buckets are referenced, never configured: lustreform will not change their lifecycle; remove this or drop adopt')),
  },
  {
    id: 'BKT007',
    severity: 'warning',
    summary: "A lifecycle rule's noncurrent expiry replaces the bucket-wide one, leaving noncurrent versions outside its prefixes kept forever.",
    check: (m) =>
      [...m.buckets.values()].flatMap((b) => {
        const own = b.lifecycle.filter((r) => r.noncurrentVersionExpirationDays !== undefined);
        if (!b.versioning || b.adopt || !b.noncurrentVersionExpirationDays || !own.length || own.some((r) => r.prefix === '')) return [];
        const prefixes = own.map((r) => r.prefix).join(', ');
        return [
          hit(
            [...b.path, 'noncurrentVersionExpirationDays'],
            `noncurrent versions outside ${prefixes} are kept forever: S3 applies the shortest of overlapping rules, so the bucket-wide ${b.noncurrentVersionExpirationDays}-day expiry is not added next to the rule${own.length > 1 ? 's' : ''} for ${prefixes}; add a lifecycle rule for the other prefixes (prefix "" covers all), or set noncurrentVersionExpirationDays: null to keep them on purpose`,
          ),
        ];
      }),
  },
  {
    id: 'BKT006',
    severity: 'error',
    summary: "A bucket's KMS key is in another region than the bucket.",
    check: (m) =>
      [...m.buckets.values()].flatMap((b) => {
        if (b.encryption.kind !== 'kms-key') return [];
        const keyRegion = b.encryption.keyArn.split(':')[3];
        return keyRegion === b.site.region
          ? []
          : [hit([...b.path, 'encryption', 'kmsKeyArn'], `the key is in ${keyRegion}, the bucket in ${b.site.region}; S3 needs a key in the bucket's region`)];
      }),
  },
  {
    id: 'BKT008',
    severity: 'error',
    summary: 'An adopted bucket asks for accessLogging: lustreform never configures an adopted bucket.',
    check: (m) =>
      [...m.buckets.values()]
        .filter((b) => b.adopt && b.accessLogging)
        .map((b) => hit([...b.path, 'accessLogging'], `bucket ${b.key} is adopted: lustreform does not change its configuration, so it cannot turn on its server access logging. Remove accessLogging, or set it up on the bucket yourself`)),
  },
];
