import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformOutput, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { FILE_SYSTEM_ID_MARKER } from '../plan/arns';
import type { AlarmPlan, AlarmTopicPlan, BackupEventRulePlan, DashboardPlan, LogMetricFilterPlan } from '../plan/types';
import { replaceIn } from './markers';
import { jsonDocument, policyJson } from './policy';
import { SiteStack } from './site-stack';

/** Plan values with each file system's id (known in its stack) in place of its marker. */
export const withFileSystemIds = <T>(value: T, ids: Record<string, string>): T =>
  replaceIn(value, (text) =>
    text.replace(FILE_SYSTEM_ID_MARKER, (_, key: string) => {
      if (!(key in ids)) throw new Error(`no file system ${key} in this stack for its alarm or dashboard`);
      return ids[key];
    }),
  );

export interface AlarmTopicProps {
  readonly topic: AlarmTopicPlan;
}

/**
 * A site's alarm topic (storage layer): the site's operational key if any, else none (why: src/plan/monitoring.ts), a policy that
 * lets this account's CloudWatch alarms and EventBridge publish, the planned e-mail subscriptions
 * (each address must confirm AWS's e-mail), and its ARN as an output.
 */
export class AlarmTopic extends Construct {
  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const t = props.topic;
    const provider = SiteStack.ofScope(this).providerIn(t.region);
    const topic = new SnsTopic(this, 'topic', { name: t.name, kmsMasterKeyId: t.kmsKeyArn, provider });
    topic.overrideLogicalId(`alarms_${t.key}`);
    new SnsTopicPolicy(this, 'policy', { arn: topic.arn, policy: policyJson(t.statements), provider }).overrideLogicalId(`alarms_${t.key}`);
    t.notify.forEach((email, i) => new SnsTopicSubscription(this, `email-${i}`, { topicArn: topic.arn, protocol: 'email', endpoint: email, provider }).overrideLogicalId(`alarms_${t.key}_email_${i}`));
    new TerraformOutput(this, 'arn', { value: topic.arn, description: `alarm topic ${t.name}` }).overrideLogicalId(`alarm_topic_${t.key}_arn`);
  }
}

/** The planned alarms on `scope`, each with its metric, exact dimensions, statistic, threshold and the alarm topic as its action. */
export function renderAlarms(scope: Construct, alarms: AlarmPlan[], dependsOn?: ITerraformDependable[]): void {
  const stack = SiteStack.ofScope(scope);
  for (const a of alarms) {
    new CloudwatchMetricAlarm(scope, `alarm-${a.key}`, {
      alarmName: a.name,
      alarmDescription: a.description,
      namespace: a.namespace,
      metricName: a.metricName,
      dimensions: Object.keys(a.dimensions).length ? a.dimensions : undefined,
      statistic: a.statistic,
      period: a.periodSeconds,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      comparisonOperator: a.comparison,
      threshold: a.threshold,
      treatMissingData: a.treatMissingData,
      alarmActions: [a.topicArn],
      okActions: [a.topicArn],
      provider: stack.providerIn(a.region),
      dependsOn,
    }).overrideLogicalId(`alarm_${a.key}`);
  }
}

/** A log metric filter counting every event of the log group into the planned metric (0 when none). */
export function renderLogMetricFilter(scope: Construct, key: string, f: LogMetricFilterPlan, logGroup: ITerraformDependable): CloudwatchLogMetricFilter {
  const filter = new CloudwatchLogMetricFilter(scope, 'repository-events', {
    name: f.name,
    logGroupName: f.logGroupName,
    pattern: f.pattern,
    metricTransformation: { name: f.metricName, namespace: f.namespace, value: '1', defaultValue: '0' },
    dependsOn: [logGroup],
  });
  filter.overrideLogicalId(`${key}_repository_events`);
  return filter;
}

/** AWS Backup failure events of the site's vault, each rule targeting the alarm topic. */
export function renderBackupEvents(scope: Construct, rules: BackupEventRulePlan[]): void {
  for (const r of rules) {
    const rule = new CloudwatchEventRule(scope, `event-${r.key}`, { name: r.name, description: r.description, eventPattern: JSON.stringify(r.pattern) });
    rule.overrideLogicalId(r.key);
    new CloudwatchEventTarget(scope, `event-${r.key}-target`, { rule: rule.name, arn: r.topicArn }).overrideLogicalId(r.key);
  }
}

/** The site's CloudWatch dashboard: one metric widget per planned widget, two to a row. */
export function renderDashboard(scope: Construct, d: DashboardPlan): void {
  const widgets = d.widgets.map((w, i) => ({ type: 'metric', x: (i % 2) * 12, y: Math.floor(i / 2) * 6, width: 12, height: 6, properties: { title: w.title, region: w.region, period: w.period, view: 'timeSeries', stacked: false, metrics: w.metrics } }));
  new CloudwatchDashboard(scope, 'dashboard', { dashboardName: d.name, dashboardBody: jsonDocument({ widgets }) }).overrideLogicalId('site');
}
