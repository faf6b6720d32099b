import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { multiSite, quickstart, type Draft } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { policy, resources, synthDraft } from '../helpers/synth';

const NET = { subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] };
const KEY = 'arn:aws:kms:eu-central-1:111111111111:key/fs';

/** A quickstart whose only file system is `fs` (no repositories unless given). */
function withFs(fs: Draft): Draft {
  const d = quickstart();
  d.fileSystems = { main: { site: 'main', network: NET, ...fs } };
  return d;
}
const fsOf = (d: Draft) => resources(synthDraft(d).stacks['quickstart-main-lustre'], 'aws_fsx_lustre_file_system').main;

describe('lustre layer: file systems', () => {
  const combinations: [string, Draft, Record<string, unknown>][] = [
    ['SCRATCH_1 SSD', { deploymentType: 'SCRATCH_1', storageCapacity: 3600, lustreVersion: '2.12' }, { deployment_type: 'SCRATCH_1', storage_type: 'SSD', storage_capacity: 3600, file_system_type_version: '2.12' }],
    ['SCRATCH_2 SSD, LZ4', { deploymentType: 'SCRATCH_2', storageCapacity: 4800, compression: 'LZ4' }, { deployment_type: 'SCRATCH_2', storage_capacity: 4800, data_compression_type: 'LZ4', file_system_type_version: '2.15' }],
    ['PERSISTENT_1 SSD', { deploymentType: 'PERSISTENT_1', storageCapacity: 2400, throughput: 200, kmsKeyArn: KEY }, { deployment_type: 'PERSISTENT_1', per_unit_storage_throughput: 200, kms_key_id: KEY, automatic_backup_retention_days: 0 }],
    ['PERSISTENT_1 HDD 12', { deploymentType: 'PERSISTENT_1', storageType: 'HDD', storageCapacity: 6000, throughput: 12, driveCache: 'NONE' }, { storage_type: 'HDD', per_unit_storage_throughput: 12, drive_cache_type: 'NONE', storage_capacity: 6000 }],
    ['PERSISTENT_1 HDD 40', { deploymentType: 'PERSISTENT_1', storageType: 'HDD', storageCapacity: 5400, throughput: 40, driveCache: 'READ' }, { storage_type: 'HDD', per_unit_storage_throughput: 40, drive_cache_type: 'READ', storage_capacity: 5400 }],
    ['PERSISTENT_2 SSD', { deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 1000 }, { deployment_type: 'PERSISTENT_2', per_unit_storage_throughput: 1000, file_system_type_version: '2.15' }],
    [
      'PERSISTENT_2 SSD, metadata, EFA',
      { deploymentType: 'PERSISTENT_2', storageCapacity: 2400, throughput: 500, metadata: { mode: 'USER_PROVISIONED', iops: 24000 }, efa: true },
      { metadata_configuration: { mode: 'USER_PROVISIONED', iops: 24000 }, efa_enabled: true },
    ],
    [
      'PERSISTENT_2 INTELLIGENT_TIERING',
      { deploymentType: 'PERSISTENT_2', storageType: 'INTELLIGENT_TIERING', throughputCapacity: 8000, readCache: { sizing: 'USER_PROVISIONED', sizeGiB: 128 }, metadata: { mode: 'USER_PROVISIONED', iops: 12000 } },
      { storage_type: 'INTELLIGENT_TIERING', throughput_capacity: 8000, data_read_cache_configuration: { sizing_mode: 'USER_PROVISIONED', size: 128 }, metadata_configuration: { mode: 'USER_PROVISIONED', iops: 12000 } },
    ],
  ];

  test.each(combinations)('%s: synthesized as AWS accepts it', (_, fs, expected) => {
    const out = fsOf(withFs(fs));
    expect(out).toMatchObject({ subnet_ids: [NET.subnetId], security_group_ids: NET.securityGroupIds, tags: { Name: 'quickstart-main', 'lustreform:filesystem': 'main' }, ...expected });
    expect(out.file_system_type_version).toMatch(/^2\.1[025]$/); // always explicit: the API default is 2.10
    if (fs.deploymentType.startsWith('SCRATCH')) {
      for (const k of ['kms_key_id', 'automatic_backup_retention_days', 'per_unit_storage_throughput', 'skip_final_backup']) expect(out).not.toHaveProperty(k);
    }
    if (fs.storageType === 'INTELLIGENT_TIERING') for (const k of ['storage_capacity', 'per_unit_storage_throughput']) expect(out).not.toHaveProperty(k);
    for (const k of ['import_path', 'export_path', 'auto_import_policy']) expect(out).not.toHaveProperty(k);
  });

  test('automatic backups where allowed, explicitly off on linked persistent file systems', () => {
    const backedUp = fsOf(withFs({ deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, backups: { dailyAt: '02:30', retentionDays: 14, copyTagsToBackups: true } }));
    expect(backedUp).toMatchObject({ automatic_backup_retention_days: 14, daily_automatic_backup_start_time: '02:30', copy_tags_to_backups: true, skip_final_backup: false });
    const linked = fsOf(withFs({ deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, repositories: [{ path: '/in', bucket: 'input', purpose: 'input' }] }));
    expect(linked.automatic_backup_retention_days).toBe(0);
    expect(linked).not.toHaveProperty('skip_final_backup');
    expect(linked).not.toHaveProperty('copy_tags_to_backups');
  });

  test('weekly maintenance window and outputs with a ready mount line', () => {
    const d = withFs({ deploymentType: 'SCRATCH_2', storageCapacity: 1200, weeklyMaintenance: '1:02:30' });
    const stack = synthDraft(d).stacks['quickstart-main-lustre'];
    expect(resources(stack, 'aws_fsx_lustre_file_system').main.weekly_maintenance_start_time).toBe('1:02:30');
    expect(stack.output).toEqual({
      main_id: { value: '${aws_fsx_lustre_file_system.main.id}', description: 'file system main: id' },
      main_dns_name: { value: '${aws_fsx_lustre_file_system.main.dns_name}', description: 'file system main: DNS name' },
      main_mount_name: { value: '${aws_fsx_lustre_file_system.main.mount_name}', description: 'file system main: mount name' },
      main_mount_command: {
        value: 'sudo mount -t lustre -o relatime,flock ${aws_fsx_lustre_file_system.main.dns_name}@tcp:/${aws_fsx_lustre_file_system.main.mount_name} /mnt/main',
        description: 'file system main: mount it on a Lustre client',
      },
    });
  });
});

