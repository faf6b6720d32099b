import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FsxDataRepositoryAssociation } from '@cdktf/provider-aws/lib/fsx-data-repository-association';
import { FsxLustreFileSystem } from '@cdktf/provider-aws/lib/fsx-lustre-file-system';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformOutput, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { isLinked, isScratch, sameAccount, type Blueprint, type Bucket, type FileSystem, type Repository } from '../blueprint/model';
import { bucketArn, objectsArn } from '../plan/arns';
import type { LustreformBucket } from './bucket';
import { partitionOf } from '../aws/regions';
import { s3Uri } from '../blueprint/topology';

/** The TCP ports Lustre (LNet) uses between clients and servers. */
export const LUSTRE_PORTS: readonly [number, number][] = [
  [988, 988],
  [1018, 1023],
];

/** DRA operations run one at a time per file system and can queue: give them this long. */
export const DRA_TIMEOUT = '30m';

export interface LustreFileSystemProps {
  readonly model: Blueprint;
  /** The file system of the blueprint. */
  readonly fileSystem: FileSystem;
  /** Restore it from this backup (a failover from backups); it must match the backup's type, capacity, throughput, version and compression. */
  readonly backupId?: string;
}

/**
 * An FSx for Lustre file system with its data repository associations, as AWS accepts them:
 * the Lustre version always explicit (the API default, 2.10, has no DRAs), one subnet, KMS only on
 * persistent types, automatic backups only where allowed and explicitly off elsewhere, and the
 * DRAs chained one after the other (AWS runs one DRA operation per file system at a time, so
 * parallel creation fails) with generous timeouts and without ever deleting file system data.
 *
 * With `network.securityGroup`, a security group with only the Lustre ports (TCP 988 and
 * 1018-1023) from the clients and from itself is created first.
 */
export class LustreFileSystem extends Construct {
  readonly fileSystem: FsxLustreFileSystem;

  constructor(scope: Construct, id: string, props: LustreFileSystemProps) {
    super(scope, id);
    const { model, fileSystem: fs } = props;
    const network = fs.network;
    const key = fs.key;
    const rules: ITerraformDependable[] = [];
    let securityGroupIds = network.securityGroupIds ?? [];
    if (network.securityGroup) {
      const sg = new SecurityGroup(this, 'security-group', {
        name: `${model.name}-${key}-lustre`,
        description: `Lustre (TCP 988, 1018-1023) for file system ${key} (lustreform)`,
        vpcId: network.securityGroup.vpcId,
        tags: { Name: `${model.name}-${key}-lustre` },
      });
      sg.overrideLogicalId(key);
      securityGroupIds = [sg.id];
      const peers: { name: string; cidr?: string; self?: boolean }[] = [{ name: 'self', self: true }, ...network.securityGroup.clientCidrs.map((cidr, i) => ({ name: `client${i}`, cidr }))];
      for (const [from, to] of LUSTRE_PORTS) {
        for (const peer of peers) {
          const common = {
            securityGroupId: sg.id,
            ipProtocol: 'tcp',
            fromPort: from,
            toPort: to,
            cidrIpv4: peer.cidr,
            referencedSecurityGroupId: peer.self ? sg.id : undefined,
            description: `Lustre ${from === to ? from : `${from}-${to}`} ${peer.self ? 'within the file system' : `with clients ${peer.cidr}`}`,
          };
          const ingress = new VpcSecurityGroupIngressRule(this, `in-${peer.name}-${from}`, common);
          ingress.overrideLogicalId(`${key}_in_${peer.name}_${from}`);
          // Servers also open LNet connections to clients and to each other: same ports outbound, nothing else.
          const egress = new VpcSecurityGroupEgressRule(this, `out-${peer.name}-${from}`, common);
          egress.overrideLogicalId(`${key}_out_${peer.name}_${from}`);
          rules.push(ingress, egress);
        }
      }
    }

    const persistent = !isScratch(fs);
    const tiering = fs.storageType === 'INTELLIGENT_TIERING';
    // FSx writes through its service-linked role, which may only use log groups under /aws/fsx/.
    const logs =
      fs.logging.level === 'DISABLED' ? undefined : new CloudwatchLogGroup(this, 'logs', { name: `/aws/fsx/${model.name}-${key}`, retentionInDays: fs.logging.retentionDays, tags: { 'lustreform:filesystem': key } });
    logs?.overrideLogicalId(`${key}_fsx_logs`);
    this.fileSystem = new FsxLustreFileSystem(this, 'file-system', {
      deploymentType: fs.deploymentType,
      storageType: fs.storageType,
      storageCapacity: tiering ? undefined : fs.storageCapacity,
      fileSystemTypeVersion: fs.lustreVersion,
      subnetIds: [network.subnetId],
      securityGroupIds,
      perUnitStorageThroughput: tiering ? undefined : fs.throughput,
      driveCacheType: fs.driveCache,
      dataCompressionType: fs.compression,
      kmsKeyId: persistent ? fs.kmsKeyArn : undefined,
      throughputCapacity: fs.throughputCapacity,
      dataReadCacheConfiguration: fs.readCache ? { sizingMode: fs.readCache.sizing, size: fs.readCache.sizeGiB } : undefined,
      metadataConfiguration: fs.metadata ? { mode: fs.metadata.mode, iops: fs.metadata.iops } : undefined,
      efaEnabled: fs.efa || undefined,
      weeklyMaintenanceStartTime: fs.weeklyMaintenance,
      logConfiguration: logs ? { level: fs.logging.level, destination: logs.arn } : undefined,
      backupId: props.backupId,
      // Persistent types: backups exactly as the blueprint says, 0 (off) when it says nothing, since
      // one API default is 30 days and S3-linked file systems must not have them.
      ...(persistent ? automaticBackups(fs) : {}),
      // A persistent file system that can be backed up leaves a final backup when destroyed.
      skipFinalBackup: persistent && !isLinked(fs) ? false : undefined,
      tags: { Name: `${model.name}-${key}`, 'lustreform:filesystem': key },
      dependsOn: rules.length ? rules : undefined,
    });
    this.fileSystem.overrideLogicalId(key);

    let previous: FsxDataRepositoryAssociation | undefined;
    fs.repositories.forEach((r, i) => {
      const dra = new FsxDataRepositoryAssociation(this, `repository-${i}`, {
        fileSystemId: this.fileSystem.id,
        fileSystemPath: r.fileSystemPath,
        dataRepositoryPath: s3Uri(r),
        batchImportMetaDataOnCreate: r.preload !== 'none',
        deleteDataInFilesystem: false,
        importedFileChunkSize: r.importedFileChunkSize,
        s3: {
          autoImportPolicy: r.autoImport.length ? { events: r.autoImport } : undefined,
          autoExportPolicy: r.autoExport.length ? { events: r.autoExport } : undefined,
        },
        timeouts: { create: DRA_TIMEOUT, update: DRA_TIMEOUT, delete: DRA_TIMEOUT },
        tags: { Name: `${model.name}-${key}-${draName(r)}`, 'lustreform:filesystem': key },
        dependsOn: previous ? [previous] : undefined,
      });
      dra.overrideLogicalId(`${key}_${draName(r)}`);
      previous = dra;
    });

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(`${key}_${name.replace(/-/g, '_')}`);
    output('id', this.fileSystem.id, `file system ${key}: id`);
    output('dns-name', this.fileSystem.dnsName, `file system ${key}: DNS name`);
    output('mount-name', this.fileSystem.mountName, `file system ${key}: mount name`);
    output('mount-command', `sudo mount -t lustre -o relatime,flock ${this.fileSystem.dnsName}@tcp:/${this.fileSystem.mountName} /mnt/${key}`, `file system ${key}: mount it on a Lustre client`);
  }
}

