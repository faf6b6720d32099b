'use strict';
// bench/runner, ratios in one run:
// 1. API calls to watch 200 data repository tasks to completion: lustreform's watcher (one
//    DescribeDataRepositoryTasks per 50 task ids) against one call per task per poll.
// 2. Hydrating files (BENCH_HYDRATE_FILES, default 100000) with the simulated lfs: lustreform
//    hydrate against the documented `find | xargs -0 -n 1 -P 8 lfs hsm_restore`. Target: 10x faster.
const { execFileSync, execSync } = require('node:child_process');
const { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { watchTasks } = require('../dist/runner/tasks');
const { report } = require('./measure');

async function apiCalls() {
  const TASKS = 200;
  const STEPS = 6; // polls until a task finishes
  const seen = new Map();
  let calls = 0;
  const clients = {
    fsx: {
      send: async (cmd) => {
        calls++;
        return {
          DataRepositoryTasks: cmd.input.TaskIds.map((id) => {
            const n = (seen.get(id) ?? 0) + 1;
            seen.set(id, n);
            return { TaskId: id, Lifecycle: n >= STEPS ? 'SUCCEEDED' : 'EXECUTING' };
          }),
        };
      },
    },
  };
  const watched = Array.from({ length: TASKS }, (_, i) => ({ clients, taskId: `task-${i}`, make: (t) => ({ taskId: t.TaskId, lifecycle: t.Lifecycle }) }));
  await watchTasks(watched, { deadline: Date.now() + 60_000, clock: { now: Date.now, pollMs: 1, maxPollMs: 1 } });
  const naive = TASKS * STEPS; // one DescribeDataRepositoryTasks per task per poll
  console.log('\n## runner: API calls to watch 200 tasks to completion');
  console.log(`  lustreform (50 task ids per call)                           ${String(calls).padStart(9)} calls  ${(calls / naive).toFixed(3)}x`);
  console.log(`  one call per task per poll                                  ${String(naive).padStart(9)} calls  1.000x`);
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

module.exports = apiCalls().then(hydrateBench);
