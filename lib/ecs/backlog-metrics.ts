import type { CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

/** A queue worker's backlog: the queue it consumes and the service whose running tasks work it off. */
export interface BacklogSource {
  /** Name of the queue the service consumes (CloudWatch dimension QueueName). */
  readonly queueName: string;
  /** Cluster and service names of the ECS/ContainerInsights RunningTaskCount metric (Container Insights must be on). */
  readonly clusterName: string;
  readonly serviceName: string;
}

type Statistic = "Average" | "Sum" | "Minimum" | "Maximum";

/** Messages waiting: SQS publishes them per queue. */
export const VISIBLE_MESSAGES = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" } as const;
/** Tasks in the RUNNING state: Container Insights only (the AWS/ECS namespace has no task count). */
export const RUNNING_TASKS = { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount" } as const;

export function visibleMessagesDimensions(source: BacklogSource): Record<string, string> {
  return { QueueName: source.queueName };
}

export function runningTasksDimensions(source: BacklogSource): Record<string, string> {
  return { ClusterName: source.clusterName, ServiceName: source.serviceName };
}

/**
 * The two inputs of a backlog alarm's metric math, `messages` and `tasks`, in `periodSeconds` points with
 * the statistic each alarm needs; the alarm adds the expression that returns its data.
 */
export function backlogAlarmInputs(
  source: BacklogSource,
  periodSeconds: number,
  stat: { readonly messages: Statistic; readonly tasks: Statistic },
): CloudwatchMetricAlarmMetricQuery[] {
  return [
    {
      id: "messages",
      returnData: false,
      metric: { ...VISIBLE_MESSAGES, dimensions: visibleMessagesDimensions(source), period: periodSeconds, stat: stat.messages },
    },
    {
      id: "tasks",
      returnData: false,
      metric: { ...RUNNING_TASKS, dimensions: runningTasksDimensions(source), period: periodSeconds, stat: stat.tasks },
    },
  ];
}
