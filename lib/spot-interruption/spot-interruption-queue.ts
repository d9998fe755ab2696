import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { assertProps } from "../validation";
import { interruptionEventRules } from "./event-patterns";

/** An interruption notice is worth nothing after the 2-minute spot warning; keep messages 5 minutes (the handler's docs). */
export const MESSAGE_RETENTION_SECONDS = 300;

export interface SpotInterruptionQueueProps {
  /** Queue name, e.g. prod-eks-spot-interruptions. */
  readonly queueName: string;
  /** Prefix of the rule names, `<prefix>-<rule>`; rule names take 64 characters at most. */
  readonly ruleNamePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** Self-managed Auto Scaling groups whose termination lifecycle actions reach the queue. */
  readonly autoscalingGroupNames: string[];
  /**
   * Whether those groups have Capacity Rebalancing on: then no spot interruption or rebalance
   * recommendation rule is created, as the handler's README says (see interruptionEventRules).
   */
  readonly capacityRebalance: boolean;
}

/**
 * The queue aws-node-termination-handler reads in queue-processor mode, and the EventBridge rules that
 * fill it: Auto Scaling termination lifecycle actions, instance state changes and AWS Health scheduled
 * changes, plus spot interruption warnings and rebalance recommendations only for groups without
 * Capacity Rebalancing. SQS-managed encryption
 * (a customer key would need EventBridge in its key policy); only this account's rules and SQS may send.
 */
export class SpotInterruptionQueue extends Construct {
  readonly queue: SqsQueue;
  readonly rules: CloudwatchEventRule[];

  constructor(scope: Construct, id: string, props: SpotInterruptionQueueProps) {
    super(scope, id);
    const sources = { autoscalingGroupNames: props.autoscalingGroupNames, capacityRebalance: props.capacityRebalance };
    const longest = Math.max(...interruptionEventRules(sources).map((rule) => `${props.ruleNamePrefix}-${rule.id}`.length));
    assertProps(this, [
      longest > 64 && `ruleNamePrefix "${props.ruleNamePrefix}" makes rule names of ${longest} characters; EventBridge allows 64`,
      props.autoscalingGroupNames.length === 0 &&
        "autoscalingGroupNames: give the self-managed groups; without one the handler has nothing to do (managed node groups drain themselves)",
    ]);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: MESSAGE_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
      tags: { Name: props.queueName },
    });

    this.rules = interruptionEventRules(sources).map((rule) => {
      const eventRule = new CloudwatchEventRule(this, rule.id, {
        name: `${props.ruleNamePrefix}-${rule.id}`,
        description: rule.description,
        eventPattern: JSON.stringify(rule.pattern),
        tags: { Name: `${props.ruleNamePrefix}-${rule.id}` },
      });
      new CloudwatchEventTarget(this, `${rule.id}-target`, {
        rule: eventRule.name,
        targetId: "termination-handler-queue",
        arn: this.queue.arn,
        // Delivery retries stop when the event is as old as the queue would keep it anyway.
        retryPolicy: { maximumEventAgeInSeconds: MESSAGE_RETENTION_SECONDS, maximumRetryAttempts: 10 },
      });
      return eventRule;
    });

    const ruleArns = this.rules.map((rule) => rule.arn);
    const policy = new DataAwsIamPolicyDocument(this, "queue-policy-document", {
      statement: [
        {
          sid: "EventBridgeRulesOfThisQueue",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [this.queue.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ruleArns }],
        },
        {
          // As in the handler's reference template; lets this account's SQS-integrated services deliver.
          sid: "SqsOfThisAccount",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["sqs.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [this.queue.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "queue-policy", { queueUrl: this.queue.url, policy: policy.json });
  }
}
