#!/usr/bin/env node
// Writes src/blueprint/raw.ts, the TypeScript types of a loaded blueprint, from
// schemas/blueprint.schema.json with json-schema-to-typescript (run through `npm run docs`; a test
// checks the file is current). "Loaded" means after the schema's defaults are filled in: a
// property with a `default` is required in these types, since ajv (useDefaults) always sets it.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'src', 'blueprint', 'raw.ts');

/** A copy of the schema in which every property with a default is required. */
function loaded(node) {
  if (Array.isArray(node)) return node.map(loaded);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, loaded(v)]));
  if (copy.properties) {
    const defaulted = Object.entries(node.properties).filter(([, p]) => p && typeof p === 'object' && 'default' in p).map(([k]) => k);
    if (defaulted.length) copy.required = [...new Set([...(node.required ?? []), ...defaulted])];
  }
  return copy;
}

async function rawTypes() {
  const { compile } = require('json-schema-to-typescript');
  const schema = loaded(JSON.parse(readFileSync(join(ROOT, 'schemas', 'blueprint.schema.json'), 'utf8')));
  delete schema.title; // the root type is named LoadedBlueprint, not after the title or id
  delete schema.$id;
  const banner = [
    '/**',
    ' * A blueprint as the loader hands it on: schema-valid, with the schema\'s defaults filled in.',
    ' * Generated from schemas/blueprint.schema.json by scripts/raw-types.js (`npm run docs`); do not edit.',
    ' */',
    '/* eslint-disable */',
  ].join('\n');
  return compile(schema, 'LoadedBlueprint', { bannerComment: banner, additionalProperties: false, ignoreMinAndMaxItems: true, strictIndexSignatures: false, format: true });
}

if (require.main === module) {
  rawTypes().then((text) => {
    if (process.argv.includes('--stdout')) return void process.stdout.write(text); // what the test compares
    const tmp = `${OUT}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, OUT);
    console.log('wrote src/blueprint/raw.ts');
  });
}
