/**
 * Terraform Cloud as code (`state.manageWorkspaces: true`): what the workspaces stack and the
 * per-account bootstrap stacks hold, decided here once; `lustreform stacks`, the constructs and
 * the TFC001 check read it.
 *
 * Order (README "Terraform Cloud as code"): the workspaces stack first, where you are, with a
 * TFE_TOKEN (its state in a local file beside cdktf.out, which it cannot keep in a workspace it
 * creates); then each bootstrap stack, where you are, with credentials of its account (state in a
 * workspace of local execution the first stack created); then the stacks themselves, whose runs
 * in Terraform Cloud reach AWS through the run role (dynamic credentials) and follow the deploy
 * order through run triggers.
 *
 * Dynamic credentials (HashiCorp, "Use dynamic credentials with the AWS provider"): the workspace
 * variables TFC_AWS_PROVIDER_AUTH=true and TFC_AWS_RUN_ROLE_ARN make each run get a workload
 * identity token (issuer https://<hostname>, audience aws.workload.identity, subject
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`) and assume
 * the run role with it. The stacks' providers then assume the account's `assumeRole` from the run
 * role, as they do from any credentials; without `assumeRole` the run role is the deployer.
 */
import type { Account, Blueprint } from '../blueprint/model';
import { partitionOf } from '../aws/regions';
import { roleName } from './arns';
import type { BackendPlan, BootstrapStackPlan, CloudPlan, Statement, StackPlan, WorkspacePlan } from './types';

/** A workspace takes at most 20 run-trigger sources (HashiCorp, "Run triggers"; aws-facts.md). */
export const RUN_TRIGGER_SOURCES_MAX = 20;

/** The audience of Terraform Cloud's workload identity tokens for AWS (TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE's default). */
export const TFC_AWS_AUDIENCE = 'aws.workload.identity';

/** Terraform Cloud puts workspaces that name no project in the organization's default project, by this name. */
export const DEFAULT_PROJECT = 'Default Project';

export const workspacesStackName = (m: Blueprint): string => `${m.name}-tfc-workspaces`;
export const bootstrapStackName = (m: Blueprint, account: Account): string => `${m.name}-${account.key}-tfc-bootstrap`;
/** The workspace of a stack: `<workspacePrefix><stack>`, as its cloud backend names it. */
export const workspaceName = (m: Blueprint, stack: string): string => `${m.state.workspacePrefix}${stack}`;
export const runRoleName = (m: Blueprint, account: Account): string => roleName(m, 'tfc-run', account.key);

/** The accounts the sites use, in the order of `accounts`. */
const usedAccounts = (m: Blueprint): Account[] => [...m.accounts.values()].filter((a) => [...m.sites.values()].some((s) => s.account === a));

/** The first site of an account: its region gives the bootstrap stack's provider a region and the partition. */
const homeSite = (m: Blueprint, account: Account) => [...m.sites.values()].find((s) => s.account === account)!;

export function runRoleArn(m: Blueprint, account: Account): string {
  return `arn:${partitionOf(homeSite(m, account).region)}:iam::${account.id}:role/${runRoleName(m, account)}`;
}

/**
 * The `sub` the run role trusts: this organization, this project, workspaces named
 * `<workspacePrefix><blueprint>-*` (every stack's, and no other's even with an empty prefix),
 * plan and apply phases.
 */
export function runSubject(m: Blueprint): string {
  return `organization:${m.state.organization}:project:${m.state.project ?? DEFAULT_PROJECT}:workspace:${workspaceName(m, `${m.name}-`)}*:run_phase:*`;
}

const key = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** The stacks whose workspace waits on more than a workspace can take as run-trigger sources. */
export function tooManyTriggerSources(stacks: StackPlan[]): { stack: string; sources: string[] }[] {
  return stacks.filter((s) => s.dependsOn.length > RUN_TRIGGER_SOURCES_MAX).map((s) => ({ stack: s.name, sources: s.dependsOn }));
}

/**
 * The Terraform Cloud plan of a blueprint with `manageWorkspaces` (undefined otherwise, or when a
 * site names no account: TFC002 refuses that blueprint). Each stack's workspace is triggered by
 * the workspaces of every stack it waits for, not only the nearest: a source's run triggers only
 * when it applies, and a run with nothing to change does not apply.
 */
