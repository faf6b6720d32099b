/**
 * Finds what apply created: a site's file systems by their lustreform tags, and each file
 * system's data repository associations, matched to the blueprint's repositories by path.
 */
import { paginateDescribeDataRepositoryAssociations, paginateDescribeFileSystems, type DataRepositoryAssociation, type FileSystem as FsxFileSystem } from '@aws-sdk/client-fsx';
import type { Blueprint, FileSystem, Repository, Site } from '../blueprint/model';
import { recoveredFileSystem } from '../plan/recovery';
import { RESTORE_TEST_TAG } from '../plan/restore-testing';
import type { SiteClients } from './aws';
import { Backoff, type Clock } from './time';
import { normalizeFsPath } from '../blueprint/topology';

export interface LiveRepository {
  repository: Repository;
  association?: DataRepositoryAssociation;
}

export interface LiveFileSystem {
  fs: FileSystem;
  site: Site;
  id: string;
  lifecycle: string;
  /** GiB */
  storageCapacity: number;
  /** Rebuilt for a drill (tag `lustreform:drill=true`): its repositories import only, and nothing is exported from it. */
  drill: boolean;
  repositories: LiveRepository[];
}

export interface Discovery {
  found: LiveFileSystem[];
  /** File systems of the blueprint with no tagged match at the site (not applied yet?). */
  missing: FileSystem[];
}

const tag = (fs: FsxFileSystem, key: string) => fs.Tags?.find((t) => t.Key === key)?.Value;

/** The blueprint's file systems running at `site`, found by tags (`lustreform:blueprint`, `:site`, `:filesystem`); never a copy a restore test made (RESTORE_TEST_TAG), which may carry the backed-up file system's tags. */
export async function discover(model: Blueprint, site: Site, clients: SiteClients, fileSystems = [...model.fileSystems.values()].filter((f) => f.site === site)): Promise<Discovery> {
  const all: FsxFileSystem[] = [];
  for await (const page of paginateDescribeFileSystems({ client: clients.fsx }, {})) all.push(...(page.FileSystems ?? []));
  const found: LiveFileSystem[] = [];
  const missing: FileSystem[] = [];
  for (const fs of fileSystems) {
    const live = all.find((f) => f.FileSystemType === 'LUSTRE' && tag(f, 'lustreform:blueprint') === model.name && tag(f, 'lustreform:site') === site.key && tag(f, 'lustreform:filesystem') === fs.key && f.Lifecycle !== 'DELETING' && tag(f, RESTORE_TEST_TAG) === undefined);
    if (!live?.FileSystemId) {
      missing.push(fs);
      continue;
    }
    found.push({ fs, site, id: live.FileSystemId, lifecycle: live.Lifecycle ?? 'UNKNOWN', storageCapacity: live.StorageCapacity ?? 0, drill: tag(live, 'lustreform:drill') === 'true', repositories: await associations(clients, live.FileSystemId, fs.repositories) });
  }
  return { found, missing };
}

/** The DRAs of a file system, matched to repositories by normalized file system path. */
export async function associations(clients: SiteClients, fileSystemId: string, repositories: Repository[]): Promise<LiveRepository[]> {
  const all: DataRepositoryAssociation[] = [];
  for await (const page of paginateDescribeDataRepositoryAssociations({ client: clients.fsx }, { Filters: [{ Name: 'file-system-id', Values: [fileSystemId] }] })) all.push(...(page.Associations ?? []));
  return repositories.map((repository) => ({
    repository,
    association: all.find((a) => a.FileSystemPath && normalizeFsPath(a.FileSystemPath) === normalizeFsPath(repository.fileSystemPath)),
  }));
}

/** What to tell a user whose DRA is unusable. */
export function associationHint(lifecycle: string, repo: Repository, message?: string): string {
  const why = message ? ` (${message})` : '';
  if (lifecycle === 'MISCONFIGURED') {
    return `the association of ${repo.fileSystemPath} is MISCONFIGURED${why}: FSx cannot use the bucket's event notifications or reach it. Remove any S3 event notification on ${repo.bucket.name} that overlaps FSx's, check the bucket policy and KMS key allow the file system's account, then wait for FSx to recover it`;
  }
  return `the association of ${repo.fileSystemPath} FAILED${why}: delete it and apply again (terraform recreates it)`;
}

/** A site's live file systems, or the problems that stop a command there. */
export interface SiteDiscovery {
  site: Site;
  clients: SiteClients;
  lives: LiveFileSystem[];
  problems: string[];
}

/** Discovers every site (or the one named) that runs file systems of the blueprint. */
export async function discoverSites(model: Blueprint, siteKey: string | undefined, clientsFor: (site: Site) => SiteClients): Promise<SiteDiscovery[]> {
  const copies = model.recovery.map((entry) => ({ entry, fs: recoveredFileSystem(model, entry) }));
  const sites = [...model.sites.values()].filter((s) => (siteKey ? s.key === siteKey : [...model.fileSystems.values()].some((f) => f.site === s) || copies.some((c) => c.fs.site === s)));
  return Promise.all(
    sites.map(async (site) => {
      const clients = clientsFor(site);
      const own = [...model.fileSystems.values()].filter((f) => f.site === site);
      // Recovery copies run here after a failover (cold) or always (warm); they carry this site's tag.
      const here = copies.filter((c) => c.fs.site === site);
      const { found, missing } = await discover(model, site, clients, [...own, ...here.map((c) => c.fs)]);
      const coldMissing = new Set(here.filter((c) => c.entry.standby === 'cold').map((c) => c.fs));
      const problems = missing.filter((fs) => !coldMissing.has(fs)).map((fs) => `file system '${fs.key}' was not found at site '${site.key}' (${site.region}); has its lustre stack been applied?`);
      return { site, clients, lives: found, problems };
    }),
  );
}

/**
 * Waits while the associations of the given repositories are CREATING or UPDATING (until the
 * deadline), then returns a problem for each that is missing, MISCONFIGURED or FAILED.
 */
export async function settleAssociations(live: LiveFileSystem, clients: SiteClients, wanted: (r: LiveRepository) => boolean, deadline: number, clock: Clock): Promise<string[]> {
  const backoff = new Backoff(clock, deadline);
  for (;;) {
    const busy = live.repositories.filter((r) => wanted(r) && ['CREATING', 'UPDATING'].includes(r.association?.Lifecycle ?? ''));
    if (busy.length === 0 || !(await backoff.wait())) break;
    live.repositories = await associations(clients, live.id, live.fs.repositories);
  }
  return live.repositories.filter(wanted).flatMap((r) => {
    const lifecycle = r.association?.Lifecycle;
    if (!r.association) return [`${live.fs.key}: no data repository association at ${r.repository.fileSystemPath}; has the lustre stack been applied?`];
    if (lifecycle === 'MISCONFIGURED' || lifecycle === 'FAILED') return [`${live.fs.key}: ${associationHint(lifecycle, r.repository, r.association.FailureDetails?.Message)}`];
    if (lifecycle !== 'AVAILABLE') return [`${live.fs.key}: the association of ${r.repository.fileSystemPath} is still ${lifecycle}; rerun with --wait or a longer --timeout`];
    return [];
  });
}
