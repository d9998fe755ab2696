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

/** The Auto Scaling groups whose nodes the handler drains, and how they replace spot capacity. */
export interface InterruptionSources {
  /** Self-managed Auto Scaling groups whose termination lifecycle actions reach the queue. */
  readonly autoscalingGroupNames: readonly string[];
  /**
   * Whether those groups have Capacity Rebalancing on. Then Auto Scaling itself answers a rebalance
   * recommendation (launch a replacement, then terminate through the lifecycle hook) and a spot
   * interruption (terminate through the lifecycle hook), so the EC2 spot and rebalance events must not
   * reach the handler: in queue mode it cordons and drains on every event and never uncordons, so a
   * rebalance recommendation the group does not act on (no capacity, at its maximum) strands the node
   * cordoned, and draining before the replacement is Ready drops capacity.
   */
  readonly capacityRebalance: boolean;
}

/**
 * The EventBridge rules aws-node-termination-handler's queue processor needs, with the patterns of its
 * README and CloudFormation template. Its README (v1.25.6, "Create Amazon EventBridge Rules"): "If we use
 * ASG with capacity-rebalance enabled on ASG, then we do not need Spot and Rebalance events enabled with
 * EventBridge. ASG will send a termination lifecycle hook for spot interruptions while it's launching a new
 * instance and for Rebalance events ASG will send a termination lifecycle hook after it brings a new node
 * in the ASG." Filters use only fields the events carry: the Auto Scaling event names its group, so it is
 * limited to this cluster's groups; EC2 events carry only an instance id, so the handler itself ignores
 * instances without its managed tag.
 */
export function interruptionEventRules(sources: InterruptionSources): InterruptionEventRule[] {
  const spotEvents: InterruptionEventRule[] = [
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
  ];
  return [
    {
      id: "asg-termination",
      description: "Auto Scaling is about to terminate a node (scale-in, rebalance, spot): the lifecycle hook waits for the drain",
      pattern: {
        source: ["aws.autoscaling"],
        "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
        detail: { AutoScalingGroupName: [...sources.autoscalingGroupNames] },
      },
    },
    ...(sources.capacityRebalance ? [] : spotEvents),
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
