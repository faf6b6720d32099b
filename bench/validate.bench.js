'use strict';
// bench/validate: validating a blueprint of 64 sites and 256 file systems, in-process after
// warm-up, next to ajv alone on the same document. Target: under 0.5 s.
const { parse } = require('yaml');
const { validateText } = require('../dist/pipeline/validate');
const { checkSchema } = require('../dist/blueprint/schema');
const { generateText } = require('./generate');
const { measure, report } = require('./measure');

const text = generateText({ sites: 64, fsPerSite: 4 });
const data = parse(text);
const first = validateText('bench.yaml', text);
if (first.findings.length) throw new Error(`the generated blueprint is not clean: ${first.findings[0].message}`);

const full = measure(() => validateText('bench.yaml', text));
const ajvOnly = measure(() => checkSchema(data));
report('validate', [
  ['lustreform validate (YAML + schema + model + rules)', full],
  ['ajv alone on the same document', ajvOnly],
], { target: 'validate under 500 ms', ok: full.median < 500 });
