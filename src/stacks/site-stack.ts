import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import type { Construct, IConstruct } from 'constructs';
import type { Site } from '../blueprint/model';
import { AMBIENT_ACCOUNT } from '../plan/arns';
import type { BackendPlan, StackPlan } from '../plan/types';
import { replaceIn } from './markers';

/**
 * The AWS provider every stack requires: any 6.x from 6.25, the version `@cdktf/provider-aws` 21
 * was generated for. Written by lustreform, not taken from the bindings, which pin exactly their
 * own version (so `terraform init` failed against a mirror or registry holding another compatible
 * 6.x) and which differ between CDKTF and CDK Terrain (6.66.0, with source `hashicorp/aws`): on
 * either, the stacks require the same.
 */
export const AWS_PROVIDER_REQUIREMENT = { source: 'hashicorp/aws', version: '~> 6.25' } as const;

/** cdktf 0.21's NamedCloudWorkspace writes its project into JSON but drops it from HCL: this one writes both. */
class NamedProjectWorkspace extends NamedCloudWorkspace {
  toHclTerraform(): Record<string, unknown> {
    const hcl = super.toHclTerraform() as Record<string, unknown>;
    return this.project ? { ...hcl, project: { value: this.project, type: 'simple', storageClassType: 'string' } } : hcl;
  }
}

/** The stack's state backend, as planned. */
export function addBackend(stack: TerraformStack, backend: BackendPlan): void {
  if (backend.kind === 's3') {
    new S3Backend(stack, { bucket: backend.bucket, region: backend.region, key: backend.key, encrypt: true });
    // Native S3 locking (Terraform >= 1.10); cdktf 0.21 predates the argument, hence the override.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else if (backend.kind === 'cloud') {
    new CloudBackend(stack, { hostname: backend.hostname, organization: backend.organization, workspaces: new NamedProjectWorkspace(backend.workspace, backend.project) });
  } else {
    new LocalBackend(stack, { path: backend.path });
  }
}

/** cdktf 0.21's stacks read HCL output from SYNTH_HCL_OUTPUT only, not from the App's hclOutput: set it per stack. */
export function writesHclLikeItsApp(stack: TerraformStack, scope: Construct): void {
  if (App.isApp(scope) && scope.hclOutput) stack.synthesizer = new StackSynthesizer(stack, false, true);
}

/**
 * One stack: one site (account + region) and one layer, as planned. It owns its AWS provider,
 * which assumes the account's role, refuses credentials of any other account, and tags everything
 * it creates; and its state backend.
 */
export class SiteStack extends TerraformStack {
  readonly site: Site;
  private callerIdentity?: DataAwsCallerIdentity;
  private readonly regional = new Map<string, AwsProvider>();

  constructor(scope: Construct, readonly plan: StackPlan) {
    super(scope, plan.name);
    writesHclLikeItsApp(this, scope);
    this.site = plan.site;
    const settings = { allowedAccountIds: plan.provider.allowedAccountIds, assumeRole: plan.provider.assumeRole && [plan.provider.assumeRole], defaultTags: [{ tags: plan.provider.tags }] };
    new AwsProvider(this, 'aws', { region: plan.provider.region, ...settings });
    // Resources that must live in another region (a metric published there) use an aliased provider
    // (AWS provider 5's way, which provider 6 keeps, and which the machines' provider 5 mirror validates).
    for (const region of plan.otherRegions) this.regional.set(region, new AwsProvider(this, `aws-${region}`, { alias: region.replace(/-/g, '_'), region, ...settings }));
    this.addOverride('terraform.required_providers.aws', { ...AWS_PROVIDER_REQUIREMENT });
    addBackend(this, plan.backend);
  }

  /**
   * A plan value with the ambient account (a blueprint without `accounts`) as this stack's own
   * caller identity, read from its credentials rather than from another stack.
   */
  resolve<T>(value: T): T {
    return replaceIn(value, (text) => {
      if (!text.includes(AMBIENT_ACCOUNT)) return text;
      this.callerIdentity ??= new DataAwsCallerIdentity(this, 'current');
      return text.split(AMBIENT_ACCOUNT).join(this.callerIdentity.accountId);
    });
  }

  /** The provider for resources in `region`: the stack's own, or the aliased one the plan asked for. */
  providerIn(region: string | undefined): AwsProvider | undefined {
    if (!region || region === this.plan.provider.region) return undefined;
    const found = this.regional.get(region);
    if (!found) throw new Error(`${this.plan.name} plans no provider for ${region}`);
    return found;
  }

  /** The stack that `scope` is in. */
  static ofScope(scope: IConstruct): SiteStack {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof SiteStack)) throw new Error(`${scope.node.path} is not in a lustreform stack`);
    return stack;
  }
}
