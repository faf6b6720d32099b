/**
 * The generated Terraform, proven by Terraform itself: every stack of every example and feature
 * blueprint, in JSON and in HCL, passes `terraform validate` with the machine's aws provider
 * (0 errors, 0 warnings); the HCL is `terraform fmt`-clean; the quickstart's stack directories
 * init and validate as written; and `terraform plan -refresh=false` runs offline against a local
 * STS. Only the provider version constraint is rewritten, to the mirrored version, in the
 * test's own copy, and only where it does not admit that version. Where terraform or the mirror is missing, the tests are skipped and say why.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planBlueprint } from '../../src/plan/plan';
import { synthesize } from '../../src/stacks/synth';
import { validateDraft } from '../helpers/blueprints';
import { featureBlueprints, ON_CDKTN } from '../helpers/features';
import { fakeAws } from '../helpers/runner-env';
import { findAwsMirror, findTerraform, offlineEnv, satisfies, terraform, terraformAsync, type AwsMirror } from '../helpers/terraform';

const mirror = findAwsMirror();
const missing = !findTerraform() ? 'no terraform binary on PATH' : !mirror ? 'no filesystem mirror of hashicorp/aws found (CLI configuration, implied mirror directories, /opt, /usr)' : undefined;
if (missing) console.warn(`SKIPPED: terraform validation of the generated stacks: ${missing}`);
const tfTest = missing ? test.skip : test;

const work = mkdtempSync(join(tmpdir(), 'lustreform-terraform-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Stacks that require the tfe provider (the workspaces stack of state.manageWorkspaces): the
 * machine's mirror holds hashicorp/aws only, so terraform could not init them. They are left out
 * of the validation below, loudly (test 'the workspaces stacks ...'), and test/stacks/cloud.test.ts
 * asserts their resources and references instead.
 */
const requiresTfe = (dir: string): boolean => {
  const file = readdirSync(dir).find((f) => f === 'cdk.tf.json' || f === 'cdk.tf')!;
  const text = readFileSync(join(dir, file), 'utf8');
  return file === 'cdk.tf.json' ? 'tfe' in (JSON.parse(text).terraform.required_providers ?? {}) : /required_providers\s*\{[^}]*\btfe\s*=/.test(text);
};
const TFE_SKIP = 'no filesystem mirror of hashicorp/tfe on this machine (terraform init would download it, and nothing may be downloaded)';

/** Every stack terraform can validate here: all but those that require the tfe provider. */
async function awsStacks(hcl: boolean): Promise<Map<string, string>> {
  return new Map([...(await synthesizeAll(hcl))].filter(([, dir]) => !requiresTfe(dir)));
}

/** Synthesizes every feature blueprint in one format (once); returns `<blueprint>/<stack>` -> stack directory. */
const synthesized = new Map<boolean, Promise<Map<string, string>>>();
function synthesizeAll(hcl: boolean): Promise<Map<string, string>> {
  if (!synthesized.has(hcl)) synthesized.set(hcl, synthesizeEvery(hcl));
  return synthesized.get(hcl)!;
}

async function synthesizeEvery(hcl: boolean): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const [i, f] of featureBlueprints().entries()) {
    const v = validateDraft(f.draft);
    if (!v.model) throw new Error(`${f.name}: ${v.findings.map((x) => `${x.id} ${x.message}`).join('; ')}`);
    const out = join(work, hcl ? 'hcl' : 'json', `b${i}`);
    await synthesize(planBlueprint(v.model, { activation: f.activation }), out, { hcl });
    for (const stack of readdirSync(join(out, 'stacks'))) dirs.set(`${f.name}/${stack}`, join(out, 'stacks', stack));
  }
  return dirs;
}

/**
 * A copy of a stack directory whose aws provider constraint admits the mirrored version: as
 * written where it already does, else rewritten to name it (the machine's mirror holds 5.100.0,
 * which `~> 6.25` does not admit). As a module of a larger root it also drops its `backend`
 * block, which only a root may have (the stack directories themselves are validated with theirs).
 */
