import type { ArchiveRestore } from '../blueprint/model';
import { hit, pairs, type Rule, type RuleHit } from './rule';
import { archiveClasses, archiveRestoreEntries } from '../blueprint/topology';
import { partitionOf } from '../aws/regions';
import { getObjectSelector, selectorValues, SELECTOR_VALUES_PER_TRAIL } from '../aws/cloudtrail';

const overlaps = (a: ArchiveRestore, b: ArchiveRestore) => a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));

export const archiveRules: Rule[] = [
  {
    id: 'RST001',
    severity: 'error',
    summary: 'archiveRestore days is not at least 1.',
    check: (m) => m.archiveRestore.filter((a) => a.days < 1).map((a) => hit([...a.path, 'days'], `the restored copy must stay readable at least 1 day; got ${a.days}`)),
  },
  {
    id: 'RST002',
    severity: 'warning',
    summary: 'Tier Expedited on a bucket whose objects reach DEEP_ARCHIVE, where Expedited does not exist (those restores fall back to Standard).',
    check: (m) =>
      m.archiveRestore
        .filter((a) => a.tier === 'Expedited' && archiveClasses(m, a.bucket).has('DEEP_ARCHIVE'))
        .map((a) => hit([...a.path, 'tier'], `objects of '${a.bucket.key}' reach DEEP_ARCHIVE, which has no Expedited retrieval: they are restored with Standard (up to 12 hours)`)),
  },
  {
    id: 'RST003',
    severity: 'error',
    summary: 'Two archiveRestore entries cover the same objects (each would start its own restore).',
    check: (m) =>
      [...pairs(m.archiveRestore)].filter(([a, b]) => overlaps(a, b)).map(([a, b]) => hit([...b.path, 'prefix'], `this entry overlaps archiveRestore[${m.archiveRestore.indexOf(a)}] on bucket '${a.bucket.key}'; use one entry per prefix`)),
  },
  {
    id: 'RST004',
    severity: 'warning',
    summary: 'archiveRestore on a bucket prefix no file system repository reads (no Lustre read would trigger it).',
    check: (m) =>
      m.archiveRestore
        .filter((a) => ![...m.fileSystems.values()].some((fs) => fs.repositories.some((r) => r.bucket === a.bucket && (r.prefix.startsWith(a.prefix) || a.prefix.startsWith(r.prefix)))))
        .map((a) => hit([...a.path, 'bucket'], `no repository reads '${a.bucket.key}'${a.prefix ? ` under ${a.prefix}` : ''}; link it to a file system or remove this entry`)),
  },
  {
    id: 'RST005',
    severity: 'error',
    summary: 'An archiveRestore prefix starts with / (S3 keys have no leading slash).',
    check: (m) => m.archiveRestore.filter((a) => a.prefix.startsWith('/')).map((a) => hit([...a.path, 'prefix'], `'${a.prefix}' starts with /, which no S3 key does; write it like ExtData/`)),
  },
  {
    id: 'RST006',
    severity: 'error',
    summary: `The archive restores of one site need more advanced event selector values than its one CloudTrail trail holds (${SELECTOR_VALUES_PER_TRAIL}).`,
    check: (m) => {
      // One trail per site (CloudTrail allows 5 per region), an advanced event selector per entry:
      // recovery sites count the entries added for the archived replicas their file systems read.
      const hits: RuleHit[] = [];
      for (const site of m.sites.values()) {
        const entries = archiveRestoreEntries(m).filter((e) => e.bucket.site === site);
        let used = 0;
        for (const [i, e] of entries.entries()) {
          used += selectorValues([getObjectSelector(partitionOf(site.region), e.bucket.name, e.prefix)]);
          if (used <= SELECTOR_VALUES_PER_TRAIL) continue;
          const total = selectorValues(entries.map((x) => getObjectSelector(partitionOf(site.region), x.bucket.name, x.prefix)));
          hits.push(
            hit(
              e.path,
              `site '${site.key}' has ${entries.length} archive restores, which need ${total} advanced event selector values on its one CloudTrail trail; CloudTrail allows ${SELECTOR_VALUES_PER_TRAIL} per trail (not adjustable), so at most ${i} entries fit. Restore a common parent prefix with one entry (or the whole bucket with no prefix) instead of many prefixes of one bucket`,
            ),
          );
          break;
        }
      }
      return hits;
    },
  },
];
