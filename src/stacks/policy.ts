/**
 * IAM policy documents (and other JSON documents) from the plan. A document without Terraform references is a
 * JSON string; one that holds a reference (an account id read from the caller identity) is
 * rendered through `jsonencode`, because cdktf writes a JSON string around a reference into HCL unescaped.
 */
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { denyInsecureTransport, type PolicyStatement } from '../aws/policies';
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
 * A statement of the plan's shape as an `aws_iam_policy_document` statement, for documents that
 * hold Terraform references (a queue's or topic's ARN).
 */
export function documentStatement(s: PolicyStatement): DataAwsIamPolicyDocumentStatement {
  const list = (v: string | string[] | boolean) => (Array.isArray(v) ? v : [String(v)]);
  const principals = s.Principal === '*' ? [{ type: '*', identifiers: ['*'] }] : Object.entries(s.Principal ?? {}).map(([type, ids]) => ({ type, identifiers: list(ids) }));
  return {
    sid: s.Sid,
    effect: s.Effect,
    actions: list(s.Action),
    resources: s.Resource === undefined ? undefined : list(s.Resource),
    principals: principals.length ? principals : undefined,
    condition: Object.entries(s.Condition ?? {}).flatMap(([test, vars]) => Object.entries(vars).map(([variable, values]) => ({ test, variable, values: list(values) }))),
  };
}

/**
 * The policy of a queue lustreform creates: every action denied without TLS, then `statements`
 * (the services that send to it). Every queue gets one, so none accepts plain HTTP.
 */
export function queuePolicy(scope: Construct, id: string, logicalId: string, queue: SqsQueue, statements: DataAwsIamPolicyDocumentStatement[] = []): SqsQueuePolicy {
  const document = new DataAwsIamPolicyDocument(scope, `${id}-document`, { statement: [documentStatement(denyInsecureTransport('sqs', queue.arn)), ...statements] });
  document.overrideLogicalId(logicalId);
  const policy = new SqsQueuePolicy(scope, id, { queueUrl: queue.url, policy: document.json });
  policy.overrideLogicalId(logicalId);
  return policy;
}

/** The policy of a topic lustreform creates: every action denied without TLS, then `statements`. */
export function topicPolicy(scope: Construct, id: string, logicalId: string, topic: SnsTopic, statements: DataAwsIamPolicyDocumentStatement[]): SnsTopicPolicy {
  const document = new DataAwsIamPolicyDocument(scope, `${id}-document`, { statement: [documentStatement(denyInsecureTransport('sns', topic.arn)), ...statements] });
  document.overrideLogicalId(logicalId);
  const policy = new SnsTopicPolicy(scope, id, { arn: topic.arn, policy: document.json });
  policy.overrideLogicalId(logicalId);
  return policy;
}
