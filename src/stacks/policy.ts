/**
 * IAM policy documents as plain data. A document without Terraform references is a JSON string; one
 * that holds a reference (an account id read from the caller identity, a bucket ARN) is rendered
 * through `jsonencode`, because cdktf writes a JSON string around a reference into HCL unescaped.
 */
import { Fn, Token } from 'cdktf';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyJson(statements: Statement[]): string {
  const document = { Version: '2012-10-17', Statement: statements };
  const text = JSON.stringify(document);
  return Token.isUnresolved(text) ? Fn.jsonencode(document) : text;
}

/** A trust policy that lets `services` assume the role. */
export const trustPolicy = (...services: string[]): string =>
  policyJson([{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }]);
