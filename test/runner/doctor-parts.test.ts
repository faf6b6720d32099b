import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectations } from '../../src/runner/doctor/expectations';
import { admits } from '../../src/runner/doctor/key-policy';
import { cidrContains, missingPorts } from '../../src/runner/doctor/networks';
import { multiSite, validateDraft } from '../helpers/blueprints';
import { featureBlueprints, synthesizedFeatures } from '../helpers/features';

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const fsx = { who: 'FSx', kind: 'service-role' as const, principal: 'arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*', account: '111111111111', actions: ['kms:Decrypt', 'kms:GenerateDataKey'] };
const role = { who: 'replication role', kind: 'role' as const, principal: 'arn:aws:iam::111111111111:role/climate-repl-input', account: '111111111111', actions: ['kms:Encrypt', 'kms:GenerateDataKey'] };
const root = (a: string) => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${a}:root` }, Action: 'kms:*', Resource: '*' });

describe('key policy reading', () => {
  test('the default key policy (the account root) admits lustreform roles of that account, not FSx\'s service-linked role', () => {
    expect(admits(doc(root('111111111111')), role).level).toBe('ok');
    expect(admits(doc(root('111111111111')), fsx)).toMatchObject({ level: 'partial', detail: expect.stringContaining('no KMS permission from IAM') });
    expect(admits(doc(root('222222222222')), role).level).toBe('no');
  });

  test('FSx is admitted by a role pattern, by * with aws:PrincipalArn or kms:CallerAccount, not by one file system\'s role', () => {
    expect(admits(doc({ Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { ArnLike: { 'aws:PrincipalArn': fsx.principal } } }), fsx).level).toBe('ok');
    expect(admits(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Condition: { StringEquals: { 'kms:CallerAccount': '111111111111', 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } } }), fsx).level).toBe('ok');
    expect(admits(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Condition: { StringEquals: { 'kms:CallerAccount': '999999999999' } } }), fsx).level).toBe('no');
    expect(admits(doc({ Effect: 'Allow', Principal: { AWS: fsx.principal.replace('*', 'fs-0123456789abcdef0') }, Action: 'kms:*' }), fsx).level).toBe('partial');
  });

  test('every action must be allowed; an unconditional Deny wins; a policy that is not JSON admits nothing', () => {
    expect(admits(doc({ Effect: 'Allow', Principal: { AWS: role.principal }, Action: 'kms:Encrypt' }), role)).toMatchObject({ level: 'no', detail: expect.stringContaining('does not let replication role use kms:Encrypt, kms:GenerateDataKey') });
    expect(admits(doc({ Effect: 'Allow', Principal: { AWS: role.principal }, Action: ['kms:Encrypt', 'kms:GenerateDataKey*'] }), role).level).toBe('ok');
    expect(admits(doc(root('111111111111'), { Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt' }), role).level).toBe('no');
    expect(admits('not json', role).level).toBe('no');
  });
});

describe('Lustre ports', () => {
  const self = (from: number, to: number, protocol = 'tcp') => ({ IpProtocol: protocol, FromPort: from, ToPort: to, UserIdGroupPairs: [{ GroupId: 'sg-1' }] });
  test('each missing range is named, partly open ranges by their missing ports', () => {
    expect(missingPorts([self(988, 988), self(1018, 1023)], new Set(['sg-1']))).toEqual([]);
    expect(missingPorts([self(988, 1023)], new Set(['sg-1']))).toEqual([]);
    expect(missingPorts([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-1' }] }], new Set(['sg-1']))).toEqual([]);
    expect(missingPorts([self(1018, 1021)], new Set(['sg-1']))).toEqual(['988', '1022, 1023']);
    expect(missingPorts([self(988, 1023, 'udp')], new Set(['sg-1']))).toEqual(['988', '1018-1023']);
    expect(missingPorts([self(988, 1023)], new Set(['sg-2']))).toEqual(['988', '1018-1023']);
    expect(missingPorts([{ IpProtocol: 'tcp', FromPort: 988, ToPort: 1023, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }], new Set(['sg-1']), '10.0.4.0/24')).toEqual([]);
  });

  test('CIDR containment', () => {
    expect(cidrContains('10.0.0.0/16', '10.0.4.0/24')).toBe(true);
    expect(cidrContains('0.0.0.0/0', '192.168.1.0/24')).toBe(true);
    expect(cidrContains('10.0.4.0/24', '10.0.0.0/16')).toBe(false);
    expect(cidrContains('10.1.0.0/16', '10.0.4.0/24')).toBe(false);
  });
});

describe('what doctor expects the stacks to create (the adapter)', () => {
  const model = validateDraft(multiSite()).model!;
  const accountOf = (s: { account?: { id: string } }) => s.account?.id ?? '000000000000';
  const e = expectations(model, accountOf as never);

  test('buckets: replicated ones, the replication role of sources, auto-import prefixes (recovery copies included)', () => {
    const input = e.buckets.find((b) => b.bucket.key === 'input')!;
    expect(input).toMatchObject({ account: '111111111111', replicated: true, replicationRoleArn: 'arn:aws:iam::111111111111:role/climate-repl-input', autoImportPrefixes: ['ExtData/'] });
    expect(e.buckets.find((b) => b.bucket.key === 'input-dr')).toMatchObject({ replicationRoleArn: undefined, autoImportPrefixes: ['ExtData/'] });
  });

  test('restore: one trail per site, one function per entry, no reservation, bursts bounded by the event source mapping', () => {
    expect(e.restore.map((r) => [r.site.key, r.trails, r.functions, r.reservedConcurrency, r.maxConcurrency]).sort()).toEqual([
      ['primary', 1, 1, 0, 5],
      ['recovery', 1, 1, 0, 5],
    ]);
    expect(e.ownTrail('climate-restore-primary')).toBe(true);
    expect(e.ownTrail('climate-restore-input-d32adf')).toBe(true); // one of an entry, before one trail per site
    expect(e.ownTrail('organization-trail')).toBe(false);
  });

  test('what doctor counts is what the stacks render: trails, functions, reserved and maximum concurrency per site (every example)', async () => {
    const dirs = await synthesizedFeatures();
    let checked = 0;
    for (const f of featureBlueprints()) {
      if (f.activation) continue;
      const m = validateDraft(f.draft).model!;
      for (const r of expectations(m, accountOf as never).restore) {
        const stack = JSON.parse(readFileSync(join(dirs.get(`${f.name}/${m.name}-${r.site.key}-protection`)!, 'cdk.tf.json'), 'utf8'));
        const res = (type: string): Record<string, { reserved_concurrent_executions?: number; scaling_config?: { maximum_concurrency: number } }> => stack.resource[type] ?? {};
        const rendered = {
          trails: Object.keys(res('aws_cloudtrail')).length,
          functions: Object.keys(res('aws_lambda_function')).length,
          reservedConcurrency: Object.values(res('aws_lambda_function')).reduce((n, fn) => n + (fn.reserved_concurrent_executions ?? 0), 0),
          maxConcurrency: Object.values(res('aws_lambda_event_source_mapping')).reduce((n, esm) => n + esm.scaling_config!.maximum_concurrency, 0),
        };
        expect({ blueprint: f.name, site: r.site.key, ...rendered }).toEqual({ blueprint: f.name, site: r.site.key, trails: r.trails, functions: r.functions, reservedConcurrency: r.reservedConcurrency, maxConcurrency: r.maxConcurrency });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  test('capacity counts warm standbys, not cold ones, and restore test copies; copies across accounts; keys with who needs them', () => {
    // The weekly restore test builds a copy of archive at the recovery site.
    expect(e.fileSystems.map((f) => [f.subject, f.site.key])).toEqual([['work', 'primary'], ['archive', 'primary'], ['archive (restore test)@recovery', 'recovery']]);
    const warm = multiSite();
    warm.recovery[0].standby = 'warm';
    expect(expectations(validateDraft(warm).model!, accountOf as never).fileSystems.map((f) => [f.subject, f.site.key])).toEqual([['work', 'primary'], ['archive', 'primary'], ['work@recovery', 'recovery'], ['archive (restore test)@recovery', 'recovery']]);
    expect(e.crossAccountCopies.map((c) => [c.plan, c.source.key, c.destination.key])).toEqual([['nightly', 'primary', 'recovery']]);
    const drKey = e.keys.find((k) => k.what === 'bucket input-dr')!;
    expect(drKey.needs.map((n) => [n.kind, n.principal])).toEqual([
      ['service-role', 'arn:aws:iam::222222222222:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*'],
      ['role', 'arn:aws:iam::111111111111:role/climate-repl-input'],
    ]);
    expect(e.ownTrail('climate-restore-input-3f2a1b')).toBe(true);
    expect(e.ownTrail('audit')).toBe(false);
  });
});
