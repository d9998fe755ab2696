import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Construct } from "constructs";

/** One CloudWatch alarm on one metric, in one-minute periods. */
export interface MetricAlarmSpec {
  readonly alarmName: string;
  /** Which lesson the alarm watches and what to check first. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
  readonly dimensions: Record<string, string>;
  readonly threshold: number;
  /** @default GreaterThanThreshold */
  readonly comparison?: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  /** One-minute periods evaluated. */
  readonly periods: number;
  /** @default periods - every evaluated minute must breach */
  readonly datapointsToAlarm?: number;
  /** @default notBreaching - ELB and ECS publish count metrics only when they are not zero */
  readonly treatMissingData?: "notBreaching" | "breaching";
  /** @default - the alarm changes state without notifying anyone */
  readonly topicArn?: string;
}

/** Creates the alarm; it notifies the topic (when given) on alarm and on recovery. */
export function metricAlarm(scope: Construct, id: string, spec: MetricAlarmSpec): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: spec.alarmName,
    alarmDescription: spec.description,
    namespace: spec.namespace,
    metricName: spec.metricName,
    statistic: spec.statistic,
    dimensions: spec.dimensions,
    period: 60,
    evaluationPeriods: spec.periods,
    ...(spec.datapointsToAlarm !== undefined && spec.datapointsToAlarm !== spec.periods
      ? { datapointsToAlarm: spec.datapointsToAlarm }
      : {}),
    threshold: spec.threshold,
    comparisonOperator: spec.comparison ?? "GreaterThanThreshold",
    treatMissingData: spec.treatMissingData ?? "notBreaching",
    ...(spec.topicArn ? { alarmActions: [spec.topicArn], okActions: [spec.topicArn] } : {}),
  });
}
