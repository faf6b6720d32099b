/** IAM policy documents as plain data, rendered to JSON strings with no Terraform tokens in them. */

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export const policyJson = (statements: Statement[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** A trust policy that lets `services` assume the role. */
export const trustPolicy = (...services: string[]): string =>
  policyJson([{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }]);
