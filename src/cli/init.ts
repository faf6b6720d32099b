import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { cdkCli } from '../stacks/cdk-cli';
import type { Io } from './io';

/** The package's own directory (dist/cli -> the package root). */
const PACKAGE = join(__dirname, '..', '..');

/** What a fresh npm project may already hold; anything else means the directory is in use. */
const FRESH = new Set(['package.json', 'package-lock.json', 'node_modules', '.git', '.npmrc']);

/**
 * `lustreform init [dir]`: a starter project in an empty directory (or a fresh `npm init` one):
 * cdktf.json running lustreform's app, the quickstart blueprint, the two GitHub workflows, the
 * checkov configuration (.checkov.yaml, reasons in docs/security.md) and a .gitignore. Written into a temporary directory first, then moved in, so a failure leaves nothing.
 */
export function registerInit(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('init')
    .description('write a starter cdktf.json, blueprint and GitHub workflows into an empty directory')
    .argument('[dir]', 'the directory (created if missing)', '.')
    .action((dir: string) => {
      const target = resolve(dir);
      const present = existsSync(target) ? readdirSync(target).filter((f) => !FRESH.has(f)) : [];
      if (present.length) throw new UserError(`${dir} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', ...' : ''}); run lustreform init in a new directory`);
      const files = starterFiles(target);
      mkdirSync(target, { recursive: true });
      const tmp = mkdtempSync(join(target, '.lustreform-init-'));
      try {
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(dirname(join(tmp, path)), { recursive: true });
          writeFileSync(join(tmp, path), text);
        }
        for (const top of readdirSync(tmp)) renameSync(join(tmp, top), join(target, top));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      const has = (path: string) => existsSync(join(target, path));
      const cli = cdkCli();
      io.out(
        [
          `wrote ${Object.keys(files).sort().join(', ')} in ${dir}`,
          'next:',
          ...(has('package.json') ? [] : ['  npm init -y']),
          ...(has('node_modules/lustreform') ? [] : ['  npm install lustreform']),
          ...(has(`node_modules/${cli.cliPackage}`) ? [] : [`  npm install --save-dev ${cli.cliPackage}@${cli.version}`]),
          '  npx lustreform validate -b blueprints/quickstart.yaml',
          `  npx ${cli.command} synth`,
        ].join('\n'),
      );
      done(0);
    });
}

function starterFiles(target: string): Record<string, string> {
  const read = (path: string) => readFileSync(join(PACKAGE, path), 'utf8');
  // Editors find the schema in the installed package.
  const schema = relative(join(target, 'blueprints'), join(target, 'node_modules', 'lustreform', 'schemas', 'blueprint.schema.json')).split('\\').join('/');
  // The workflows run the CLI that goes with the installed library (cdktf, or cdktn on CDK Terrain).
  const workflow = (name: string) => read(`examples/github-actions/${name}`).replace(/blueprints\/multi-site-dr\.yaml/g, 'blueprints/quickstart.yaml').replace(/\bnpx cdktf /g, `npx ${cdkCli().command} `);
  return {
    'cdktf.json': `${JSON.stringify({ language: 'typescript', app: 'node node_modules/lustreform/dist/main.js', projectId: 'lustreform', sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: {} }, null, 2)}\n`,
    'blueprints/quickstart.yaml': read('blueprints/quickstart.yaml').replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${schema}`),
    '.github/workflows/blueprint-review.yml': workflow('blueprint-review.yml'),
    '.github/workflows/terraform-plan.yml': workflow('terraform-plan.yml'),
    // checkov from the project root scans cdktf.out, skipping exactly what docs/security.md explains.
    '.checkov.yaml': read('.checkov.yaml'),
    ...(existsSync(join(target, '.gitignore')) ? {} : { '.gitignore': 'node_modules/\ncdktf.out/\n.lustreform/\n*.tfstate*\n' }),
  };
}
