import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";

export interface ServiceAlarmsProps {
  /** Alarm name prefix, e.g. prod-api. */
  readonly resourceName: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly loadBalancerKind: "alb" | "nlb";
  /** arn_suffix of the load balancer and of the target group (CloudWatch dimensions). */
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  /** @default - alarms change state without notifying anyone */
  readonly alarmTopicArn?: string;
  /** @default 85 */
  readonly utilizationThresholdPercent?: number;
  /** Target 5xx responses per minute that alarm (ALB only). @default 10 */
  readonly target5xxPerMinute?: number;
}

/**
 * Saturation and health alarms of a service (lessons 7 and 10): CPU and memory utilization, unhealthy
 * targets, and target 5xx for ALB services; each notifies the topic when given, on alarm and on recovery.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const actions = props.alarmTopicArn ? { alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn] } : {};
    const utilization = props.utilizationThresholdPercent ?? 85;
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const lbNamespace = props.loadBalancerKind === "alb" ? "AWS/ApplicationELB" : "AWS/NetworkELB";
    const target = { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.targetGroupArnSuffix };
    const alarm = (
      name: string,
      description: string,
      spec: {
        namespace: string;
        metricName: string;
        statistic: string;
        threshold: number;
        dimensions: Record<string, string>;
        periods: number;
      },
    ) =>
      this.alarms.push(
        new CloudwatchMetricAlarm(this, name, {
          alarmName: `${props.resourceName}-${name}`,
          alarmDescription: description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          statistic: spec.statistic,
          dimensions: spec.dimensions,
          period: 60,
          evaluationPeriods: spec.periods,
          threshold: spec.threshold,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          ...actions,
        }),
      );
    alarm("cpu-high", `${props.serviceName}: average CPU above ${utilization} % for 5 minutes (saturated, or at its max capacity)`, {
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      statistic: "Average",
      threshold: utilization,
      dimensions: service,
      periods: 5,
    });
    alarm("memory-high", `${props.serviceName}: average memory above ${utilization} % for 5 minutes (risk of OOM kills)`, {
      namespace: "AWS/ECS",
      metricName: "MemoryUtilization",
      statistic: "Average",
      threshold: utilization,
      dimensions: service,
      periods: 5,
    });
    alarm("unhealthy-targets", `${props.serviceName}: unhealthy targets for 3 minutes`, {
      namespace: lbNamespace,
      metricName: "UnHealthyHostCount",
      statistic: "Maximum",
      threshold: 0,
      dimensions: target,
      periods: 3,
    });
    if (props.loadBalancerKind === "alb") {
      const limit = props.target5xxPerMinute ?? 10;
      alarm("target-5xx", `${props.serviceName}: more than ${limit} target 5xx responses per minute for 3 minutes`, {
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        statistic: "Sum",
        threshold: limit,
        dimensions: target,
        periods: 3,
      });
    }
  }
}
