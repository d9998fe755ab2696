import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Construct } from "constructs";
import { metricAlarm } from "../ecs/metric-alarm";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";
import { filterPolicyProblem } from "./filter-policy";
import { type QueueTiming, queueTimingProblems, SQS_LIMITS } from "./queue-timing";

export interface TopicSubscriptionProps {
  /** Construct id part, unique per queue (the topic's name). */
  readonly id: string;
  readonly topicArn: string;
  /** SNS filter policy as JSON. @default - every message of the topic */
  readonly filterPolicy?: string;
  /** @default MessageAttributes (SNS's own default when a filter policy is set) */
  readonly filterPolicyScope?: "MessageAttributes" | "MessageBody";
}

export interface WorkerQueueProps extends QueueTiming {
  /** Queue name; the dead-letter queue is `<name>-dlq`. */
  readonly queueName: string;
  /** Customer-managed key of both queues; SNS must be allowed to use it when topics deliver (key policy). */
  readonly kmsKeyArn: string;
  /** Receives after which a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Topics that deliver to the queue, with raw message delivery. @default [] */
  readonly subscriptions?: readonly TopicSubscriptionProps[];
  /** @default - alarms change state without notifying anyone */
  readonly alarmTopicArn?: string;
  /** Production: the queues cannot be destroyed by Terraform (they hold undelivered events). */
  readonly production: boolean;
}

/**
 * A worker's own SQS queue: encrypted with the stack's key, long polling, a dead-letter queue that keeps
 * messages longer than the source (AWS keeps the original enqueue time there), redrive after
 * maxReceiveCount receives and a redrive-allow policy naming only this source, SNS subscriptions with raw
 * delivery, a queue policy that admits only those topics (aws:SourceArn), and alarms on the DLQ and on
 * the oldest message's age.
 */
export class WorkerQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly subscriptions: SnsTopicSubscription[] = [];
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: WorkerQueueProps) {
    super(scope, id);
    const subscriptions = props.subscriptions ?? [];
    const { maxReceiveCount } = SQS_LIMITS;
    assertProps(this, [
      !/^[\w-]{1,76}$/.test(props.queueName) && `queueName "${props.queueName}" must be 1-76 letters, digits, - or _ (80 with -dlq)`,
      (props.maxReceiveCount < maxReceiveCount.min || props.maxReceiveCount > maxReceiveCount.max) &&
        `maxReceiveCount (${props.maxReceiveCount}) must be between ${maxReceiveCount.min} and ${maxReceiveCount.max}`,
      ...queueTimingProblems(props).map((p) => `${p.field} ${p.message}`),
      ...subscriptions.map((s) => {
        const problem = s.filterPolicy && filterPolicyProblem(s.filterPolicy, s.filterPolicyScope);
        return problem && `subscription ${s.id}: filterPolicy ${problem}`;
      }),
      new Set(subscriptions.map((s) => s.id)).size !== subscriptions.length && "subscriptions: each topic once",
    ]);

    this.deadLetterQueue = protectFromDestroy(
      new SqsQueue(this, "dead-letter-queue", {
        name: `${props.queueName}-dlq`,
        kmsMasterKeyId: props.kmsKeyArn,
        messageRetentionSeconds: props.deadLetterRetentionSeconds,
        receiveWaitTimeSeconds: props.receiveWaitTimeSeconds,
        tags: { Name: `${props.queueName}-dlq` },
      }),
      props.production,
    );
    this.queue = protectFromDestroy(
      new SqsQueue(this, "queue", {
        name: props.queueName,
        kmsMasterKeyId: props.kmsKeyArn,
        visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
        messageRetentionSeconds: props.messageRetentionSeconds,
        receiveWaitTimeSeconds: props.receiveWaitTimeSeconds,
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount }),
        tags: { Name: props.queueName },
      }),
      props.production,
    );
    // A separate resource: the DLQ naming its source inline would make the two queues depend on each other.
    new SqsQueueRedriveAllowPolicy(this, "redrive-allow-policy", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });

    if (subscriptions.length > 0) {
      const policy = new DataAwsIamPolicyDocument(this, "queue-policy-document", {
        statement: [
          {
            sid: "SubscribedTopicsOnly",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
            actions: ["sqs:SendMessage"],
            resources: [this.queue.arn],
            condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: subscriptions.map((s) => s.topicArn) }],
          },
        ],
      });
      const queuePolicy = new SqsQueuePolicy(this, "queue-policy", { queueUrl: this.queue.url, policy: policy.json });
      for (const s of subscriptions) {
        this.subscriptions.push(
          new SnsTopicSubscription(this, `subscription-${s.id}`, {
            topicArn: s.topicArn,
            protocol: "sqs",
            endpoint: this.queue.arn,
            // The worker reads the published body itself, not SNS's JSON envelope around it.
            rawMessageDelivery: true,
            ...(s.filterPolicy ? { filterPolicy: s.filterPolicy, filterPolicyScope: s.filterPolicyScope ?? "MessageAttributes" } : {}),
            // Messages published before the queue admits the topic would be dropped.
            dependsOn: [queuePolicy],
          }),
        );
      }
    }

    const alarm = (alarmId: string, spec: Omit<Parameters<typeof metricAlarm>[2], "alarmName" | "topicArn">) =>
      this.alarms.push(metricAlarm(this, alarmId, { ...spec, alarmName: `${props.queueName}-${alarmId}`, topicArn: props.alarmTopicArn }));
    alarm("dead-letters", {
      description: `${props.queueName}: messages in the dead-letter queue, each failed ${props.maxReceiveCount} times (lesson 10: a failure surfaces instead of retrying forever). Check first: the worker's logs for the failing message, then redrive from the DLQ once fixed (it keeps them until ${props.deadLetterRetentionSeconds} s after they were first sent)`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: this.deadLetterQueue.name },
      threshold: 0,
      periods: 1,
    });
    alarm("oldest-message", {
      description: `${props.queueName}: the oldest message waits more than ${props.oldestMessageAlarmSeconds} s, and messages expire after ${props.messageRetentionSeconds} s (lesson 7: the workers do not keep up). Check first: are tasks running and at their maximum, and do they fail on one message (ApproximateReceiveCount)`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      statistic: "Maximum",
      dimensions: { QueueName: this.queue.name },
      threshold: props.oldestMessageAlarmSeconds,
      periods: 5,
    });
  }
}
