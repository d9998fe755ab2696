/** An EventBridge event pattern (the subset used here: exact-value lists, nested under detail). */
export type EventPattern = { readonly [field: string]: readonly string[] | EventPattern };

/** One EventBridge rule feeding the termination handler's queue. */
export interface InterruptionEventRule {
  /** Short id: names the rule `<prefix>-<id>`. */
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
}

/** Instance states aws-node-termination-handler drains on (instanceStatesToDrain in its sqsevent monitor). */
export const DRAINED_INSTANCE_STATES = ["stopping", "stopped", "shutting-down", "terminated"] as const;

/**
 * The five event sources aws-node-termination-handler's queue processor understands, with the patterns
 * of its README and CloudFormation template. Filters use only fields the events carry: the Auto Scaling
 * event names its group, so it is limited to this cluster's groups; EC2 events carry only an instance
 * id, so the handler itself ignores instances without its managed tag.
 */
export function interruptionEventRules(autoscalingGroupNames: readonly string[]): InterruptionEventRule[] {
  return [
    {
      id: "asg-termination",
      description: "Auto Scaling is about to terminate a node (scale-in, rebalance, spot): the lifecycle hook waits for the drain",
      pattern: {
        source: ["aws.autoscaling"],
        "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
        detail: { AutoScalingGroupName: [...autoscalingGroupNames] },
      },
    },
    {
      id: "spot-interruption",
      description: "EC2 reclaims a spot instance in two minutes",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    },
    {
      id: "rebalance-recommendation",
      description: "A spot instance is at elevated risk of interruption",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    },
    {
      id: "instance-state-change",
      description: "An instance is stopping or terminating outside Auto Scaling (console, API)",
      pattern: {
        source: ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        detail: { state: [...DRAINED_INSTANCE_STATES] },
      },
    },
    {
      id: "scheduled-change",
      description: "AWS Health schedules maintenance (retirement, reboot) of an EC2 instance",
      pattern: {
        source: ["aws.health"],
        "detail-type": ["AWS Health Event"],
        detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
      },
    },
  ];
}
