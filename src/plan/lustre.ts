/**
 * The lustre layer of a site: its file systems and the recovery copies deployed there, each with
 * every argument resolved as AWS accepts it (the Lustre version always explicit, KMS only on
 * persistent types, automatic backups only where allowed and explicitly off elsewhere), and its
 * data repository associations reading the right copy of each bucket.
 */
import { isLinked, isScratch, type Blueprint, type Bucket, type FileSystem, type Repository, type Site } from '../blueprint/model';
import { s3Uri } from '../blueprint/topology';
import { fileSystemAlarms, repositoryEventsMetric } from './monitoring';
import type { RecoveryCopy } from './recovery';
import type { FileSystemPlan, RepositoryPlan } from './types';

/** A resource name for a repository, from its file system path: /ExtData -> ExtData, / -> root. */
export const draName = (fileSystemPath: string): string => fileSystemPath.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'root';

/** The FSx log group of a file system; FSx's service-linked role may only write under /aws/fsx/. */
export const fsxLogGroupName = (m: Blueprint, fs: FileSystem): string => `/aws/fsx/${m.name}-${fs.key}`;

/** Every repository of the blueprint's file systems that reads `bucket`, with its file system. */
export function repositoriesReading(m: Blueprint, bucket: Bucket): { fileSystem: FileSystem; repository: Repository }[] {
  return [...m.fileSystems.values()].flatMap((fileSystem) => fileSystem.repositories.filter((r) => r.bucket === bucket).map((repository) => ({ fileSystem, repository })));
}

function repository(r: Repository): RepositoryPlan {
  return {
    name: draName(r.fileSystemPath),
    fileSystemPath: r.fileSystemPath,
    dataRepositoryPath: s3Uri(r),
    bucketName: r.bucket.name,
    autoImport: r.autoImport,
    autoExport: r.autoExport,
    batchImportMetaDataOnCreate: r.preload !== 'none',
    importedFileChunkSize: r.importedFileChunkSize,
  };
}

/** A file system (or a recovery copy, `fs` already rebuilt at its site) as the lustre stack renders it. */
export function fileSystemPlan(m: Blueprint, fs: FileSystem, id: string, backupId?: string, drill = false): FileSystemPlan {
  const persistent = !isScratch(fs);
  const tiering = fs.storageType === 'INTELLIGENT_TIERING';
  const sg = fs.network.securityGroup;
  return {
    id,
    key: fs.key,
    nameTag: `${m.name}-${fs.key}`,
    tags: { Name: `${m.name}-${fs.key}`, 'lustreform:filesystem': fs.key, ...(drill ? { 'lustreform:drill': 'true' } : {}) },
    deploymentType: fs.deploymentType,
    storageType: fs.storageType,
    storageCapacity: tiering ? undefined : fs.storageCapacity,
    protect: fs.protect,
    lustreVersion: fs.lustreVersion,
    subnetId: fs.network.subnetId,
    securityGroupIds: fs.network.securityGroupIds ?? [],
    securityGroup: sg && { name: `${m.name}-${fs.key}-lustre`, description: `Lustre (TCP 988, 1018-1023) for file system ${fs.key} (lustreform)`, vpcId: sg.vpcId, clientCidrs: sg.clientCidrs },
    perUnitStorageThroughput: tiering ? undefined : fs.throughput,
    driveCacheType: fs.driveCache,
    compression: fs.compression,
    kmsKeyId: persistent ? fs.kmsKeyArn : undefined,
    throughputCapacity: fs.throughputCapacity,
    readCache: fs.readCache,
    metadata: fs.metadata,
    efa: fs.efa || undefined,
    weeklyMaintenance: fs.weeklyMaintenance,
    logging: fs.logging.level === 'DISABLED' ? undefined : { logGroupName: fsxLogGroupName(m, fs), level: fs.logging.level, retentionDays: fs.logging.retentionDays, kmsKeyId: fs.site.operationalKmsKeyArn },
    backupId,
    // Persistent types: backups exactly as the blueprint says, 0 (off) when it says nothing, since
    // one API default is 30 days and S3-linked file systems must not have them.
    automaticBackups: persistent ? (fs.backups ? { retentionDays: fs.backups.retentionDays, dailyAt: fs.backups.dailyAt, copyTagsToBackups: fs.backups.copyTagsToBackups } : { retentionDays: 0 }) : undefined,
    // A persistent file system that can be backed up leaves a final backup when destroyed.
    skipFinalBackup: persistent && !isLinked(fs) ? false : undefined,
    repositories: fs.repositories.map(repository),
    alarms: fileSystemAlarms(m, fs),
    repositoryEvents:
      m.monitoring.enabled && fs.logging.level !== 'DISABLED'
        ? { name: repositoryEventsMetric(m, fs).name, logGroupName: fsxLogGroupName(m, fs), pattern: '', namespace: repositoryEventsMetric(m, fs).namespace, metricName: repositoryEventsMetric(m, fs).name }
        : undefined,
  };
}

/** The file systems of `site` and the recovery copies deployed there (their models), at the site. */
export const fileSystemsAt = (m: Blueprint, site: Site, recoveries: RecoveryCopy[]): FileSystem[] => [...[...m.fileSystems.values()].filter((fs) => fs.site === site), ...recoveries.filter((c) => c.fileSystem.site === site).map((c) => c.fileSystem)];

/** The file systems of `site` and the recovery copies deployed there, with the sites whose storage their repositories read. */
export function lustreAt(m: Blueprint, site: Site, recoveries: RecoveryCopy[]): { fileSystems: FileSystemPlan[]; reads: Site[] } {
  const own = [...m.fileSystems.values()].filter((fs) => fs.site === site);
  const copies = recoveries.filter((c) => c.fileSystem.site === site);
  const all = [...own, ...copies.map((c) => c.fileSystem)];
  return {
    fileSystems: [...own.map((fs) => fileSystemPlan(m, fs, `file-system-${fs.key}`)), ...copies.map((c) => fileSystemPlan(m, c.fileSystem, `recovery-${c.fileSystem.key}`, c.backupId, c.drill))],
    reads: all.flatMap((fs) => fs.repositories.map((r) => r.bucket.site)),
  };
}
