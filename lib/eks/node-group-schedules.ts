import { AutoscalingSchedule } from "@cdktf/provider-aws/lib/autoscaling-schedule";
import { Construct } from "constructs";
import { assertProps } from "../validation";

/** One scheduled action; every size is required because the provider sends an unset size as 0. */
export interface NodeGroupScheduleEntry {
  readonly name: string;
  /** Five-field cron expression in timeZone. */
  readonly recurrence: string;
  /** IANA time zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
}

/**
 * The group's size bounds (`min_size`, `max_size`) that its schedules set at run time, so Terraform must
 * not revert them; every entry sets both, so that is both bounds as soon as there is a schedule.
 */
export function scheduleOwnedSizes(schedules: readonly Pick<NodeGroupScheduleEntry, "minSize" | "maxSize">[]): string[] {
  return schedules.length > 0 ? ["min_size", "max_size"] : [];
}

export interface NodeGroupSchedulesProps {
  /** Name prefix of the scheduled actions (the node group's name). */
  readonly namePrefix: string;
  /** The Auto Scaling group (self-managed, or the one EKS created for a managed node group). */
  readonly autoscalingGroupName: string;
  readonly schedules: readonly NodeGroupScheduleEntry[];
}

/**
 * Scheduled scaling of a node group's Auto Scaling group (lesson 4): capacity is there before a
 * predictable peak. The group ignores its desired size after creation and, while it has schedules,
 * the bounds they set (scheduleOwnedSizes), so the next apply does not undo what a schedule did.
 * The actions are created one after another, in the order given.
 */
export class NodeGroupSchedules extends Construct {
  readonly actions: AutoscalingSchedule[];

  constructor(scope: Construct, id: string, props: NodeGroupSchedulesProps) {
    super(scope, id);
    assertProps(
      this,
      props.schedules.flatMap((s) => [
        s.minSize > s.maxSize && `${s.name}: minSize ${s.minSize} exceeds maxSize ${s.maxSize}`,
        (s.desiredSize < s.minSize || s.desiredSize > s.maxSize) && `${s.name}: desiredSize ${s.desiredSize} is outside minSize..maxSize`,
        s.recurrence.trim().split(/\s+/).length !== 5 && `${s.name}: recurrence "${s.recurrence}" is not a five-field cron expression`,
      ]),
    );
    this.actions = [];
    for (const schedule of props.schedules) {
      const previous = this.actions.at(-1);
      this.actions.push(
        new AutoscalingSchedule(this, schedule.name, {
          scheduledActionName: `${props.namePrefix}-${schedule.name}`,
          autoscalingGroupName: props.autoscalingGroupName,
          recurrence: schedule.recurrence,
          timeZone: schedule.timeZone,
          minSize: schedule.minSize,
          maxSize: schedule.maxSize,
          desiredCapacity: schedule.desiredSize,
          // Concurrent PutScheduledUpdateGroupAction calls on one group can fail (TerraConstructs/base#127): one at a time.
          dependsOn: previous ? [previous] : undefined,
        }),
      );
    }
  }
}
