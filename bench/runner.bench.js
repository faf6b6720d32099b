'use strict';
// bench/runner, ratios in one run:
// 1. DescribeDataRepositoryTasks calls of `lustreform import --wait` (the command, in-process, against
//    the test suite's fake FSx) with 200 file systems at one site, against one call per task per
//    poll round. Target: ceil(n/50) calls per round.
// 2. Hydrating files (BENCH_HYDRATE_FILES, default 100000) with the simulated lfs: lustreform
//    hydrate against the documented `find | xargs -0 -n 1 -P 8 lfs hsm_restore`. Target: 10x faster.
const { execFileSync, execSync } = require('node:child_process');
const { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { stringify } = require('yaml');
const { generateBlueprint } = require('./generate');
const { report } = require('./measure');

/** The test suite's fake AWS (TypeScript), transpiled for this process. */
function loadFakeAws() {
  const ts = require('typescript');
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-fake-aws-'));
  for (const name of ['fake-aws', 'fake-s3']) {
    const source = readFileSync(join(__dirname, '..', 'test', 'helpers', `${name}.ts`), 'utf8');
    writeFileSync(join(dir, `${name}.js`), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
  }
  return require(join(dir, 'fake-aws.js')).FakeAws;
}

async function importCalls() {
  const FILE_SYSTEMS = 200;
  const FakeAws = loadFakeAws();
  const aws = new FakeAws();
  await aws.start();
  const draft = generateBlueprint({ sites: 1, fsPerSite: FILE_SYSTEMS, edgesPerSite: 0 });
  Object.keys(draft.fileSystems).forEach((key, i) => {
    draft.fileSystems[key].repositories[0].preload = 'metadata';
    const id = `fs-${String(i).padStart(17, '0')}`;
    aws.addFileSystem(id, { 'lustreform:blueprint': 'bench', 'lustreform:site': 's0', 'lustreform:filesystem': key });
    aws.addAssociation(id, '/in', `s3://bench-s0-b0/fs${i}/in/`, 'AVAILABLE', 0, { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
    aws.addAssociation(id, '/out', `s3://bench-s0-b1/fs${i}/out/`, 'AVAILABLE', 0, { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
  });
  aws.taskSteps = 3; // polls until a task ends
  const work = mkdtempSync(join(tmpdir(), 'lustreform-import-bench-'));
  writeFileSync(join(work, 'bp.yaml'), stringify(draft));
  Object.assign(process.env, aws.env());
  const { main } = require('../dist/cli');
  const quiet = { out: () => undefined, err: (t) => process.stderr.write(t), isTTY: false };
  const code = await main(['node', 'lustreform', 'import', '-b', join(work, 'bp.yaml'), '--wait', '--timeout', '10m', '--journal', join(work, 'journal'), '--format', 'json'], quiet);
  await aws.stop();
  rmSync(work, { recursive: true, force: true });
  const describes = aws.calls.filter((c) => c.op === 'DescribeDataRepositoryTasks').map((c) => c.input.TaskIds.length);
  const perTask = describes.reduce((a, b) => a + b, 0); // one call per task per poll round
  const rounds = Math.max(...aws.tasks.map((t) => t.describes));
  console.log(`\n## runner: lustreform import --wait, ${FILE_SYSTEMS} file systems at one site (fake FSx; exit ${code})`);
  console.log(`  lustreform (one watch, 50 task ids per call)                ${String(describes.length).padStart(6)} calls  ${(describes.length / perTask).toFixed(3)}x  (${(describes.length / rounds).toFixed(1)} calls per poll round over ${rounds} rounds; target ${Math.ceil(FILE_SYSTEMS / 50)})`);
  console.log(`  one call per task per poll round                            ${String(perTask).padStart(6)} calls  1.000x`);
}

function makeFiles(root, n) {
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'input', `d${i % 100}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    const f = join(dir, `f${i}`);
    writeFileSync(f, '');
    chmodSync(f, 0o1644);
  }
}

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const ROOT = join(__dirname, '..');
const LFS = join(ROOT, 'test', 'fixtures', 'fake-lfs.sh');

/** `lustreform hydrate` as a user runs it (the CLI, a process of its own): wall time, peak RSS, lfs calls. */
function runHydrate(work, mount) {
  const bp = join(work, 'bp.yaml');
  writeFileSync(bp, readFileSync(join(ROOT, 'blueprints', 'quickstart.yaml'), 'utf8').replace('preload: metadata', 'preload: content'));
  const rss = join(work, 'rss');
  // Peak RSS of the process, written when it exits.
  writeFileSync(join(work, 'rss.js'), `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rss)}, String(process.resourceUsage().maxRSS)));`);
  let out = '';
  const ms = time(() => {
    out = execFileSync(process.execPath, ['--require', join(work, 'rss.js'), join(ROOT, 'bin', 'lustreform.js'), 'hydrate', '-b', bp, '--mount', mount, '--journal', join(work, 'journal'), '--format', 'json'], {
      env: { ...process.env, LUSTREFORM_LFS: LFS, LUSTREFORM_POLL_MS: '50' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
  });
  const result = JSON.parse(out);
  return { ms, rssKiB: Number(readFileSync(rss, 'utf8')), files: result.files, lfsCalls: result.lfsCalls, ok: result.ok };
}

function withFiles(n, fn) {
  const work = mkdtempSync(join(tmpdir(), 'lustreform-hydrate-bench-'));
  const mount = join(work, 'mnt');
  mkdirSync(mount);
  makeFiles(mount, n);
  try {
    return fn(work, mount);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function hydrateBench() {
  const n = Number(process.env.BENCH_HYDRATE_FILES ?? 100000);
  const { baseline, ours } = withFiles(n, (work, mount) => {
    const baseline = time(() => execSync(`find input -type f -print0 | xargs -0 -n 1 -P 8 ${LFS} hsm_restore`, { cwd: mount, stdio: 'ignore' }));
    execSync('find input -type f -print0 | xargs -0 chmod +t', { cwd: mount });
    return { baseline, ours: runHydrate(work, mount) };
  });
  report(`runner: hydrating ${n} small files (simulated lfs)`, [
    ['lustreform hydrate (batched hsm_state/hsm_restore, 8 parallel)', { median: ours.ms }],
    ['find | xargs -0 -n 1 -P 8 lfs hsm_restore', { median: baseline }],
  ], { target: 'at least 10x faster', ok: baseline / ours.ms >= 10 });

  // Scaling: the same command on BENCH_HYDRATE_MAX files (default 1,000,000); memory must not grow with the tree.
  const max = Number(process.env.BENCH_HYDRATE_MAX ?? 1000000);
  const big = withFiles(max, (work, mount) => runHydrate(work, mount));
  const mib = (kib) => (kib / 1024).toFixed(0);
  console.log(`\n## runner: hydrate at scale (simulated lfs; peak RSS of the whole process)`);
  for (const r of [ours, big]) {
    console.log(`  ${String(r.files).padStart(8)} files  ${(r.ms / 1000).toFixed(1).padStart(7)} s  peak RSS ${mib(r.rssKiB).padStart(5)} MiB  ${((r.lfsCalls / r.files) * 1000).toFixed(1)} lfs processes per 1,000 files${r.ok ? '' : '  (NOT ok)'}`);
  }
  const growth = big.rssKiB / ours.rssKiB;
  console.log(`  ${(big.files / ours.files).toFixed(0)}x the files, ${growth.toFixed(2)}x the peak RSS (${(big.rssKiB / big.files).toFixed(3)} KiB per file at ${big.files}); target: not linear, well under ${(big.files / ours.files).toFixed(0)}x: ${growth < big.files / ours.files / 3 ? 'met' : 'NOT MET'}`);
}

module.exports = importCalls().then(hydrateBench);
