import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findToken, tokenVariable } from '../../src/review/tfc-token';
import { example, ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { FakeTfc, type FakeRun } from '../helpers/fake-tfc';

/* eslint-disable @typescript-eslint/no-explicit-any */
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'plans', name), 'utf8'));
const EMPTY = { format_version: '1.2', resource_changes: [] };
const HARMLESS = fixture('harmless/climate-primary-lustre.json');
const DANGEROUS = fixture('climate-primary-lustre.json');
const BP = example('multi-site-dr.yaml'); // state: { backend: cloud, organization: acme, workspacePrefix: acme- }
const TOKEN = 'tok3n.atlasv1.secret-value-0123456789';
const planned = (id: string, plan: unknown = EMPTY, extra: Partial<FakeRun> = {}): FakeRun => ({ id, status: 'planned_and_finished', planStatus: 'finished', operation: 'plan_only', plan, ...extra });
const STACKS = ['climate-primary-storage', 'climate-recovery-storage', 'climate-primary-replication', 'climate-recovery-replication', 'climate-recovery-protection', 'climate-primary-protection'];
const CLEAN_ENV = ['TFE_TOKEN', 'TF_CLI_CONFIG_FILE', 'TERRAFORM_CONFIG', 'LUSTREFORM_BLUEPRINT'];

