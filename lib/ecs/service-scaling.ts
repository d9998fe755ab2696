import {
  AppautoscalingPolicy,
  type AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
} from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { dependable, type ITerraformDependable, type TerraformResourceLifecycle } from "cdktf";
import { Construct } from "constructs";
import { assertProps } from "../validation";
import {
  type BacklogSource,
  backlogAlarmInputs,
  RUNNING_TASKS,
  runningTasksDimensions,
  VISIBLE_MESSAGES,
  visibleMessagesDimensions,
} from "./backlog-metrics";
import { isTimeZone, scheduleExpressionProblem } from "./schedule-expression";

export interface TargetTrackingProps {
  readonly target: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** The SQS queue a worker scales on, and where its running-task count comes from. */
export interface ScheduledCapacityProps {
  /** Unique per service. */
  readonly name: string;
  /** cron(...) with six fields, rate(...) or at(...). */
  readonly schedule: string;
  /** IANA time zone the expression is read in. */
  readonly timezone: string;
  /** @default - minimum unchanged */
  readonly minCapacity?: number;
  /** @default - maximum unchanged */
  readonly maxCapacity?: number;
}

export interface ServiceScalingProps {
  /** Resource name prefix of the policies, e.g. prod-api. */
  readonly resourceName: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly minCapacity: number;
  /** Required (lesson 7): the most tasks the service may run. */
  readonly maxCapacity: number;
}

/** The scalable target's bounds that a schedule sets, and so owns at run time (the rest stay with Terraform). */
export function scheduleOwnedBounds(schedules: readonly Pick<ScheduledCapacityProps, "minCapacity" | "maxCapacity">[]): string[] {
  return [
    ...(schedules.some((s) => s.minCapacity !== undefined) ? ["min_capacity"] : []),
    ...(schedules.some((s) => s.maxCapacity !== undefined) ? ["max_capacity"] : []),
  ];
}

/**
 * Application Auto Scaling of an ECS service's task count: an explicit minimum and maximum, target
 * tracking (scaleOnCpu, scaleOnMemory, scaleOnRequestCount, scaleOnBacklogPerTask), the step policy that starts
 * a worker from zero tasks (scaleOutFromZero) and scheduled actions (scaleOnSchedule).
 *
 * Terraform ignores a bound only while a schedule sets it. Every policy and scheduled action waits for
 * the one before it (target, policies, schedules): the API refuses concurrent changes to one target
 * (ConcurrentUpdateException), which the AWS provider does not retry. Each is recreated whenever the
 * target is replaced (`terraform apply -replace=<target>`), since deregistering the target deletes them.
 */
export class ServiceScaling extends Construct {
  readonly target: AppautoscalingTarget;
  private readonly props: ServiceScalingProps;
  private readonly policies: AppautoscalingPolicy[] = [];
  private readonly schedules: { readonly action: AppautoscalingScheduledAction; readonly props: ScheduledCapacityProps }[] = [];

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    assertProps(this, [
      (!Number.isInteger(props.maxCapacity) || props.maxCapacity < 1) &&
        `maxCapacity (${props.maxCapacity}) must be a whole number, at least 1`,
      props.minCapacity > props.maxCapacity && `minCapacity (${props.minCapacity}) must not exceed maxCapacity (${props.maxCapacity})`,
    ]);
    this.props = props;
    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
  }

