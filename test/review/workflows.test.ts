import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { example, ROOT } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { fakeAccounts } from '../helpers/fake-account';
import { FakeTfc } from '../helpers/fake-tfc';

/* eslint-disable @typescript-eslint/no-explicit-any */
const dir = join(ROOT, 'examples', 'github-actions');
const workflow = (name: string): any => parse(readFileSync(join(dir, name), 'utf8'), { uniqueKeys: true });
const steps = (w: any): any[] => Object.values<any>(w.jobs).flatMap((j) => j.steps);
const scripts = (w: any): string => steps(w).map((s) => s.run ?? '').join('\n');
const WORKFLOWS = ['blueprint-review.yml', 'terraform-cloud-plan.yml', 'terraform-plan.yml'];

describe('GitHub Actions examples', () => {
  test('are valid workflows: a pull_request trigger, jobs with steps, each step uses or runs something', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual(WORKFLOWS);
    for (const f of files) {
      const w = workflow(f);
      expect(w.on.pull_request).toBeDefined();
      expect(w.permissions['pull-requests']).toBe('write');
      for (const s of steps(w)) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
    }
  });

  test('blueprint review: validate, summary and a diff against the base branch, posted as one updated comment', () => {
    const w = workflow('blueprint-review.yml');
    const text = scripts(w);
    expect(text).toContain('npx lustreform validate -b "$BLUEPRINT" --strict');
    expect(text).toContain('npx lustreform summary -b "$BLUEPRINT"');
    expect(text).toContain('npx lustreform diff --git "origin/${{ github.base_ref }}" HEAD -b "$BLUEPRINT"');
    expect(steps(w).find((s) => s.uses === 'actions/checkout@v4').with['fetch-depth']).toBe(0);
    const post = steps(w).find((s) => s.uses?.startsWith('actions/github-script'));
    expect(post.with.script).toContain('updateComment');
    expect(post.with.script).toContain('createComment');
  });

  test('terraform plan: synth, plan and show -json per stack in deploy order, review, upload, block on danger', () => {
    const w = workflow('terraform-plan.yml');
    const text = scripts(w);
    const order = ['npx cdktf synth', 'npx lustreform stacks -b "$BLUEPRINT" --changed-since "origin/${{ github.base_ref }}" --format json', 'terraform -chdir="$dir" plan', 'terraform -chdir="$dir" show -json plan.tfplan', 'npx lustreform review plans/*.json'];
    let at = -1;
    for (const needle of order) {
      const i = text.indexOf(needle);
      expect({ needle, found: i > at }).toEqual({ needle, found: true });
      at = i;
    }
    expect(steps(w).some((s) => s.uses === 'actions/upload-artifact@v4')).toBe(true);
    expect(steps(w).at(-1).if).toContain("steps.review.outputs.code != '0'");
  });

  test('terraform cloud plan: synth, plan per changed stack in its workspace in deploy order, review --tfc of exactly those runs, block on danger', () => {
    const w = workflow('terraform-cloud-plan.yml');
    const text = scripts(w);
    const order = ['npx cdktf synth', 'npx lustreform stacks -b "$BLUEPRINT" --changed-since "origin/${{ github.base_ref }}" --format json', 'terraform -chdir="$dir" init -input=false', 'terraform -chdir="$dir" plan -input=false -no-color', 'echo "$stack=$run" >> runs.txt', 'args+=(--run "$r")', 'npx lustreform review --tfc -b "$BLUEPRINT" "${args[@]}"'];
    let at = -1;
    for (const needle of order) {
      const i = text.indexOf(needle);
      expect({ needle, found: i > at }).toEqual({ needle, found: true });
      at = i;
    }
    // The plans run in Terraform Cloud with the workspaces' credentials: no AWS sign-in, no OIDC.
    expect(steps(w).some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
    expect(w.permissions['id-token']).toBeUndefined();
    expect(w.env.TF_TOKEN_app_terraform_io).toBe('${{ secrets.TF_API_TOKEN }}');
    expect(w.env.LUSTREFORM_PLAN).toBe('1');
    expect(steps(w).at(-1).if).toContain("steps.review.outputs.code != '0'");
  });

  test('every lustreform command and option the workflows use exists', async () => {
    const help = (await run('--help')).out;
    const text = WORKFLOWS.map((f) => scripts(workflow(f))).join('\n');
    for (const m of text.matchAll(/npx lustreform (\S+)((?: [^|>;\n]*)?)/g)) {
      expect(help).toContain(`  ${m[1]}`);
      const commandHelp = (await run(m[1], '--help')).out;
      for (const opt of m[2].match(/--[a-z-]+/g) ?? []) expect({ command: m[1], opt, known: commandHelp.includes(opt) }).toEqual({ command: m[1], opt, known: true });
    }
  });

  test('no region is hard-coded in a step; plans run with LUSTREFORM_PLAN=1 (the accounts\' planRole)', () => {
    const w = workflow('terraform-plan.yml');
    expect(steps(w).find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials')).with['aws-region']).toBe('${{ env.AWS_REGION }}');
    expect(w.env.AWS_REGION).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(w.env.LUSTREFORM_PLAN).toBe('1');
    for (const f of WORKFLOWS) expect(scripts(workflow(f))).not.toMatch(/\b[a-z]{2}-(central|west|east|north|south)-\d\b/);
  });
});

/**
 * The workflows' shell steps, run as GitHub runs them (`bash -e`), with `npx lustreform` the real
 * CLI and `terraform` a recording stand-in, in a git repository with an `origin/main` base.
 */
describe('GitHub Actions steps, executed', () => {
  const bin = join(ROOT, 'bin', 'lustreform.js');
  const step = (file: string, name: string): string => steps(workflow(file)).find((s) => s.name === name).run.replace(/\$\{\{ github\.base_ref \}\}/g, 'main');

  function sandbox(blueprint: string) {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-gha-'));
    const stubs = join(dir, '.stubs');
    mkdirSync(stubs);
    const script = (name: string, body: string) => {
      writeFileSync(join(stubs, name), `#!/usr/bin/env bash\n${body}\n`);
      chmodSync(join(stubs, name), 0o755);
    };
    script('npx', `if [ "$1" = lustreform ]; then shift; exec node ${JSON.stringify(bin)} "$@"; fi; if [ "$1" = cdktf ]; then echo "$* of \${LUSTREFORM_BLUEPRINT:-(unset)}" >> ${JSON.stringify(join(dir, 'cdktf.log'))}; exit 0; fi; echo "unexpected npx $*" >&2; exit 99`);
    // terraform: records its calls; `show -json` prints an empty plan; `plan` names a Terraform Cloud
    // run, as the cloud backend does: run-<stack without dashes> in workspace acme-<stack>.
    script(
      'terraform',
      `echo "$*" >> ${JSON.stringify(join(dir, 'terraform.log'))}; stack=\${1##*/}; case " $* " in *" show "*) echo '{"format_version":"1.2","resource_changes":[]}';; *" plan "*) printf 'Running plan in HCP Terraform.\\n\\nTo view this run in a browser, visit:\\nhttps://app.terraform.io/app/acme/acme-%s/runs/run-%s\\n' "$stack" "\${stack//-/}";; esac`,
    );
    mkdirSync(join(dir, 'blueprints'));
    copyFileSync(blueprint, join(dir, 'blueprints', 'bp.yaml'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', 'blueprints');
    git('commit', '-qm', 'base');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    const env = { ...process.env, PATH: `${stubs}:${process.env.PATH}`, BLUEPRINT: 'blueprints/bp.yaml', GITHUB_OUTPUT: join(dir, 'github-output') };
    const runStep = (text: string, extra: Record<string, string> = {}) => spawnSync('bash', ['-e', '-c', text], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' });
    /** The same without blocking the event loop, for steps that call a server in this process; no token but `extra`'s, HOME the sandbox. */
    const runStepAsync = (text: string, extra: Record<string, string> = {}) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TF_TOKEN_') && !['TFE_TOKEN', 'TF_CLI_CONFIG_FILE', 'TERRAFORM_CONFIG'].includes(k)));
        const child = spawn('bash', ['-e', '-c', text], { cwd: dir, env: { ...clean, HOME: dir, ...extra } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    return { dir, git, runStep, runStepAsync };
  }

  test('one variable: BLUEPRINT is what cdktf synth builds too (no second LUSTREFORM_BLUEPRINT to drift)', () => {
    const { dir, runStep } = sandbox(example('quickstart.yaml'));
    for (const file of ['terraform-plan.yml', 'terraform-cloud-plan.yml', 'blueprint-review.yml']) {
      expect({ file, env: Object.keys(workflow(file).env ?? {}).filter((k) => /BLUEPRINT/.test(k)) }).toEqual({ file, env: ['BLUEPRINT'] });
    }
    for (const file of ['terraform-plan.yml', 'terraform-cloud-plan.yml']) expect(runStep(step(file, 'Synthesize'), { LUSTREFORM_BLUEPRINT: '' }).status).toBe(0);
    expect(readFileSync(join(dir, 'cdktf.log'), 'utf8')).toBe('cdktf synth of blueprints/bp.yaml\ncdktf synth of blueprints/bp.yaml\n');
  });

  test('validate | tee fails the step when validate fails (pipefail), and keeps the findings', () => {
    const { dir, runStep } = sandbox(join(ROOT, 'test', 'fixtures', 'warning-only.yaml'));
    const r = runStep(step('blueprint-review.yml', 'Validate'));
    expect(r.status).not.toBe(0);
    expect(readFileSync(join(dir, 'findings.txt'), 'utf8')).toContain('warning SAF002');
  });

  test('a blueprint new in the pull request diffs as all creates, exit 0', () => {
    const { dir, git, runStep } = sandbox(example('quickstart.yaml'));
    copyFileSync(example('multi-site-dr.yaml'), join(dir, 'blueprints', 'new.yaml'));
    git('add', '.');
    git('commit', '-qm', 'new blueprint');
    const r = runStep(step('blueprint-review.yml', 'Diff against the base branch'), { BLUEPRINT: 'blueprints/new.yaml' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'diff.md'), 'utf8')).toContain('## lustreform diff: origin/main (no blueprint there) -> HEAD');
  });

  test('the plan step plans only the changed stacks in deploy order; the review step reviews them', () => {
    const { dir, git, runStep } = sandbox(example('multi-site-dr.yaml'));
    const text = readFileSync(join(dir, 'blueprints', 'bp.yaml'), 'utf8').replace('retentionDays: 35', 'retentionDays: 40');
    writeFileSync(join(dir, 'blueprints', 'bp.yaml'), text);
    git('commit', '-qam', 'longer retention');
    const plan = runStep(step('terraform-plan.yml', 'Plan the stacks that changed, in deploy order'));
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    const calls = readFileSync(join(dir, 'terraform.log'), 'utf8').trim().split('\n');
    expect(calls.filter((c) => / plan /.test(c))).toEqual(['-chdir=cdktf.out/stacks/climate-primary-protection plan -input=false -lock=false -out=plan.tfplan']);
    expect(readdirSync(join(dir, 'plans'))).toEqual(['climate-primary-protection.json']);
    const review = runStep(step('terraform-plan.yml', 'Review the plans'));
    expect(review.status).toBe(0);
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=0\n');
    expect(readFileSync(join(dir, 'review.md'), 'utf8')).toContain('| climate-primary-protection | 0 | 0 | 0 | 0 |');
  });

  test('the preflight step skips doctor without AWS credentials, and with them runs it read-only, failing the step on a failed check', async () => {
    const noCredentials = { AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', AWS_WEB_IDENTITY_TOKEN_FILE: '' };
    const skipped = sandbox(example('quickstart.yaml')).runStep(step('terraform-plan.yml', 'Preflight the accounts (read-only)'), noCredentials);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain('No AWS credentials: lustreform doctor skipped.');

    const { accounts, restore } = await fakeAccounts(); // AWS_ACCESS_KEY_ID=test and the endpoints, for the step's process too
    try {
      const { runStepAsync } = sandbox(example('quickstart.yaml'));
      const failing = await runStepAsync(step('terraform-plan.yml', 'Preflight the accounts (read-only)'));
      expect(failing.status).toBe(1);
      expect(failing.stdout).toMatch(/^subnet +work subnet-0123456789abcdef0 +FAIL +no such subnet/m);
      accounts.subnets.push({ SubnetId: 'subnet-0123456789abcdef0', VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.1.0/24', account: accounts.ambient, region: 'eu-central-1' });
      const passing = await runStepAsync(step('terraform-plan.yml', 'Preflight the accounts (read-only)'));
      expect(passing.stderr).not.toContain('lustreform:'); // (the SDK may warn about the Node.js version)
      expect(passing.status).toBe(0);
      expect(passing.stdout).toMatch(/^all \d+ checks passed/m);
      expect(accounts.mutations).toEqual([]);
    } finally {
      await restore();
    }
  });

  test('nothing changed: no plan, and the review step says so instead of failing on an empty glob', () => {
    const { dir, runStep } = sandbox(example('quickstart.yaml'));
    expect(runStep(step('terraform-plan.yml', 'Plan the stacks that changed, in deploy order')).status).toBe(0);
    expect(existsSync(join(dir, 'terraform.log'))).toBe(false);
    expect(runStep(step('terraform-plan.yml', 'Review the plans')).status).toBe(0);
    expect(readFileSync(join(dir, 'review.md'), 'utf8')).toContain('No stack changed');
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=0\n');
  });

  describe('terraform cloud plan, against a local Terraform Cloud', () => {
    const TOKEN = 'team-token.atlasv1.0123456789abcdef';
    const planStep = 'Plan the stacks that changed in Terraform Cloud, in deploy order';
    let fake: FakeTfc;
    let address: string;
    beforeEach(async () => {
      fake = new FakeTfc('acme');
      fake.tokens.add(TOKEN);
      address = await fake.start();
    });
    afterEach(() => fake.stop());

    /** A sandbox whose pull request lengthens a retention: climate-primary-protection changes. */
    function changedRetention() {
      const box = sandbox(example('multi-site-dr.yaml'));
      const text = readFileSync(join(box.dir, 'blueprints', 'bp.yaml'), 'utf8').replace('retentionDays: 35', 'retentionDays: 40');
      writeFileSync(join(box.dir, 'blueprints', 'bp.yaml'), text);
      box.git('commit', '-qam', 'longer retention');
      return box;
    }
    const env = () => ({ LUSTREFORM_TFC_ADDRESS: address, TF_TOKEN_app_terraform_io: TOKEN });

    test('the plan step plans the changed stack in its workspace and keeps its run; the review step reviews that run', async () => {
      const { dir, runStep, runStepAsync } = changedRetention();
      const plan = runStep(step('terraform-cloud-plan.yml', planStep));
      expect(plan.stderr).toBe('');
      expect(plan.status).toBe(0);
      const calls = readFileSync(join(dir, 'terraform.log'), 'utf8').trim().split('\n');
      expect(calls).toEqual(['-chdir=cdktf.out/stacks/climate-primary-protection init -input=false', '-chdir=cdktf.out/stacks/climate-primary-protection plan -input=false -no-color']);
      expect(readFileSync(join(dir, 'runs.txt'), 'utf8')).toBe('climate-primary-protection=run-climateprimaryprotection\n');
      // A newer run in the workspace (another pull request's) is not the one reviewed.
      fake.workspace('acme-climate-primary-protection', [
        { id: 'run-otherpr1', status: 'planned_and_finished', planStatus: 'finished', operation: 'plan_only', plan: JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'plans', 'climate-primary-protection.json'), 'utf8')) },
        { id: 'run-climateprimaryprotection', status: 'planned_and_finished', planStatus: 'finished', operation: 'plan_only', plan: { format_version: '1.2', resource_changes: [] } },
      ]);
      const review = await runStepAsync(step('terraform-cloud-plan.yml', 'Review the runs'), env());
      expect(review.stderr).toBe('');
      expect(review.status).toBe(0);
      expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=0\n');
      expect(readFileSync(join(dir, 'review.md'), 'utf8')).toContain('| climate-primary-protection | [run-climateprimaryprotection](https://app.terraform.io/app/acme/workspaces/acme-climate-primary-protection/runs/run-climateprimaryprotection) | 0 | 0 | 0 | 0 |');
      expect(fake.leakedAuthorization).toEqual([]);
      expect(fake.blobCalls).toHaveLength(1);
    });

    test('a dangerous run: code 3 for the blocking step; a refused token: code 1 and a comment that says why, without the token', async () => {
      const { dir, runStep, runStepAsync } = changedRetention();
      expect(runStep(step('terraform-cloud-plan.yml', planStep)).status).toBe(0);
      const dangerous = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'plans', 'climate-primary-protection.json'), 'utf8'));
      fake.workspace('acme-climate-primary-protection', [{ id: 'run-climateprimaryprotection', status: 'planned', planStatus: 'finished', operation: 'plan_only', plan: dangerous }]);
      const review = await runStepAsync(step('terraform-cloud-plan.yml', 'Review the runs'), env());
      expect(review.status).toBe(0);
      expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=3\n');
      expect(readFileSync(join(dir, 'review.md'), 'utf8')).toContain('backup plan nightly keeps recovery points shorter');
      const refused = await runStepAsync(step('terraform-cloud-plan.yml', 'Review the runs'), { ...env(), TF_TOKEN_app_terraform_io: 'expired-token-value' });
      expect(refused.status).toBe(0);
      expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=3\ncode=1\n');
      const comment = readFileSync(join(dir, 'review.md'), 'utf8');
      expect(comment).toContain('The review could not run (exit 1):');
      expect(comment).toContain('refused the token from TF_TOKEN_app_terraform_io (401 Unauthorized)');
      expect(comment + refused.stderr).not.toContain('expired-token-value');
    });

    test('nothing changed: no plan, and the review step says so', async () => {
      const { dir, runStep, runStepAsync } = sandbox(example('multi-site-dr.yaml'));
      expect(runStep(step('terraform-cloud-plan.yml', planStep)).status).toBe(0);
      expect(existsSync(join(dir, 'terraform.log'))).toBe(false);
      expect((await runStepAsync(step('terraform-cloud-plan.yml', 'Review the runs'), env())).status).toBe(0);
      expect(readFileSync(join(dir, 'review.md'), 'utf8')).toContain('No stack changed');
      expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('code=0\n');
      expect(fake.calls).toEqual([]);
    });
  });
});
