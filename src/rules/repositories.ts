import { sameAccount, type FileSystem, type Repository } from '../blueprint/model';
import { hit, pairs, perFileSystem, type Rule, type RuleHit } from './rule';
import { normalizeFsPath, s3Uri } from '../blueprint/topology';

const perRepo = (check: (r: Repository, fs: FileSystem) => RuleHit[]) => perFileSystem((fs) => fs.repositories.flatMap((r) => check(r, fs)));

const nests = (outer: string, inner: string) => outer === inner || inner.startsWith(`${outer}/`);
const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

export const repositoryRules: Rule[] = [
  {
    id: 'DRA001',
    severity: 'error',
    summary: 'Repositories (data repository associations) on SCRATCH_1, which cannot have them.',
    check: perFileSystem((fs) =>
      fs.deploymentType === 'SCRATCH_1' && fs.repositories.length > 0
        ? [hit([...fs.path, 'repositories'], 'SCRATCH_1 cannot have data repository associations; use SCRATCH_2, PERSISTENT_1 or PERSISTENT_2')]
        : [],
    ),
  },
  {
    id: 'DRA002',
    severity: 'error',
    summary: 'Repositories on Lustre 2.10, which has no data repository associations (2.12 or 2.15 needed).',
    check: perFileSystem((fs) =>
      fs.lustreVersion === '2.10' && fs.repositories.length > 0
        ? [hit([...fs.path, 'lustreVersion'], 'data repository associations need Lustre 2.12 or 2.15; set lustreVersion: "2.15"')]
        : [],
    ),
  },
  {
    id: 'DRA003',
    severity: 'error',
    summary: 'More than 8 repositories on one file system.',
    check: perFileSystem((fs) =>
      fs.repositories.length > 8 ? [hit([...fs.path, 'repositories', 8], `a file system takes at most 8 data repository associations; this one has ${fs.repositories.length}`)] : [],
    ),
  },
  {
    id: 'DRA004',
    severity: 'error',
    summary: 'Two repositories of one file system have the same or nested paths (/a and /a/b).',
    check: perFileSystem((fs) =>
      [...pairs(fs.repositories.filter((r) => normalizeFsPath(r.fileSystemPath) !== '/'))].flatMap(([a, b]) => {
        const pa = normalizeFsPath(a.fileSystemPath);
        const pb = normalizeFsPath(b.fileSystemPath);
        if (!nests(pa, pb) && !nests(pb, pa)) return [];
        return [hit([...b.path, 'path'], pa === pb ? `'${b.fileSystemPath}' is used by another repository; give each its own path` : `'${pb}' and '${pa}' nest; repository paths of one file system must not contain each other`)];
      }),
    ),
  },
  {
    id: 'DRA005',
    severity: 'error',
    summary: 'A repository at / next to other repositories (/ must be the only one).',
    check: perFileSystem((fs) =>
      fs.repositories.length > 1
        ? fs.repositories.filter((r) => normalizeFsPath(r.fileSystemPath) === '/').map((r) => hit([...r.path, 'path'], "'/' links the whole file system, so it must be the only repository; use a sub-path like /data"))
        : [],
    ),
  },
  {
    id: 'DRA006',
    severity: 'error',
    summary: 'Two repositories of one file system overlap in S3 (same bucket, one prefix inside the other; the bucket root overlaps all).',
    check: perFileSystem((fs) =>
      [...pairs(fs.repositories)]
        .filter(([a, b]) => a.bucket === b.bucket && overlaps(a.prefix, b.prefix))
        .map(([a, b]) => hit([...b.path, 'prefix'], `${s3Uri(b)} overlaps ${s3Uri(a)}; repositories of one file system need disjoint S3 prefixes`)),
    ),
  },
  {
    id: 'DRA007',
    severity: 'error',
    summary: 'importedFileChunkSize outside 1-512000 MiB.',
    check: perRepo((r) => {
      const c = r.importedFileChunkSize;
      return c !== undefined && (c < 1 || c > 512000) ? [hit([...r.path, 'importedFileChunkSize'], `importedFileChunkSize takes 1 to 512000 MiB; got ${c}`)] : [];
    }),
  },
  {
    id: 'DRA008',
    severity: 'error',
    summary: "Auto-import from a bucket in another region than the file system (auto-export may cross regions; auto-import may not).",
    check: perRepo((r, fs) =>
      r.autoImport.length > 0 && r.bucket.site.region !== fs.site.region
        ? [hit([...r.path, r.purpose === 'output' ? 'autoImport' : 'bucket'], `bucket '${r.bucket.key}' is in ${r.bucket.site.region}, the file system in ${fs.site.region}; auto-import needs both in one region (set autoImport: [] or use a bucket in ${fs.site.region})`)]
        : [],
    ),
  },
  {
    id: 'DRA009',
    severity: 'error',
    summary: 'An autoImport or autoExport list names an event twice.',
    check: perRepo((r) =>
      (['autoImport', 'autoExport'] as const).flatMap((k) => {
        const dup = r[k].find((e, i) => r[k].indexOf(e) !== i);
        return dup ? [hit([...r.path, k], `${dup} is listed twice; list each of NEW, CHANGED, DELETED at most once`)] : [];
      }),
    ),
  },
  {
    id: 'DRA010',
    severity: 'error',
    summary: 'A repository path is not an absolute file system path (/ first; no empty, . or .. segments; no line breaks).',
    check: perRepo((r) => {
      const p = r.fileSystemPath;
      const why = !p.startsWith('/')
        ? 'it must start with /'
        : /[\0\r\n\u0085\u2028\u2029]/.test(p)
          ? 'it may not contain NUL or line breaks'
          : normalizeFsPath(p).split('/').slice(1).some((s) => s === '' || s === '.' || s === '..') && p !== '/'
            ? 'it may not contain //, . or .. segments'
            : undefined;
      return why ? [hit([...r.path, 'path'], `'${p}' is not a valid repository path: ${why}`)] : [];
    }),
  },
  {
    id: 'DRA011',
    severity: 'error',
    summary: 'A repository prefix starts with / or contains // (S3 keys have no leading slash).',
    check: perRepo((r) =>
      r.prefix.startsWith('/') || r.prefix.includes('//') ? [hit([...r.path, 'prefix'], `'${r.prefix}' is not an S3 prefix: write it without a leading slash and without //, like ExtData/`)] : [],
    ),
  },
  {
    id: 'DRA012',
    severity: 'warning',
    summary: 'An adopted bucket in another account than the file system: its policy must let the file system account in, which lustreform will not write.',
    check: perRepo((r, fs) =>
      r.bucket.adopt && !sameAccount(r.bucket.site, fs.site)
        ? [hit([...r.path, 'bucket'], `bucket '${r.bucket.key}' is adopted and in account ${r.bucket.site.account?.id}; add a bucket policy allowing account ${fs.site.account?.id} yourself, or FSx cannot reach it`)]
        : [],
    ),
  },
  {
    id: 'DRA013',
    severity: 'error',
    summary: 'A repository bucket encrypted with the AWS managed key (kms) in another account than the file system (AWS managed keys cannot be shared).',
    check: perRepo((r, fs) =>
      r.bucket.encryption.kind === 'kms' && !sameAccount(r.bucket.site, fs.site)
        ? [hit([...r.path, 'bucket'], `bucket '${r.bucket.key}' uses the AWS managed key of another account, which FSx in this account cannot use; give the bucket { kmsKeyArn } or sse-s3`)]
        : [],
    ),
  },
];
