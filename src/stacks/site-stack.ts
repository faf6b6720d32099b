import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import type { Construct } from 'constructs';
import type { Blueprint, Site } from '../blueprint/model';
import type { StackPlan } from '../plan/stacks';

/** The tags every resource carries, through the provider's default_tags (blueprint-spec.md). */
export function siteTags(m: Blueprint, site: Site): Record<string, string> {
  return { ...m.tags, 'lustreform:blueprint': m.name, 'lustreform:site': site.key };
}

/**
 * The AWS provider every stack requires: any 6.x from 6.25, the version `@cdktf/provider-aws` 21
 * was generated for. Written by lustreform, not taken from the bindings, which pin exactly their
 * own version (so `terraform init` failed against a mirror or registry holding another compatible
 * 6.x) and which differ between CDKTF and CDK Terrain (6.66.0, with source `hashicorp/aws`): on
 * either, the stacks require the same.
 */
export const AWS_PROVIDER_REQUIREMENT = { source: 'hashicorp/aws', version: '~> 6.25' } as const;

/**
 * One stack: one site (account + region) and one layer. It owns its AWS provider, which assumes
 * the account's role, refuses credentials of any other account, and tags everything it creates;
 * and its state backend.
 */
export class SiteStack extends TerraformStack {
  readonly site: Site;
  private callerIdentity?: DataAwsCallerIdentity;

  /** `planRoles`: assume each account's read-only planRole (where given) instead of assumeRole. */
  constructor(scope: Construct, readonly model: Blueprint, readonly plan: StackPlan, options: { planRoles?: boolean } = {}) {
    super(scope, plan.name);
    // cdktf 0.21's stacks read HCL output from SYNTH_HCL_OUTPUT only, not from the App's hclOutput.
    if (App.isApp(scope) && scope.hclOutput) this.synthesizer = new StackSynthesizer(this, false, true);
    this.site = plan.site;
    const account = plan.site.account;
    const role = (options.planRoles && account?.planRole) || account?.assumeRole;
    new AwsProvider(this, 'aws', {
      region: plan.site.region,
      allowedAccountIds: account ? [account.id] : undefined,
      assumeRole: role ? [{ roleArn: role, sessionName: `lustreform-${model.name}` }] : undefined,
      defaultTags: [{ tags: siteTags(model, plan.site) }],
    });
    this.addOverride('terraform.required_providers.aws', { ...AWS_PROVIDER_REQUIREMENT });
    this.configureBackend();
  }

  /**
   * The account id of `site`. Named accounts are literals; without `accounts` every site is the
   * ambient account, which this stack reads from its own credentials (not from another stack).
   */
  accountIdOf(site: Site): string {
    if (site.account) return site.account.id;
    this.callerIdentity ??= new DataAwsCallerIdentity(this, 'current');
    return this.callerIdentity.accountId;
  }

  private configureBackend(): void {
    const { state } = this.model;
    if (state.backend === 's3' && state.s3) {
      new S3Backend(this, { bucket: state.s3.bucket, region: state.s3.region, key: `${state.s3.keyPrefix}${this.plan.name}.tfstate`, encrypt: true });
      // Native S3 locking (Terraform >= 1.10); cdktf 0.21 predates the argument, hence the override.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else if (state.backend === 'cloud' && state.organization) {
      new CloudBackend(this, {
        hostname: state.hostname,
        organization: state.organization,
        workspaces: new NamedCloudWorkspace(`${state.workspacePrefix}${this.plan.name}`),
      });
    } else {
      // One state file per stack, relative to the stack directory terraform runs in (cdktf's own
      // default is an absolute path in the directory synth ran from).
      new LocalBackend(this, { path: `terraform.${this.plan.name}.tfstate` });
    }
  }
}
