import type { ModelPath } from './findings';
import {
  ALL_EVENTS,
  normalizePrefix,
  type Account,
  type ArchiveRestore,
  type BackupPlan,
  type Blueprint,
  type Bucket,
  type Encryption,
  type FileSystem,
  type Network,
  type Recovery,
  type ReplicationEdge,
  type Repository,
  type Site,
  type UnresolvedReference,
} from './model';

import type * as Raw from './raw';

/**
 * Builds the model from schema-valid data that already carries the schema's defaults (so no
 * default is restated here). Fills the defaults that depend on other fields (purpose-driven
 * events, bucket names, versioning of replicated buckets, logging by repositories) and resolves
 * references; a reference that names nothing is recorded in `unresolved` and the object holding it
 * is left out, so rules only ever see whole objects.
 */
export function buildModel(file: string, data: Raw.LoadedBlueprint, written: Partial<Raw.LoadedBlueprint> = data): Blueprint {
  const unresolved: UnresolvedReference[] = [];
  // An object left out for a broken reference of its own is still declared: references to it are
  // not reported again, so one mistake gives one finding (its root cause). `written` is the
  // blueprint as written, when objects with schema errors were taken out of `data`: declared too.
  // A section written as something other than a map (a list, a string) declares whatever it may have meant.
  const declaredIn = (section: keyof Raw.LoadedBlueprint): object | undefined => {
    const value = written[section];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'object' && !Array.isArray(value) ? value : new Proxy({}, { has: () => true, getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: true }) });
  };
  const declared: Record<UnresolvedReference['kind'], object | undefined> = { account: declaredIn('accounts'), site: declaredIn('sites'), bucket: declaredIn('buckets'), 'file system': declaredIn('fileSystems') };
  const lookup = <T>(map: Map<string, T>, kind: UnresolvedReference['kind'], name: string, path: ModelPath): T | undefined => {
    const found = map.get(name);
    if (!found && !Object.prototype.hasOwnProperty.call(declared[kind] ?? {}, name)) unresolved.push({ kind, name, path, known: [...map.keys()] });
    return found;
  };
  const entries = <T>(obj: Record<string, T> | undefined): [string, T][] => Object.entries(obj ?? {});

  const accounts = new Map<string, Account>();
  for (const [key, a] of entries(data.accounts)) accounts.set(key, { key, path: ['accounts', key], id: a.id, assumeRole: a.assumeRole, planRole: a.planRole });

  const sites = new Map<string, Site>();
  for (const [key, s] of entries(data.sites)) {
    const path = ['sites', key];
    const account = s.account === undefined ? undefined : lookup(accounts, 'account', s.account, [...path, 'account']);
    sites.set(key, { key, path, account, region: s.region, backupVaultKmsKeyArn: s.backupVaultKmsKeyArn, backupVaultOrganizationId: s.backupVaultOrganizationId, operationalKmsKeyArn: s.operationalKmsKeyArn });
  }

  const replicatedKeys = new Set<string>();
  for (const e of data.replication ?? []) replicatedKeys.add(e.from).add(e.to);

  const buckets = new Map<string, Bucket>();
  for (const [key, b] of entries(data.buckets)) {
    const path = ['buckets', key];
    const site = lookup(sites, 'site', b.site, [...path, 'site']);
    if (!site) continue;
    buckets.set(key, {
      key,
      path,
      site,
      name: b.name ?? defaultBucketName(data.name, key, site),
      nameGiven: b.name !== undefined,
      encryption: encryption(b.encryption),
      versioningDeclared: b.versioning,
      versioning: b.versioning || replicatedKeys.has(key),
      adopt: b.adopt,
      accessLogging: b.accessLogging,
      protect: b.protect,
      noncurrentVersionExpirationDays: b.noncurrentVersionExpirationDays || undefined, // null and 0: keep forever
      lifecycle: (b.lifecycle ?? []).map((r, i) => ({
        path: [...path, 'lifecycle', i],
        prefix: r.prefix,
        transitions: r.transitions ?? [],
        expirationDays: r.expirationDays,
        noncurrentVersionExpirationDays: r.noncurrentVersionExpirationDays,
      })),
    });
  }

  const replication: ReplicationEdge[] = [];
  (data.replication ?? []).forEach((e, i) => {
    const path = ['replication', i];
    const from = lookup(buckets, 'bucket', e.from, [...path, 'from']);
    const to = lookup(buckets, 'bucket', e.to, [...path, 'to']);
    if (!from || !to) return;
    replication.push({ path, from, to, mode: e.mode, prefix: e.prefix, replicationTime: e.replicationTime, deleteMarkers: e.deleteMarkers, storageClass: e.storageClass, existingObjects: e.existingObjects });
  });

  const network = (n: Raw.Network, path: ModelPath): Network => ({ path, subnetId: n.subnetId, securityGroupIds: n.securityGroupIds, securityGroup: n.securityGroup });

  const fileSystems = new Map<string, FileSystem>();
  for (const [key, f] of entries(data.fileSystems)) {
    const path = ['fileSystems', key];
    const site = lookup(sites, 'site', f.site, [...path, 'site']);
    const repositories: Repository[] = [];
    (f.repositories ?? []).forEach((r, i) => {
      const rpath = [...path, 'repositories', i];
      const bucket = lookup(buckets, 'bucket', r.bucket, [...rpath, 'bucket']);
      if (!bucket) return;
      repositories.push({
        path: rpath,
        fileSystemPath: r.path,
        bucket,
        prefix: normalizePrefix(r.prefix),
        purpose: r.purpose,
        autoImport: r.autoImport ?? (r.purpose === 'output' ? [] : [...ALL_EVENTS]),
        autoExport: r.autoExport ?? (r.purpose === 'input' ? [] : [...ALL_EVENTS]),
        preload: r.preload,
        importedFileChunkSize: r.importedFileChunkSize,
      });
    });
    if (!site) continue;
    fileSystems.set(key, {
      key,
      path,
      site,
      deploymentType: f.deploymentType,
      storageType: f.storageType,
      storageCapacity: f.storageCapacity,
      protect: f.protect,
      lustreVersion: f.lustreVersion,
      compression: f.compression,
      network: network(f.network, [...path, 'network']),
      repositories,
      throughput: f.throughput,
      kmsKeyArn: f.kmsKeyArn,
      backups: f.backups,
      driveCache: f.driveCache,
      throughputCapacity: f.throughputCapacity,
      readCache: f.readCache,
      metadata: f.metadata,
      efa: f.efa,
      weeklyMaintenance: f.weeklyMaintenance,
      // Import and export failures are otherwise invisible: logged by default where there are repositories.
      logging: { level: f.logging.level ?? (repositories.length ? 'WARN_ERROR' : 'DISABLED'), retentionDays: f.logging.retentionDays },
    });
  }

  const backupPlans = new Map<string, BackupPlan>();
  for (const [key, p] of entries(data.backupPlans)) {
    const path = ['backupPlans', key];
    const site = lookup(sites, 'site', p.site, [...path, 'site']);
    const planned = p.fileSystems.flatMap((k, i) => lookup(fileSystems, 'file system', k, [...path, 'fileSystems', i]) ?? []);
    const copyTo = (p.copyTo ?? []).flatMap((c, i) => {
      const cpath = [...path, 'copyTo', i];
      const target = lookup(sites, 'site', c.site, [...cpath, 'site']);
      return target ? [{ path: cpath, site: target, retentionDays: c.retentionDays ?? p.retentionDays }] : [];
    });
    if (!site) continue;
    const rt = p.restoreTesting;
    const rtPath = [...path, 'restoreTesting'];
    const testedSite = rt && (rt.site === undefined ? (copyTo[0]?.site ?? site) : lookup(sites, 'site', rt.site, [...rtPath, 'site']));
    backupPlans.set(key, {
      key,
      path,
      site,
      fileSystems: planned,
      schedule: p.schedule,
      retentionDays: p.retentionDays,
      startWindowMinutes: p.startWindowMinutes,
      completionWindowMinutes: p.completionWindowMinutes,
      copyTo,
      vaultLock: p.vaultLock,
      restoreTesting: rt && testedSite ? { path: rtPath, site: testedSite, schedule: rt.schedule, network: rt.network, algorithm: rt.algorithm, selectionWindowDays: rt.selectionWindowDays, startWindowHours: rt.startWindowHours, validationWindowHours: rt.validationWindowHours } : undefined,
    });
  }

  const archiveRestore: ArchiveRestore[] = [];
  (data.archiveRestore ?? []).forEach((a, i) => {
    const path = ['archiveRestore', i];
    const bucket = lookup(buckets, 'bucket', a.bucket, [...path, 'bucket']);
    if (bucket) archiveRestore.push({ path, bucket, prefix: a.prefix, tier: a.tier, days: a.days, notify: a.notify ?? [], logRetentionDays: a.logRetentionDays, tracing: a.tracing });
  });

  const recovery: Recovery[] = [];
  (data.recovery ?? []).forEach((r, i) => {
    const path = ['recovery', i];
    const fileSystem = lookup(fileSystems, 'file system', r.fileSystem, [...path, 'fileSystem']);
    const site = lookup(sites, 'site', r.site, [...path, 'site']);
    if (fileSystem && site) recovery.push({ path, fileSystem, site, standby: r.standby, network: network(r.network, [...path, 'network']), kmsKeyArn: r.kmsKeyArn });
  });

  const state = data.state;
  return {
    file,
    name: data.name,
    tags: data.tags ?? {},
    accounts,
    sites,
    state: {
      backend: state.backend,
      organization: state.organization,
      workspacePrefix: state.workspacePrefix,
      hostname: state.hostname,
      project: state.project,
      manageWorkspaces: state.manageWorkspaces,
      autoApplyRunTriggers: state.autoApplyRunTriggers,
      s3: state.s3,
    },
    buckets,
    replication,
    fileSystems,
    backupPlans,
    archiveRestore,
    recovery,
    monitoring: data.monitoring,
    acknowledge: (data.acknowledge ?? []).map((a, i) => ({ path: ['acknowledge', i], id: a.id, findingPath: a.path, reason: a.reason })),
    unresolved,
  };
}

function encryption(raw: Raw.Bucket['encryption']): Encryption {
  if (raw === 'kms') return { kind: 'kms' };
  if (typeof raw === 'object') return { kind: 'kms-key', keyArn: raw.kmsKeyArn };
  return { kind: 'sse-s3' };
}

/** `<name>-<key>-<region>`, plus `-<account id>` when the site names an account. */
export function defaultBucketName(name: string, key: string, site: Site): string {
  const parts = [name, key.toLowerCase().replace(/_/g, '-'), site.region];
  if (site.account) parts.push(site.account.id);
  return parts.join('-');
}