  scaleOnCpu(tracking: TargetTrackingProps): AppautoscalingPolicy {
    return this.track("cpu", tracking, { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } });
  }

  scaleOnMemory(tracking: TargetTrackingProps): AppautoscalingPolicy {
    return this.track("memory", tracking, {
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
    });
  }

  /** ALB services: requests per target per minute; resourceLabel is `<alb arn_suffix>/<target group arn_suffix>`. */
  scaleOnRequestCount(tracking: TargetTrackingProps, resourceLabel: string): AppautoscalingPolicy {
    return this.track("requests", tracking, {
      predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel },
    });
  }

  /**
   * Queue workers: target tracking on the backlog per task, AWS's documented metric-math pattern
   * (Application Auto Scaling user guide, "target tracking ... using metric math", SQS queue backlog per
   * task): visible messages (AWS/SQS ApproximateNumberOfMessagesVisible) / tasks in the RUNNING state
   * (ECS/ContainerInsights RunningTaskCount; the AWS/ECS namespace has no task count).
   */
  scaleOnBacklogPerTask(tracking: TargetTrackingProps, source: BacklogSource): AppautoscalingPolicy {
    return this.track("backlog", tracking, {
      customizedMetricSpecification: {
        metrics: [
          {
            id: "messages",
            label: "Visible messages",
            returnData: false,
            metricStat: {
              stat: "Sum",
              metric: { ...VISIBLE_MESSAGES, dimensions: nameValuePairs(visibleMessagesDimensions(source)) },
            },
          },
          {
            id: "tasks",
            label: "Running tasks",
            returnData: false,
            metricStat: {
              stat: "Average",
              metric: { ...RUNNING_TASKS, dimensions: nameValuePairs(runningTasksDimensions(source)) },
            },
          },
          { id: "backlog_per_task", label: "Backlog per task", expression: "messages / tasks", returnData: true },
        ],
      },
    });
  }

  /**
   * Scale-out from zero tasks, which target tracking on a per-task ratio cannot do (at zero tasks the
   * ratio has no value): a step policy sets the desired count to one when an alarm sees visible messages
   * while no task runs. ExactCapacity, not +1: CloudWatch re-invokes Auto Scaling actions every minute an
   * alarm stays in ALARM, and a task that fails to start must not add one task a minute up to the maximum.
   * From one running task on, the backlog tracking takes over; the alarm returns to OK.
   */
  scaleOutFromZero(source: BacklogSource): { policy: AppautoscalingPolicy; alarm: CloudwatchMetricAlarm } {
    const policy = new AppautoscalingPolicy(this, "from-zero-step", {
      name: `${this.props.resourceName}-from-zero`,
      policyType: "StepScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ExactCapacity",
        cooldown: 60,
        metricAggregationType: "Maximum",
        stepAdjustment: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
      },
      lifecycle: this.followTarget(),
    });
    this.policies.push(policy);
    this.arrange();
    const alarm = new CloudwatchMetricAlarm(this, "from-zero-alarm", {
      alarmName: `${this.props.resourceName}-messages-without-tasks`,
      alarmDescription: `${this.props.resourceName}: messages wait while no task runs; starts the first task (lesson 4: scale-out from zero). Check first: if it stays in alarm, the service's events (tasks failing to start) and the scalable target's maxCapacity`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metricQuery: [
        ...backlogAlarmInputs(source, 60, { messages: "Maximum", tasks: "Maximum" }),
        // Container Insights may publish nothing for a service without tasks: missing counts as zero.
        {
          id: "waiting_without_tasks",
          label: "Messages waiting, no task running",
          expression: "IF(messages > 0 AND FILL(tasks, 0) == 0, 1, 0)",
          returnData: true,
        },
      ],
      // A scaling trigger, not a page: it fires on every start from zero.
      alarmActions: [policy.arn],
    });
    return { policy, alarm };
  }

  scaleOnSchedule(id: string, schedule: ScheduledCapacityProps): AppautoscalingScheduledAction {
    const expression = scheduleExpressionProblem(schedule.schedule);
    assertProps(this, [
      expression && `schedule ${schedule.name}: ${expression}`,
      !isTimeZone(schedule.timezone) && `schedule ${schedule.name}: timezone "${schedule.timezone}" is not an IANA time zone`,
      schedule.minCapacity === undefined &&
        schedule.maxCapacity === undefined &&
        `schedule ${schedule.name}: set minCapacity and/or maxCapacity`,
      schedule.minCapacity !== undefined &&
        schedule.maxCapacity !== undefined &&
        schedule.minCapacity > schedule.maxCapacity &&
        `schedule ${schedule.name}: minCapacity (${schedule.minCapacity}) must not exceed maxCapacity (${schedule.maxCapacity})`,
    ]);
    const action = new AppautoscalingScheduledAction(this, `schedule-${id}`, {
      name: `${this.props.resourceName}-${schedule.name}`,
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      schedule: schedule.schedule,
      timezone: schedule.timezone,
      scalableTargetAction: {
        minCapacity: schedule.minCapacity === undefined ? undefined : String(schedule.minCapacity),
        maxCapacity: schedule.maxCapacity === undefined ? undefined : String(schedule.maxCapacity),
      },
      lifecycle: this.followTarget(),
    });
    this.schedules.push({ action, props: schedule });
    this.arrange();
    return action;
  }

  /** Deregistering the target deletes its policies and actions: recreate them whenever it is replaced (not on in-place updates). */
  private followTarget(): TerraformResourceLifecycle {
    return { replaceTriggeredBy: [`${this.target.terraformResourceType}.${this.target.friendlyUniqueId}.arn`] };
  }

  /** Chains target -> policies -> schedules and ignores exactly the bounds the schedules set (scheduled actions change them at run time). */
  private arrange(): void {
    let previous: ITerraformDependable = this.target;
    for (const next of [...this.policies, ...this.schedules.map((s) => s.action)]) {
      next.dependsOn = [dependable(previous)];
      previous = next;
    }
    const owned = scheduleOwnedBounds(this.schedules.map((s) => s.props));
    this.target.lifecycle = owned.length > 0 ? { ignoreChanges: owned } : undefined;
  }

  /** A target tracking policy on `metric` (predefined, or customized with metric math), chained after the target's others. */
  private track(
    id: string,
    tracking: TargetTrackingProps,
    metric: Pick<
      AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
      "predefinedMetricSpecification" | "customizedMetricSpecification"
    >,
  ): AppautoscalingPolicy {
    const policy = new AppautoscalingPolicy(this, `${id}-tracking`, {
      name: `${this.props.resourceName}-${id}`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: tracking.target,
        scaleInCooldown: tracking.scaleInCooldownSeconds,
        scaleOutCooldown: tracking.scaleOutCooldownSeconds,
        ...metric,
      },
      lifecycle: this.followTarget(),
    });
    this.policies.push(policy);
    this.arrange();
    return policy;
  }
}

/** Application Auto Scaling's form of metric dimensions: a list of name/value pairs. */
function nameValuePairs(dimensions: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(dimensions).map(([name, value]) => ({ name, value }));
}
