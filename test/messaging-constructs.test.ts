import { TerraformStack, Testing } from "cdktf";
import { ServiceScaling } from "../lib/ecs/service-scaling";
import { TaskPermissions } from "../lib/iam/task-permissions";
import { WorkerQueue, type WorkerQueueProps } from "../lib/messaging/worker-queue";
import { PropsError } from "../lib/validation";

// The constructs refuse what the config guards refuse, for callers that build them without the config.

const stack = () => new TerraformStack(Testing.app(), "s");
const queue: WorkerQueueProps = {
  queueName: "prod-billing",
  kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
  visibilityTimeoutSeconds: 180,
  messageRetentionSeconds: 345600,
  deadLetterRetentionSeconds: 1209600,
  receiveWaitTimeSeconds: 20,
  maxReceiveCount: 5,
  maxProcessingSeconds: 90,
  stopTimeoutSeconds: 60,
  oldestMessageAlarmSeconds: 900,
  alarmReactionSeconds: 86400,
  production: false,
};

describe("WorkerQueue", () => {
  it("builds from valid props", () => {
    expect(() => new WorkerQueue(stack(), "q", queue)).not.toThrow();
  });

  it("refuses a visibility timeout a stopping task outlives, short polling and a filter policy SNS refuses, all at once", () => {
    const build = () =>
      new WorkerQueue(stack(), "q", {
        ...queue,
        visibilityTimeoutSeconds: 60,
        receiveWaitTimeSeconds: 0,
        subscriptions: [{ id: "orders", topicArn: "arn:aws:sns:eu-west-1:111122223333:prod-orders", filterPolicy: '{"type":"a"}' }],
      });
    expect(build).toThrow(PropsError);
    expect(build).toThrow(
      [
        "s/q: visibilityTimeoutSeconds 60 is not longer than maxProcessingSeconds (90); a message still being processed becomes visible again and a second task processes it too. Raise visibilityTimeoutSeconds above 90",
        "s/q: visibilityTimeoutSeconds 60 is not longer than stopTimeoutSeconds (60); a message a stopping task still works on during its shutdown window is delivered to another task while it runs. Raise visibilityTimeoutSeconds above 60",
        "s/q: receiveWaitTimeSeconds 0 is short polling: empty receives cost a request each and miss messages on sampled servers; use 1-20 (20 recommended)",
        's/q: subscription orders: filterPolicy type: must be an array of values, e.g. ["a"]',
      ].join("\n"),
    );
  });
});

describe("TaskPermissions", () => {
  it("refuses wildcard ARNs, levels of another type and duplicate statement ids", () => {
    const build = () =>
      new TaskPermissions(stack(), "p", {
        roleId: "role",
        grants: [
          { sid: "Bucket", type: "s3", arn: "arn:aws:s3:::acme-*", levels: ["read"] },
          { sid: "Bucket", type: "sns", arn: "arn:aws:sns:eu-west-1:111122223333:orders", levels: ["consume"] },
        ],
      });
    expect(build).toThrow(
      [
        "s/p: sids (Bucket, Bucket) must be unique",
        "s/p: grant Bucket: arn:aws:s3:::acme-* contains a wildcard; name one s3 resource by its full ARN, e.g. arn:aws:s3:::my-bucket",
        's/p: grant Bucket: "consume" is not an access level of sns; use publish',
      ].join("\n"),
    );
  });
});

describe("ServiceScaling for workers", () => {
  it("chains target -> backlog tracking -> from-zero step -> schedules", () => {
    const s = stack();
    const scaling = new ServiceScaling(s, "scaling", {
      resourceName: "dev-jobs",
      clusterName: "dev",
      serviceName: "jobs",
      minCapacity: 0,
      maxCapacity: 2,
    });
    const source = { queueName: "dev-jobs", clusterName: "dev", serviceName: "jobs" };
    const backlog = scaling.scaleOnBacklogPerTask({ target: 50, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 }, source);
    const { policy, alarm } = scaling.scaleOutFromZero(source);
    const night = scaling.scaleOnSchedule("night", { name: "night", schedule: "cron(0 20 * * ? *)", timezone: "UTC", maxCapacity: 0 });
    const json = JSON.parse(Testing.synth(s)) as {
      resource: Record<string, Record<string, { depends_on?: string[]; alarm_actions?: string[] }>>;
    };
    const dependsOn = (type: string, id: string) => json.resource[type]![id]!.depends_on;
    expect(dependsOn("aws_appautoscaling_policy", backlog.friendlyUniqueId)).toEqual([
      `aws_appautoscaling_target.${scaling.target.friendlyUniqueId}`,
    ]);
    expect(dependsOn("aws_appautoscaling_policy", policy.friendlyUniqueId)).toEqual([
      `aws_appautoscaling_policy.${backlog.friendlyUniqueId}`,
    ]);
    expect(dependsOn("aws_appautoscaling_scheduled_action", night.friendlyUniqueId)).toEqual([
      `aws_appautoscaling_policy.${policy.friendlyUniqueId}`,
    ]);
    expect(json.resource.aws_cloudwatch_metric_alarm![alarm.friendlyUniqueId]!.alarm_actions).toEqual([
      `\${aws_appautoscaling_policy.${policy.friendlyUniqueId}.arn}`,
    ]);
  });
});
