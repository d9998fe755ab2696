import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { type MetricAlarmSpec, metricAlarm } from "./metric-alarm";

export interface ServiceAlarmsProps {
  /** Alarm name prefix, e.g. prod-api. */
  readonly resourceName: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** none: a queue worker, which gets the CPU and memory alarms only (its queue alarms are WorkerQueue's and WorkerAlarms'). */
  readonly loadBalancerKind: "alb" | "nlb" | "none";
  /** arn_suffix of the load balancer and of the target group (CloudWatch dimensions); required unless the kind is none. */
  readonly loadBalancerArnSuffix?: string;
  readonly targetGroupArnSuffix?: string;
  /** @default - alarms change state without notifying anyone */
  readonly alarmTopicArn?: string;
  /** @default 85 */
  readonly utilizationThresholdPercent?: number;
  /** Target 5xx responses per minute that alarm (ALB only). @default 10 */
  readonly target5xxPerMinute?: number;
  /** Failed ALB-to-task connection attempts per minute that alarm (ALB only). @default 5 */
  readonly targetConnectionErrorsPerMinute?: number;
  /** TCP resets per minute, from the tasks or from the NLB, that alarm in 3 of 5 minutes (NLB only). @default 10 */
  readonly tcpResetsPerMinute?: number;
  /**
   * The service should always have a healthy task. Off for services that schedules or a minimum of 0
   * take to zero tasks, where "no healthy targets" is the plan, not an outage.
   * @default true
   */
  readonly alwaysRunning?: boolean;
}

/**
 * Saturation and health alarms of a service (lessons 1, 7, 8 and 10): CPU and memory utilization,
 * unhealthy targets and no healthy target at all; for ALB services target 5xx and failed connections
 * to the tasks; for NLB services the TCP resets the tasks and the NLB itself send. The ALB's own 5xx
 * and 502 are per load balancer: SharedAlbAlarms. Each description names the lesson and what to check first.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const utilization = props.utilizationThresholdPercent ?? 85;
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    const alb = props.loadBalancerKind === "alb";
    const lbNamespace = alb ? "AWS/ApplicationELB" : "AWS/NetworkELB";
    const target = { LoadBalancer: props.loadBalancerArnSuffix ?? "", TargetGroup: props.targetGroupArnSuffix ?? "" };
    // Descriptions name the service by its plain resource name (serviceName may be a reference).
    const name = props.resourceName;
    const alarm = (id: string, spec: Omit<MetricAlarmSpec, "alarmName" | "topicArn">) =>
      this.alarms.push(metricAlarm(this, id, { ...spec, alarmName: `${props.resourceName}-${id}`, topicArn: props.alarmTopicArn }));

    alarm("cpu-high", {
      description: `${name}: average CPU above ${utilization} % for 5 minutes (lesson 7). Check first: is the service at its maxCapacity, and what load arrived`,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      statistic: "Average",
      threshold: utilization,
      dimensions: service,
      periods: 5,
    });
    alarm("memory-high", {
      description: `${name}: average memory above ${utilization} % for 5 minutes, risk of OOM kills (lesson 7). Check first: memory per task against memoryMiB, and leaks since the last deploy`,
      namespace: "AWS/ECS",
      metricName: "MemoryUtilization",
      statistic: "Average",
      threshold: utilization,
      dimensions: service,
      periods: 5,
    });
    if (props.loadBalancerKind === "none") return;
    alarm("unhealthy-targets", {
      description: `${name}: unhealthy targets for 3 minutes (lesson 10). Check first: the ECS service events and the stopped tasks' reasons, then the health check path and port`,
      namespace: lbNamespace,
      metricName: "UnHealthyHostCount",
      statistic: "Maximum",
      threshold: 0,
      dimensions: target,
      periods: 3,
    });
    if (props.alwaysRunning ?? true) {
      // Maximum over the load balancer's nodes (AWS's advice for this metric): below 1 only when no node sees a healthy target.
      alarm("no-healthy-targets", {
        description: `${name}: no healthy target for 2 minutes, every request or connection fails (lesson 10); missing data counts as none. Check first: the ECS service events (tasks failing to start or to pass health checks, deployment circuit breaker), then the health check and the tasks' security group`,
        namespace: lbNamespace,
        metricName: "HealthyHostCount",
        statistic: "Maximum",
        threshold: 1,
        comparison: "LessThanThreshold",
        treatMissingData: "breaching",
        dimensions: target,
        periods: 2,
      });
    }
    if (alb) {
      const limit = props.target5xxPerMinute ?? 10;
      alarm("target-5xx", {
        description: `${name}: more than ${limit} 5xx responses from the tasks per minute for 3 minutes (lesson 10). Check first: the application's logs (/ecs/<env>/<service>)`,
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        statistic: "Sum",
        threshold: limit,
        dimensions: target,
        periods: 3,
      });
      const errors = props.targetConnectionErrorsPerMinute ?? 5;
      alarm("target-connection-errors", {
        description: `${name}: the ALB failed to connect to the tasks more than ${errors} times a minute for 3 minutes (lessons 8 and 10). Check first: tasks that stop accepting before their deregistration ended or are killed mid-drain, the tasks' security group, and that the server listens on the container port`,
        namespace: "AWS/ApplicationELB",
        metricName: "TargetConnectionErrorCount",
        statistic: "Sum",
        threshold: errors,
        dimensions: target,
        periods: 3,
      });
    } else {
      // Some resets are normal (a client or server aborting one connection); alarm on a rate that keeps recurring.
      const resets = props.tcpResetsPerMinute ?? 10;
      const nlb = { LoadBalancer: props.loadBalancerArnSuffix ?? "" };
      alarm("tcp-target-resets", {
        description: `${name}: the tasks sent more than ${resets} TCP resets a minute in 3 of 5 minutes (lessons 1 and 8). Check first: tasks killed (SIGKILL) before their drain finished or refusing connections after SIGTERM (stopTimeoutSeconds, deregistrationDelaySeconds), and a server closing keep-alive connections clients still write to`,
        namespace: "AWS/NetworkELB",
        metricName: "TCP_Target_Reset_Count",
        statistic: "Sum",
        threshold: resets,
        dimensions: nlb,
        periods: 5,
        datapointsToAlarm: 3,
      });
      alarm("tcp-elb-resets", {
        description: `${name}: the NLB itself sent more than ${resets} TCP resets a minute in 3 of 5 minutes (lesson 1: "connection prematurely closed"). Check first: client pools keeping idle connections longer than the NLB TCP idle timeout (the stack's <service>_client_max_idle_seconds output), nlb.connectionTermination resetting flows on deploys, targets turning unhealthy`,
        namespace: "AWS/NetworkELB",
        metricName: "TCP_ELB_Reset_Count",
        statistic: "Sum",
        threshold: resets,
        dimensions: nlb,
        periods: 5,
        datapointsToAlarm: 3,
      });
    }
  }
}
