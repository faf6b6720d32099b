#!/usr/bin/env node
/**
 * `npm run test:cdktn`: lustreform runs unchanged on CDK Terrain (cdktn), the maintained fork of
 * CDKTF with the same API, and writes the same Terraform. Run by .ci/run after the suite.
 *
 * 1. Copies the checkout's files (`git ls-files`, as they are in the working tree; no
 *    node_modules, dist or cdktf.out) into a temporary directory.
 * 2. Swaps the four packages in its package.json (SWAPS) and rewrites the module specifiers in
 *    src/, test/, bench/ and scripts/ (rewriteSpecifiers; this file, which names both, is copied
 *    as it is). Nothing else of the sources changes: there is no committed fork.
 * 3. `npm install` there under Node 22 (scripts/node.js; cdktn-cli needs 22.19 or newer) with this
 *    checkout's package-lock.json, so every package the swap does not concern stays as locked;
 *    the AWS SDK (which the restore function bundles) and esbuild must come out at the same
 *    versions, else it stops. `prepare` builds dist/.
 * 4. Runs the suite there (`npm test`) under Node 22.
 * 5. Synthesizes every blueprint under blueprints/ (recursively, examples included) with
 *    `lustreform synth`, in JSON and with --hcl, on both legs: this checkout's build on the Node
 *    running this script, and the copy's build on Node 22. A blueprint whose comment lines say
 *    `# lustreform-env: LUSTREFORM_FAILOVER=recovery:work LUSTREFORM_FROM_BACKUP=work=backup-1`
 *    is synthesized with those variables (NAME=value pairs separated by spaces; values without
 *    spaces); every other LUSTREFORM_* variable is cleared for every blueprint.
 * 6. Compares stack by stack: the same stacks and files; cdk.tf.json parsed and deeply equal,
 *    cdk.tf equal as text, nothing dropped but the library's version stamp (`//.metadata.version`
 *    in cdk.tf.json and metadata.json, `version` in manifest.json: a comment to Terraform, and
 *    necessarily 0.21.0 against 0.24.0); asset zips equal in their entries' names and contents
 *    (their timestamps differ from one synth to the next, on either leg).
 *
 * Prints one line per blueprint and a summary; exits 1 on any difference or failure.
 * Options: --keep keeps the temporary directory; --no-suite skips step 4.
 * LUSTREFORM_CDKTN_NODE picks the Node version of the cdktn leg (default 22).
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, relative, resolve } = require('node:path');

/** The CDKTF packages and their CDK Terrain counterparts, with the versions the cdktn leg installs. */
const SWAPS = [
  { from: 'cdktf', to: 'cdktn', version: '0.24.0' },
  { from: '@cdktf/provider-aws', to: '@cdktn/provider-aws', version: '^25.7.0' },
  { from: '@cdktf/hcl-tools', to: '@cdktn/hcl-tools', version: '0.24.0' },
  { from: 'cdktf-cli', to: 'cdktn-cli', version: '0.24.0' },
];

/** Module specifiers of the swapped libraries (the CLI has no module to import). */
const LIBRARIES = SWAPS.filter((s) => !s.from.endsWith('-cli'));

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A quoted string that is exactly a library's name, or a path inside it ('cdktf/lib/...'). */
const SPECIFIER = new RegExp(`(['"\`])(${LIBRARIES.map((s) => escape(s.from)).join('|')})((?:/[^'"\`\\s]*)?)\\1`, 'g');

/**
 * Source text with every module specifier of a swapped library rewritten: static imports and
 * exports, `import('...')`, `require('...')`, `require.resolve('...')`, deep paths. Only a quoted
 * string that is exactly a name or a path inside one changes; 'cdktf.out', 'cdktf.json',
 * 'cdktf-cli', comments and prose stay.
 */
function rewriteSpecifiers(text) {
  return text.replace(SPECIFIER, (_, quote, name, rest) => `${quote}${LIBRARIES.find((s) => s.from === name).to}${rest}${quote}`);
}

