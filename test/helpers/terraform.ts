/**
 * The machine's terraform binary and its filesystem mirror of the hashicorp/aws provider, found
 * from the machine itself: the terraform CLI configuration first (filesystem_mirror, plugin
 * cache, implied local mirror directories), then a bounded search for terraform-provider-aws.
 * Nothing here downloads; a test that needs these skips, saying why, where they are missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export interface AwsMirror {
  /** The mirror root: it holds registry.terraform.io/hashicorp/aws/<version>/<os_arch>/. */
  root: string;
  version: string;
}

/**
 * Whether `version` meets a Terraform version constraint (`~> 6.25`, `>= 6.0, < 7.0`, `6.25.0`):
 * Terraform's operators, `~>` allowing only the rightmost given part to grow.
 */
export function satisfies(version: string, constraint: string): boolean {
  const parts = (v: string) => v.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parts(version);
  return constraint.split(',').every((term) => {
    const m = /^\s*(~>|>=|<=|!=|=|>|<)?\s*(\d+(?:\.\d+)*)\s*$/.exec(term);
    if (!m) throw new Error(`version constraint '${constraint}': cannot read '${term}'`);
    const c = parts(m[2]);
    const d = compare(v, c);
    switch (m[1] ?? '=') {
      case '~>': return d >= 0 && compare(v.slice(0, Math.max(c.length - 1, 1)), c.slice(0, Math.max(c.length - 1, 1))) === 0;
      case '>=': return d >= 0;
      case '<=': return d <= 0;
      case '>': return d > 0;
      case '<': return d < 0;
      case '!=': return d !== 0;
      default: return d === 0;
    }
  });
}

export function findTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'terraform');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const PLATFORM = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;

/** The newest aws provider version with a binary for this platform under `root`, if any. */
function mirrorAt(root: string): AwsMirror | undefined {
  const dir = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(dir)) return undefined;
  const versions = readdirSync(dir)
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && existsSync(join(dir, v, PLATFORM)) && readdirSync(join(dir, v, PLATFORM)).some((f) => f.startsWith('terraform-provider-aws')))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return versions.length ? { root, version: versions[versions.length - 1] } : undefined;
}

/** Directories the CLI configuration names: filesystem_mirror paths and the plugin cache. */
function configuredDirs(): string[] {
  const files = [process.env.TF_CLI_CONFIG_FILE, join(homedir(), '.terraformrc')].filter((f): f is string => !!f && existsSync(f));
  const dirs = process.env.TF_PLUGIN_CACHE_DIR ? [process.env.TF_PLUGIN_CACHE_DIR] : [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"/g)) dirs.push(m[1]);
    for (const m of text.matchAll(/plugin_cache_dir\s*=\s*"([^"]+)"/g)) dirs.push(m[1]);
  }
  return dirs;
}

/** Terraform's implied local mirror directories (CLI configuration docs, "Implied Local Mirror Directories"). */
function impliedDirs(): string[] {
  const data = (process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').map((d) => join(d, 'terraform', 'plugins'));
  return [join(homedir(), '.terraform.d', 'plugins'), join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'terraform', 'plugins'), ...data];
}

/** A bounded walk for a terraform-provider-aws binary; its mirror root is five levels up. */
function searchDirs(roots: string[], depth = 7): string[] {
  const found: string[] = [];
  const walk = (dir: string, left: number) => {
    if (left < 0 || found.length) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile() && e.name.startsWith('terraform-provider-aws_')) found.push(dirname(dirname(dirname(dirname(dirname(dir))))));
      else if (e.isDirectory() && !['node_modules', 'proc', 'sys', '.git'].includes(e.name)) walk(join(dir, e.name), left - 1);
    }
  };
  for (const r of roots) walk(r, depth);
  return found;
}

export function findAwsMirror(): AwsMirror | undefined {
  for (const dir of [...configuredDirs(), ...impliedDirs()]) {
    const m = mirrorAt(dir);
    if (m) return m;
  }
  for (const dir of searchDirs(['/opt', '/usr/local', '/usr/share', '/var/lib', homedir()])) {
    const m = mirrorAt(dir);
    if (m) return m;
  }
  return undefined;
}

/**
 * An environment for terraform that installs the aws provider from `mirror` only. The plugin cache
 * in `dir` makes init link the provider instead of copying its 700 MB binary into every directory.
 */
export function offlineEnv(mirror: AwsMirror, dir: string): NodeJS.ProcessEnv {
  const config = join(dir, 'terraformrc');
  const cache = join(dir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  writeFileSync(
    config,
    `plugin_cache_dir = ${JSON.stringify(cache)}\nprovider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror.root)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: config, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  delete env.TF_PLUGIN_CACHE_DIR;
  delete env.TF_DATA_DIR;
  return env;
}

/** Like `terraform`, without blocking this process (a server in it can answer the provider). */
export function terraformAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('terraform', args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}
