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

function hydrateBench() {
  const n = Number(process.env.BENCH_HYDRATE_FILES ?? 100000);
  const root = join(__dirname, '..');
  const lfs = join(root, 'test', 'fixtures', 'fake-lfs.sh');
  const work = mkdtempSync(join(tmpdir(), 'lustreform-hydrate-bench-'));
  const mount = join(work, 'mnt');
  mkdirSync(mount);
  makeFiles(mount, n);
  const bp = join(work, 'bp.yaml');
  writeFileSync(bp, readFileSync(join(root, 'blueprints', 'quickstart.yaml'), 'utf8').replace('preload: metadata', 'preload: content'));
  const baseline = time(() => execSync(`find input -type f -print0 | xargs -0 -n 1 -P 8 ${lfs} hsm_restore`, { cwd: mount, stdio: 'ignore' }));
  execSync(`find input -type f -print0 | xargs -0 chmod +t`, { cwd: mount });
  const ours = time(() =>
    execFileSync(process.execPath, [join(root, 'bin', 'lustreform.js'), 'hydrate', '-b', bp, '--mount', mount, '--journal', join(work, 'journal'), '--format', 'json'], { env: { ...process.env, LUSTREFORM_LFS: lfs, LUSTREFORM_POLL_MS: '50' }, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  rmSync(work, { recursive: true, force: true });
  report(`runner: hydrating ${n} small files (simulated lfs)`, [
    ['lustreform hydrate (batched hsm_state/hsm_restore, 8 parallel)', { median: ours }],
    ['find | xargs -0 -n 1 -P 8 lfs hsm_restore', { median: baseline }],
  ], { target: 'at least 10x faster', ok: baseline / ours >= 10 });
}

module.exports = importCalls().then(hydrateBench);