/** package.json text with the four packages swapped in place (same section, same order), versions from SWAPS. */
function swapPackages(text) {
  const pkg = JSON.parse(text);
  for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    if (!pkg[section]) continue;
    pkg[section] = Object.fromEntries(
      Object.entries(pkg[section]).map(([name, version]) => {
        const swap = SWAPS.find((s) => s.from === name);
        return swap ? [swap.to, swap.version] : [name, version];
      }),
    );
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

module.exports = { SWAPS, rewriteSpecifiers, swapPackages, envHeader, compareOutputs };

/** The variables a blueprint asks to be synthesized with: its `# lustreform-env: A=1 B=2` lines. */
function envHeader(text) {
  const env = {};
  for (const m of text.matchAll(/^#\s*lustreform-env:(.*)$/gm)) {
    for (const pair of m[1].trim().split(/\s+/).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`lustreform-env: '${pair}' is not NAME=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

const SOURCE_DIRS = ['src', 'test', 'bench', 'scripts'];
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;
const SELF = relative(join(__dirname, '..'), __filename);

function log(line) {
  process.stdout.write(`${line}\n`);
}

function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (r.status !== 0) {
    const out = `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}`;
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${out.split('\n').slice(-60).join('\n')}`);
  }
  return r;
}

function seconds(start) {
  return `${((Date.now() - start) / 1000).toFixed(0)} s`;
}

/** Step 1 and 2: the copy, swapped and rewritten. */
function prepareCopy(root, copy) {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  let rewritten = 0;
  let lines = 0;
  for (const f of files) {
    const from = join(root, f);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the working tree
    const to = join(copy, f);
    mkdirSync(dirname(to), { recursive: true });
    if (f === 'package.json') {
      writeFileSync(to, swapPackages(readFileSync(from, 'utf8')));
    } else if (SOURCE_DIRS.includes(f.split('/')[0]) && SOURCE_FILE.test(f) && f !== SELF) {
      const text = readFileSync(from, 'utf8');
      const out = rewriteSpecifiers(text);
      if (out !== text) {
        rewritten++;
        const a = text.split('\n');
        lines += out.split('\n').filter((l, i) => l !== a[i]).length;
      }
      writeFileSync(to, out);
    } else {
      copyFileSync(from, to);
    }
  }
  return { files: files.length, rewritten, lines };
}

/** The locked version of every package, by its path in node_modules. */
function lockedVersions(lockFile) {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  return new Map(Object.entries(lock.packages || {}).filter(([k]) => k).map(([k, v]) => [k, v.version]));
}

/**
 * The packages the restore function's bundle is made from: the AWS SDK clients lustreform
 * depends on, esbuild, and everything they depend on, as `lock` resolves them (nested first).
 */
function bundledPackages(lock) {
  const packages = lock.packages || {};
  const resolveFrom = (from, name) => {
    for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const root = packages[''] || {};
  const todo = Object.keys(root.dependencies || {}).filter((n) => n.startsWith('@aws-sdk/') || n === 'esbuild').map((n) => resolveFrom('', n));
  const seen = new Set();
  while (todo.length) {
    const path = todo.pop();
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const p = packages[path];
    for (const dep of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) todo.push(resolveFrom(path, dep));
  }
  return seen;
}

/** Step 3's check: what the install changed against this checkout's lock. */
function lockChanges(mainLock, copyLock) {
  const mainJson = JSON.parse(readFileSync(mainLock, 'utf8'));
  const main = lockedVersions(mainLock);
  const copy = lockedVersions(copyLock);
  const bundledPaths = bundledPackages(mainJson);
  const changed = [];
  const bundled = [];
  let kept = 0;
  for (const [path, version] of main) {
    const name = path.replace(/^node_modules\//, '');
    if (!copy.has(path)) {
      if (bundledPaths.has(path)) bundled.push(`${name} removed`);
      continue;
    }
    if (copy.get(path) === version) {
      kept++;
      continue;
    }
    (bundledPaths.has(path) ? bundled : changed).push(`${name} ${version} -> ${copy.get(path)}`);
  }
  return { kept, changed, bundled, bundledCount: bundledPaths.size, sdk: copy.get('node_modules/@aws-sdk/client-s3') };
}

/**
 * Whether a blueprint manages Terraform Cloud workspaces (`state.manageWorkspaces: true`): its
 * workspaces stack is written with @cdktf/provider-tfe, which has no cdktn build (npm has no
 * @cdktn/provider-tfe) and extends cdktf's classes, so a cdktn app cannot synthesize it. Such
 * blueprints are left out of the comparison, said so loudly; the suite skips them on this leg too.
 */
const managesWorkspaces = (root, blueprint) => /^\s*manageWorkspaces:\s*true\b/m.test(readFileSync(join(root, blueprint), 'utf8'));

/** Every blueprint under `dir`, as paths relative to the checkout. */
function blueprints(root) {
  const walk = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
  return walk('blueprints');
}

/** Step 5 for one leg: `lustreform synth` of `blueprint` into `out`. */
function synth(node, root, blueprint, out, hcl, env) {
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('LUSTREFORM_')));
  const vars = envHeader(readFileSync(join(root, blueprint), 'utf8'));
  run(node, [join(root, 'bin', 'lustreform.js'), 'synth', '-b', blueprint, '--out', out, ...(hcl ? ['--hcl'] : [])], { cwd: root, env: { ...clean, ...vars, CHECKPOINT_DISABLE: '1' } });
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const walk = (d) => readdirSync(join(dir, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk('').sort();
}

/** The paths at which two JSON values differ, with both values (at most `limit`). */
function jsonDifferences(a, b, path = '', out = [], limit = 20) {
  if (out.length >= limit) return out;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) out.push(`${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  else if (a && typeof a === 'object') {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      if (!(k in a) || !(k in b)) out.push(`${path}.${k}: ${k in a ? JSON.stringify(a[k]) : 'absent'} vs ${k in b ? JSON.stringify(b[k]) : 'absent'}`);
      else jsonDifferences(a[k], b[k], `${path}.${k}`, out, limit);
    }
  } else if (a !== b) out.push(`${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out.slice(0, limit);
}

/** A JSON file without the library's version stamp (`version` at `stamp`, a key path). */
function withoutStamp(file, stamp) {
  const value = JSON.parse(readFileSync(file, 'utf8'));
  let at = value;
  for (const k of stamp.slice(0, -1)) at = at && at[k];
  if (at && typeof at === 'object') delete at[stamp[stamp.length - 1]];
  return value;
}

/** The entries of a zip file: name -> content (stored or deflated, as archivers write them). */
function zipEntries(file) {
  const zlib = require('node:zlib');
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const entries = new Map();
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const skip = nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    entries.set(name, method === 0 ? data : zlib.inflateRawSync(data));
    at += 46 + skip;
  }
  return entries;
}

function zipDifference(a, b) {
  const x = zipEntries(a);
  const y = zipEntries(b);
  const names = [...new Set([...x.keys(), ...y.keys()])].sort();
  for (const n of names) {
    if (!x.has(n) || !y.has(n)) return `entry ${n} only in the ${x.has(n) ? 'cdktf' : 'cdktn'} leg`;
    if (!x.get(n).equals(y.get(n))) return `entry ${n} differs (${x.get(n).length} vs ${y.get(n).length} bytes)`;
  }
  return undefined;
}

/**
 * Step 6: the differences between two synth outputs (cdktf leg `a`, cdktn leg `b`), and the
 * stacks compared. Empty differences mean identical as described in the file's comment.
 */
function compareOutputs(a, b) {
  const differences = [];
  const stacks = (dir) => (existsSync(join(dir, 'stacks')) ? readdirSync(join(dir, 'stacks')).sort() : []);
  const sa = stacks(a);
  const sb = stacks(b);
  for (const s of sa.filter((x) => !sb.includes(x))) differences.push(`stack ${s} only in the cdktf leg`);
  for (const s of sb.filter((x) => !sa.includes(x))) differences.push(`stack ${s} only in the cdktn leg`);
  const stamp = ['//', 'metadata', 'version'];
  for (const d of jsonDifferences(withoutStamp(join(a, 'manifest.json'), ['version']), withoutStamp(join(b, 'manifest.json'), ['version']))) differences.push(`manifest.json: ${d}`);
  for (const s of sa.filter((x) => sb.includes(x))) {
    const da = join(a, 'stacks', s);
    const db = join(b, 'stacks', s);
    const fa = filesUnder(da);
    const fb = filesUnder(db);
    for (const f of fa.filter((x) => !fb.includes(x))) differences.push(`${s}: ${f} only in the cdktf leg`);
    for (const f of fb.filter((x) => !fa.includes(x))) differences.push(`${s}: ${f} only in the cdktn leg`);
    for (const f of fa.filter((x) => fb.includes(x))) {
      let found = [];
      try {
        if (f === 'cdk.tf.json' || f === 'metadata.json') found = jsonDifferences(withoutStamp(join(da, f), stamp), withoutStamp(join(db, f), stamp));
        else if (f.endsWith('.zip')) found = [zipDifference(join(da, f), join(db, f))].filter(Boolean);
        else if (!readFileSync(join(da, f)).equals(readFileSync(join(db, f)))) found = [textDifference(readFileSync(join(da, f), 'utf8'), readFileSync(join(db, f), 'utf8'))];
      } catch (e) {
        found = [e.message];
      }
      for (const d of found) differences.push(`${s}/${f}: ${d}`);
    }
  }
  return { differences, stacks: sa.length };
}

/** The first differing line of two texts. */
function textDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i + 1}: ${JSON.stringify(x[i] ?? '<end>')} vs ${JSON.stringify(y[i] ?? '<end>')}`;
  return undefined;
}

function main() {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const suite = !args.includes('--no-suite');
  const root = resolve(__dirname, '..');
  const { ensureAddons, ensureNode, envWith } = require('./node');
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'lustreform-cdktn-'));
  const copy = join(work, 'lustreform');
  let failed = false;
  try {
    let t = Date.now();
    const node = ensureNode(process.env.LUSTREFORM_CDKTN_NODE || '22');
    const env = { ...envWith(node.node), CHECKPOINT_DISABLE: '1' };
    const prepared = prepareCopy(root, copy);
    log(`cdktn leg: ${prepared.files} files copied to ${copy}; ${SWAPS.map((s) => `${s.from} -> ${s.to}@${s.version}`).join(', ')}; specifiers rewritten on ${prepared.lines} lines in ${prepared.rewritten} files`);

    t = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: copy, env });
    ensureAddons(node.node, copy);
    const lock = lockChanges(join(root, 'package-lock.json'), join(copy, 'package-lock.json'));
    log(`cdktn leg: npm install and build on node ${node.version} (${seconds(t)}): ${lock.kept} locked versions kept, the ${lock.bundledCount} the restore function is bundled from (AWS SDK, esbuild) among them, @aws-sdk/client-s3 ${lock.sdk}${lock.changed.length ? `; moved by the swapped packages: ${lock.changed.join(', ')}` : ''}`);
    if (lock.bundled.length) throw new Error(`the install moved packages the restore function is bundled from: ${lock.bundled.join(', ')}`);

    // This checkout's build, as the main leg synthesizes with it.
    t = Date.now();
    run('npm', ['run', 'build'], { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    log(`cdktf leg: built on node ${process.version} (${seconds(t)})`);

    if (suite) {
      t = Date.now();
      const r = spawnSync('npm', ['test'], { cwd: copy, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const summary = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /^\d+ passed, \d+ failed|^Tests:|SKIPPED/.test(l.trim()));
      if (r.status !== 0) {
        process.stdout.write(`${r.stdout}${r.stderr}`.split('\n').slice(-200).join('\n'));
        throw new Error(`the suite failed on the cdktn leg (node ${node.version}, ${seconds(t)})`);
      }
      log(`cdktn leg: npm test on node ${node.version} passed (${seconds(t)}): ${summary.map((l) => l.trim()).join('; ')}`);
    }

    t = Date.now();
    const found = blueprints(root).filter((bp) => {
      if (!managesWorkspaces(root, bp)) return true;
      log(`SKIPPED on the cdktn leg: ${relative('blueprints', bp)} (state.manageWorkspaces: its workspaces stack uses @cdktf/provider-tfe, which has no cdktn build)`);
      return false;
    });
    let identical = 0;
    let stacks = 0;
    for (const bp of found) {
      const name = relative('blueprints', bp);
      const problems = [];
      let count = 0;
      for (const hcl of [false, true]) {
        const kind = hcl ? 'hcl' : 'json';
        const a = join(work, 'out', 'cdktf', kind, name);
        const b = join(work, 'out', 'cdktn', kind, name);
        try {
          synth(process.execPath, root, bp, a, hcl, process.env);
          synth(node.node, copy, bp, b, hcl, env);
        } catch (e) {
          problems.push(`${kind}: ${e.message}`);
          continue;
        }
        const c = compareOutputs(a, b);
        count = c.stacks;
        problems.push(...c.differences.map((d) => `${kind}: ${d}`));
      }
      stacks += count;
      if (problems.length) {
        failed = true;
        log(`DIFF ${name}: ${problems.length} difference${problems.length === 1 ? '' : 's'}`);
        for (const p of problems.slice(0, 40)) log(`  ${p}`);
        if (problems.length > 40) log(`  ... and ${problems.length - 40} more`);
      } else {
        identical++;
        log(`ok ${name}: ${count} stacks identical (json, hcl)`);
      }
    }
    log(`${failed ? 'FAILED' : 'ok'}: ${identical} of ${found.length} blueprints (${stacks} stacks) identical on cdktf and cdktn (synth and compare ${seconds(t)}; ${seconds(started)} in all)`);
    if (!found.length) failed = true;
  } catch (e) {
    failed = true;
    log(`FAILED: ${e.message}`);
  } finally {
    if (keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