describe('lustre layer: security group', () => {
  test('TCP 988 and 1018-1023 from the clients and from itself, both directions, created before the file system', () => {
    const d = quickstart();
    d.fileSystems.work.network.securityGroup.clientCidrs = ['10.0.0.0/16', '10.1.0.0/16'];
    const stack = synthDraft(d).stacks['quickstart-main-lustre'];
    const sg = resources(stack, 'aws_security_group').work;
    expect(sg).toMatchObject({ name: 'quickstart-work-lustre', vpc_id: 'vpc-0123456789abcdef0' });
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
    const shape = (r: Record<string, unknown>) => `${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.cidr_ipv4 ?? (r.referenced_security_group_id === '${aws_security_group.work.id}' ? 'self' : '?')}`;
    const expected = ['tcp 988-988 self', 'tcp 988-988 10.0.0.0/16', 'tcp 988-988 10.1.0.0/16', 'tcp 1018-1023 self', 'tcp 1018-1023 10.0.0.0/16', 'tcp 1018-1023 10.1.0.0/16'].sort();
    const ingress = Object.values(resources(stack, 'aws_vpc_security_group_ingress_rule'));
    const egress = Object.values(resources(stack, 'aws_vpc_security_group_egress_rule'));
    expect(ingress.map(shape).sort()).toEqual(expected);
    expect(egress.map(shape).sort()).toEqual(expected);
    for (const r of [...ingress, ...egress]) expect(r.security_group_id).toBe('${aws_security_group.work.id}');
    const fs = resources(stack, 'aws_fsx_lustre_file_system').work;
    expect(fs.security_group_ids).toEqual(['${aws_security_group.work.id}']);
    const ruleNames = [...Object.keys(resources(stack, 'aws_vpc_security_group_ingress_rule')).map((n) => `aws_vpc_security_group_ingress_rule.${n}`), ...Object.keys(resources(stack, 'aws_vpc_security_group_egress_rule')).map((n) => `aws_vpc_security_group_egress_rule.${n}`)];
    expect([...fs.depends_on].sort()).toEqual(ruleNames.sort());
  });
});

