/**
 * Terraform Cloud as code (state.manageWorkspaces): the workspaces stack (tfe provider, which
 * terraform cannot validate here: no hashicorp/tfe mirror, see test/stacks/terraform.test.ts) is
 * asserted resource by resource and reference by reference; the bootstrap stacks' trust and
 * permissions too (terraform validates those).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { planBlueprint } from '../../src/plan/plan';
import { buildApp } from '../../src/stacks/app';
import { validateDraft, type Draft } from '../helpers/blueprints';
import { run } from '../helpers/cli';
import { featureBlueprints, ON_CDKTN, synthesizedFeatures } from '../helpers/features';
/** No @cdktn/provider-tfe exists: on the cdktn leg the workspaces stack cannot be synthesized (helpers/features.ts ON_CDKTN). */
const describeTfe = ON_CDKTN ? describe.skip : describe;
import { tmpdir } from 'node:os';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const example = (): Draft => structuredClone(featureBlueprints().find((f) => f.name === 'examples/terraform-cloud.yaml')!.draft);

/** Every stack of a draft, synthesized in memory: name -> cdk.tf.json. */
function stacksOf(draft: Draft): Map<string, Json> {
  const v = validateDraft(draft);
  if (!v.model) throw new Error(v.findings.map((f) => `${f.id} ${f.message}`).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-cloud-'));
  try {
    buildApp(planBlueprint(v.model), { outdir: dir }).synth();
    return new Map(readdirSync(join(dir, 'stacks')).map((s) => [s, JSON.parse(readFileSync(join(dir, 'stacks', s, 'cdk.tf.json'), 'utf8'))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SITE_STACKS = ['cloud-primary-storage', 'cloud-recovery-storage', 'cloud-primary-replication', 'cloud-primary-lustre'];
const key = (s: string) => s.replace(/-/g, '_');

describeTfe('the workspaces stack', () => {
  let ws: Json;
  beforeAll(async () => {
    const dir = (await synthesizedFeatures()).get('examples/terraform-cloud.yaml/cloud-tfc-workspaces')!;
    ws = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  });

  test('tfe provider for the host and organization, required as ~> 0.71, state in a local file beside cdktf.out', () => {
    expect(ws.terraform.required_providers).toEqual({ tfe: { source: 'hashicorp/tfe', version: '~> 0.71' } });
    expect(ws.provider.tfe).toEqual([{ hostname: 'app.terraform.io', organization: 'acme' }]);
    expect(ws.terraform.backend).toEqual({ local: { path: '../../../terraform.cloud-tfc-workspaces.tfstate' } });
    expect(ws.provider.aws).toBeUndefined();
  });

  test('a CLI-driven workspace per stack, in the project, tagged with blueprint, site and layer, auto apply off', () => {
    expect(ws.data.tfe_project.project).toMatchObject({ name: 'storage', organization: 'acme' });
    const workspaces = ws.resource.tfe_workspace;
    expect(Object.keys(workspaces).sort()).toEqual([...SITE_STACKS, 'cloud-prod-tfc-bootstrap', 'cloud-vault-tfc-bootstrap'].map(key).sort());
    for (const stack of SITE_STACKS) {
      const w = workspaces[key(stack)];
      expect(w).toMatchObject({ name: `hpc-${stack}`, organization: 'acme', project_id: '${data.tfe_project.project.id}', auto_apply: false, auto_apply_run_trigger: false });
      expect(w.vcs_repo).toBeUndefined();
      expect(w.tag_names).toBeUndefined();
      const [, site, layer] = /^cloud-([a-z]+)-([a-z]+)$/.exec(stack)!;
      expect(w.tags).toEqual({ 'lustreform-blueprint': 'cloud', 'lustreform-site': site, 'lustreform-layer': layer });
      expect(ws.resource.tfe_workspace_settings[key(stack)]).toMatchObject({ workspace_id: `\${tfe_workspace.${key(stack)}.id}`, execution_mode: 'remote' });
    }
    for (const b of ['cloud-prod-tfc-bootstrap', 'cloud-vault-tfc-bootstrap']) {
      expect(workspaces[key(b)]).toMatchObject({ name: `hpc-${b}`, tags: { 'lustreform-layer': 'tfc-bootstrap' } });
      expect(ws.resource.tfe_workspace_settings[key(b)]).toMatchObject({ workspace_id: `\${tfe_workspace.${key(b)}.id}`, execution_mode: 'local' });
    }
  });

  test("dynamic credentials: TFC_AWS_PROVIDER_AUTH and the run role of the stack's account, as env variables of its workspace", () => {
    const vars = Object.values(ws.resource.tfe_variable) as Json[];
    const roles: Record<string, string> = { primary: 'arn:aws:iam::111111111111:role/cloud-tfc-run-prod', recovery: 'arn:aws:iam::222222222222:role/cloud-tfc-run-vault' };
    for (const stack of SITE_STACKS) {
      const mine = vars.filter((v) => v.workspace_id === `\${tfe_workspace.${key(stack)}.id}`);
      expect(mine.map((v) => [v.key, v.value, v.category])).toEqual([
        ['TFC_AWS_PROVIDER_AUTH', 'true', 'env'],
        ['TFC_AWS_RUN_ROLE_ARN', roles[stack.split('-')[1]], 'env'],
      ]);
    }
    expect(vars).toHaveLength(SITE_STACKS.length * 2); // none on the bootstrap workspaces: they run locally
  });

  test('run triggers along the deploy order: from the workspace of every stack a stack waits for', () => {
    const triggers = (Object.values(ws.resource.tfe_run_trigger) as Json[]).map((t) => [t.workspace_id, t.sourceable_id]).sort();
    const ref = (s: string) => `\${tfe_workspace.${key(s)}.id}`;
    expect(triggers).toEqual([
      [ref('cloud-primary-lustre'), ref('cloud-primary-storage')],
      [ref('cloud-primary-replication'), ref('cloud-primary-storage')],
      [ref('cloud-primary-replication'), ref('cloud-recovery-storage')],
    ].sort());
    const plan = planBlueprint(validateDraft(example()).model!);
    expect(plan.cloud!.workspaces.workspaces.flatMap((w) => w.triggeredBy.map((s) => [w.stack, s])).length).toBe(plan.stacks.reduce((n, s) => n + s.dependsOn.length, 0));
  });

  test('autoApplyRunTriggers: true applies triggered runs without confirmation; auto apply of other runs stays off', () => {
    const d = example();
    d.state.autoApplyRunTriggers = true;
    const w = stacksOf(d).get('cloud-tfc-workspaces')!.resource.tfe_workspace.cloud_primary_lustre;
    expect(w).toMatchObject({ auto_apply: false, auto_apply_run_trigger: true });
  });

  test('without project: no lookup, and the trust names the default project', () => {
    const d = example();
    delete d.state.project;
    const stacks = stacksOf(d);
    const w = stacks.get('cloud-tfc-workspaces')!;
    expect(w.data).toBeUndefined();
    expect(w.resource.tfe_workspace.cloud_primary_lustre.project_id).toBeUndefined();
    const trust = JSON.parse(stacks.get('cloud-prod-tfc-bootstrap')!.resource.aws_iam_role.run_role.assume_role_policy);
    expect(trust.Statement[0].Condition.StringLike['app.terraform.io:sub']).toBe('organization:acme:project:Default Project:workspace:hpc-cloud-*:run_phase:*');
    expect(stacks.get('cloud-primary-lustre')!.terraform.cloud.workspaces).toEqual({ name: 'hpc-cloud-primary-lustre' });
  });
});

describeTfe('the bootstrap stacks', () => {
  test('per account: the OIDC provider for the host (no thumbprint) and a run role only this organization, project and prefix can assume, which may assume assumeRole and planRole', async () => {
    const features = await synthesizedFeatures();
    const prod = JSON.parse(readFileSync(join(features.get('examples/terraform-cloud.yaml/cloud-prod-tfc-bootstrap')!, 'cdk.tf.json'), 'utf8'));
    expect(prod.provider.aws[0]).toMatchObject({ region: 'eu-central-1', allowed_account_ids: ['111111111111'], assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/deployer' }] });
    expect(prod.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: 'hpc-cloud-prod-tfc-bootstrap', project: 'storage' } });
    const oidc = prod.resource.aws_iam_openid_connect_provider.terraform_cloud;
    expect(oidc).toMatchObject({ url: 'https://app.terraform.io', client_id_list: ['aws.workload.identity'] });
    expect(oidc.thumbprint_list).toBeUndefined();
    const role = prod.resource.aws_iam_role.run_role;
    expect(role.name).toBe('cloud-tfc-run-prod');
    expect(role.depends_on).toEqual(['aws_iam_openid_connect_provider.terraform_cloud']);
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
      Sid: 'TerraformCloudRuns',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/app.terraform.io' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' },
        StringLike: { 'app.terraform.io:sub': 'organization:acme:project:storage:workspace:hpc-cloud-*:run_phase:*' },
      },
    }]);
    const policy = prod.resource.aws_iam_role_policy.run_role;
    expect(policy.role).toBe('${aws_iam_role.run_role.name}');
    expect(JSON.parse(policy.policy).Statement).toEqual([{ Sid: 'AssumeDeployRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::111111111111:role/deployer', 'arn:aws:iam::111111111111:role/planner'] }]);
    expect(prod.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(prod.output.run_role_arn.value).toBe('${aws_iam_role.run_role.arn}');
    const vault = JSON.parse(readFileSync(join(features.get('examples/terraform-cloud.yaml/cloud-vault-tfc-bootstrap')!, 'cdk.tf.json'), 'utf8'));
    expect(vault.provider.aws[0]).toMatchObject({ region: 'eu-west-1', allowed_account_ids: ['222222222222'] });
  });

  test('an account without assumeRole: the run role is the deployer (AdministratorAccess), and TFC004 says so', () => {
    const d = example();
    delete d.accounts.vault.assumeRole;
    expect(validateDraft(d).findings.filter((f) => f.id === 'TFC004').map((f) => f.path)).toEqual(['accounts.vault']);
    const vault = stacksOf(d).get('cloud-vault-tfc-bootstrap')!;
    expect(vault.resource.aws_iam_role_policy).toBeUndefined();
    expect(Object.values(vault.resource.aws_iam_role_policy_attachment)).toEqual([expect.objectContaining({ policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess', role: '${aws_iam_role.run_role.name}' })]);
  });
});

(ON_CDKTN ? test.skip : test)('hostname (Terraform Enterprise) everywhere: backends, tfe provider, OIDC provider URL and condition keys; the audience stays', () => {
  const d = example();
  d.state.hostname = 'tfe.example.com';
  const stacks = stacksOf(d);
  expect(stacks.get('cloud-tfc-workspaces')!.provider.tfe[0].hostname).toBe('tfe.example.com');
  for (const s of [...SITE_STACKS, 'cloud-prod-tfc-bootstrap']) expect(stacks.get(s)!.terraform.cloud.hostname).toBe('tfe.example.com');
  const b = stacks.get('cloud-prod-tfc-bootstrap')!;
  expect(b.resource.aws_iam_openid_connect_provider.terraform_cloud).toMatchObject({ url: 'https://tfe.example.com', client_id_list: ['aws.workload.identity'] });
  const st = JSON.parse(b.resource.aws_iam_role.run_role.assume_role_policy).Statement[0];
  expect(st.Principal.Federated).toBe('arn:aws:iam::111111111111:oidc-provider/tfe.example.com');
  expect(st.Condition).toEqual({ StringEquals: { 'tfe.example.com:aud': 'aws.workload.identity' }, StringLike: { 'tfe.example.com:sub': 'organization:acme:project:storage:workspace:hpc-cloud-*:run_phase:*' } });
  d.state.hostname = 'https://tfe.example.com:8443';
  expect(validateDraft(d).findings.filter((f) => f.id === 'TFC002').map((f) => f.path)).toEqual(['state.hostname']);
});

describeTfe('what validate refuses', () => {
  test('TFC001: a stack that waits for more than 20 stacks (run-trigger sources), saying what to do', () => {
    const d = example();
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'eu-central-2', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'sa-east-1', 'me-central-1', 'il-central-1', 'af-south-1'];
    regions.forEach((region, i) => {
      d.sites[`s${i}`] = { account: 'prod', region };
      d.buckets[`b${i}`] = { site: `s${i}` };
      d.replication.push({ from: 'data', to: `b${i}` });
    });
    const tfc = validateDraft(d).findings.filter((f) => f.id === 'TFC001');
    expect(tfc.map((f) => [f.path, f.severity])).toEqual([['state.manageWorkspaces', 'error']]);
    expect(tfc[0].message).toContain('stack cloud-primary-replication waits for 23 stacks');
    expect(tfc[0].message).toContain('at most 20 run-trigger sources');
    expect(tfc[0].message).toContain('manageWorkspaces: false');
    d.state.manageWorkspaces = false;
    expect(validateDraft(d).findings.filter((f) => f.id === 'TFC001')).toEqual([]);
  });

  test('TFC002: manageWorkspaces and project without the cloud backend', () => {
    const d = example();
    d.state = { backend: 'local', manageWorkspaces: true, project: 'x' };
    expect(validateDraft(d).findings.filter((f) => f.id === 'TFC002').map((f) => f.path).sort()).toEqual(['state.manageWorkspaces', 'state.project']);
  });
});

test('lustreform stacks: the bootstrap first (where, token, state), then the stacks; JSON rows too', async () => {
  const file = join(__dirname, '..', '..', 'blueprints', 'examples', 'terraform-cloud.yaml');
  const text = await run('stacks', '-b', file);
  expect(text.code).toBe(0);
  const lines = text.out.split('\n');
  const at = (s: string) => lines.findIndex((l) => l.includes(s));
  expect(at('a. cloud-tfc-workspaces')).toBeGreaterThan(0);
  expect(at('b. cloud-prod-tfc-bootstrap')).toBeGreaterThan(at('a. cloud-tfc-workspaces'));
  expect(at('1. cloud-primary-storage')).toBeGreaterThan(at('c. cloud-vault-tfc-bootstrap'));
  expect(text.out).toContain('token: TFE_TOKEN');
  expect(text.out).toContain('TF_TOKEN_app_terraform_io');
  expect(text.out).toContain('arn:aws:iam::111111111111:role/cloud-tfc-run-prod in the trust policy of arn:aws:iam::111111111111:role/deployer');
  const json = JSON.parse((await run('stacks', '-b', file, '--format', 'json')).out);
  expect(json.map((r: Json) => [r.name, r.layer])).toEqual([
    ['cloud-tfc-workspaces', 'tfc-workspaces'],
    ['cloud-prod-tfc-bootstrap', 'tfc-bootstrap'],
    ['cloud-vault-tfc-bootstrap', 'tfc-bootstrap'],
    ...SITE_STACKS.map((s) => [s, s.split('-')[2]]),
  ]);
  expect(json[1]).toMatchObject({ runs: 'local', dependsOn: ['cloud-tfc-workspaces'], account: '111111111111' });
});