function automaticBackups(fs: FileSystem) {
  if (!fs.backups) return { automaticBackupRetentionDays: 0 };
  return {
    automaticBackupRetentionDays: fs.backups.retentionDays,
    dailyAutomaticBackupStartTime: fs.backups.dailyAt,
    copyTagsToBackups: fs.backups.copyTagsToBackups,
  };
}

/** A resource name for a repository, from its path: /ExtData -> ExtData, / -> root. */
export const draName = (r: Repository): string => r.fileSystemPath.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_-]/g, '_') || 'root';

/**
 * Lets FSx in other accounts reach `bucket` (storage layer of the bucket's site): for every
 * repository of a file system in another account, that account's FSx S3 service-linked roles get
 * the bucket-level and prefix-level access FSx needs, and nothing beyond the repository's prefix.
 */
export function grantFileSystemAccess(model: Blueprint, target: LustreformBucket, bucket: Bucket): void {
  for (const fs of model.fileSystems.values()) {
    fs.repositories.forEach((r) => {
      if (r.bucket !== bucket || sameAccount(fs.site, bucket.site) || !fs.site.account) return;
      const partition = partitionOf(fs.site.region);
      const principal = { AWS: `arn:${partition}:iam::${fs.site.account.id}:root` };
      const condition = { ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${fs.site.account.id}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*` } };
      const sid = `FSx${fs.key}${draName(r)}`.replace(/[^A-Za-z0-9]/g, '');
      const bucketActions = ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketAcl', 's3:GetBucketNotification', ...(r.autoImport.length ? ['s3:PutBucketNotification'] : [])];
      const objectActions = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectAttributes', ...(r.autoExport.length || r.purpose !== 'input' ? ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:AbortMultipartUpload'] : [])];
      target.addToResourcePolicy({ Sid: `${sid}Bucket`, Effect: 'Allow', Principal: principal, Action: bucketActions, Resource: bucketArn(bucket), Condition: condition });
      target.addToResourcePolicy({ Sid: `${sid}Objects`, Effect: 'Allow', Principal: principal, Action: objectActions, Resource: objectsArn(bucket, r.prefix), Condition: condition });
    });
  }
}
