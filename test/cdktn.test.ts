/**
 * The fast parts of `npm run test:cdktn` (scripts/test-cdktn.js; the whole run is in .ci/run, not
 * here): the package swap, the specifier rewrite, blueprints' environment headers, the output
 * comparison; and the CLI name lustreform prints, which follows the library it is built on.
 */
import { planBlueprint } from '../src/plan/plan';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdkCli } from '../src/stacks/cdk-cli';
import { synthesize } from '../src/stacks/synth';
import { multiSite, ROOT, validateDraft } from './helpers/blueprints';

/* eslint-disable @typescript-eslint/no-var-requires, @typescript-eslint/no-explicit-any */
const script: {
  SWAPS: { from: string; to: string; version: string }[];
  rewriteSpecifiers(text: string): string;
  swapPackages(text: string): string;
  envHeader(text: string): Record<string, string>;
  compareOutputs(a: string, b: string): { differences: string[]; stacks: number };
} = require('../scripts/test-cdktn.js');
/** A zip with every entry's modification time set to 1 January 2030, its contents as they were. */
function retime(file: string): void {
  const buf = readFileSync(file);
  const [time, date] = [0, ((2030 - 1980) << 9) | (1 << 5) | 1];
  let eocd = buf.length - 22;
  while (buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const local = buf.readUInt32LE(at + 42);
    buf.writeUInt16LE(time, at + 12);
    buf.writeUInt16LE(date, at + 14);
    buf.writeUInt16LE(time, local + 10);
    buf.writeUInt16LE(date, local + 12);
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  writeFileSync(file, buf);
}

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'cdktn', name), 'utf8');

describe('the cdktn leg', () => {
  test('rewrites every module specifier of the swapped libraries and nothing else', () => {
    // Fixtures are .txt: the cdktn leg rewrites only sources, so they stay as written there too.
    expect(script.rewriteSpecifiers(fixture('specifiers.before.txt'))).toBe(fixture('specifiers.after.txt'));
    expect(script.rewriteSpecifiers(fixture('specifiers.after.txt'))).toBe(fixture('specifiers.after.txt'));
  });

  test('swaps the four packages in their sections, versions from SWAPS, everything else as it was', () => {
    const before = JSON.parse(fixture('package.fixture.json'));
    const after = JSON.parse(script.swapPackages(fixture('package.fixture.json')));
    expect(script.SWAPS.map((s) => s.to).sort()).toEqual(['@cdktn/hcl-tools', '@cdktn/provider-aws', 'cdktn', 'cdktn-cli']);
    for (const s of script.SWAPS) {
      const section = s.to.endsWith('-cli') ? 'devDependencies' : 'dependencies';
      expect(after[section][s.to]).toBe(s.version);
      expect(after[section][s.from]).toBeUndefined();
      expect(before[section][s.from]).toBeDefined();
      // In place: the swapped name sits where the original did.
      expect(Object.keys(after[section]).indexOf(s.to)).toBe(Object.keys(before[section]).indexOf(s.from));
    }
    const others = (pkg: any) => Object.fromEntries(['dependencies', 'devDependencies'].map((k) => [k, Object.entries(pkg[k]).filter(([n]) => !script.SWAPS.some((s) => s.from === n || s.to === n))]));
    expect(others(after)).toEqual(others(before));
    expect({ ...after, dependencies: 0, devDependencies: 0 }).toEqual({ ...before, dependencies: 0, devDependencies: 0 });
  });

  test('reads the variables a blueprint asks to be synthesized with', () => {
    expect(script.envHeader('# lustreform-env: LUSTREFORM_FAILOVER=recovery:work,archive LUSTREFORM_FROM_BACKUP=archive=backup-1\nname: x\n')).toEqual({ LUSTREFORM_FAILOVER: 'recovery:work,archive', LUSTREFORM_FROM_BACKUP: 'archive=backup-1' });
    expect(script.envHeader('#lustreform-env:  A=1\n#   lustreform-env: B=\nname: x # lustreform-env: C=3\n')).toEqual({ A: '1', B: '' });
    expect(script.envHeader('name: x\n')).toEqual({});
    expect(() => script.envHeader('# lustreform-env: FAILOVER\n')).toThrow("'FAILOVER' is not NAME=value");
  });

  test('compares outputs: asset zips by their entries, stamps aside; any other change is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lustreform-compare-'));
    try {
      const plan = planBlueprint(validateDraft(multiSite()).model!);
      await synthesize(plan, join(dir, 'a'));
      await synthesize(plan, join(dir, 'b'));
      const zip = (out: string) => {
        const stack = join(out, 'stacks', 'climate-primary-protection');
        const json = JSON.parse(readFileSync(join(stack, 'cdk.tf.json'), 'utf8'));
        return join(stack, Object.values<any>(json.resource.aws_lambda_function)[0].filename);
      };
      // Another synth zips at another time (cdktf stamps entries with the bundle's mtime).
      retime(zip(join(dir, 'b')));
      expect(readFileSync(zip(join(dir, 'a'))).equals(readFileSync(zip(join(dir, 'b'))))).toBe(false);
      expect(script.compareOutputs(join(dir, 'a'), join(dir, 'b'))).toEqual({ differences: [], stacks: 7 });

      // The library's version stamp is no difference; a resource's attribute is.
      const file = join(dir, 'b', 'stacks', 'climate-primary-storage', 'cdk.tf.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      json['//'].metadata.version = '0.24.0';
      json.terraform.required_providers.aws.version = '6.66.0';
      writeFileSync(file, JSON.stringify(json));
      rmSync(join(dir, 'b', 'stacks', 'climate-recovery-replication'), { recursive: true });
      expect(script.compareOutputs(join(dir, 'a'), join(dir, 'b')).differences).toEqual([
        'stack climate-recovery-replication only in the cdktf leg',
        'climate-primary-storage/cdk.tf.json: .terraform.required_providers.aws.version: "~> 6.25" vs "6.66.0"',
      ]);
      writeFileSync(zip(join(dir, 'b')), 'not a zip');
      const broken = script.compareOutputs(join(dir, 'a'), join(dir, 'b')).differences;
      expect(broken).toHaveLength(3);
      expect(broken).toContainEqual(expect.stringMatching(/^climate-primary-protection\/assets\/.*archive\.zip: .*not a zip file$/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the CLI lustreform names (npx cdktf deploy, cdktf-cli in init)', () => {
  test('is the one of the library lustreform is built on, installed here, at the same version', () => {
    const cli = cdkCli();
    expect(['cdktf', 'cdktn']).toContain(cli.command);
    expect(cli).toEqual({ command: require('cdktf/package.json').name, cliPackage: `${cli.command}-cli`, version: require('cdktf/package.json').version });
    expect(existsSync(join(ROOT, 'node_modules', '.bin', cli.command))).toBe(true);
    expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', cli.cliPackage, 'package.json'), 'utf8')).version).toBe(cli.version);
  });
});
