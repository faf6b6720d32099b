import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { example, multiSite, quickstart, ROOT } from '../helpers/blueprints';
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
    expect(r.out).toContain('| nightly | primary | archive | cron(0 3 * * ? *) | 35 days | recovery (90 days) | governance 7-365 days | recovery cron(0 5 ? * SAT *) |');
    expect(r.out).toContain('| recovery | climate-recovery-alarms, climate-recovery-alarms-eu-central-1 | backup-failed (events) | AWS Backup restore jobs (restore tests) in eu-west-1 that fail | climate-recovery |');
    expect(r.out).toContain('| work | primary | recovery | cold |');
    // What is deployed, from the plan: the blueprint's restore and the one added for the archived replica at recovery.
    expect(r.out).toContain('| input | primary | ExtData/ | Standard | 7 days | 3-5 hours | ops@example.org |');
    expect(r.out).toContain('| input-dr | recovery | ExtData/ | Standard | 7 days | 3-5 hours | ops@example.org |');
    expect(r.out).toContain('| output | acme-climate-output | primary | SSE-S3 | on | output-dr |');
    // What is watched.
    expect(r.out).toContain("Alarms notify each site's alarm topic, to which oncall@example.org is subscribed.");
    expect(r.out).toContain('| primary | climate-primary-alarms, climate-primary-alarms-eu-west-1 | free-capacity | file system work: less than 10% of 2400 GiB free<br>file system archive: less than 10% of 4800 GiB free | climate-primary |');
    expect(r.out).toContain('| primary | climate-primary-alarms, climate-primary-alarms-eu-west-1 | backup-failed (events) | AWS Backup jobs into climate-primary that fail<br>AWS Backup copy jobs out of climate-primary that fail | climate-primary |');
  });

  test('a section with nothing in it says _none_ once', async () => {
    const r = await run('summary', '-b', example('quickstart.yaml'));
    const protection = r.out.slice(r.out.indexOf('### Protection'), r.out.indexOf('### Archive restore'));
    expect(protection.match(/_none_/g)).toHaveLength(1);
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
    // The free-capacity alarm's threshold follows the capacity.
    expect(JSON.parse(up.out)).toEqual([expect.objectContaining({ address: 'aws_cloudwatch_metric_alarm.alarm_work_free_capacity', action: 'update', destructive: false }), expect.objectContaining({ address: 'aws_fsx_lustre_file_system.work', action: 'update', destructive: false })]);
    const down = await run('diff', ...files(grow, quickstart()));
    expect(down.out).toContain('### Destructive changes');
    expect(down.out).toContain('| quickstart-main-lustre | `aws_fsx_lustre_file_system.work` | replace | file system work is replaced: data on it that is not exported to S3 is lost, and clients must remount (new DNS name) | `storage_capacity` 2400 -> 1200 |');
  });

  test('nested values are compared deeply: a retention cut inside a backup rule and its copy show the changed leaves and are flagged', async () => {
    const head = multiSite();
    head.backupPlans.nightly.retentionDays = 14;
    head.backupPlans.nightly.copyTo[0].retentionDays = 30;
    const r = JSON.parse((await run('diff', ...files(multiSite(), head), '--format', 'json')).out);
    const plan = r.find((c: { address: string }) => c.address === 'aws_backup_plan.nightly');
    expect(plan).toMatchObject({ action: 'update', destructive: true, consequence: 'backup plan nightly keeps recovery points shorter (35/90 -> 14/30 days)' });
    expect(plan.changes).toEqual([
      { attribute: 'rule[0].copy_action[0].lifecycle.delete_after', before: '90', after: '30', forcesReplacement: false },
      { attribute: 'rule[0].lifecycle.delete_after', before: '35', after: '14', forcesReplacement: false },
    ]);
    const md = (await run('diff', ...files(multiSite(), head))).out;
    expect(md.slice(md.indexOf('### Destructive changes'), md.indexOf('### All changes'))).toContain('`rule[0].lifecycle.delete_after` 35 -> 14');
  });

  test('RTC turned off, versioning suspended and a vault lock change are dangers in words', async () => {
    const head = quickstart();
    head.buckets.output.versioning = false;
    const versioning = JSON.parse((await run('diff', ...files(quickstart(), head), '--format', 'json')).out);
    expect(versioning[0]).toMatchObject({ address: 'aws_s3_bucket_versioning.output', destructive: true, consequence: expect.stringContaining('versioning of output is suspended') });
    expect(versioning[0].changes).toEqual([expect.objectContaining({ attribute: 'versioning_configuration.status', before: '"Enabled"', after: '"Suspended"' })]);

    const rtc = multiSite();
    rtc.replication[1].replicationTime = false;
    rtc.backupPlans.nightly.vaultLock.maxRetentionDays = 400;
    const r = JSON.parse((await run('diff', ...files(multiSite(), rtc), '--format', 'json')).out);
    const byAddress = (a: string) => r.filter((c: { address: string }) => c.address === a);
    expect(byAddress('aws_s3_bucket_replication_configuration.output')).toEqual([expect.objectContaining({ destructive: true, consequence: expect.stringMatching(/^Replication Time Control of output is turned off \(rule to-output-dr\)/) })]);
    expect(byAddress('aws_s3_bucket_replication_configuration.output')[0].changes.map((c: { attribute: string }) => c.attribute)).toContain('rule[0].destination.replication_time');
    expect(byAddress('aws_backup_vault_lock_configuration.primary')).toEqual([expect.objectContaining({ action: 'replace', destructive: true, consequence: expect.stringContaining('the vault lock primary is replaced') })]);
  });

  test('a retention cut in a lifecycle is destructive: noncurrent versions kept 365 -> 1 days', async () => {
    const base = quickstart();
    base.buckets.input.noncurrentVersionExpirationDays = 365;
    const head = quickstart();
    head.buckets.input.noncurrentVersionExpirationDays = 1;
    const r = JSON.parse((await run('diff', ...files(base, head), '--format', 'json')).out);
    expect(r[0]).toMatchObject({ address: 'aws_s3_bucket_lifecycle_configuration.input', action: 'update', destructive: true, consequence: expect.stringContaining('noncurrent versions in the whole bucket of input are deleted after 1 day (was after 365 days)') });
  });

  test('a policy document changes statement by statement, not as one cut string', async () => {
    const head = multiSite();
    head.archiveRestore[0].days = 3;
    head.replication[0].prefix = 'ExtData/';
    const r = JSON.parse((await run('diff', ...files(multiSite(), head), '--format', 'json')).out);
    const leaves = r.flatMap((c: { address: string; changes: { attribute: string; after: string }[] }) => c.changes.map((l) => ({ address: c.address, ...l })));
    const policy = leaves.filter((l: { address: string }) => /policy/.test(l.address));
    expect(policy.length).toBeGreaterThan(0);
    for (const l of leaves) expect(l.after.length + l.attribute.length).toBeLessThan(400);
    expect(leaves).toContainEqual(expect.objectContaining({ address: 'aws_s3_bucket_replication_configuration.input', attribute: 'rule[0].filter.prefix', after: '"ExtData/"' }));
  });

  test('an EventBridge rule whose name changes is a replacement in the destructive table; depends_on is not an attribute', async () => {
    const { diffMarkdown, diffResources, synthesizedResources } = await import('../../src/review/diff');
    const rule = (name: string) => new Map([['s/aws_cloudwatch_event_rule.restore', { stack: 's', type: 'aws_cloudwatch_event_rule', name: 'restore', config: { name, event_pattern: '{}' } }]]);
    const [change] = diffResources(rule('climate-restore-input'), rule('climate-restore-inputs'));
    expect(change).toMatchObject({ action: 'replace', destructive: true, consequence: expect.stringContaining('is replaced: deleted, then created again') });
    expect(change.changes).toEqual([expect.objectContaining({ attribute: 'name', forcesReplacement: true })]);
    const md = diffMarkdown([change], 'a', 'b');
    expect(md.slice(md.indexOf('### Destructive changes'), md.indexOf('### All changes'))).toContain('`aws_cloudwatch_event_rule.restore` | replace | the EventBridge rule restore is replaced');

    const resources = (dependsOn: string[]) => new Map([['s/aws_sqs_queue.q', { stack: 's', type: 'aws_sqs_queue', name: 'q', config: { name: 'q', depends_on: dependsOn } }]]);
    expect(diffResources(resources(['aws_s3_bucket.a']), resources(['aws_s3_bucket.b']))).toEqual([]);
    expect(synthesizedResources(undefined).size).toBe(0);
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

  test('replacements carry through references: a security group replaced for a new VPC replaces the file system naming it, chain in words', async () => {
    const head = quickstart();
    head.fileSystems.work.network.securityGroup.vpcId = 'vpc-0fedcba9876543210';
    const r = JSON.parse((await run('diff', ...files(quickstart(), head), '--format', 'json')).out);
    const byAddress = (a: string) => r.find((c: { address: string }) => c.address === a);
    expect(byAddress('aws_security_group.work')).toMatchObject({ action: 'replace', destructive: true });
    expect(byAddress('aws_fsx_lustre_file_system.work')).toMatchObject({
      action: 'replace',
      destructive: true,
      consequence: 'file system work is replaced: data on it that is not exported to S3 is lost, and clients must remount (new DNS name); because `security_group_ids[0]` refers to `aws_security_group.work`, which is replaced because `vpc_id` changes',
      changes: [expect.objectContaining({ attribute: 'security_group_ids[0]', forcesReplacement: true })],
    });
    // Two steps away: the DRAs name the file system.
    expect(byAddress('aws_fsx_data_repository_association.work_input')).toMatchObject({ action: 'replace', consequence: expect.stringContaining('because `file_system_id` refers to `aws_fsx_lustre_file_system.work`, which is replaced because `security_group_ids[0]` refers to `aws_security_group.work`, which is replaced because `vpc_id` changes') });
    // A reference from an argument that is not ForceNew is an update; one to a configured, unchanged attribute is nothing.
    expect(byAddress('aws_cloudwatch_metric_alarm.alarm_work_free_capacity')).toMatchObject({ action: 'update', destructive: false });
    expect(byAddress('aws_vpc_security_group_ingress_rule.work_in_self_988').changes).toContainEqual(expect.objectContaining({ attribute: 'referenced_security_group_id', forcesReplacement: false }));
    const { diffResources } = await import('../../src/review/diff');
    const res = (vpc: string) => new Map([
      ['s/aws_security_group.g', { stack: 's', type: 'aws_security_group', name: 'g', config: { name: 'g', vpc_id: vpc, description: 'd' } }],
      ['s/aws_sqs_queue.q', { stack: 's', type: 'aws_sqs_queue', name: 'q', config: { name: '${aws_security_group.g.name}' } }],
    ]);
    expect(diffResources(res('vpc-1'), res('vpc-2')).map((c) => c.address)).toEqual(['aws_security_group.g']);
  });

  test('a warning is printed once per command; --git findings name <ref>:<path>, never a temporary file', async () => {
    const { file, dir } = writeDraft(quickstart());
    writeFileSync(file, readFileSync(join(ROOT, 'test', 'fixtures', 'warning-only.yaml'), 'utf8'));
    const plain = await run('diff', file, file);
    expect(plain.err.match(/warning SAF002/g)).toHaveLength(1);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await run('diff', 'HEAD', 'HEAD', '--git', '-b', 'blueprint.yaml');
      expect(r.code).toBe(0);
      expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^HEAD:blueprint\.yaml:\d+:\d+ warning SAF002 /)]);
      const stacks = await run('stacks', '-b', 'blueprint.yaml', '--changed-since', 'HEAD');
      expect(stacks.err.match(/warning SAF002/g)).toHaveLength(1);
    } finally {
      process.chdir(cwd);
    }
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
      const bad = await run('diff', 'nope', 'HEAD', '--git', '-b', 'blueprint.yaml');
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("git ref 'nope' is not a commit in this repository");
      // A blueprint new in the pull request: everything is created, exit 0.
      writeFileSync(join(dir, 'new.yaml'), stringify(quickstart()));
      git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'add', 'new.yaml');
      git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'new');
      const fresh = await run('diff', 'HEAD~1', 'HEAD', '--git', '-b', 'new.yaml');
      expect(fresh.code).toBe(0);
      expect(fresh.out).toContain('## lustreform diff: HEAD~1 (no blueprint there) -> HEAD');
      expect(fresh.out).toMatch(/\d+ to create, 0 to update in place, 0 to replace, 0 to delete/);
    } finally {
      process.chdir(cwd);
    }
  });
});
