import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { example, multiSite, quickstart } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { writeDraft } from '../helpers/runner-env';

describe('lustreform summary', () => {
  test('markdown: every section, a Mermaid diagram of sites and edges, costs with their date and source', async () => {
    const r = await run('summary', '-b', example('multi-site-dr.yaml'));
    expect(r.code).toBe(0);
    for (const h of ['### Sites', '### Buckets', '### Replication', '### File systems', '### Repositories', '### Protection', '### Archive restore', '### Recovery']) expect(r.out).toContain(h);
    expect(r.out).toContain('```mermaid\nflowchart LR');
    expect(r.out).toContain('b_output <-->|replication RTC| b_output_dr');
    expect(r.out).toContain('| input | input-dr | one-way | no | yes | (all) | STANDARD_IA | batch |');
    expect(r.out).toContain('| work | primary | SCRATCH_2 SSD | 2400 GiB | - | 2.15 | $336.00 |');
    expect(r.out).toContain('| archive | primary | PERSISTENT_2 SSD | 4800 GiB | 250 MB/s/TiB | 2.15 | $1008.00 |');
    expect(r.out).toContain('**$1344.00/month** (us-east-1 list prices of 2025-11; https://aws.amazon.com/fsx/lustre/pricing/');
    expect(r.out).toContain('| work | /ExtData | s3://acme-climate-input/ExtData/ | input | NEW, CHANGED, DELETED | - | metadata |');
    expect(r.out).toContain('| nightly | primary | archive | cron(0 3 * * ? *) | 35 days | recovery (90 days) | governance 7-365 days |');
    expect(r.out).toContain('| work | primary | recovery | cold |');
  });

  test('json', async () => {
    const s = JSON.parse((await run('summary', '-b', example('quickstart.yaml'), '--format', 'json')).out);
    expect(s.fileSystems[0]).toMatchObject({ key: 'work', capacityGiB: 1200, monthlyUsd: 168, repositories: [expect.objectContaining({ path: '/input', s3: 's3://quickstart-input-eu-central-1/' }), expect.anything()] });
  });
});

describe('lustreform diff', () => {
  const files = (base: unknown, head: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-diff-'));
    writeFileSync(join(dir, 'base.yaml'), stringify(base));
    writeFileSync(join(dir, 'head.yaml'), stringify(head));
    return [join(dir, 'base.yaml'), join(dir, 'head.yaml')];
  };

  test('growing a file system is an update in place; shrinking it replaces it, listed first in words', async () => {
    const grow = quickstart();
    grow.fileSystems.work.storageCapacity = 2400;
    const up = await run('diff', ...files(quickstart(), grow), '--format', 'json');
    expect(JSON.parse(up.out)).toEqual([expect.objectContaining({ address: 'aws_fsx_lustre_file_system.work', action: 'update', destructive: false })]);
    const down = await run('diff', ...files(grow, quickstart()));
    expect(down.out).toContain('### Destructive changes');
    expect(down.out).toContain('`aws_fsx_lustre_file_system.work`: file system work is replaced: data on it that is not exported to S3 is lost');
    expect(down.out).toContain('(`storage_capacity` 2400 -> 1200)');
  });

  test('a DRA path change and a bucket rename are replacements; a new bucket is a create', async () => {
    const head = quickstart();
    head.fileSystems.work.repositories[0].path = '/data';
    head.buckets.output.name = 'renamed-output-bucket';
    head.buckets.extra = { site: 'main' };
    const r = JSON.parse((await run('diff', ...files(quickstart(), head), '--format', 'json')).out);
    const byAddress = (a: string) => r.filter((c: { address: string }) => c.address === a);
    expect(byAddress('aws_fsx_data_repository_association.work_input')).toEqual([expect.objectContaining({ action: 'delete', destructive: true })]);
    expect(byAddress('aws_fsx_data_repository_association.work_data')).toEqual([expect.objectContaining({ action: 'create' })]);
    expect(byAddress('aws_s3_bucket.output')).toEqual([expect.objectContaining({ action: 'replace', destructive: true })]);
    expect(byAddress('aws_s3_bucket.extra')).toEqual([expect.objectContaining({ action: 'create', destructive: false })]);
    expect(r[0].destructive).toBe(true);
  });

  test('--git compares the -b blueprint at two refs', async () => {
    const { file, dir } = writeDraft(multiSite());
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'base');
    const head = multiSite();
    head.fileSystems.archive.lustreVersion = '2.12';
    writeFileSync(file, stringify(head));
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qam', 'head');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run('diff', 'HEAD~1', 'HEAD', '--git', '-b', 'blueprint.yaml');
      expect(r.code).toBe(0);
      expect(r.out).toContain('file system archive is replaced');
      expect(r.out).toContain('`file_system_type_version` "2.15" -> "2.12"');
      expect((await run('diff', 'nope', 'HEAD', '--git', '-b', 'blueprint.yaml')).code).toBe(2);
    } finally {
      process.chdir(cwd);
    }
  });
});
