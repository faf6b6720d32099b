/**
 * Ready for a security review (issue 22): checkov's AWS checks (test/helpers/checkov.ts, by
 * checkov ID) on every stack of every blueprint in blueprints/, with policies rendered as
 * Terraform renders them. A failure passes only where an exception below names its check and
 * the kind of resource, with the reason the shipped .checkov.yaml gives; anything else fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/blueprints';
import { CHECKS, evaluate, resourcesOf, type Finding, type Resource } from '../helpers/checkov';
import { synthesizedFeatures } from '../helpers/features';

const OPERATIONAL = /^(restore_(.+_)?trail_logs|batch_reports_.+|access_logs_.+)$/;
const operational = (r: Resource) => r.type === 'aws_s3_bucket' && OPERATIONAL.test(r.name);
const blueprintBucket = (r: Resource) => r.type === 'aws_s3_bucket' && !OPERATIONAL.test(r.name);
const restoreTrail = (r: Resource) => r.type === 'aws_cloudtrail' && /^restore_(.+_)?trail$/.test(r.name);
const restoreFunction = (r: Resource) => r.type === 'aws_lambda_function' && /^restore_.+_function$/.test(r.name);
const lustreformLogGroup = (r: Resource) => r.type === 'aws_cloudwatch_log_group' && /(^restore_.+_logs|_fsx_logs)$/.test(r.name);
const alarmTopic = (r: Resource) => r.type === 'aws_sns_topic' && r.name.startsWith('alarms_');

/** The deliberate exceptions: check, which resources, and why (the same reasons as .checkov.yaml). */
const EXCEPTIONS: { id: string; applies: (r: Resource) => boolean; reason: string }[] = [
  { id: 'CKV_AWS_18', applies: (r) => r.type === 'aws_s3_bucket', reason: 'field buckets.<key>.accessLogging on blueprint buckets; deliberately off on log sinks and the batch-report bucket' },
  { id: 'CKV_AWS_144', applies: (r) => r.type === 'aws_s3_bucket', reason: 'false positive on sources (configuration in the replication stack); none on replicas and operational buckets' },
  { id: 'CKV_AWS_145', applies: (r) => blueprintBucket(r) || operational(r), reason: 'field buckets.<key>.encryption / sites.<key>.operationalKmsKeyArn; impossible on the access-log bucket' },
  { id: 'CKV2_AWS_62', applies: (r) => r.type === 'aws_s3_bucket', reason: 'FSx owns notifications on repository buckets; lustreform consumes no S3 events' },
  { id: 'CKV_AWS_35', applies: restoreTrail, reason: 'field sites.<key>.operationalKmsKeyArn' },
  { id: 'CKV_AWS_67', applies: restoreTrail, reason: 'the archive-restore trigger trail is not an audit trail' },
  { id: 'CKV_AWS_252', applies: restoreTrail, reason: 'the archive-restore trigger trail is not an audit trail' },
  { id: 'CKV2_AWS_10', applies: restoreTrail, reason: 'the archive-restore trigger trail is not an audit trail' },
  { id: 'CKV_AWS_158', applies: lustreformLogGroup, reason: 'field sites.<key>.operationalKmsKeyArn' },
  { id: 'CKV_AWS_338', applies: lustreformLogGroup, reason: 'fields logging.retentionDays and archiveRestore[].logRetentionDays' },
  { id: 'CKV_AWS_115', applies: restoreFunction, reason: 'no reserved concurrency by design (a reservation fails the apply where the quota is 10); bursts are bounded by the queue\'s event source mapping (maximum concurrency 5)' },
  { id: 'CKV_AWS_116', applies: restoreFunction, reason: 'invoked through its SQS queue, whose redrive policy moves failed messages to the dead-letter queue; a function DLQ applies to asynchronous invocations only' },
  { id: 'CKV_AWS_117', applies: restoreFunction, reason: 'no VPC resources' },
  { id: 'CKV_AWS_173', applies: restoreFunction, reason: 'no secrets in its environment' },
  { id: 'CKV_AWS_272', applies: restoreFunction, reason: 'bundled from the package at synth, pinned by its source hash' },
  { id: 'CKV_AWS_26', applies: alarmTopic, reason: 'field sites.<key>.operationalKmsKeyArn (site region); other regions stay unencrypted' },
  { id: 'CKV_AWS_166', applies: (r) => r.type === 'aws_backup_vault', reason: 'field sites.<key>.backupVaultKmsKeyArn' },
  { id: 'CKV_AWS_190', applies: (r) => r.type === 'aws_fsx_lustre_file_system', reason: 'field kmsKeyArn on persistent types; impossible on scratch' },
];

