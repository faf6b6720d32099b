import type { ArchiveRestore } from '../blueprint/model';
import { hit, pairs, type Rule } from './rule';
import { archiveClasses } from '../blueprint/topology';

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
];