describe('lustre layer: data repository associations', () => {
  test('paths, events, preload, chunk size, never deleting file system data, chained one after the other', () => {
    const d = withFs({
      deploymentType: 'PERSISTENT_2',
      storageCapacity: 2400,
      throughput: 250,
      repositories: [
        { path: '/in', bucket: 'input', prefix: 'raw', purpose: 'input', preload: 'content', importedFileChunkSize: 2048 },
        { path: '/out', bucket: 'output', prefix: 'results/', purpose: 'output' },
        { path: '/shared/tools', bucket: 'input', prefix: 'tools/', purpose: 'sync', autoImport: ['NEW'], autoExport: ['NEW', 'CHANGED'] },
      ],
    });
    const { stacks, manifest } = synthDraft(d);
    const dras = resources(stacks['quickstart-main-lustre'], 'aws_fsx_data_repository_association');
    expect(Object.keys(dras)).toEqual(['main_in', 'main_out', 'main_shared_tools']);
    const common = { file_system_id: '${aws_fsx_lustre_file_system.main.id}', delete_data_in_filesystem: false, timeouts: { create: '30m', update: '30m', delete: '30m' } };
    expect(dras.main_in).toMatchObject({
      ...common,
      file_system_path: '/in',
      data_repository_path: 's3://quickstart-input-eu-central-1/raw/',
      batch_import_meta_data_on_create: true,
      imported_file_chunk_size: 2048,
      s3: { auto_import_policy: { events: ['NEW', 'CHANGED', 'DELETED'] } },
    });
    expect(dras.main_in.s3).not.toHaveProperty('auto_export_policy');
    expect(dras.main_in).not.toHaveProperty('depends_on');
    expect(dras.main_out).toMatchObject({ ...common, data_repository_path: 's3://quickstart-output-eu-central-1/results/', batch_import_meta_data_on_create: false, s3: { auto_export_policy: { events: ['NEW', 'CHANGED', 'DELETED'] } }, depends_on: ['aws_fsx_data_repository_association.main_in'] });
    expect(dras.main_shared_tools).toMatchObject({ s3: { auto_import_policy: { events: ['NEW'] }, auto_export_policy: { events: ['NEW', 'CHANGED'] } }, depends_on: ['aws_fsx_data_repository_association.main_out'] });
    expect(manifest.stacks['quickstart-main-lustre'].dependencies).toEqual(['quickstart-main-storage']);
  });

  test('a bucket in another account lets exactly that account\'s FSx in, under the prefix only', () => {
    const d = multiSite();
    d.buckets.shared = { site: 'recovery', name: 'acme-shared-results' };
    d.fileSystems.work.repositories.push({ path: '/shared', bucket: 'shared', prefix: 'climate/', purpose: 'output' });
    const { stacks, manifest } = synthDraft(d);
    const statements = policy(resources(stacks['climate-recovery-storage'], 'aws_s3_bucket_policy').shared).Statement;
    const condition = { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*' } };
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'FSxworksharedBucket', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Resource: 'arn:aws:s3:::acme-shared-results', Condition: condition }));
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'FSxworksharedObjects', Resource: 'arn:aws:s3:::acme-shared-results/climate/*', Condition: condition, Action: expect.arrayContaining(['s3:PutObject', 's3:GetObject']) }));
    expect(manifest.stacks['climate-primary-lustre'].dependencies.sort()).toEqual(['climate-primary-storage', 'climate-recovery-storage']);
    // Same-account buckets need no such statement.
    const own = policy(resources(stacks['climate-primary-storage'], 'aws_s3_bucket_policy').output).Statement;
    expect(own.filter((s: { Sid: string }) => s.Sid.startsWith('FSx'))).toEqual([]);
  });
});