function pinnedCopy(from: string, to: string, m: AwsMirror, asModule = false): void {
  cpSync(from, to, { recursive: true });
  const json = join(to, 'cdk.tf.json');
  try {
    const config = JSON.parse(readFileSync(json, 'utf8'));
    const aws = config.terraform.required_providers.aws;
    if (!satisfies(m.version, aws.version)) aws.version = m.version;
    if (asModule) delete config.terraform.backend;
    writeFileSync(json, JSON.stringify(config, null, 2));
  } catch {
    const hcl = join(to, 'cdk.tf');
    const text = readFileSync(hcl, 'utf8');
    // The aws entry of required_providers, its keys in any order.
    const block = /(\n\s*aws = \{[^}]*?\bversion\s*=\s*)"([^"]+)"/.exec(text);
    if (!block) throw new Error(`${hcl}: no aws provider version to pin`);
    let pinned = satisfies(m.version, block[2]) ? text : text.replace(block[0], `${block[1]}"${m.version}"`);
    if (asModule) pinned = pinned.replace(/\n  backend "[^"]+" \{\n[\s\S]*?\n  \}\n/, '\n');
    writeFileSync(hcl, pinned);
  }
}

/** All stacks as modules of one root (one provider start for all); validate -json's result. */
function validateAsModules(dirs: Map<string, string>, root: string, m: AwsMirror) {
  mkdirSync(root, { recursive: true });
  const calls: string[] = [];
  const names = new Map<string, string>();
  for (const [key, dir] of dirs) {
    const name = `m${names.size}_${key.replace(/[^A-Za-z0-9]+/g, '_')}`;
    names.set(name, key);
    pinnedCopy(dir, join(root, 'stacks', name), m, true);
    calls.push(`module "${name}" {\n  source = "./stacks/${name}"\n}\n`);
  }
  writeFileSync(join(root, 'main.tf'), calls.join('\n'));
  const env = offlineEnv(m, root);
  const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], root, env);
  expect({ init: init.status, stderr: init.stderr }).toEqual({ init: 0, stderr: '' });
  const result = JSON.parse(terraform(['validate', '-json', '-no-color'], root, env).stdout);
  // Name each diagnostic's stack, so a failure says which blueprint and stack to look at.
  const diagnostics = (result.diagnostics ?? []).map((d: { severity: string; summary: string; detail?: string; range?: { filename: string; start: { line: number } } }) => {
    const module = d.range?.filename.split('/')[1];
    return `${d.severity}: ${names.get(module ?? '') ?? d.range?.filename ?? '(root)'}:${d.range?.start.line ?? ''}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`;
  });
  return { result, diagnostics };
}

