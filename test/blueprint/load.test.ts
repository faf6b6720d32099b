import { multiSite, validateDraft } from '../helpers/blueprints';
import { validateText } from '../../src/pipeline/validate';
import { counted } from '../../src/blueprint/findings';

const at = (text: string) => validateText('x.yaml', text).findings.map((f) => `${f.line}:${f.col} ${f.id} ${f.path}`);

describe('YAML loading keeps positions', () => {
  test('bad YAML is a YML001 finding with its line', () => {
    const findings = validateText('x.yaml', 'version: 1\nname: [unclosed\n').findings;
    expect(findings[0]).toMatchObject({ file: 'x.yaml', id: 'YML001', severity: 'error' });
    expect(findings[0].line).toBeGreaterThanOrEqual(2);
  });

  test('duplicate keys are YML002 at the second key', () => {
    const findings = validateText('x.yaml', 'version: 1\nname: abc\nname: abd\nsites: { a: { region: eu-west-1 } }\n').findings;
    expect(findings).toEqual([expect.objectContaining({ id: 'YML002', line: 3, col: 1 })]);
  });

  test('tab indentation is YML003', () => {
    const findings = validateText('x.yaml', 'version: 1\nsites:\n\tmain: { region: eu-west-1 }\n').findings;
    expect(findings.map((f) => f.id)).toContain('YML003');
  });

  test('an empty file says so', () => {
    expect(validateText('x.yaml', '').findings).toEqual([expect.objectContaining({ id: 'SCH003', message: expect.stringContaining('empty') })]);
  });

  test('schema findings point at the offending value or key', () => {
    const text = ['version: 1', 'name: demo', 'sites:', '  main: { region: eu-west-1 }', 'fileSystems:', '  w:', '    site: main', '    deploymentType: SCRATCH_2', '    storageCapcity: 1200', '    compression: lz4', '    network: { subnetId: subnet-0123456789abcdef0, securityGroupIds: [sg-0123456789abcdef0] }', ''].join('\n');
    expect(at(text)).toEqual(['9:5 SCH001 fileSystems.w.storageCapcity', '10:18 SCH004 fileSystems.w.compression']);
    const msgs = validateText('x.yaml', text).findings.map((f) => f.message);
    expect(msgs[0]).toContain("did you mean 'storageCapacity'");
    expect(msgs[1]).toContain("did you mean 'LZ4'");
  });

  test('a missing required key points at the map that lacks it', () => {
    expect(at('version: 1\nname: demo\nsites:\n  main: { account: a }\n')).toEqual(['4:9 SCH002 sites.main']);
  });

  test('wrong types name what was expected', () => {
    const f = validateText('x.yaml', 'version: 1\nname: demo\nsites: [eu-west-1]\n').findings;
    expect(f).toEqual([expect.objectContaining({ id: 'SCH003', line: 3, col: 8, message: expect.stringContaining('must be a map') })]);
  });

  test('encryption takes a keyword or { kmsKeyArn }, with one message per mistake', () => {
    const d = multiSite();
    d.buckets.output.encryption = 'aes';
    d.buckets.input.encryption = { kmsKeyArn: 'not-an-arn' };
    const v = validateDraft(d);
    expect(counted(v.findings).map((f) => `${f.id} ${f.path}`)).toEqual(['SCH004 buckets.input.encryption.kmsKeyArn', 'SCH004 buckets.output.encryption']);
  });

  test('an invalid key name is reported at the key', () => {
    const d = multiSite();
    d.sites['bad site'] = { region: 'eu-west-1' };
    expect(counted(validateDraft(d).findings).map((f) => f.id)).toEqual(['SCH001']);
  });
});