describe('forbidden combinations are rejected before synth', () => {
  const cases: [string, string, Draft][] = [
    ['DRA001', 'a repository on SCRATCH_1', { deploymentType: 'SCRATCH_1', storageCapacity: 1200, repositories: [{ path: '/in', bucket: 'input', purpose: 'input' }] }],
    ['DRA002', 'a repository on Lustre 2.10', { deploymentType: 'SCRATCH_2', storageCapacity: 1200, lustreVersion: '2.10', repositories: [{ path: '/in', bucket: 'input', purpose: 'input' }] }],
    ['FSX006', 'a repository on INTELLIGENT_TIERING', { deploymentType: 'PERSISTENT_2', storageType: 'INTELLIGENT_TIERING', throughputCapacity: 4000, readCache: { sizing: 'NO_CACHE' }, metadata: { mode: 'USER_PROVISIONED', iops: 6000 }, repositories: [{ path: '/in', bucket: 'input', purpose: 'input' }] }],
    ['FSX001', 'HDD on PERSISTENT_2', { deploymentType: 'PERSISTENT_2', storageType: 'HDD', storageCapacity: 6000, throughput: 125 }],
    ['FSX001', 'INTELLIGENT_TIERING on PERSISTENT_1', { deploymentType: 'PERSISTENT_1', storageType: 'INTELLIGENT_TIERING', throughputCapacity: 4000, readCache: { sizing: 'NO_CACHE' } }],
    ['FSX003', 'SCRATCH_2 of 3000 GiB', { deploymentType: 'SCRATCH_2', storageCapacity: 3000 }],
    ['FSX004', 'per-unit throughput on scratch', { deploymentType: 'SCRATCH_2', storageCapacity: 1200, throughput: 200 }],
    ['FSX005', 'HDD without a drive cache', { deploymentType: 'PERSISTENT_1', storageType: 'HDD', storageCapacity: 6000, throughput: 12 }],
    ['FSX007', 'a KMS key on scratch', { deploymentType: 'SCRATCH_2', storageCapacity: 1200, kmsKeyArn: KEY }],
    ['FSX008', 'PERSISTENT_2 on Lustre 2.10', { deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, lustreVersion: '2.10' }],
    ['FSX009', 'metadata configuration on PERSISTENT_1', { deploymentType: 'PERSISTENT_1', storageCapacity: 1200, throughput: 50, metadata: { mode: 'AUTOMATIC' } }],
    ['FSX010', 'EFA without metadata configuration', { deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, efa: true }],
    ['BAK001', 'backups on scratch', { deploymentType: 'SCRATCH_2', storageCapacity: 1200, backups: { retentionDays: 7 } }],
    ['BAK002', 'backups on a linked file system', { deploymentType: 'PERSISTENT_2', storageCapacity: 1200, throughput: 125, backups: { retentionDays: 7 }, repositories: [{ path: '/in', bucket: 'input', purpose: 'input' }] }],
  ];

  test.each(cases)('%s: %s', async (id, _, fs) => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-forbidden-'));
    const file = join(dir, 'bp.yaml');
    writeFileSync(file, stringify(withFs(fs)));
    const r = await run('synth', '-b', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(` error ${id} `);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('FSx logging', () => {
  test('on by default (WARN_ERROR) for file systems with repositories, into a log group lustreform creates; off without repositories or when DISABLED', () => {
    const lustre = (d: Draft) => synthDraft(d).stacks['climate-primary-lustre'];
    const s = lustre(multiSite());
    expect(resources(s, 'aws_cloudwatch_log_group').work_fsx_logs).toMatchObject({ name: '/aws/fsx/climate-work', retention_in_days: 30 });
    expect(resources(s, 'aws_fsx_lustre_file_system').work.log_configuration).toEqual({ level: 'WARN_ERROR', destination: '${aws_cloudwatch_log_group.work_fsx_logs.arn}' });
    expect(resources(s, 'aws_fsx_lustre_file_system').archive.log_configuration).toBeUndefined(); // no repositories
    expect(resources(s, 'aws_cloudwatch_log_group').archive_fsx_logs).toBeUndefined();
    const d = multiSite();
    d.fileSystems.work.logging = { level: 'DISABLED' };
    d.fileSystems.archive.logging = { level: 'ERROR', retentionDays: 90 };
    const t = lustre(d);
    expect(resources(t, 'aws_fsx_lustre_file_system').work.log_configuration).toBeUndefined();
    expect(resources(t, 'aws_fsx_lustre_file_system').archive.log_configuration).toEqual({ level: 'ERROR', destination: '${aws_cloudwatch_log_group.archive_fsx_logs.arn}' });
    expect(resources(t, 'aws_cloudwatch_log_group').archive_fsx_logs.retention_in_days).toBe(90);
  });
});
