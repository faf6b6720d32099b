'use strict';
// npm run bench: every bench/*.bench.js, each printing its ratios against a baseline measured in the same run.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const only = process.argv[2];
for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()) {
  if (!only || f.startsWith(only)) require(join(__dirname, f));
}
