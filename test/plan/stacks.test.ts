import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AMBIENT_ACCOUNT } from '../../src/plan/arns';
import { planBlueprint, stacksOf } from '../../src/plan/plan';
import { featureBlueprints, synthesizedFeatures } from '../helpers/features';
import { topologicalOrder } from '../../src/plan/stacks';
import type { StackPlan } from '../../src/plan/types';

const planStacks = (m: Parameters<typeof planBlueprint>[0]) => planBlueprint(m).stacks;
import { multiSite, validateDraft, type Draft } from '../helpers/blueprints';
import { synthDraft, type StackJson } from '../helpers/synth';

const model = (d: Draft) => validateDraft(d).model!;

/** A ring of three sites in three accounts: each site's bucket replicates both ways with the next. */
function ring(): Draft {
  const ids = ['111111111111', '222222222222', '333333333333'];
  const regions = ['eu-central-1', 'eu-west-1', 'us-east-1'];
  const d: Draft = { version: 1, name: 'ring', accounts: {}, sites: {}, buckets: {}, replication: [] };
  for (let i = 0; i < 3; i++) {
    d.accounts[`a${i}`] = { id: ids[i] };
    d.sites[`s${i}`] = { account: `a${i}`, region: regions[i] };
    d.buckets[`b${i}`] = { site: `s${i}`, name: `ring-b${i}` };
  }
  for (let i = 0; i < 3; i++) d.replication.push({ from: `b${i}`, to: `b${(i + 1) % 3}`, mode: 'two-way' });
  return d;
}

function expectDeployOrder(plans: StackPlan[]) {
  const position = new Map(plans.map((p, i) => [p.name, i]));
  for (const p of plans) for (const dep of p.dependsOn) expect(position.get(dep)!).toBeLessThan(position.get(p.name)!);
}

/** Every `${type.name...}` in a stack names a resource or data source of that same stack. */
function expectSelfContained(name: string, stack: StackJson): number {
  let checked = 0;
  const text = JSON.stringify(stack);
  expect(text).not.toContain('terraform_remote_state');
  // Every reference inside every ${...} expression (jsonencode(...) and the like included).
  for (const [, expression] of text.matchAll(/\$\{(.+?)\}"/g)) {
    for (const [ref, data, type, resourceName] of expression.matchAll(/\b(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
      const known = data ? stack.data?.[type]?.[resourceName] : stack.resource?.[type]?.[resourceName];
      expect({ stack: name, ref, known: !!known }).toEqual({ stack: name, ref, known: true });
      checked++;
    }
  }
  return checked;
}

describe('stack plan', () => {
  test('multi-site: stack per site and layer, storage first, then replication, lustre, protection', () => {
    const plans = planStacks(model(multiSite()));
    expect(plans.map((p) => [p.name, p.dependsOn])).toEqual([
      ['climate-primary-storage', []],
      ['climate-recovery-storage', []],
      ['climate-primary-replication', ['climate-primary-storage', 'climate-recovery-storage']],
      ['climate-recovery-replication', ['climate-primary-storage', 'climate-recovery-storage']],
      ['climate-primary-lustre', ['climate-primary-storage']],
      ['climate-recovery-protection', ['climate-recovery-storage']], // archive restore of the archived replica the recovery reads
      ['climate-primary-protection', ['climate-primary-lustre', 'climate-primary-storage', 'climate-recovery-storage']],
    ]);
  });

  test.each([
    ['two-way replication between two accounts', multiSite],
    ['a ring of three sites', ring],
  ])('the DAG is acyclic for %s, and no stack references another', (_, draft) => {
    const plans = planStacks(model(draft()));
    expect(() => topologicalOrder(plans)).not.toThrow();
    expectDeployOrder(plans);
    const { stacks, manifest } = synthDraft(draft());
    expect(Object.keys(stacks).sort()).toEqual(plans.map((p) => p.name).sort());
    let references = 0;
    for (const [name, stack] of Object.entries(stacks)) references += expectSelfContained(name, stack);
    expect(references).toBeGreaterThan(10);
    for (const p of plans) expect([...manifest.stacks[p.name].dependencies].sort()).toEqual(p.dependsOn);
  });

  test('the ring: every replication stack waits for the storage of its own and its neighbours', () => {
    const plans = planStacks(model(ring()));
    expect(plans.find((p) => p.name === 'ring-s0-replication')!.dependsOn).toEqual(['ring-s0-storage', 'ring-s1-storage', 'ring-s2-storage']);
  });

  test('a cycle is reported, not looped on', () => {
    const site = model(multiSite()).sites.get('primary')!;
    const a = { name: 'a', site, layer: 'storage' as const, dependsOn: ['b'] };
    const b = { name: 'b', site, layer: 'storage' as const, dependsOn: ['a'] };
    expect(() => topologicalOrder([a, b])).toThrow(/cycle among a, b/);
  });
});

describe('the plan is what is rendered', () => {
  test('every planned stack is synthesized with resources in it, and nothing is synthesized that the plan did not list (every example); the ambient account marker never reaches a stack', async () => {
    const dirs = await synthesizedFeatures();
    for (const f of featureBlueprints()) {
      const plan = planBlueprint(validateDraft(f.draft).model!, { activation: f.activation });
      const synthesized = [...dirs.keys()].filter((k) => k.startsWith(`${f.name}/`)).map((k) => k.slice(f.name.length + 1));
      expect({ blueprint: f.name, stacks: synthesized.sort() }).toEqual({ blueprint: f.name, stacks: [...plan.stacks.map((s) => s.name), ...(plan.cloud ? [plan.cloud.workspaces.name, ...plan.cloud.bootstrap.map((b) => b.name)] : [])].sort() });
      for (const s of plan.stacks) {
        const text = readFileSync(join(dirs.get(`${f.name}/${s.name}`)!, 'cdk.tf.json'), 'utf8');
        expect({ stack: s.name, resources: Object.keys(JSON.parse(text).resource ?? {}).length > 0 }).toEqual({ stack: s.name, resources: true });
        expect(text).not.toContain(AMBIENT_ACCOUNT);
      }
    }
  });

  test('a recovery copy reads the replicas at its site; its stack waits for that site only', () => {
    const f = featureBlueprints().find((x) => x.name === 'examples/failover-from-backup.yaml')!;
    const plan = planBlueprint(validateDraft(f.draft).model!, { activation: f.activation });
    const lustre = stacksOf(plan, 'lustre').find((s) => s.site.key === 'recovery')!;
    expect(lustre.dependsOn).toEqual(['activated-recovery-storage']);
    const work = lustre.fileSystems.find((fs) => fs.id === 'recovery-work')!;
    expect(work.repositories.map((r) => r.dataRepositoryPath)).toEqual(['s3://acme-climate-input-dr/ExtData/', 's3://acme-climate-output-dr/output/']);
    expect(lustre.fileSystems.find((fs) => fs.id === 'recovery-archive')!.backupId).toBe('backup-0123456789abcdef0');
    expect(plan.recoveries.map((r) => r.fileSystem.key)).toEqual(['work', 'archive']);
  });
});