describe('lustreform review --tfc against a local Terraform Cloud', () => {
  let fake: FakeTfc;
  let saved: NodeJS.ProcessEnv;
  let home: string;

  beforeEach(async () => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('TF_TOKEN_') || CLEAN_ENV.includes(k)) delete process.env[k];
    home = mkdtempSync(join(tmpdir(), 'lustreform-tfc-home-'));
    process.env.HOME = home;
    fake = new FakeTfc('acme');
    fake.tokens.add(TOKEN);
    process.env.LUSTREFORM_TFC_ADDRESS = await fake.start();
  });

  afterEach(async () => {
    await fake.stop();
    process.env = saved;
  });

  /** The stacks of multi-site-dr but `except`, each with one finished run planning nothing. */
  const everyStack = (except: string[]) => {
    for (const s of STACKS) if (!except.includes(s)) fake.workspace(`acme-${s}`, [planned(`run-${s.replace(/-/g, '')}`)]);
  };

  const noTokenLeak = (r: { out: string; err: string }) => {
    expect(r.out).not.toContain(TOKEN);
    expect(r.err).not.toContain(TOKEN);
  };

  test('the latest run of every stack: plans through the redirect without the token, run links, stacks without a plan listed', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    everyStack(['climate-recovery-protection', 'climate-recovery-replication', 'climate-primary-replication', 'climate-recovery-storage']); // and lustre, below
    // climate-recovery-protection: no workspace. climate-recovery-replication: a workspace, no run.
    fake.workspace('acme-climate-recovery-replication', []);
    // climate-primary-replication: a plan still running, newer than a finished one.
    fake.workspace('acme-climate-primary-replication', [{ id: 'run-running1', status: 'planning', planStatus: 'running', operation: 'plan_only' }, planned('run-older1')]);
    // climate-recovery-storage: the newest plan errored; the older finished one is not reviewed.
    fake.workspace('acme-climate-recovery-storage', [{ id: 'run-errored1', status: 'errored', planStatus: 'errored', operation: 'plan_only' }, planned('run-older2')]);
    fake.workspace('acme-climate-primary-lustre', [planned('run-lustre1', HARMLESS)]);
    const r = await run('review', '--tfc', '-b', BP);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('| stack | run | + create | ~ update | - delete | +/- replace |');
    expect(r.out).toContain('| climate-primary-lustre | [run-lustre1](https://app.terraform.io/app/acme/workspaces/acme-climate-primary-lustre/runs/run-lustre1) | 1 | 2 | 0 | 0 |');
    expect(r.out).toContain('| climate-primary-storage | [run-climateprimarystorage]');
    expect(r.out).toContain('### Not planned (4)');
    expect(r.out).toContain('- **climate-recovery-protection**: workspace acme-climate-recovery-protection not found in organization acme on app.terraform.io: terraform creates it on the stack\'s first terraform init');
    expect(r.out).toContain('- **climate-recovery-replication**: workspace acme-climate-recovery-replication has no run yet');
    expect(r.out).toContain('- **climate-primary-replication**: the latest run, run-running1, has no plan to review: it is still planning (run status planning); rerun the review when it has finished ([run-running1](https://app.terraform.io/app/acme/workspaces/acme-climate-primary-replication/runs/run-running1))');
    expect(r.out).toContain('- **climate-recovery-storage**: the latest run, run-errored1, has no plan to review: its plan errored');
    expect(r.out).not.toContain('run-older');
    expect(r.out).toContain('No dangerous changes in the plans reviewed.');
    expect(r.out).toContain(`after apply: \`lustreform import -b ${BP} --wait\``);
    // Stacks in deploy order.
    expect(r.out.indexOf('| climate-primary-storage |')).toBeLessThan(r.out.indexOf('| climate-primary-lustre |'));
    // The token went to the API on every call, never to the download origin.
    expect(fake.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(fake.blobCalls).toHaveLength(3);
    expect(fake.leakedAuthorization).toEqual([]);
    // Speculative (plan_only) runs are asked for by name: the API leaves them out otherwise.
    expect(fake.calls.filter((c) => c.path.endsWith('/runs')).every((c) => c.query.get('filter[operation]')?.split(',').includes('plan_only'))).toBe(true);
    noTokenLeak(r);
  });

  test('--format json: each stack with its run, the stacks not planned with why', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    fake.workspace('acme-climate-primary-lustre', [planned('run-lustre1', HARMLESS)]);
    fake.workspace('acme-climate-primary-storage', [{ id: 'run-queued1', status: 'plan_queued', planStatus: 'queued', operation: 'plan_only' }]);
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre', '--stack', 'climate-primary-storage', '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.blocked).toBe(false);
    expect(json.stacks).toEqual([{ stack: 'climate-primary-lustre', create: 1, update: 2, delete: 0, replace: 0, run: { id: 'run-lustre1', url: 'https://app.terraform.io/app/acme/workspaces/acme-climate-primary-lustre/runs/run-lustre1', destroy: false, newerWithoutPlan: 0 } }]);
    expect(json.notPlanned).toEqual([expect.objectContaining({ stack: 'climate-primary-storage', run: 'run-queued1', reason: expect.stringContaining('still planning (run status plan_queued)') })]);
  });

  test('pagination: walks back over more runs than a page holds, past runs that never planned', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    const never: FakeRun[] = Array.from({ length: 25 }, (_, i) => (i % 2 ? { id: `run-canceled${i}`, status: 'canceled', planStatus: 'canceled', operation: 'plan_only' } : { id: `run-discarded${i}`, status: 'discarded', planStatus: null, operation: 'plan_and_apply' }));
    fake.maxPageSize = 10;
    fake.workspace('acme-climate-primary-lustre', [...never, planned('run-finally1', HARMLESS), planned('run-older1')]);
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[run-finally1](https://app.terraform.io/app/acme/workspaces/acme-climate-primary-lustre/runs/run-finally1) (25 newer without a plan) | 1 | 2 | 0 | 0 |');
    expect(fake.calls.filter((c) => c.path.endsWith('/runs')).map((c) => c.query.get('page[number]'))).toEqual(['1', '2', '3']);
  });

  test('a dangerous plan exits 3 and names the --allow that lets it through; with it, exit 0', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    fake.workspace('acme-climate-primary-lustre', [planned('run-danger1', DANGEROUS)]);
    const blocked = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    expect(blocked.code).toBe(3);
    expect(blocked.out).toContain('Dangerous changes (2, not allowed)');
    expect(blocked.out).toContain('`aws_fsx_lustre_file_system.work`: file system work is replaced');
    expect(blocked.out).toContain("--allow 'climate-primary-lustre/aws_fsx_lustre_file_system.work'");
    const allowed = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre', '--allow', 'climate-primary-lustre/*');
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('Dangerous changes (2, all allowed)');
  });

  test('a destroy run is reviewed, and says so', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    const destroy = { format_version: '1.2', resource_changes: [{ address: 'aws_s3_bucket.scratch', mode: 'managed', type: 'aws_s3_bucket', name: 'scratch', change: { actions: ['delete'], before: { bucket: 'scratch' }, after: null } }] };
    fake.workspace('acme-climate-primary-storage', [planned('run-destroy1', destroy, { operation: 'destroy', status: 'planned' })]);
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-storage');
    expect(r.code).toBe(3);
    expect(r.out).toContain('[run-destroy1](https://app.terraform.io/app/acme/workspaces/acme-climate-primary-storage/runs/run-destroy1) (destroy run) | 0 | 0 | 1 | 0 |');
    expect(r.out).toContain('bucket scratch is deleted');
  });

  test('--run reviews that run (a stack named by --run is reviewed alone); a run of another workspace is refused', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    fake.workspace('acme-climate-primary-lustre', [planned('run-newest1'), planned('run-mine1', DANGEROUS)]);
    fake.workspace('acme-climate-primary-storage', [planned('run-storage1')]);
    const r = await run('review', '--tfc', '-b', BP, '--run', 'climate-primary-lustre=run-mine1');
    expect(r.code).toBe(3);
    expect(r.out).toContain('[run-mine1](');
    expect(r.out).not.toContain('climate-primary-storage');
    const other = await run('review', '--tfc', '-b', BP, '--run', 'climate-primary-lustre=run-storage1');
    expect(other.code).toBe(2);
    expect(other.err).toContain('that run belongs to another workspace (ws-fake2), not acme-climate-primary-lustre (ws-fake1)');
    const missing = await run('review', '--tfc', '-b', BP, '--run', 'climate-primary-lustre=run-nothere1');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('run run-nothere1 not found on app.terraform.io (or the token from TF_TOKEN_app_terraform_io may not read it)');
  });

  test('invalid input is exit 2 with what to do: --run syntax, an unknown --stack, not a cloud backend, both files and --tfc', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    const syntax = await run('review', '--tfc', '-b', BP, '--run', 'climate-primary-lustre:run-x');
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain('--run climate-primary-lustre:run-x: expected STACK=RUN_ID, e.g. --run climate-primary-storage=run-');
    const unknown = await run('review', '--tfc', '-b', BP, '--stack', 'climate-moon-lustre');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("--stack: 'climate-moon-lustre' is not a stack of blueprint climate; its stacks are climate-primary-storage, climate-recovery-storage");
    const local = await run('review', '--tfc', '-b', example('quickstart.yaml'));
    expect(local.code).toBe(2);
    expect(local.err).toContain("keeps its state with backend 'local'; set state: { backend: cloud, organization, workspacePrefix }");
    const both = await run('review', '--tfc', 'plans/x.json', '-b', BP);
    expect(both.code).toBe(2);
    expect((await run('review', '-b', BP)).err).toContain('review needs plan files');
    expect((await run('review', 'x.json', '--stack', 'a')).err).toContain('--stack and --run choose Terraform Cloud runs: add --tfc');
    expect(fake.calls).toEqual([]);
  });

  describe('the token', () => {
    const reviewOne = () => {
      fake.workspace('acme-climate-primary-lustre', [planned('run-lustre1', HARMLESS)]);
      return run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    };

    test('from TFE_TOKEN', async () => {
      process.env.TFE_TOKEN = TOKEN;
      expect((await reviewOne()).code).toBe(0);
    });

    test('from credentials.tfrc.json under $HOME/.terraform.d, where terraform login writes it', async () => {
      mkdirSync(join(home, '.terraform.d'));
      writeFileSync(join(home, '.terraform.d', 'credentials.tfrc.json'), JSON.stringify({ credentials: { 'app.terraform.io': { token: TOKEN } } }));
      expect((await reviewOne()).code).toBe(0);
    });

    test('from a credentials block in the file TF_CLI_CONFIG_FILE names (then ~/.terraform.d is not read)', async () => {
      mkdirSync(join(home, '.terraform.d'));
      writeFileSync(join(home, '.terraform.d', 'credentials.tfrc.json'), JSON.stringify({ credentials: { 'app.terraform.io': { token: 'stale-token' } } }));
      const file = join(home, 'ci.tfrc');
      writeFileSync(file, `# CI\nplugin_cache_dir = "/tmp/x"\ncredentials "app.terraform.io" {\n  # the team token\n  token = "${TOKEN}"\n}\n`);
      process.env.TF_CLI_CONFIG_FILE = file;
      expect((await reviewOne()).code).toBe(0);
    });

    test('TF_TOKEN_<host> comes before TFE_TOKEN and the credentials file', async () => {
      process.env.TF_TOKEN_app_terraform_io = TOKEN;
      process.env.TFE_TOKEN = 'wrong-one';
      expect((await reviewOne()).code).toBe(0);
    });

    test('a 401 says which source it tried, exit 1, and never prints the token', async () => {
      for (const [set, source] of [
        [() => (process.env.TF_TOKEN_app_terraform_io = `${TOKEN}-old`), 'TF_TOKEN_app_terraform_io'],
        [() => (process.env.TFE_TOKEN = `${TOKEN}-old`), 'TFE_TOKEN'],
        [() => writeFileSync(join(home, '.terraformrc'), `credentials "app.terraform.io" { token = "${TOKEN}-old" }\n`), `credentials "app.terraform.io" in ${join(home, '.terraformrc')}`],
      ] as [() => void, string][]) {
        for (const k of ['TF_TOKEN_app_terraform_io', 'TFE_TOKEN']) delete process.env[k];
        set();
        fake.workspaces.clear();
        const r = await reviewOne();
        expect({ source, code: r.code }).toEqual({ source, code: 1 });
        expect(r.err).toContain(`lustreform: Terraform Cloud at app.terraform.io refused the token from ${source} (401 Unauthorized)`);
        expect(r.out).toBe('');
        noTokenLeak(r);
      }
    });

    test('none anywhere: exit 1, naming every place looked', async () => {
      const r = await reviewOne();
      expect(r.code).toBe(1);
      expect(r.err).toContain(`no Terraform Cloud token for app.terraform.io: looked in TF_TOKEN_app_terraform_io, TFE_TOKEN, and credentials "app.terraform.io" in ${join(home, '.terraformrc')} and ${join(home, '.terraform.d', '*.tfrc')}`);
      expect(fake.calls).toEqual([]);
    });

    test('Terraform Enterprise: its hostname picks the token and makes the links', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lustreform-tfe-'));
      const file = join(dir, 'tfe.yaml');
      writeFileSync(file, readFileSync(BP, 'utf8').replace('  workspacePrefix: acme-\n', '  workspacePrefix: acme-\n  hostname: tfe.example-corp.com\n'));
      process.env.TF_TOKEN_tfe_example__corp_com = TOKEN;
      process.env.TF_TOKEN_app_terraform_io = 'the-other-host';
      fake.workspace('acme-climate-primary-lustre', [planned('run-lustre1', HARMLESS)]);
      const r = await run('review', '--tfc', '-b', file, '--stack', 'climate-primary-lustre');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain('[run-lustre1](https://tfe.example-corp.com/app/acme/workspaces/acme-climate-primary-lustre/runs/run-lustre1)');
    });

    test('host names decode as terraform decodes them: __ is -, _ is ., IDNs in Punycode', () => {
      expect(tokenVariable('tfe.example-corp.com')).toBe('TF_TOKEN_tfe_example__corp_com');
      expect(tokenVariable('café.fr')).toBe('TF_TOKEN_xn____caf__dma_fr');
      expect(findToken('café.fr', { TF_TOKEN_xn____caf__dma_fr: 'a' })).toEqual({ token: 'a', source: 'TF_TOKEN_xn____caf__dma_fr' });
      expect(findToken('CAFÉ.fr', { 'TF_TOKEN_café_fr': 'b' })?.token).toBe('b');
      expect(findToken('app.terraform.io', { TF_TOKEN_app_terraform_io: '' , HOME: home})).toBeUndefined();
    });
  });

  test('every workspace missing is an error (exit 1) pointing at the organization, prefix and hostname', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre', '--stack', 'climate-primary-storage');
    expect(r.code).toBe(1);
    expect(r.err).toContain('no workspace of the 2 stacks exists in organization acme on app.terraform.io (looked for acme-climate-primary-storage, acme-climate-primary-lustre)');
    expect(r.err).toContain('check state.organization, state.workspacePrefix and state.hostname');
  });

  test('a JSON plan the token may not read (404) is exit 1 naming the admin access it needs; 204 and 422 are not planned', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    fake.workspace('acme-climate-primary-lustre', [planned('run-noadmin1', HARMLESS, { jsonOutput: 404 })]);
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    expect(r.code).toBe(1);
    expect(r.err).toContain('reading it needs a user or team token with admin access to the workspace (organization tokens cannot); the token from TF_TOKEN_app_terraform_io most likely lacks it');
    fake.workspaces.clear();
    fake.workspace('acme-climate-primary-lustre', [planned('run-notyet1', HARMLESS, { jsonOutput: 204 })]);
    fake.workspace('acme-climate-primary-storage', [planned('run-old1', EMPTY, { jsonOutput: 422 })]);
    const later = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre', '--stack', 'climate-primary-storage');
    expect(later.code).toBe(0);
    expect(later.out).toContain('- **climate-primary-lustre**: run run-notyet1 has a plan, but its plan JSON is not ready yet (204)');
    expect(later.out).toContain('- **climate-primary-storage**: run run-old1 has a plan, but it ran Terraform before 0.12');
  });

  test('rate limited (429): waits as x-ratelimit-reset says and retries', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    fake.rateLimited = 2;
    fake.workspace('acme-climate-primary-lustre', [planned('run-lustre1', HARMLESS)]);
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    expect(r.code).toBe(0);
    expect(fake.calls.filter((c) => c.path.endsWith('/runs'))).toHaveLength(3);
  });

  test('Terraform Cloud unreachable: exit 1, one line naming the address', async () => {
    process.env.TF_TOKEN_app_terraform_io = TOKEN;
    const address = process.env.LUSTREFORM_TFC_ADDRESS!;
    await fake.stop();
    const r = await run('review', '--tfc', '-b', BP, '--stack', 'climate-primary-lustre');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`lustreform: cannot reach Terraform Cloud at ${address} (ECONNREFUSED`);
    expect(r.err).toContain('and LUSTREFORM_TFC_ADDRESS');
    fake = new FakeTfc(); // afterEach stops it
  });
});
