import { multiSite, quickstart, validateDraft } from '../helpers/blueprints';

const model = (d: unknown) => {
  const v = validateDraft(d);
  expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
  return v.model!;
};

describe('the normalized model', () => {
  test('fills the spec defaults', () => {
    const m = model(quickstart());
    const work = m.fileSystems.get('work')!;
    expect(work.lustreVersion).toBe('2.15');
    expect(work.storageType).toBe('SSD');
    expect(work.compression).toBe('NONE');
    expect(m.buckets.get('input')!.encryption).toEqual({ kind: 'sse-s3' });
    expect(m.buckets.get('input')!.versioning).toBe(true);
    expect(m.state).toMatchObject({ backend: 'local' });
    const [input, output] = work.repositories;
    expect(input).toMatchObject({ purpose: 'input', autoImport: ['NEW', 'CHANGED', 'DELETED'], autoExport: [], prefix: '' });
    expect(output).toMatchObject({ purpose: 'output', autoImport: [], autoExport: ['NEW', 'CHANGED', 'DELETED'], prefix: 'results/', preload: 'none' });
  });

  test('sync repositories import and export everything by default; explicit lists win', () => {
    const d = quickstart();
    d.fileSystems.work.repositories[0] = { path: '/input', bucket: 'input', purpose: 'sync', prefix: 'in' };
    d.fileSystems.work.repositories[1].autoExport = ['NEW'];
    Object.assign(d.fileSystems.work, { deploymentType: 'PERSISTENT_2', throughput: 125 }); // scratch must export every change (SAF001)
    const [sync, out] = model(d).fileSystems.get('work')!.repositories;
    expect(sync).toMatchObject({ autoImport: ['NEW', 'CHANGED', 'DELETED'], autoExport: ['NEW', 'CHANGED', 'DELETED'], prefix: 'in/' });
    expect(out.autoExport).toEqual(['NEW']);
  });

  test('default bucket names: <name>-<key>-<region>, plus the account id when the site names one', () => {
    expect(model(quickstart()).buckets.get('input')!.name).toBe('quickstart-input-eu-central-1');
    const d = multiSite();
    delete d.buckets.output.name;
    expect(model(d).buckets.get('output')!.name).toBe('climate-output-eu-central-1-111111111111');
  });

  test('versioning is forced on for replicated buckets only', () => {
    const d = quickstart();
    d.buckets.input.versioning = false;
    d.buckets.output.versioning = false;
    d.buckets.copy = { site: 'main' };
    d.replication = [{ from: 'output', to: 'copy' }];
    const v = validateDraft(d);
    // A replicated bucket that says versioning: false is refused (REP003), never silently changed...
    expect(v.findings.map((f) => f.id)).toEqual(['REP003']);
    // ...and one that is not replicated keeps what it asked for.
    delete d.buckets.output.versioning;
    const m = model(d);
    expect(m.buckets.get('input')!.versioning).toBe(false);
    expect(m.buckets.get('output')!.versioning).toBe(true);
    expect(m.buckets.get('copy')!.versioning).toBe(true);
  });

  test('references are objects', () => {
    const m = model(multiSite());
    const work = m.fileSystems.get('work')!;
    expect(work.site).toBe(m.sites.get('primary'));
    expect(work.site.account).toBe(m.accounts.get('prod'));
    expect(work.repositories[0].bucket).toBe(m.buckets.get('input'));
    expect(m.replication[0].to).toBe(m.buckets.get('input-dr'));
    expect(m.backupPlans.get('nightly')!.fileSystems[0]).toBe(m.fileSystems.get('archive'));
    expect(m.backupPlans.get('nightly')!.copyTo[0]).toMatchObject({ site: m.sites.get('recovery'), retentionDays: 90 });
    expect(m.recovery[0]).toMatchObject({ fileSystem: work, site: m.sites.get('recovery'), standby: 'cold' });
    expect(m.archiveRestore[0]).toMatchObject({ bucket: m.buckets.get('input'), tier: 'Standard', days: 7 });
    expect(m.state).toMatchObject({ backend: 'cloud', organization: 'acme', workspacePrefix: 'acme-', hostname: 'app.terraform.io' });
  });
});
