import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { Construct } from 'constructs';
import type { ServiceRolePlan } from '../plan/types';
import { policyJson } from './policy';

/** A planned service role and its managed policy attachments, under `logicalId` and `<logicalId>_<policy>`. */
export function renderServiceRole(scope: Construct, logicalId: string, role: ServiceRolePlan): IamRole {
  const out = new IamRole(scope, 'role', { name: role.name, assumeRolePolicy: policyJson(role.trust), description: role.description });
  out.overrideLogicalId(logicalId);
  for (const policy of role.managedPolicies) new IamRolePolicyAttachment(scope, policy.name, { role: out.name, policyArn: policy.arn }).overrideLogicalId(`${logicalId}_${policy.name}`);
  return out;
}
