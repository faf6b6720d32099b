import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { FsxDataRepositoryAssociation } from '@cdktf/provider-aws/lib/fsx-data-repository-association';
import { FsxLustreFileSystem } from '@cdktf/provider-aws/lib/fsx-lustre-file-system';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformOutput, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { FileSystemPlan } from '../plan/types';
import { LUSTRE_PORTS } from '../aws/fsx';
import { renderAlarms, renderLogMetricFilter, withFileSystemIds } from './monitoring';

/** DRA operations run one at a time per file system and can queue: give them this long. */
export const DRA_TIMEOUT = '30m';

export interface LustreFileSystemProps {
  /** The planned file system (or recovery copy), every argument resolved, with its repositories. */
  readonly fileSystem: FileSystemPlan;
}

/**
 * An FSx for Lustre file system with its data repository associations, as AWS accepts them: the
 * DRAs chained one after the other (AWS runs one DRA operation per file system at a time, so
 * parallel creation fails) with generous timeouts and without ever deleting file system data.
 *
 * With a planned security group, a group with only the Lustre ports (TCP 988 and 1018-1023) from
 * the clients and from itself, inbound and outbound, is created first.
 */
export class LustreFileSystem extends Construct {
  readonly fileSystem: FsxLustreFileSystem;

  constructor(scope: Construct, id: string, props: LustreFileSystemProps) {
    super(scope, id);
    const fs = props.fileSystem;
    const key = fs.key;
    const rules: ITerraformDependable[] = [];
    let securityGroupIds = fs.securityGroupIds;
    if (fs.securityGroup) {
      const sg = new SecurityGroup(this, 'security-group', { name: fs.securityGroup.name, description: fs.securityGroup.description, vpcId: fs.securityGroup.vpcId, tags: { Name: fs.securityGroup.name } });
      sg.overrideLogicalId(key);
      securityGroupIds = [sg.id];
      const peers: { name: string; cidr?: string; self?: boolean }[] = [{ name: 'self', self: true }, ...fs.securityGroup.clientCidrs.map((cidr, i) => ({ name: `client${i}`, cidr }))];
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

    const logs = fs.logging ? new CloudwatchLogGroup(this, 'logs', { name: fs.logging.logGroupName, retentionInDays: fs.logging.retentionDays, kmsKeyId: fs.logging.kmsKeyId, tags: { 'lustreform:filesystem': key } }) : undefined;
    logs?.overrideLogicalId(`${key}_fsx_logs`);
    const backups = fs.automaticBackups;
    this.fileSystem = new FsxLustreFileSystem(this, 'file-system', {
      deploymentType: fs.deploymentType,
      storageType: fs.storageType,
      storageCapacity: fs.storageCapacity,
      fileSystemTypeVersion: fs.lustreVersion,
      subnetIds: [fs.subnetId],
      securityGroupIds,
      perUnitStorageThroughput: fs.perUnitStorageThroughput,
      driveCacheType: fs.driveCacheType,
      dataCompressionType: fs.compression,
      kmsKeyId: fs.kmsKeyId,
      throughputCapacity: fs.throughputCapacity,
      dataReadCacheConfiguration: fs.readCache ? { sizingMode: fs.readCache.sizing, size: fs.readCache.sizeGiB } : undefined,
      metadataConfiguration: fs.metadata ? { mode: fs.metadata.mode, iops: fs.metadata.iops } : undefined,
      efaEnabled: fs.efa,
      weeklyMaintenanceStartTime: fs.weeklyMaintenance,
      logConfiguration: logs && fs.logging ? { level: fs.logging.level, destination: logs.arn } : undefined,
      backupId: fs.backupId,
      ...(backups ? { automaticBackupRetentionDays: backups.retentionDays, dailyAutomaticBackupStartTime: backups.dailyAt, copyTagsToBackups: backups.copyTagsToBackups } : {}),
      skipFinalBackup: fs.skipFinalBackup,
      tags: fs.tags,
      dependsOn: rules.length ? rules : undefined,
      // prevent_destroy: a plan that would destroy or replace the file system fails (protect: false lifts it).
      lifecycle: fs.protect ? { preventDestroy: true } : undefined,
    });
    this.fileSystem.overrideLogicalId(key);

    let previous: FsxDataRepositoryAssociation | undefined;
    fs.repositories.forEach((r, i) => {
      const dra = new FsxDataRepositoryAssociation(this, `repository-${i}`, {
        fileSystemId: this.fileSystem.id,
        fileSystemPath: r.fileSystemPath,
        dataRepositoryPath: r.dataRepositoryPath,
        batchImportMetaDataOnCreate: r.batchImportMetaDataOnCreate,
        deleteDataInFilesystem: false,
        importedFileChunkSize: r.importedFileChunkSize,
        s3: {
          autoImportPolicy: r.autoImport.length ? { events: r.autoImport } : undefined,
          autoExportPolicy: r.autoExport.length ? { events: r.autoExport } : undefined,
        },
        timeouts: { create: DRA_TIMEOUT, update: DRA_TIMEOUT, delete: DRA_TIMEOUT },
        tags: { Name: `${fs.nameTag}-${r.name}`, 'lustreform:filesystem': key },
        dependsOn: previous ? [previous] : undefined,
      });
      dra.overrideLogicalId(`${key}_${r.name}`);
      previous = dra;
    });

    renderAlarms(this, withFileSystemIds(fs.alarms, { [key]: this.fileSystem.id }));
    if (fs.repositoryEvents && logs) renderLogMetricFilter(this, key, fs.repositoryEvents, logs);

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(`${key}_${name.replace(/-/g, '_')}`);
    output('id', this.fileSystem.id, `file system ${key}: id`);
    output('dns-name', this.fileSystem.dnsName, `file system ${key}: DNS name`);
    output('mount-name', this.fileSystem.mountName, `file system ${key}: mount name`);
    output('mount-command', `sudo mount -t lustre -o relatime,flock ${this.fileSystem.dnsName}@tcp:/${this.fileSystem.mountName} /mnt/${key}`, `file system ${key}: mount it on a Lustre client`);
  }
}
