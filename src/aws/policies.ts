/**
 * Policy statements every stack repeats: the trust of the roles services assume on lustreform's
 * behalf, and the TLS-only denial of resource policies. Plain data (the plan's Statement shape),
 * used by src/plan and by constructs whose policies hold Terraform references.
 */

/** An IAM policy statement as plain data (src/plan/types.ts' Statement has this shape). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[]; Federated?: string };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}
type Statement = PolicyStatement;

/** What a service must send when it assumes one of lustreform's roles (the confused-deputy conditions). */
export interface TrustSource {
  /** `aws:SourceAccount`: the account whose resource the service acts for. */
  account: string;
  /** `aws:SourceArn` (ArnLike): the resource the service acts for, where the service sends it. */
  arn?: string;
}

/**
 * A trust policy letting `service` assume the role only on behalf of `source`: `aws:SourceAccount`
 * always, `aws:SourceArn` where the service sends it (IAM User Guide, "The confused deputy
 * problem": "We recommend using the aws:SourceArn and aws:SourceAccount global condition context
 * keys in resource policies", which a trust policy is).
 */
export function serviceTrust(service: string, source: TrustSource): Statement[] {
  return [
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': source.account }, ...(source.arn ? { ArnLike: { 'aws:SourceArn': source.arn } } : {}) },
    },
  ];
}

/**
 * Denies every action on `resources` over plain HTTP, for anyone: `s3:*`, `sns:*` or `sqs:*`, not
 * just the actions the policy grants (the AWS Security Hub controls S3.5 and SNS/SQS "should
 * require encryption in transit" ask for all of them).
 */
export function denyInsecureTransport(service: 's3' | 'sns' | 'sqs', resources: string | string[]): Statement {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: `${service}:*`, Resource: resources, Condition: { Bool: { 'aws:SecureTransport': false } } };
}

/** AWS managed service-role policies (`arn:<partition>:iam::aws:policy/service-role/<name>`), by name. */
export const managedServicePolicies = (partition: string, names: readonly string[]): { name: string; arn: string }[] =>
  names.map((name) => ({ name, arn: `arn:${partition}:iam::aws:policy/service-role/${name}` }));
