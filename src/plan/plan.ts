/**
 * `planBlueprint`: the one typed value every renderer and reader uses (src/plan/types.ts). One
 * stack per site and layer, named `<blueprint>-<site>-<layer>`, holding what that layer places at
 * that site; empty layers are not planned. Dependencies only order deploys and follow from what a
 * stack holds: replication after the storage of both ends, lustre after the storage of every
 * bucket it reads, protection after its site's storage (and lustre, for backup plans) and the
 * storage of the vaults it copies to. No stack references another: identifiers that cross sites
 * are computed (src/plan/arns.ts), so every stack plans alone and the DAG has no cycle.
 */
import type { Account, Blueprint, Site } from '../blueprint/model';
import { cloudPlan } from './cloud';
import { directionsFrom } from '../blueprint/topology';
import { fileSystemsAt, lustreAt } from './lustre';
import { alarmTopics, dashboard } from './monitoring';
import { protectionAt } from './protection';
import { deployedRecoveries } from './recovery';
import { replicationAt, ruleId } from './replication';
import { stackName, topologicalOrder } from './stacks';
import { hasVault, replicatingBuckets, storageAt } from './storage';
import { LAYERS, type AlarmPlan, type BackendPlan, type Layer, type Plan, type PlanOptions, type ProviderPlan, type StackPlan } from './types';

/** The tags every resource carries, through the provider's default_tags (blueprint-spec.md). */
export function siteTags(m: Blueprint, site: Site): Record<string, string> {
  return { ...m.tags, 'lustreform:blueprint': m.name, 'lustreform:site': site.key };
}

/** The site's account and region; `planRoles`: the account's read-only planRole (where given) instead of assumeRole. */
function provider(m: Blueprint, site: Site, planRoles: boolean): ProviderPlan {
  const account = site.account;
  const role = (planRoles && account?.planRole) || account?.assumeRole;
  return {
    region: site.region,
    allowedAccountIds: account ? [account.id] : undefined,
    assumeRole: role ? { roleArn: role, sessionName: `lustreform-${m.name}` } : undefined,
    tags: siteTags(m, site),
  };
}

/** One state per stack: an S3 key, a Terraform Cloud workspace, or a local file relative to the stack directory. */
export function backendOf(m: Blueprint, stack: string): BackendPlan {
  const { state } = m;
  if (state.backend === 's3' && state.s3) return { kind: 's3', bucket: state.s3.bucket, region: state.s3.region, key: `${state.s3.keyPrefix}${stack}.tfstate` };
  if (state.backend === 'cloud' && state.organization) return { kind: 'cloud', hostname: state.hostname, organization: state.organization, workspace: `${state.workspacePrefix}${stack}`, project: state.project };
  return { kind: 'local', path: `terraform.${stack}.tfstate` };
}

type Contents<L extends Layer> = Omit<Extract<StackPlan, { layer: L }>, 'name' | 'site' | 'layer' | 'dependsOn' | 'provider' | 'backend'>;

