/**
 * IAM policy documents from the plan's statements. A document without Terraform references is a
 * JSON string; one that holds a reference (an account id read from the caller identity) is
 * rendered through `jsonencode`, because cdktf writes a JSON string around a reference into HCL unescaped.
 */
import { Fn, Token } from 'cdktf';
import type { Statement } from '../plan/types';

export function policyJson(statements: readonly Statement[]): string {
  const document = { Version: '2012-10-17', Statement: statements };
  const text = JSON.stringify(document);
  return Token.isUnresolved(text) ? Fn.jsonencode(document) : text;
}

/** A trust policy that lets `services` assume the role. */
export const trustPolicy = (...services: string[]): string =>
  policyJson([{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }]);
