/**
 * IAM policy documents (and other JSON documents) from the plan. A document without Terraform references is a
 * JSON string; one that holds a reference (an account id read from the caller identity) is
 * rendered through `jsonencode`, because cdktf writes a JSON string around a reference into HCL unescaped.
 */
import { Fn, Token } from 'cdktf';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { Statement } from '../plan/types';

/** A JSON document as Terraform should receive it: a string, or `jsonencode` when it holds a reference. */
export function jsonDocument(document: object): string {
  const text = JSON.stringify(document);
  return Token.isUnresolved(text) ? Fn.jsonencode(document) : text;
}

export const policyJson = (statements: readonly Statement[]): string => jsonDocument({ Version: '2012-10-17', Statement: statements });

/** A trust policy that lets `services` assume the role. */
export const trustPolicy = (...services: string[]): string =>
  policyJson([{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }]);

/**
 * The statement of a resource policy that refuses every request not sent over TLS
 * (`aws:SecureTransport` false), for policy documents built with aws_iam_policy_document.
 */
export const denyInsecureTransport = (actions: string[], resources: string[]): DataAwsIamPolicyDocumentStatement => ({
  sid: 'DenyInsecureTransport',
  effect: 'Deny',
  actions,
  resources,
  principals: [{ type: '*', identifiers: ['*'] }],
  condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
});