export function cloudPlan(m: Blueprint, stacks: StackPlan[], provider: (account: Account) => BootstrapStackPlan['provider']): CloudPlan | undefined {
  const { state } = m;
  if (state.backend !== 'cloud' || !state.manageWorkspaces || !state.organization) return undefined;
  if ([...m.sites.values()].some((s) => !s.account)) return undefined;
  const host = state.hostname;
  const cloudBackend = (stack: string): BackendPlan => ({ kind: 'cloud', hostname: host, organization: state.organization!, workspace: workspaceName(m, stack), project: state.project });
  const tags = (more: Record<string, string>) => ({ 'lustreform-blueprint': m.name, ...more });

  const bootstrap = usedAccounts(m).map((account): BootstrapStackPlan => {
    const partition = partitionOf(homeSite(m, account).region);
    const oidcArn = `arn:${partition}:iam::${account.id}:oidc-provider/${host}`;
    const assumes = [account.assumeRole, account.planRole].filter((r): r is string => !!r);
    const trust: Statement[] = [{
      Sid: 'TerraformCloudRuns',
      Effect: 'Allow',
      Principal: { Federated: oidcArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${host}:aud`]: TFC_AWS_AUDIENCE }, StringLike: { [`${host}:sub`]: runSubject(m) } },
    }];
    return {
      name: bootstrapStackName(m, account),
      accountKey: account.key,
      accountId: account.id,
      provider: provider(account),
      backend: cloudBackend(bootstrapStackName(m, account)),
      oidcProvider: { url: `https://${host}`, arn: oidcArn, clientIds: [TFC_AWS_AUDIENCE] },
      runRole: {
        name: runRoleName(m, account),
        arn: runRoleArn(m, account),
        description: `Terraform Cloud runs of ${m.name}'s workspaces (${state.organization}, ${state.project ?? DEFAULT_PROJECT}) in account ${account.key}`,
        trust,
        statements: assumes.length ? [{ Sid: 'AssumeDeployRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: assumes }] : [],
        managedPolicies: assumes.length ? [] : [{ name: 'AdministratorAccess', arn: `arn:${partition}:iam::aws:policy/AdministratorAccess` }],
      },
    };
  });

  const roleOf = new Map(bootstrap.map((b) => [b.accountKey, b.runRole.arn]));
  const stackWorkspaces = stacks.map((s): WorkspacePlan => ({
    key: key(s.name),
    name: workspaceName(m, s.name),
    stack: s.name,
    description: `lustreform ${m.name}: the ${s.layer} stack of site ${s.site.key} (${s.site.region})`,
    tags: tags({ 'lustreform-site': s.site.key, 'lustreform-layer': s.layer }),
    executionMode: 'remote',
    autoApplyRunTriggers: state.autoApplyRunTriggers,
    triggeredBy: s.dependsOn.slice(0, RUN_TRIGGER_SOURCES_MAX).map(key),
    variables: [
      { key: 'TFC_AWS_PROVIDER_AUTH', value: 'true', description: 'Dynamic AWS credentials: each run assumes TFC_AWS_RUN_ROLE_ARN with a workload identity token' },
      { key: 'TFC_AWS_RUN_ROLE_ARN', value: roleOf.get(s.site.account!.key)!, description: `The run role of account ${s.site.account!.key} (stack ${bootstrap.find((b) => b.accountKey === s.site.account!.key)!.name})` },
    ],
  }));
  const bootstrapWorkspaces = bootstrap.map((b): WorkspacePlan => ({
    key: key(b.name),
    name: workspaceName(m, b.name),
    stack: b.name,
    description: `lustreform ${m.name}: OIDC provider and run role of account ${b.accountKey}; applied where you are (local execution), its state kept here`,
    tags: tags({ 'lustreform-account': b.accountKey, 'lustreform-layer': 'tfc-bootstrap' }),
    executionMode: 'local',
    autoApplyRunTriggers: false,
    triggeredBy: [],
    variables: [],
  }));
  return {
    workspaces: {
      name: workspacesStackName(m),
      hostname: host,
      organization: state.organization,
      project: state.project,
      // Beside cdktf.out (the stack directory is <outdir>/stacks/<stack>), so a synth, which
      // replaces the output directory, does not take the state with it.
      backend: { kind: 'local', path: `../../../terraform.${workspacesStackName(m)}.tfstate` },
      workspaces: [...bootstrapWorkspaces, ...stackWorkspaces],
    },
    bootstrap,
  };
}
