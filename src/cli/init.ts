import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../blueprint/errors';
import { cdkCli } from '../stacks/cdk-cli';
import type { Io } from './io';

/** The package's own directory (dist/cli -> the package root). */
const PACKAGE = join(__dirname, '..', '..');

/**
 * `lustreform init [dir]`: a starter project, in a new directory or an existing repository:
 * cdktf.json running lustreform's app, the quickstart blueprint, the two GitHub workflows, the
 * checkov configuration (.checkov.yaml, reasons in docs/security.md) and a .gitignore (only where
 * there is none). It refuses only when a file it would write exists, and then writes nothing;
 * anything else in the directory (main.tf, a README, other workflows) stays. Written into a
 * temporary directory first, then moved in file by file, so a failure leaves nothing.
 */
export function registerInit(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('init')
    .description('write a starter cdktf.json, blueprint and GitHub workflows into a directory (refuses to overwrite any file)')
    .argument('[dir]', 'the directory (created if missing)', '.')
    .action((dir: string) => {
      const target = resolve(dir);
      const files = starterFiles(target);
      const taken = Object.keys(files).filter((path) => existsSync(join(target, path))).sort();
      if (taken.length) throw new UserError(`${dir} already has ${taken.join(', ')}; lustreform init overwrites nothing: move ${taken.length > 1 ? 'them' : 'it'} aside (or run it in another directory) and rerun`);
      mkdirSync(target, { recursive: true });
      const tmp = mkdtempSync(join(target, '.lustreform-init-'));
      try {
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(dirname(join(tmp, path)), { recursive: true });
          writeFileSync(join(tmp, path), text);
        }
        for (const path of Object.keys(files)) {
          mkdirSync(dirname(join(target, path)), { recursive: true });
          renameSync(join(tmp, path), join(target, path));
        }
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
