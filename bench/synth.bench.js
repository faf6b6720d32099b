'use strict';
// bench/synth: synthesizing a generated blueprint of 64 sites x (8 buckets, 4 replication edges)
// with lustreform, against a hand-written cdktf script creating the same resources with no
// blueprint (bench/handwritten.js), in the same run. Target: at most 1.3x.
// Then startup: `lustreform synth` of the quickstart as a whole process. Target: under 1.5 s.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { validateText } = require('../dist/pipeline/validate');
const { buildApp } = require('../dist/stacks/app');
const { generateBlueprint, generateText } = require('./generate');
const { handwritten } = require('./handwritten');
const { measure, report } = require('./measure');

const shape = { sites: 64, fsPerSite: 0, bucketsPerSite: 8, edgesPerSite: 4 };
const text = generateText(shape);
const bp = generateBlueprint(shape);
const scratch = mkdtempSync(join(tmpdir(), 'lustreform-bench-'));
let n = 0;
const out = () => join(scratch, `out-${n++}`);

const lustreform = measure(() => {
  const { model, findings } = validateText('bench.yaml', text);
  if (!model) throw new Error(`generated blueprint invalid: ${findings[0] && findings[0].message}`);
  buildApp(model, { outdir: out() }).synth();
}, { warmup: 1, runs: 5 });
const baseline = measure(() => handwritten(bp, out()), { warmup: 1, runs: 5 });
rmSync(scratch, { recursive: true, force: true });
const ratio = lustreform.median / baseline.median;
report('synth (64 sites x 8 buckets, 4 replication edges each)', [
  ['lustreform: validate + plan + constructs + synth', lustreform],
  ['hand-written cdktf script, same resources', baseline],
], { target: 'at most 1.3x the hand-written script', ok: ratio <= 1.3 });

const root = join(__dirname, '..');
const startup = measure(() => {
  const dir = mkdtempSync(join(tmpdir(), 'lustreform-startup-'));
  execFileSync(process.execPath, ['bin/lustreform.js', 'synth', '-b', 'blueprints/quickstart.yaml', '--out', join(dir, 'out')], { cwd: root, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}, { warmup: 1, runs: 5 });
const nodeAlone = measure(() => execFileSync(process.execPath, ['-e', '0']), { warmup: 1, runs: 5 });
report('startup: `lustreform synth` of the quickstart, whole process', [
  ['lustreform synth -b blueprints/quickstart.yaml', startup],
  ['node -e 0', nodeAlone],
], { target: 'under 1500 ms', ok: startup.median < 1500 });
