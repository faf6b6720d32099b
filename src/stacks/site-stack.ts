import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import type { Construct } from 'constructs';
import type { Site } from '../blueprint/model';
import { AMBIENT_ACCOUNT } from '../plan/arns';
import type { StackPlan } from '../plan/types';

/**
 * One stack: one site (account + region) and one layer, as planned. It owns its AWS provider,
 * which assumes the account's role, refuses credentials of any other account, and tags everything
 * it creates; and its state backend.
 */
export class SiteStack extends TerraformStack {
  readonly site: Site;
  private callerIdentity?: DataAwsCallerIdentity;

  constructor(scope: Construct, readonly plan: StackPlan) {
    super(scope, plan.name);
    // cdktf 0.21's stacks read HCL output from SYNTH_HCL_OUTPUT only, not from the App's hclOutput.
    if (App.isApp(scope) && scope.hclOutput) this.synthesizer = new StackSynthesizer(this, false, true);
    this.site = plan.site;
    new AwsProvider(this, 'aws', { region: plan.provider.region, allowedAccountIds: plan.provider.allowedAccountIds, assumeRole: plan.provider.assumeRole && [plan.provider.assumeRole], defaultTags: [{ tags: plan.provider.tags }] });
    const backend = plan.backend;
    if (backend.kind === 's3') {
      new S3Backend(this, { bucket: backend.bucket, region: backend.region, key: backend.key, encrypt: true });
      // Native S3 locking (Terraform >= 1.10); cdktf 0.21 predates the argument, hence the override.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else if (backend.kind === 'cloud') {
      new CloudBackend(this, { hostname: backend.hostname, organization: backend.organization, workspaces: new NamedCloudWorkspace(backend.workspace) });
    } else {
      new LocalBackend(this, { path: backend.path });
    }
  }

  /**
   * A plan value with the ambient account (a blueprint without `accounts`) as this stack's own
   * caller identity, read from its credentials rather than from another stack.
   */
  resolve<T>(value: T): T {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)])) as T;
    if (typeof value === 'string' && value.includes(AMBIENT_ACCOUNT)) {
      this.callerIdentity ??= new DataAwsCallerIdentity(this, 'current');
      return value.split(AMBIENT_ACCOUNT).join(this.callerIdentity.accountId) as T;
    }
    return value;
  }
}
