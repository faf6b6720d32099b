/**
 * The package as users get it: `npm pack`, installed into a new project, then `lustreform init`,
 * `lustreform validate` and `cdktf synth` there, as the README says.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/blueprints';
import { run } from './helpers/cli';
import { cdkCli } from '../src/stacks/cdk-cli';

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });

describe('the published package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-pack-'));
  let tarball = '';

  beforeAll(() => {
    // --ignore-scripts: prepack would rebuild dist/ under the feet of the tests running beside this
    // one; dist/ is current (npm ci builds it through prepare, and so does npm test's caller).
    const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
    tarball = join(dir, out[0].filename);
  });

  test('holds what runs (dist, schema, function source, docs) and nothing else', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['bin/lustreform.js', 'dist/main.js', 'dist/cli/index.js', 'schemas/blueprint.schema.json', 'src/functions/archive-restore/index.ts', 'README.md', 'docs/blueprint.md', 'blueprints/quickstart.yaml', 'examples/github-actions/terraform-plan.yml']) expect(files).toContain(f);
    expect(files.filter((f) => /\.cpuprofile$|tsbuildinfo|^test\/|^src\/(?!functions)|cdktf\.out|\.tfstate/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.private).toBeUndefined();
    expect(readdirSync(ROOT).filter((f) => f.endsWith('.cpuprofile'))).toEqual([]);
  });

  test('installs into a new project, where lustreform init, lustreform validate and cdktf synth work', () => {
    const project = join(dir, 'infra');
    mkdirSync(project);
    npm(['init', '-y'], project);
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    const lustreform = (...args: string[]) => spawnSync(join(project, 'node_modules', '.bin', 'lustreform'), args, { cwd: project, encoding: 'utf8' });
    const init = lustreform('init', '.');
    expect(init.stderr).not.toMatch(/error/i);
    expect(init.status).toBe(0);
    // Its suggestions and workflows name the CLI of the library lustreform is built on.
    const cli = cdkCli();
    expect(init.stdout).toContain(`  npm install --save-dev ${cli.cliPackage}@${cli.version}\n`);
    expect(init.stdout).toContain(`  npx ${cli.command} synth`);
    expect(readFileSync(join(project, '.github/workflows/terraform-plan.yml'), 'utf8')).toContain(`run: LUSTREFORM_BLUEPRINT="$BLUEPRINT" npx ${cli.command} synth`);
    for (const f of ['cdktf.json', 'blueprints/quickstart.yaml', '.github/workflows/terraform-plan.yml', '.github/workflows/blueprint-review.yml', '.gitignore', '.checkov.yaml']) expect(existsSync(join(project, f))).toBe(true);
    // The package's checkov configuration, skips and reasons as shipped.
    expect(readFileSync(join(project, '.checkov.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, '.checkov.yaml'), 'utf8'));
    expect(readFileSync(join(project, 'blueprints/quickstart.yaml'), 'utf8')).toContain('$schema=../node_modules/lustreform/schemas/blueprint.schema.json');
    expect(lustreform('validate', '-b', 'blueprints/quickstart.yaml')).toMatchObject({ status: 0, stdout: '' });
    // The cdktf CLI (this repository's, as a user's devDependency would be; cdktn's on CDK Terrain) runs the installed app.
    const synth = spawnSync(join(ROOT, 'node_modules', '.bin', cli.command), ['synth'], { cwd: project, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(synth.status).toBe(0);
    expect(readdirSync(join(project, 'cdktf.out', 'stacks')).sort()).toEqual(['quickstart-main-lustre', 'quickstart-main-storage']);
    // The archive-restore function is bundled from the installed package's source.
    writeFileSync(join(project, 'blueprints', 'restore.yaml'), `${readFileSync(join(project, 'blueprints/quickstart.yaml'), 'utf8')}archiveRestore:\n  - { bucket: input }\n`);
    const withRestore = lustreform('synth', '-b', 'blueprints/restore.yaml', '--out', 'restore.out');
    expect(withRestore.status).toBe(0);
    expect(readdirSync(join(project, 'restore.out', 'stacks'))).toContain('quickstart-main-protection');
  });

  test('init writes into a repository already in use, keeping what is there; it refuses only files it would overwrite, writing nothing', async () => {
    const used = mkdtempSync(join(tmpdir(), 'lustreform-init-'));
    writeFileSync(join(used, 'main.tf'), 'terraform {}\n');
    mkdirSync(join(used, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(used, '.github', 'workflows', 'ci.yml'), 'name: ci\n');
    writeFileSync(join(used, '.gitignore'), '.terraform/\n');
    const r = await run('init', used);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(readFileSync(join(used, 'main.tf'), 'utf8')).toBe('terraform {}\n');
    expect(readFileSync(join(used, '.gitignore'), 'utf8')).toBe('.terraform/\n'); // theirs, kept
    expect(readdirSync(join(used, '.github', 'workflows')).sort()).toEqual(['blueprint-review.yml', 'ci.yml', 'terraform-plan.yml']);
    expect(readdirSync(used).sort()).toEqual(['.checkov.yaml', '.github', '.gitignore', 'blueprints', 'cdktf.json', 'main.tf']);

    const again = await run('init', used);
    expect(again.code).toBe(2);
    expect(again.err).toBe(`lustreform: ${used} already has .checkov.yaml, .github/workflows/blueprint-review.yml, .github/workflows/terraform-plan.yml, blueprints/quickstart.yaml, cdktf.json; lustreform init overwrites nothing: move them aside (or run it in another directory) and rerun\n`);
    const other = mkdtempSync(join(tmpdir(), 'lustreform-init-'));
    writeFileSync(join(other, 'cdktf.json'), '{}');
    expect((await run('init', other)).code).toBe(2);
    expect(readdirSync(other)).toEqual(['cdktf.json']); // nothing written
  });
});
