import { ids, multiSite, validateDraft } from '../helpers/blueprints';
import { validateText } from '../../src/pipeline/validate';

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
    expect(v.findings.map((f) => `${f.id} ${f.path}`)).toEqual(['SCH004 buckets.input.encryption.kmsKeyArn', 'SCH004 buckets.output.encryption']);
  });

  test('an invalid key name is reported at the key', () => {
    const d = multiSite();
    d.sites['bad site'] = { region: 'eu-west-1' };
    expect(ids(validateDraft(d))).toEqual(['SCH001']);
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
