/**
 * Terraform Cloud as code (`state.manageWorkspaces`), rendered from the plan (src/plan/cloud.ts):
 * the workspaces stack (tfe provider) and one bootstrap stack per account (aws provider). They
 * are stacks of the App like the others, with their own state and no dependency on them.
 */
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataTfeProject } from '@cdktf/provider-tfe/lib/data-tfe-project';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { RunTrigger } from '@cdktf/provider-tfe/lib/run-trigger';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { BootstrapStackPlan, WorkspacesStackPlan } from '../plan/types';
import { policyJson } from './policy';
import { AWS_PROVIDER_REQUIREMENT, addBackend, writesHclLikeItsApp } from './site-stack';

/**
 * The tfe provider the workspaces stack requires: any 0.x from 0.71, the version
 * `@cdktf/provider-tfe` 12 was generated for (written by lustreform, as for aws).
 */
export const TFE_PROVIDER_REQUIREMENT = { source: 'hashicorp/tfe', version: '~> 0.71' } as const;

/**
 * The workspaces of every stack: CLI-driven (no VCS connection), remote execution with dynamic
 * AWS credentials (TFC_AWS_PROVIDER_AUTH, TFC_AWS_RUN_ROLE_ARN as environment variables), tagged
 * with blueprint, site and layer (key-value tags, tfe_workspace `tags`), run triggers from every
 * stack's workspace it waits for, auto apply off (for triggered runs unless autoApplyRunTriggers).
 * The bootstrap stacks' workspaces run locally and only keep state. The token is the tfe
 * provider's: TFE_TOKEN, or the terraform CLI credentials of the host (`terraform login`).
 * Destroying a workspace is tfe's safe delete (force_delete off): refused while it manages resources.
 */
export class WorkspacesStack extends TerraformStack {
  constructor(scope: Construct, readonly plan: WorkspacesStackPlan) {
    super(scope, plan.name);
    writesHclLikeItsApp(this, scope);
    new TfeProvider(this, 'tfe', { hostname: plan.hostname, organization: plan.organization });
    this.addOverride('terraform.required_providers.tfe', { ...TFE_PROVIDER_REQUIREMENT });
    addBackend(this, plan.backend);
    const project = plan.project ? new DataTfeProject(this, 'project', { name: plan.project, organization: plan.organization }) : undefined;
    const ids = new Map<string, string>();
    for (const w of plan.workspaces) {
      const workspace = new Workspace(this, `workspace-${w.key}`, {
        name: w.name,
        organization: plan.organization,
        projectId: project?.id,
        description: w.description,
        tags: w.tags,
        autoApply: false,
        autoApplyRunTrigger: w.autoApplyRunTriggers,
      });
      workspace.overrideLogicalId(w.key);
      ids.set(w.key, workspace.id);
      new WorkspaceSettings(this, `settings-${w.key}`, { workspaceId: workspace.id, executionMode: w.executionMode }).overrideLogicalId(w.key);
      for (const v of w.variables) {
        new Variable(this, `variable-${w.key}-${v.key}`, { workspaceId: workspace.id, key: v.key, value: v.value, category: 'env', description: v.description }).overrideLogicalId(`${w.key}_${v.key}`);
      }
    }
    for (const w of plan.workspaces) {
      for (const source of w.triggeredBy) {
        new RunTrigger(this, `trigger-${w.key}-${source}`, { workspaceId: ids.get(w.key)!, sourceableId: ids.get(source)! }).overrideLogicalId(`${w.key}_after_${source}`);
      }
    }
  }
}

/**
 * One account's access for Terraform Cloud runs: the IAM OIDC provider for the host (no
 * thumbprint: IAM takes the top intermediate CA's itself when none is given, and verifies hosts
 * whose certificate a trusted root CA signed with its own CA library; CreateOpenIDConnectProvider,
 * "ThumbprintList ... optional") and the run role, which only this organization's and project's
 * workspaces of this blueprint can assume, and which may only assume the account's assumeRole and
 * planRole (or is the deployer, without assumeRole). Applied where you are, like any stack.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, readonly plan: BootstrapStackPlan) {
    super(scope, plan.name);
    writesHclLikeItsApp(this, scope);
    const p = plan.provider;
    new AwsProvider(this, 'aws', { region: p.region, allowedAccountIds: p.allowedAccountIds, assumeRole: p.assumeRole && [p.assumeRole], defaultTags: [{ tags: p.tags }] });
    this.addOverride('terraform.required_providers.aws', { ...AWS_PROVIDER_REQUIREMENT });
    addBackend(this, plan.backend);
    const oidc = new IamOpenidConnectProvider(this, 'oidc-provider', { url: plan.oidcProvider.url, clientIdList: plan.oidcProvider.clientIds });
    oidc.overrideLogicalId('terraform_cloud');
    const r = plan.runRole;
    // The trust names the provider by its computed ARN; depends_on creates the provider first.
    const role = new IamRole(this, 'run-role', { name: r.name, description: r.description, assumeRolePolicy: policyJson(r.trust), dependsOn: [oidc] });
    role.overrideLogicalId('run_role');
    if (r.statements.length) new IamRolePolicy(this, 'run-role-policy', { role: role.name, name: 'assume-deploy-roles', policy: policyJson(r.statements) }).overrideLogicalId('run_role');
    for (const policy of r.managedPolicies) new IamRolePolicyAttachment(this, `run-role-${policy.name}`, { role: role.name, policyArn: policy.arn }).overrideLogicalId(`run_role_${policy.name}`);
    new TerraformOutput(this, 'run-role-arn', { value: role.arn, description: `TFC_AWS_RUN_ROLE_ARN of the workspaces in account ${plan.accountKey}` }).overrideLogicalId('run_role_arn');
    new TerraformOutput(this, 'oidc-provider-arn', { value: oidc.arn, description: 'the IAM OIDC provider of the Terraform Cloud host' }).overrideLogicalId('oidc_provider_arn');
  }
}