describe('keys that are not names', () => {
  test('a list or map used as a key is a YAML finding, not a runtime warning', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    const findings = validateText('x.yaml', 'version: 1\n? [a, b]\n: c\n').findings;
    expect(findings).toEqual([expect.objectContaining({ id: 'YML001', line: 2, message: expect.stringContaining('a key must be a plain name') })]);
    expect(validateText('x.yaml', 'version: 1\n? !!binary aGVsbG8=\n: c\n').findings.map((f) => f.id)).toEqual(['YML001']);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('findings a person can act on', () => {
  const only = (text: string) => validateText('x.yaml', text).findings.map((f) => `${f.line}:${f.col} ${f.severity} ${f.id} ${f.path}: ${f.message}`);
  const head = 'version: 1\nname: demo\nsites:\n  main: { region: eu-central-1 }\n';

  test('indentation mistakes: one finding, on the line that is out of line, in blueprint terms', () => {
    expect(only(`${head}buckets:\n  a:\n    site: main\n   name: demo-a-bucket\n`)).toEqual([
      "8:4 error YML004 (yaml): 'name' is indented 3 spaces, but the other entries of buckets.a are at 4; line it up with them (spaces only)",
    ]);
    expect(only(`${head}buckets:\n  a:\n    site: main\n      name: demo-a-bucket\n`)).toEqual([
      "8:7 error YML004 (yaml): 'name' is indented deeper (6 spaces) than 'site' above it (4 spaces), which already has a value; keys of one map line up: indent it 4 spaces to make it a sibling of 'site' in buckets.a",
    ]);
    const list = `${head}buckets:\n  a: { site: main }\nfileSystems:\n  w:\n    site: main\n    repositories:\n      - path: /a\n        bucket: a\n       purpose: input\n`;
    expect(only(list)[0]).toMatch(/^13:8 error YML004 \(yaml\): 'purpose' is indented 7 spaces, but the other entries of fileSystems\.w\.repositories\[\] are at 8/);
  });

  test('an unquoted version that YAML reads as a number says to quote it', () => {
    const d = multiSite();
    d.fileSystems.work.lustreVersion = 2.1; // what `lustreVersion: 2.10` unquoted is
    expect(counted(validateDraft(d).findings).map((f) => f.message)).toEqual(['quote it: "2.10". Unquoted, YAML reads 2.10 as the number 2.1; allowed: "2.10", "2.12", "2.15"']);
  });

  test.each([
    ['fileSystems.work.network.subnetId', (d: ReturnType<typeof multiSite>) => (d.fileSystems.work.network.subnetId = 'subnet-0123'), "the part after 'subnet-' has 4 digits; expected subnet- and 8 or 17 hexadecimal digits, e.g. subnet-0123456789abcdef0"],
    ['fileSystems.work.network.subnetId', (d: ReturnType<typeof multiSite>) => (d.fileSystems.work.network.subnetId = 'sg-0123456789abcdef0'), "'sg-' is the prefix of another kind of id"],
    ['fileSystems.archive.kmsKeyArn', (d: ReturnType<typeof multiSite>) => (d.fileSystems.archive.kmsKeyArn = 'arn:aws:iam::111111111111:role/x'), 'this is an ARN of iam, not of kms; expected arn:<partition>:kms:<region>:<12-digit account>:key/<name>'],
    ['fileSystems.archive.kmsKeyArn', (d: ReturnType<typeof multiSite>) => (d.fileSystems.archive.kmsKeyArn = 'arn:aws:kms:eu-central-1:1111:key/x'), "the account part '1111' must be 12 digits, it has 4"],
    ['fileSystems.archive.kmsKeyArn', (d: ReturnType<typeof multiSite>) => (d.fileSystems.archive.kmsKeyArn = 'arn:aws:kms:eu-central-1:111111111111:alias/x'), "the resource part 'alias/x' must be key/<name>"],
    ['accounts.prod.assumeRole', (d: ReturnType<typeof multiSite>) => (d.accounts.prod.assumeRole = 'arn:aws:iam:eu-central-1:111111111111:role/x'), 'iam ARNs have no region'],
    ['accounts.prod.id', (d: ReturnType<typeof multiSite>) => (d.accounts.prod.id = '11111111111'), 'an account id is exactly 12 digits; this has 11'],
  ])('a pattern error at %s says which part is wrong and the expected form', (path, mutate, words) => {
    const d = multiSite();
    mutate(d);
    const f = validateDraft(d).findings.find((x) => x.path === path && x.id === 'SCH004');
    expect(f?.message).toContain(words);
  });

  test('a site named by its region: one finding that says so, not one per object that uses the bucket', () => {
    const d = multiSite();
    d.buckets.input.site = 'eu-central-1';
    expect(validateDraft(d).findings.map((f) => `${f.id} ${f.path}: ${f.message}`)).toEqual([
      "REF001 buckets.input.site: no site 'eu-central-1'; 'eu-central-1' is a region, and site takes the key of a site (primary is in eu-central-1); known: primary, recovery",
    ]);
  });
});
