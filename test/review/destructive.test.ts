import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_SOURCES, FORCE_NEW, forcesReplacement } from '../../src/review/destructive';
import { synthesizedFeatures } from '../helpers/features';

describe("review's provider knowledge", () => {
  test('every resource type any construct emits (every example and feature blueprint) has its ForceNew arguments listed; every data source is known', async () => {
    const types = new Set<string>();
    const data = new Set<string>();
    for (const dir of (await synthesizedFeatures()).values()) {
      const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
      for (const t of Object.keys(stack.resource ?? {})) types.add(t);
      for (const t of Object.keys(stack.data ?? {})) data.add(t);
    }
    expect(types.size).toBeGreaterThan(30);
    expect([...types].filter((t) => !(t in FORCE_NEW)).sort()).toEqual([]);
    expect([...data].filter((t) => !DATA_SOURCES.has(t)).sort()).toEqual([]);
  });

  test.each([
    ['aws_backup_selection', 'condition[0].string_equals[1].value', true], // a listed block replaces on any change inside it
    ['aws_backup_selection', 'iam_role_arn', true],
    ['aws_fsx_data_repository_association', 'batch_import_meta_data_on_create', false], // ignored by the provider's update
    ['aws_fsx_lustre_file_system', 'imported_file_chunk_size', true],
    ['aws_fsx_lustre_file_system', 'per_unit_storage_throughput', false], // in place since provider 6
    ['aws_s3_bucket', 'region', true], // provider 6: a region change replaces every regional resource
    ['aws_iam_role', 'region', false], // IAM is global
    ['aws_iam_role', 'path', true],
    ['aws_sns_topic_policy', 'arn', true],
    ['aws_sqs_queue_policy', 'queue_url', true],
    ['aws_lambda_event_source_mapping', 'event_source_arn', true],
    ['aws_lambda_event_source_mapping', 'scaling_config.maximum_concurrency', false],
  ])('%s %s forces replacement: %s', (type, path, expected) => {
    expect(forcesReplacement(type, path, 'a', 'b')).toBe(expected);
  });

  test('conditional replacements: capacity and metadata IOPS only when they shrink, SCRATCH_1 on any capacity change, a rule switching its source type', () => {
    expect(forcesReplacement('aws_fsx_lustre_file_system', 'storage_capacity', 2400, 4800, { deployment_type: 'SCRATCH_2' })).toBe(false);
    expect(forcesReplacement('aws_fsx_lustre_file_system', 'storage_capacity', 4800, 2400, { deployment_type: 'SCRATCH_2' })).toBe(true);
    expect(forcesReplacement('aws_fsx_lustre_file_system', 'storage_capacity', 2400, 4800, { deployment_type: 'SCRATCH_1' })).toBe(true);
    expect(forcesReplacement('aws_fsx_lustre_file_system', 'metadata_configuration.iops', 3000, 1500)).toBe(true);
    expect(forcesReplacement('aws_fsx_lustre_file_system', 'metadata_configuration.iops', 1500, 3000)).toBe(false);
    expect(forcesReplacement('aws_vpc_security_group_ingress_rule', 'cidr_ipv4', undefined, '10.0.0.0/16')).toBe(true);
    expect(forcesReplacement('aws_vpc_security_group_ingress_rule', 'cidr_ipv4', '10.0.0.0/16', '10.1.0.0/16')).toBe(false);
  });
});
