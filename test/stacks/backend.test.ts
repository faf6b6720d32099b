import { multiSite, quickstart } from '../helpers/blueprints';
import { synthDraft } from '../helpers/synth';

describe('state backends', () => {
  test('local by default: one state file per stack', () => {
    const { stacks } = synthDraft(quickstart());
    expect(stacks['quickstart-main-storage'].terraform.backend).toEqual({ local: { path: 'terraform.quickstart-main-storage.tfstate' } });
  });

  test('s3: a key per stack, encrypted, with the native lock file', () => {
    const d = quickstart();
    d.state = { backend: 's3', s3: { bucket: 'acme-tf-state', region: 'eu-central-1', keyPrefix: 'lustreform/' } };
    d.buckets.copy = { site: 'main' };
    d.replication = [{ from: 'input', to: 'copy' }];
    const { stacks } = synthDraft(d);
    for (const name of ['quickstart-main-storage', 'quickstart-main-replication']) {
      expect(stacks[name].terraform.backend).toEqual({ s3: { bucket: 'acme-tf-state', region: 'eu-central-1', key: `lustreform/${name}.tfstate`, encrypt: true, use_lockfile: true } });
    }
  });

  test('cloud: one named workspace per stack, <prefix><stack>', () => {
    const { stacks } = synthDraft(multiSite());
    for (const [name, stack] of Object.entries(stacks)) {
      expect(stack.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'acme', workspaces: { name: `acme-${name}` } });
      expect(stack.terraform.backend).toBeUndefined();
    }
  });

  test('cloud with Terraform Enterprise hostname', () => {
    const d = multiSite();
    d.state.hostname = 'tfe.example.org';
    const { stacks } = synthDraft(d);
    expect(stacks['climate-primary-storage'].terraform.cloud.hostname).toBe('tfe.example.org');
  });
});