export function planBlueprint(m: Blueprint, options: PlanOptions = {}): Plan {
  const recoveries = deployedRecoveries(m, options.activation);
  const planned: { stack: StackPlan; after: Set<string> }[] = [];
  const add = <L extends Layer>(site: Site, layer: L, contents: Contents<L>, after: [Site, Layer][]) => {
    const name = stackName(m, site, layer);
    const stack = { name, site, layer, dependsOn: [], provider: provider(m, site, !!options.planRoles), backend: backendOf(m, name), ...contents } as unknown as StackPlan;
    planned.push({ stack, after: new Set(after.map(([s, l]) => stackName(m, s, l))) });
  };
  for (const site of m.sites.values()) {
    const replication = replicationAt(m, site);
    const lustre = lustreAt(m, site, recoveries);
    const protection = protectionAt(m, site);
    const storage = storageAt(m, site);
    const runs = storage || replication.configurations.length || lustre.fileSystems.length || protection.backupPlans.length || protection.restoreTests.length || protection.archiveRestore.length;
    const board = dashboard(m, site, { fileSystems: fileSystemsAt(m, site, recoveries), rules: replicatingBuckets(m, site).flatMap((b) => directionsFrom(m, b).map((d) => ({ d, ruleId: ruleId(d) }))), vault: hasVault(m, site) });
    const topics = runs ? alarmTopics(m, site, [site.region]) : [];
    if (storage || topics.length) add(site, 'storage', { buckets: [], replicationRoles: [], ...storage, alarmTopics: topics, dashboard: lustre.fileSystems.length ? undefined : board, otherRegions: [] }, []);
    if (replication.configurations.length) {
      const regions = otherRegions(alarmsOf(replication.configurations));
      add(site, 'replication', { configurations: replication.configurations, alarmTopics: alarmTopics(m, site, regions), otherRegions: regions }, replication.waitsFor.map((s) => [s, 'storage']));
    }
    if (lustre.fileSystems.length) add(site, 'lustre', { fileSystems: lustre.fileSystems, dashboard: board, otherRegions: [] }, [[site, 'storage'], ...lustre.reads.map((s): [Site, Layer] => [s, 'storage'])]);
    if (protection.backupPlans.length || protection.restoreTests.length || protection.archiveRestore.length) {
      add(site, 'protection', { backupPlans: protection.backupPlans, restoreTests: protection.restoreTests, archiveRestore: protection.archiveRestore, restoreTrail: protection.restoreTrail, backupEvents: protection.backupEvents, otherRegions: [] }, [[site, 'storage'], ...protection.waitsFor]);
    }
  }
  if (options.unprotect) {
    for (const { stack } of planned) {
      if (stack.layer === 'storage') stack.buckets = stack.buckets.map((b) => ({ ...b, protect: false }));
      if (stack.layer === 'lustre') stack.fileSystems = stack.fileSystems.map((f) => ({ ...f, protect: false }));
    }
  }
  const names = new Set(planned.map((p) => p.stack.name));
  for (const p of planned) p.stack.dependsOn = [...p.after].filter((d) => d !== p.stack.name && names.has(d)).sort();
  const stacks = topologicalOrder(planned.map((p) => p.stack));
  const cloud = cloudPlan(m, stacks, (account) => accountProvider(m, account, !!options.planRoles));
  return { blueprint: m.name, activation: options.activation, ...(cloud ? { cloud } : {}), stacks, recoveries };
}

/** The provider of a stack that covers an account rather than a site (a tfc-bootstrap stack): its first site's region. */
function accountProvider(m: Blueprint, account: Account, planRoles: boolean): ProviderPlan {
  const site = [...m.sites.values()].find((s) => s.account === account)!;
  return { ...provider(m, site, planRoles), tags: { ...m.tags, 'lustreform:blueprint': m.name, 'lustreform:account': account.key } };
}

/** The regions other than the site's that these alarms or topics live in (each gets an aliased provider). */
const otherRegions = (items: { region?: string }[]): string[] => [...new Set(items.flatMap((x) => (x.region ? [x.region] : [])))].sort();
const alarmsOf = (items: { alarms: AlarmPlan[] }[]): AlarmPlan[] => items.flatMap((x) => x.alarms);

/** The planned stacks of one layer. */
export const stacksOf = <L extends Layer>(plan: Plan, layer: L): Extract<StackPlan, { layer: L }>[] => plan.stacks.filter((s): s is Extract<StackPlan, { layer: L }> => s.layer === layer);

/** Every alarm the plan deploys, with the site whose topic it notifies and the region it lives in. */
export function plannedAlarms(plan: Plan): { site: Site; region: string; alarm: AlarmPlan }[] {
  return plan.stacks.flatMap((s) => {
    const items = s.layer === 'lustre' ? s.fileSystems : s.layer === 'replication' ? s.configurations : s.layer === 'protection' ? [...s.backupPlans, ...s.archiveRestore] : [];
    return alarmsOf(items).map((alarm) => ({ site: s.site, region: alarm.region ?? s.site.region, alarm }));
  });
}

/** Every stack name the blueprint could have (any layer at any site, cold standbys included). */
export const possibleStacks = (m: Blueprint): string[] => [...m.sites.values()].flatMap((site) => LAYERS.map((layer) => stackName(m, site, layer)));
