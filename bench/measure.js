'use strict';
// Timing helpers shared by the benchmarks: warm up, then the median of repeated runs.

function measure(fn, { warmup = 3, runs = 15 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

/** Prints each measurement in ms and as a ratio against the last one (the baseline). */
function report(name, rows, target) {
  const base = rows[rows.length - 1][1].median;
  console.log(`\n## ${name}`);
  for (const [label, m] of rows) console.log(`  ${label.padEnd(58)} ${m.median.toFixed(1).padStart(9)} ms  ${(m.median / base).toFixed(2).padStart(6)}x`);
  if (target) console.log(`  target: ${target.target}: ${target.ok ? 'met' : 'NOT MET'}`);
}

module.exports = { measure, report };