let findings: Finding[] = [];
beforeAll(async () => {
  const stacks = await synthesizedFeatures();
  findings = evaluate([...stacks].flatMap(([name, dir]) => resourcesOf(name, JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')))));
}, 300000);

const where = (f: Finding) => `${f.id} ${f.resource.stack}: ${f.resource.type}.${f.resource.name}`;

test('every check fails only where a deliberate exception names it', () => {
  const unexplained = findings.filter((f) => f.result === 'FAILED' && !EXCEPTIONS.some((e) => e.id === f.id && e.applies(f.resource))).map(where);
  expect(unexplained).toEqual([]);
});

test('the checks run: each applies to some resource, and most pass everywhere', () => {
  const ran = new Set(findings.map((f) => f.id));
  expect(CHECKS.map((c) => c.id).filter((id) => !ran.has(id))).toEqual([]);
  const clean = [...ran].filter((id) => !findings.some((f) => f.id === id && f.result === 'FAILED'));
  // 43 of them: CKV_AWS_115/116 became exceptions when the restore functions moved behind their queues.
  expect(clean.length).toBeGreaterThanOrEqual(43);
});

test('the fixed defaults hold: backup role, trust conditions, TLS-only topics and queues, batch report owner', () => {
  for (const id of ['LF_BACKUP_NO_RESTORES', 'LF_TRUST_SOURCE', 'LF_TLS_EVERY_ACTION', 'LF_QUEUE_HAS_POLICY', 'LF_BATCH_REPORT_OWNER', 'CKV_AWS_50', 'CKV_AWS_385']) {
    const of = findings.filter((f) => f.id === id && f.result !== 'UNKNOWN');
    expect({ id, evaluated: of.length > 0, failed: of.filter((f) => f.result === 'FAILED').map(where) }).toEqual({ id, evaluated: true, failed: [] });
  }
});

test('the hardened example passes what its fields turn on', () => {
  const hardened = findings.filter((f) => f.resource.stack.startsWith('examples/hardened.yaml/'));
  const failing = (id: string, pick: (r: Resource) => boolean) => hardened.filter((f) => f.id === id && pick(f.resource) && f.result === 'FAILED').map(where);
  expect(failing('CKV_AWS_18', blueprintBucket)).toEqual([]);
  expect(failing('CKV_AWS_145', (r) => blueprintBucket(r) || (operational(r) && !r.name.startsWith('access_logs_')))).toEqual([]);
  expect(failing('CKV_AWS_35', restoreTrail)).toEqual([]);
  expect(failing('CKV_AWS_158', lustreformLogGroup)).toEqual([]);
  expect(failing('CKV_AWS_338', lustreformLogGroup)).toEqual([]);
  expect(failing('CKV_AWS_26', (r) => alarmTopic(r) && !/_eu_/.test(r.name))).toEqual([]);
  expect(failing('CKV_AWS_166', (r) => r.name === 'recovery')).toEqual([]);
  expect(failing('CKV_AWS_190', () => true)).toEqual([]);
  // Some resources of each kind were looked at.
  expect(hardened.filter((f) => f.id === 'CKV_AWS_158').length).toBeGreaterThanOrEqual(2);
});

test('.checkov.yaml skips exactly the excepted checks, each with its reason, and docs/security.md explains each', () => {
  const text = readFileSync(join(ROOT, '.checkov.yaml'), 'utf8');
  const skips: string[] = parse(text)['skip-check'];
  expect([...skips].sort()).toEqual([...new Set(EXCEPTIONS.map((e) => e.id))].sort());
  // A comment right above every skip (or its group) says why.
  const lines = text.split('\n');
  for (const id of skips) {
    let i = lines.findIndex((l) => l.trim() === `- ${id}`) - 1;
    while (lines[i]?.trim().startsWith('- CKV')) i--;
    expect({ id, reason: lines[i]?.trim().startsWith('#') }).toEqual({ id, reason: true });
  }
  const security = readFileSync(join(ROOT, 'docs', 'security.md'), 'utf8');
  expect(skips.filter((id) => !security.includes(id))).toEqual([]);
});
