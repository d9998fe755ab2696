// The timing rules of a worker's queue, shared by the config guards and the WorkerQueue construct.
// Sources (SQS Developer Guide): visibility timeout, 0 s to 12 h ("sqs-visibility-timeout");
// retention 60 s to 14 days; ReceiveMessageWaitTimeSeconds 0 to 20, above 0 is long polling
// ("sqs-short-and-long-polling"); for standard queues "the expiration of a message is always based on
// its original enqueue timestamp" when it moves to a dead-letter queue ("sqs-dead-letter-queues").

export const SQS_LIMITS = {
  visibilityTimeoutSeconds: { min: 0, max: 43_200 },
  messageRetentionSeconds: { min: 60, max: 1_209_600 },
  receiveWaitTimeSeconds: { min: 1, max: 20 },
  maxReceiveCount: { min: 1, max: 1000 },
} as const;

export interface QueueTiming {
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly deadLetterRetentionSeconds: number;
  readonly receiveWaitTimeSeconds: number;
  /** The longest one message may take to process. */
  readonly maxProcessingSeconds: number;
  /** ECS's SIGTERM-to-SIGKILL window of the consuming tasks. */
  readonly stopTimeoutSeconds: number;
  /** Age of the oldest message that alarms. */
  readonly oldestMessageAlarmSeconds: number;
  /** How long the team needs to act on an alarm (on-call reaction time). */
  readonly alarmReactionSeconds: number;
}

export interface QueueTimingProblem {
  readonly field: keyof QueueTiming;
  readonly message: string;
}

/** Every way the timing loses or duplicates messages; empty when it cannot. */
export function queueTimingProblems(t: QueueTiming): QueueTimingProblem[] {
  const problems: QueueTimingProblem[] = [];
  if (t.visibilityTimeoutSeconds <= t.maxProcessingSeconds) {
    problems.push({
      field: "visibilityTimeoutSeconds",
      message: `${t.visibilityTimeoutSeconds} is not longer than maxProcessingSeconds (${t.maxProcessingSeconds}); a message still being processed becomes visible again and a second task processes it too. Raise visibilityTimeoutSeconds above ${t.maxProcessingSeconds}`,
    });
  }
  if (t.visibilityTimeoutSeconds <= t.stopTimeoutSeconds) {
    problems.push({
      field: "visibilityTimeoutSeconds",
      message: `${t.visibilityTimeoutSeconds} is not longer than stopTimeoutSeconds (${t.stopTimeoutSeconds}); a message a stopping task still works on during its shutdown window is delivered to another task while it runs. Raise visibilityTimeoutSeconds above ${t.stopTimeoutSeconds}`,
    });
  }
  if (t.receiveWaitTimeSeconds < 1) {
    problems.push({
      field: "receiveWaitTimeSeconds",
      message: `${t.receiveWaitTimeSeconds} is short polling: empty receives cost a request each and miss messages on sampled servers; use 1-20 (20 recommended)`,
    });
  }
  const ageWindow = t.oldestMessageAlarmSeconds + t.alarmReactionSeconds;
  if (t.messageRetentionSeconds < ageWindow) {
    problems.push({
      field: "messageRetentionSeconds",
      message: `${t.messageRetentionSeconds} is shorter than the oldest-message alarm (${t.oldestMessageAlarmSeconds}) plus alarmReactionSeconds (${t.alarmReactionSeconds}) = ${ageWindow}; messages would expire before anyone can act on the alarm. Raise it to at least ${ageWindow}`,
    });
  }
  // A message can reach the DLQ just before its retention ends, and keeps its original enqueue time there.
  const dlqWindow = t.messageRetentionSeconds + t.alarmReactionSeconds;
  if (t.deadLetterRetentionSeconds < dlqWindow) {
    problems.push({
      field: "deadLetterRetentionSeconds",
      message: `${t.deadLetterRetentionSeconds} is shorter than messageRetentionSeconds (${t.messageRetentionSeconds}) plus alarmReactionSeconds (${t.alarmReactionSeconds}) = ${dlqWindow}; SQS keeps a message's original enqueue time when it moves to a standard DLQ, so a late failure would expire from the DLQ before anyone reacts to its alarm. Raise it to at least ${dlqWindow} (at most ${SQS_LIMITS.messageRetentionSeconds.max}) or shorten messageRetentionSeconds`,
    });
  }
  return problems;
}
