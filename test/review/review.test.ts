import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { becauseText, COMMENT_LIMIT, globMatch, replacedBecause } from '../../src/review/plan-review';
import { example, multiSite, ROOT } from '../helpers/blueprints';
import { writeDraft } from '../helpers/runner-env';
import { run } from '../helpers/cli';

const plan = (name: string) => join(ROOT, 'test', 'fixtures', 'plans', name);
const DANGEROUS = ['climate-primary-storage.json', 'climate-primary-lustre.json', 'climate-primary-protection.json', 'climate-primary-replication.json'].map(plan);

describe('lustreform review', () => {
  test('a harmless plan: counts, no danger, the runner steps, exit 0', async () => {
    const r = await run('review', plan('harmless/climate-primary-lustre.json'), '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('| climate-primary-lustre | 1 | 2 | 0 | 0 |');
    expect(r.out).toContain('No dangerous changes.');
    expect(r.out).toContain(`after apply: \`lustreform import -b ${example('multi-site-dr.yaml')} --wait\``);
    expect(r.out).toContain('<details><summary>All changes (3)</summary>');
  });

  test('every danger is named in words, and the review is blocked (exit 3)', async () => {
    const r = await run('review', ...DANGEROUS, '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(3);
    const danger = r.out.slice(r.out.indexOf('### :warning:'), r.out.indexOf('### Runner steps'));
    expect(danger).toContain('Dangerous changes (7, not allowed)');
    expect(danger).toContain('`aws_fsx_lustre_file_system.work`: file system work is replaced: data on it that is not exported to S3 is lost, and clients must remount (new DNS name) (replaced because `storage_capacity` changes)');
    expect(danger).toContain('`aws_fsx_data_repository_association.work_ExtData`: the link work_ExtData between a file system path and S3 is replaced');
    expect(danger).toContain('`aws_s3_bucket.scratch`: bucket scratch is deleted');
    expect(danger).toContain('versioning of output is suspended');
    expect(danger).toContain('the vault lock primary changes');
    expect(danger).toContain('backup plan nightly keeps recovery points shorter (35/90 -> 14/90 days)');
    expect(danger).toContain('replication out of input stops');
    expect(danger).not.toContain('aws_s3_bucket.input`');
    expect(r.out).toContain(`before apply: \`lustreform export -b ${example('multi-site-dr.yaml')} --wait\``);
    expect(r.out).toContain('| climate-primary-lustre | 0 | 0 | 0 | 2 |');
    expect(r.out).toContain("If intended, rerun the review with: `--allow 'climate-primary-storage/aws_s3_bucket_versioning.output' --allow 'climate-primary-storage/aws_s3_bucket.scratch'");
    expect(r.out).toContain("--allow 'climate-primary-lustre/aws_fsx_lustre_file_system.work'");
    expect(r.out).toContain('| climate-primary-lustre | `aws_fsx_data_repository_association.work_ExtData` | replace (replaced because `file_system_path` changes) |');
  });

  test('--format json: dangers with the attributes that force each replacement, counts, runner steps', async () => {
    const r = await run('review', ...DANGEROUS, '-b', example('multi-site-dr.yaml'), '--format', 'json');
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out);
    expect(json.blocked).toBe(true);
    expect(json.dangers).toContainEqual(expect.objectContaining({ stack: 'climate-primary-lustre', address: 'aws_fsx_lustre_file_system.work', replacedBecause: ['storage_capacity'] }));
    expect(json.stacks).toContainEqual({ stack: 'climate-primary-lustre', create: 0, update: 0, delete: 0, replace: 2 });
    expect(json.runnerSteps[0]).toContain('lustreform export');
    expect(json.changes).toContainEqual(expect.objectContaining({ address: 'aws_fsx_data_repository_association.work_ExtData', kind: 'replace', replacedBecause: ['file_system_path'] }));
  });

  test('retention cuts of a lifecycle are dangers: shorter noncurrent expiry, new expiration on an existing prefix, a rule removed', async () => {
    const rule = (id: string, prefix: string, extra: Record<string, unknown>) => ({ id, status: 'Enabled', filter: [{ prefix }], expiration: [], noncurrent_version_expiration: [], ...extra });
    const before = { bucket: 'b', rule: [rule('blueprint-0', 'logs/', { transition: [{ days: 30, storage_class: 'GLACIER' }] }), rule('blueprint-1', 'tmp/', { transition: [{ days: 1, storage_class: 'GLACIER' }] }), rule('expire-noncurrent-versions', '', { noncurrent_version_expiration: [{ noncurrent_days: 365 }] })] };
    const after = { bucket: 'b', rule: [rule('blueprint-0', 'logs/', { expiration: [{ days: 90 }] }), rule('expire-noncurrent-versions', '', { noncurrent_version_expiration: [{ noncurrent_days: 1 }] })] };
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-review-'));
    const file = join(dir, 'climate-primary-storage.json');
    writeFileSync(file, JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'aws_s3_bucket_lifecycle_configuration.input', type: 'aws_s3_bucket_lifecycle_configuration', name: 'input', change: { actions: ['update'], before, after } }] }));
    const r = await run('review', file, '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(3);
    expect(r.out).toContain('a lifecycle rule of input under tmp/ that moves objects between storage classes is removed');
    expect(r.out).toContain('noncurrent versions in the whole bucket of input are deleted after 1 day (was after 365 days): the versions a restore needs go with them');
    expect(r.out).toContain('objects under logs/ of input expire after 90 days (was never)');
    // Keeping things longer is no danger.
    writeFileSync(file, JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'aws_s3_bucket_lifecycle_configuration.input', type: 'aws_s3_bucket_lifecycle_configuration', name: 'input', change: { actions: ['update'], before: after, after: { ...after, rule: [rule('blueprint-0', 'logs/', { expiration: [{ days: 180 }] }), after.rule[1], rule('blueprint-1', 'new/', { expiration: [{ days: 1 }] })] } } }] }));
    expect((await run('review', file, '-b', example('multi-site-dr.yaml'))).code).toBe(0);
  });

  test('protect: review says when a plan hits a protected resource, an unprotected one, or one removed from the blueprint', async () => {
    const r = await run('review', ...DANGEROUS, '-b', example('multi-site-dr.yaml'));
    expect(r.out).toContain('(replaced because `storage_capacity` changes); protected (`fileSystems.work.protect` is true): Terraform refuses this (prevent_destroy), so the apply fails until the blueprint says `protect: false`');
    expect(r.out).toContain('`aws_s3_bucket.scratch`: bucket scratch is deleted: Terraform can only delete it empty; objects, versions and their replicas\' source are gone; not in the blueprint any more: `protect` cannot stop this destroy');
    const d = multiSite();
    d.fileSystems.work.protect = false;
    const unprotected = await run('review', ...DANGEROUS, '-b', writeDraft(d).file, '--format', 'json');
    expect(JSON.parse(unprotected.out).dangers).toContainEqual(expect.objectContaining({ address: 'aws_fsx_lustre_file_system.work', protection: 'not protected: `fileSystems.work.protect` is false' }));
  });

  test('nested replace paths are named in full', () => {
    expect(becauseText(replacedBecause({ address: 'a.b', type: 'a', change: { actions: ['delete', 'create'], replace_paths: [['rule', 0, 'lifecycle', 0, 'delete_after'], ['name']] } }))).toBe('replaced because `rule[0].lifecycle[0].delete_after` and `name` change');
    expect(replacedBecause({ address: 'a.b', type: 'a', change: { actions: ['update'] } })).toBeUndefined();
  });

  test('a plan file not named after a stack is an error that names the expected form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-plans-'));
    writeFileSync(join(dir, 'plan.json'), readFileSync(plan('climate-primary-lustre.json')));
    const r = await run('review', join(dir, 'plan.json'), '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain("plan.json: a plan file must be named after its stack, <stack>.json (e.g. climate-primary-storage.json)");
    expect(r.err).toContain("'plan' is not a stack of blueprint climate");
    expect(r.out).toBe('');
  });

  test('--allow globs let intended dangers through; any left blocks', async () => {
    const some = await run('review', plan('climate-primary-lustre.json'), '--allow', 'aws_fsx_lustre_file_system.*');
    expect(some.code).toBe(3);
    expect(some.out).toContain('_(allowed by `--allow aws_fsx_lustre_file_system.*`)_');
    const all = await run('review', plan('climate-primary-lustre.json'), '--allow', 'aws_fsx_lustre_file_system.*', '--allow', 'climate-primary-lustre/aws_fsx_data_repository_association.*');
    expect(all.code).toBe(0);
    expect(all.out).toContain('Dangerous changes (2, all allowed)');
  });

  test('stays under GitHub\'s comment size by folding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-plans-'));
    const changes = Array.from({ length: 3000 }, (_, i) => ({ address: `aws_s3_bucket_policy.bucket_with_a_rather_long_name_${i}`, mode: 'managed', type: 'aws_s3_bucket_policy', name: `b${i}`, change: { actions: ['update'], before: {}, after: {} } }));
    writeFileSync(join(dir, 'quickstart-main-storage.json'), JSON.stringify({ format_version: '1.2', resource_changes: changes }));
    const r = await run('review', join(dir, 'quickstart-main-storage.json'));
    expect(r.out.length).toBeLessThan(COMMENT_LIMIT + 1000);
    expect(r.out).toMatch(/\| \.\.\. \| \d+ more changes not shown/);
  });

  test('not a plan: one clear line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-plans-'));
    writeFileSync(join(dir, 'quickstart-main-storage.json'), '{"resource": {}}');
    const r = await run('review', join(dir, 'quickstart-main-storage.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a terraform show -json plan');
  });

  test('globs', () => {
    expect(globMatch('aws_s3_bucket.*', 'aws_s3_bucket.input')).toBe(true);
    expect(globMatch('aws_s3_bucket.*', 'aws_s3_bucket_policy.input')).toBe(false);
    expect(globMatch('*/aws_s3_bucket.in?ut', 'stack/aws_s3_bucket.input')).toBe(true);
  });
});
