import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT, multiSite } from '../helpers/blueprints';
import { validateFile, validateText } from '../../src/pipeline/validate';
import { counted } from '../../src/blueprint/findings';

const fixture = join(ROOT, 'test', 'fixtures', 'eight-mistakes.yaml');
const brief = (text: string) => counted(validateText('x.yaml', text).findings).map((f) => `${f.line} ${f.id} ${f.path}`);

describe('rules run on the parts schema errors do not touch', () => {
  test('eight mistakes, eight findings in one run, each once and on its line', () => {
    const findings = validateFile(fixture).findings;
    expect(findings.map((f) => `${f.line}:${f.col} ${f.severity} ${f.id} ${f.path}`)).toEqual([
      '7:35 error REP003 buckets.data.versioning', // a replicated bucket with versioning off
      '9:17 error REF001 buckets.logs.site', // a bucket at a site that does not exist
      '16:22 error FSX003 fileSystems.big.storageCapacity', // a wrong capacity step
      '20:17 error DRA004 fileSystems.big.repositories[1].path', // nested repository paths
      '20:89 error SAF001 fileSystems.big.repositories[1].autoExport', // scratch output without export
      '26:20 error SCH004 fileSystems.linked.lustreVersion', // lustreVersion: 2.10 unquoted
      '27:5 error SCH001 fileSystems.linked.compresion', // a misspelt key
      '29:14 error BAK002 fileSystems.linked.backups', // backups on a linked file system
    ]);
  });

  test('fixing the schema errors reveals nothing new', () => {
    const text = readFileSync(fixture, 'utf8');
    const fixed = text.replace('lustreVersion: 2.10', 'lustreVersion: "2.10"').replace('compresion:', 'compression:');
    const rules = (t: string) => brief(t).filter((f) => !/ SCH\d/.test(f));
    const before = rules(text);
    const after = rules(fixed);
    expect(before).toHaveLength(6);
    for (const f of before) expect(after).toContain(f);
    // The only new ones need the value that was broken (Lustre 2.10 on a linked file system).
    const revealed = after.filter((f) => !before.includes(f));
    expect(revealed.length).toBeGreaterThan(0);
    for (const f of revealed) expect(f).toMatch(/^26 \w+ fileSystems\.linked\.lustreVersion$/);
  });

  test('a value with a schema error is left out: rules that need it stay quiet, the others still speak', () => {
    const d = multiSite();
    d.fileSystems.work.deploymentType = 'SCRATCH_9'; // every rule about work's type stays quiet
    d.fileSystems.work.storageCapacity = 3000;
    d.fileSystems.archive.storageCapacity = 1000; // an unrelated mistake on another file system
    expect(brief(stringify(d))).toEqual([expect.stringMatching(/ SCH004 fileSystems\.work\.deploymentType$/), expect.stringMatching(/ FSX003 fileSystems\.archive\.storageCapacity$/)]);
  });

  test('a misspelt key is ignored, and the key it meant is not reported missing', () => {
    const d = multiSite();
    d.fileSystems.archive.storageCapcity = d.fileSystems.archive.storageCapacity;
    delete d.fileSystems.archive.storageCapacity;
    expect(brief(stringify(d))).toEqual([expect.stringMatching(/ SCH001 fileSystems\.archive\.storageCapcity$/)]);
  });

  test('an object without a required key is checked on; references to an object left out are not reported', () => {
    const d = multiSite();
    delete d.fileSystems.work.deploymentType;
    d.fileSystems.work.repositories[0].prefix = d.fileSystems.work.repositories[1].prefix; // overlapping prefixes: DRA rule, needs no type
    d.buckets.output = 'not a map'; // left out; repositories and replication naming it say nothing
    const found = brief(stringify(d));
    expect(found.filter((f) => / SCH\d/.test(f))).toEqual([expect.stringMatching(/ SCH003 buckets\.output$/), expect.stringMatching(/ SCH002 fileSystems\.work$/)]);
    expect(found.some((f) => f.includes('REF001'))).toBe(false);
  });

  test('a list item left out keeps the other items on their lines', () => {
    const d = multiSite();
    d.replication.unshift({ from: 'input', to: 'output-dr', mode: 'sideways' });
    d.replication.push({ from: 'input', to: 'nowhere' });
    const text = stringify(d);
    const found = brief(text);
    const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(found).toContain(`${line('sideways')} SCH004 replication[0].mode`);
    expect(found).toContain(`${line('nowhere')} REF001 replication[${d.replication.length - 1}].to`);
  });
});
