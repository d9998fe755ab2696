import { z } from "zod";
import { SQS_LIMITS } from "../lib/messaging/queue-timing";
import { int } from "./fields";

// Queue workers (loadBalancer: none) and the SNS topics that feed them. Timing guards live in
// lib/messaging/queue-timing.ts (shared with the construct) and config/ecs-worker-guards.ts.

const topicName = z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, "must be 1-24 lowercase letters, digits and hyphens, starting with a letter");

const subscription = z
  .strictObject({
    topic: topicName.describe("A topic of ecs.topics."),
    filterPolicy: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("SNS filter policy (checked as SNS would: arrays of values, at most 150 combinations). @default every message"),
    filterPolicyScope: z
      .enum(["MessageAttributes", "MessageBody"])
      .default("MessageAttributes")
      .describe("What the filter policy matches: message attributes or the JSON body. @default MessageAttributes"),
  })
  .describe("A topic that delivers to the worker's queue (raw message delivery).");

export const queueSection = z
  .strictObject({
    maxProcessingSeconds: int(1, SQS_LIMITS.visibilityTimeoutSeconds.max - 1).describe(
      "The longest one message takes to process; visibilityTimeoutSeconds must be longer.",
    ),
    visibilityTimeoutSeconds: int(SQS_LIMITS.visibilityTimeoutSeconds.min, SQS_LIMITS.visibilityTimeoutSeconds.max).describe(
      "Seconds a received message stays invisible to other tasks; longer than maxProcessingSeconds and stopTimeoutSeconds.",
    ),
    messageRetentionSeconds: int(SQS_LIMITS.messageRetentionSeconds.min, SQS_LIMITS.messageRetentionSeconds.max)
      .default(345_600)
      .describe("Seconds SQS keeps an unprocessed message. @default 345600 (4 days)"),
    deadLetterRetentionSeconds: int(SQS_LIMITS.messageRetentionSeconds.min, SQS_LIMITS.messageRetentionSeconds.max)
      .default(1_209_600)
      .describe(
        "Seconds the dead-letter queue keeps a message, counted from its original enqueue time; at least messageRetentionSeconds + alarmReactionSeconds. @default 1209600 (14 days)",
      ),
    receiveWaitTimeSeconds: int(SQS_LIMITS.receiveWaitTimeSeconds.min, SQS_LIMITS.receiveWaitTimeSeconds.max)
      .default(20)
      .describe("Long polling: seconds a receive waits for messages (1-20; 0, short polling, is refused). @default 20"),
    maxReceiveCount: int(SQS_LIMITS.maxReceiveCount.min, SQS_LIMITS.maxReceiveCount.max)
      .default(5)
      .describe("Receives after which a message moves to the dead-letter queue. @default 5"),
    oldestMessageAlarmSeconds: int(60, SQS_LIMITS.messageRetentionSeconds.max)
      .default(900)
      .describe("Age of the oldest message that alarms. @default 900"),
    alarmReactionSeconds: int(0, SQS_LIMITS.messageRetentionSeconds.max)
      .default(86_400)
      .describe("How long the team needs to act on an alarm; retention leaves at least this after the alarms fire. @default 86400 (1 day)"),
    subscriptions: z.array(subscription).default([]).describe("Topics that deliver to the queue. @default []"),
  })
  .describe("The worker's own SQS queue with its dead-letter queue (loadBalancer: none only).");

export const topicsSection = z
  .record(topicName, z.strictObject({}).describe("An SNS topic (encrypted with the ECS key)."))
  .default({})
  .describe(
    "SNS topics of the environment, named <env>-<name>; workers subscribe their queues, services publish through permissions. @default {}",
  );

export const backlogPerTask = z
  .strictObject({
    target: z
      .number()
      .min(1, "must be between 1 and 100000")
      .max(100000, "must be between 1 and 100000")
      .describe(
        "Acceptable backlog per task: messages one task works off within your latency goal (latency x messages per second per task).",
      ),
    scaleInCooldownSeconds: int(0, 3600).default(300).describe("Seconds after a scale-in before the next. @default 300"),
    scaleOutCooldownSeconds: int(0, 3600).default(60).describe("Seconds after a scale-out before the next. @default 60"),
  })
  .describe("Target tracking on visible messages / running tasks (workers only); with minCapacity 0 a step policy starts the first task.");

export type QueueSettings = z.output<typeof queueSection>;
