#!/usr/bin/env node
// Writes docs/blueprint.md from the schema and the rules (run through `npm run docs`, which builds first).
'use strict';
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { blueprintReference } = require('../dist/pipeline/reference.js');
const dir = join(__dirname, '..', 'docs');
mkdirSync(dir, { recursive: true });
const tmp = join(dir, '.blueprint.md.tmp');
writeFileSync(tmp, blueprintReference());
renameSync(tmp, join(dir, 'blueprint.md'));
console.log('wrote docs/blueprint.md');
