import { sameAccount, type Blueprint, type Bucket } from '../blueprint/model';
import { hit, type Rule, type RuleHit } from './rule';
import { directions } from '../blueprint/topology';

const edges = (m: Blueprint) => m.replication;
const isKms = (b: Bucket) => b.encryption.kind !== 'sse-s3';

export const replicationRules: Rule[] = [
  {
    id: 'REP001',
    severity: 'error',
    summary: 'A replication edge from a bucket to itself.',
    check: (m) => edges(m).filter((e) => e.from === e.to).map((e) => hit([...e.path, 'to'], `'${e.to.key}' cannot replicate to itself; name another bucket`)),
  },
  {
    id: 'REP002',
    severity: 'error',
    summary: 'The same replication direction is declared twice (repeated edge, or the reverse of a two-way edge).',
    check: (m) =>
      edges(m).flatMap((e, i) => {
        const earlier = edges(m).slice(0, i);
        const dup = earlier.find((o) => directions(o).some(([s, d]) => directions(e).some(([s2, d2]) => s === s2 && d === d2)));
        return dup && e.from !== e.to
          ? [hit(e.path, `'${e.from.key}' -> '${e.to.key}' is already replicated by replication[${edges(m).indexOf(dup)}]; merge the two edges`)]
          : [];
      }),
  },
  {
    id: 'REP003',
    severity: 'error',
    summary: 'A replicated bucket declares versioning: false (replication needs versioning on both buckets).',
    check: (m) => {
      const seen = new Set<Bucket>();
      const out: RuleHit[] = [];
      for (const e of edges(m))
        for (const b of [e.from, e.to])
          if (!b.versioningDeclared && !seen.has(b)) {
            seen.add(b);
            out.push(hit([...b.path, 'versioning'], `'${b.key}' is replicated, and replication needs versioning on both buckets; remove 'versioning: false'`));
          }
      return out;
    },
  },
  {
    id: 'REP004',
    severity: 'error',
    summary: 'A replicated bucket encrypted with the AWS managed key (kms): replicas need a key lustreform can name and scope, and other accounts cannot use it.',
    check: (m) => {
      const seen = new Set<Bucket>();
      return edges(m).flatMap((e) =>
        [e.from, e.to]
          .filter((b) => b.encryption.kind === 'kms' && !seen.has(b) && seen.add(b))
          .map((b) => hit([...e.path, b === e.from ? 'from' : 'to'], `'${b.key}' uses the AWS managed key (encryption: kms); replication needs a customer-managed key: give it encryption: { kmsKeyArn }, or sse-s3`)),
      );
    },
  },
  {
    id: 'REP005',
    severity: 'warning',
    summary: 'Two one-way edges in opposite directions: a two-way edge also syncs replica modifications.',
    check: (m) =>
      edges(m).flatMap((e, i) => {
        const reverse = edges(m).slice(0, i).find((o) => o.mode === 'one-way' && e.mode === 'one-way' && o.from === e.to && o.to === e.from);
        return reverse ? [hit(e.path, `this edge reverses replication[${edges(m).indexOf(reverse)}]; write one edge with mode: two-way so replica metadata changes sync too`)] : [];
      }),
  },
  {
    id: 'REP006',
    severity: 'warning',
    summary: 'Replication Time Control on SSE-KMS objects: KMS request quotas can throttle replication past the 15-minute target.',
    check: (m) =>
      edges(m)
        .filter((e) => e.replicationTime && directions(e).some(([s]) => isKms(s)))
        .map((e) => hit([...e.path, 'replicationTime'], 'SSE-KMS replication calls KMS for every object and can be throttled, missing the 15-minute RTC target; raise the KMS quota or use sse-s3')),
  },
  {
    id: 'REP007',
    severity: 'warning',
    summary: 'A chain of edges (a -> b -> c): S3 does not replicate replicas onward, so objects written to a never reach c.',
    check: (m) =>
      edges(m).flatMap((e) =>
        directions(e).flatMap(([src, dst]) =>
          edges(m)
            .filter((o) => o !== e && directions(o).some(([, d]) => d === src) && !directions(o).some(([s, d]) => s === dst && d === src))
            .flatMap((o) => {
              const origin = directions(o).find(([, d]) => d === src)![0];
              if (origin === dst) return [];
              return [hit(e.path, `objects replicated into '${src.key}' from '${origin.key}' are not replicated on to '${dst.key}'; add an edge from '${origin.key}' to '${dst.key}' if they should be`)];
            }),
        ),
      ),
  },
  {
    id: 'REP008',
    severity: 'warning',
    summary: 'An adopted bucket in replication: lustreform cannot turn on its versioning or write its policy; check them yourself.',
    check: (m) =>
      edges(m).flatMap((e) =>
        [e.from, e.to]
          .filter((b) => b.adopt)
          .map((b) => hit([...e.path, b === e.from ? 'from' : 'to'], `'${b.key}' is adopted: make sure its versioning is Enabled${b === e.to && !sameAccount(e.from.site, e.to.site) ? ' and its policy lets the replication role in' : ''}, since lustreform does not manage it`)),
      ),
  },
  {
    id: 'REP009',
    severity: 'error',
    summary: 'A replication prefix starts with / (S3 keys have no leading slash).',
    check: (m) =>
      edges(m).filter((e) => e.prefix.startsWith('/')).map((e) => hit([...e.path, 'prefix'], `'${e.prefix}' starts with /, which no S3 key does; write it like ExtData/`)),
  },
  {
    id: 'REP010',
    severity: 'error',
    summary: 'A bucket encrypted with a KMS key replicates into a bucket without one (SSE-KMS replicas need a destination key).',
    check: (m) =>
      edges(m).flatMap((e) =>
        directions(e)
          .filter(([s, d]) => s.encryption.kind === 'kms-key' && d.encryption.kind === 'sse-s3')
          .map(([s, d]) => hit([...e.path, d === e.to ? 'to' : 'from'], `'${s.key}' holds SSE-KMS objects, so its replicas in '${d.key}' need a KMS key there: give '${d.key}' encryption: { kmsKeyArn } with a key in ${d.site.region}`)),
      ),
  },
];