describe('policies that hold references', () => {
  test('no JSON document in a string holds a Terraform reference, in any stack of any feature blueprint (jsonencode or aws_iam_policy_document instead)', async () => {
    const dirs = await synthesizeAll(false);
    expect(dirs.size).toBeGreaterThanOrEqual(25);
    let documents = 0;
    for (const [key, dir] of dirs) {
      // cdktf writes such a string into HCL unescaped: invalid HCL with --hcl.
      const walk = (x: unknown, path: string): string[] => {
        if (typeof x === 'string') {
          if (!/^\s*[[{]/.test(x)) return [];
          documents++;
          return x.includes('${') ? [`${key} ${path}`] : [];
        }
        return x && typeof x === 'object' ? Object.entries(x).flatMap(([k, v]) => walk(v, `${path}.${k}`)) : [];
      };
      expect(walk(JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')), '')).toEqual([]);
    }
    expect(documents).toBeGreaterThan(50);
  });
});

describe('terraform validate on every generated stack', () => {
  tfTest('JSON: every stack of every example and feature blueprint, 0 errors and 0 warnings', async () => {
    const dirs = await awsStacks(false);
    const { result, diagnostics } = validateAsModules(dirs, join(work, 'validate-json'), mirror!);
    expect(diagnostics).toEqual([]);
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  tfTest('HCL (--hcl): the same stacks validate with 0 errors and 0 warnings, and are terraform fmt-clean', async () => {
    const dirs = await awsStacks(true);
    expect(dirs.size).toBeGreaterThanOrEqual(25);
    const root = join(work, 'validate-hcl');
    const { result, diagnostics } = validateAsModules(dirs, root, mirror!);
    expect(diagnostics).toEqual([]);
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    // fmt needs no provider: the workspaces stacks (tfe) are checked too.
    for (const [key, dir] of await synthesizeAll(true)) {
      const fmt = terraform(['fmt', '-check', '-diff', '-no-color', 'cdk.tf'], dir, offlineEnv(mirror!, work));
      expect({ key, status: fmt.status, diff: fmt.stdout }).toEqual({ key, status: 0, diff: '' });
    }
  });

  // On the cdktn leg the workspaces blueprints are left out (helpers/features.ts ON_CDKTN): nothing to look at here.
  (ON_CDKTN ? test.skip : test)('the workspaces stacks (tfe provider) are not validated, and say why; the bootstrap stacks (aws) are', async () => {
    const all = await synthesizeAll(false);
    const tfe = [...all].filter(([, dir]) => requiresTfe(dir)).map(([key]) => key);
    expect(tfe).toEqual(expect.arrayContaining(['examples/terraform-cloud.yaml/cloud-tfc-workspaces']));
    expect(tfe.every((k) => k.endsWith('-tfc-workspaces'))).toBe(true);
    // Where a mirror of hashicorp/tfe appears, this test should validate them instead of skipping.
    expect({ tfeMirror: !!mirror && existsSync(join(mirror.root, 'registry.terraform.io', 'hashicorp', 'tfe')) }).toEqual({ tfeMirror: false });
    console.warn(`SKIPPED: terraform validate of ${tfe.join(', ')}: ${TFE_SKIP}; test/stacks/cloud.test.ts asserts their resources and references`);
    const aws = await awsStacks(false);
    expect([...aws.keys()]).toEqual(expect.arrayContaining(['examples/terraform-cloud.yaml/cloud-prod-tfc-bootstrap', 'examples/terraform-cloud.yaml/cloud-vault-tfc-bootstrap']));
  });

  tfTest('a stack directory inits (-backend=false) and validates as written, with its backend, JSON and HCL', async () => {
    for (const hcl of [false, true]) {
      const v = validateDraft(featureBlueprints().find((f) => f.name === 'quickstart.yaml')!.draft);
      const out = join(work, `as-written-${hcl ? 'hcl' : 'json'}`);
      await synthesize(planBlueprint(v.model!), out, { hcl });
      for (const stack of ['quickstart-main-lustre']) {
        const dir = join(work, `as-written-copy-${hcl}`, stack);
        pinnedCopy(join(out, 'stacks', stack), dir, mirror!);
        const env = offlineEnv(mirror!, work);
        expect(terraform(['init', '-backend=false', '-input=false', '-no-color'], dir, env)).toMatchObject({ status: 0, stderr: '' });
        const result = JSON.parse(terraform(['validate', '-json', '-no-color'], dir, env).stdout);
        expect({ stack, hcl, ...result }).toMatchObject({ stack, hcl, valid: true, error_count: 0, warning_count: 0, diagnostics: [] });
      }
    }
  });

  tfTest('terraform plan -refresh=false runs offline (fake credentials, a local STS) on every stack of a blueprint without accounts', async () => {
    const { aws, restore } = await fakeAws();
    try {
      const f = featureBlueprints().find((x) => x.name === 'examples/ambient-account.yaml')!;
      const out = join(work, 'plan');
      await synthesize(planBlueprint(validateDraft(f.draft).model!), out, {});
      const env = { ...offlineEnv(mirror!, work), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_STS: aws.endpoint, AWS_EC2_METADATA_DISABLED: 'true' } as NodeJS.ProcessEnv;
      delete env.AWS_PROFILE;
      const stacks = readdirSync(join(out, 'stacks'));
      expect(stacks.length).toBe(4);
      for (const stack of stacks) {
        const dir = join(work, 'plan-copy', stack);
        pinnedCopy(join(out, 'stacks', stack), dir, mirror!);
        expect(await terraformAsync(['init', '-input=false', '-no-color'], dir, env)).toMatchObject({ status: 0, stderr: '' });
        const plan = await terraformAsync(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color'], dir, env);
        expect({ stack, status: plan.status, stderr: plan.stderr }).toEqual({ stack, status: 0, stderr: '' });
        expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
        expect(plan.stdout).not.toContain('Warning');
      }
      expect(aws.calls.some((c) => c.service === 'sts' && c.op === 'GetCallerIdentity')).toBe(true);
    } finally {
      await restore();
    }
  });
});
