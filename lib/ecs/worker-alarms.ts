import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { type BacklogSource, backlogAlarmInputs } from "./backlog-metrics";

export interface WorkerAlarmsProps extends BacklogSource {
  /** Alarm name prefix, e.g. prod-billing. */
  readonly resourceName: string;
  /** The most tasks the service may run (scaling.maxCapacity, or a schedule's larger maximum). */
  readonly maxTasks: number;
  /** @default - the alarm changes state without notifying anyone */
  readonly alarmTopicArn?: string;
}

/**
 * Lesson 7 for queue workers: the backlog keeps growing while the service runs its most tasks, so
 * scaling cannot catch up (raise maxCapacity within the downstream budgets, or make processing faster).
 * The queue's own alarms (dead letters, oldest message) are WorkerQueue's.
 */
export class WorkerAlarms extends Construct {
  readonly backlogAtMaximum: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: WorkerAlarmsProps) {
    super(scope, id);
    // Five-minute points: the backlog grew between consecutive points in all of 15 minutes, at maximum tasks.
    this.backlogAtMaximum = new CloudwatchMetricAlarm(this, "backlog-at-maximum", {
      alarmName: `${props.resourceName}-backlog-growing-at-maximum`,
      alarmDescription: `${props.resourceName}: the queue grows for 15 minutes while ${props.maxTasks} tasks (the maximum) run; scaling cannot catch up (lesson 7). Check first: processing time per message and failing receives, then whether maxCapacity may rise within the downstream connection budgets`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
      metricQuery: [
        ...backlogAlarmInputs(props, 300, { messages: "Average", tasks: "Minimum" }),
        {
          id: "growing_at_maximum",
          label: "Backlog growing at maximum tasks",
          expression: `IF(tasks >= ${props.maxTasks} AND DIFF(messages) > 0, 1, 0)`,
          returnData: true,
        },
      ],
      ...(props.alarmTopicArn ? { alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn] } : {}),
    });
  }
}
