// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import type { EcsSettings } from "../config/ecs";
import { ACCESS_LEVELS } from "../lib/iam/task-permissions";
import { FIXTURE_ENVIRONMENTS, fixtureEnvironment, resources, type SynthesizedStack, stackOf, synthEnvironment } from "./helpers";

// Issue #19 items 1-3 on the synthesized JSON of the fixture environments: every worker's queue, DLQ,
// redrive, subscriptions and queue policy, the task roles' exact actions and resources, and the scaling.

type Body = Record<string, unknown>;
type Statement = { sid: string; actions: string[]; resources: string[]; effect: string; principals?: Body[]; condition?: Body[] };

const ref = (type: string, key: string, attribute: string) => `\${${type}.${key}.${attribute}}`;
function named(stack: SynthesizedStack, type: string, prefix: string | RegExp): [string, Body] {
  const found = Object.entries(resources(stack, type)).filter(([key]) =>
    typeof prefix === "string" ? key.startsWith(prefix) : prefix.test(key),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}* in ${stack.name}, found ${found.length}`);
  return found[0]!;
}
function documentOf(stack: SynthesizedStack, reference: unknown): Statement[] {
  const key = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))![1]!;
  return (stack.terraform.data!.aws_iam_policy_document![key] as { statement: Statement[] }).statement;
}

describe.each(FIXTURE_ENVIRONMENTS)("%s-ecs workers", (name) => {
  const environment = fixtureEnvironment(name);
  const ecs = environment.ecs as EcsSettings;
  const stack = stackOf(synthEnvironment(environment), "ecs");
  const prefix = environment.name;
  const [keyName] = named(stack, "aws_kms_key", "key_");
  const keyArn = ref("aws_kms_key", keyName, "arn");
  const workers = Object.entries(ecs.services).filter(([, s]) => s.loadBalancer === "none");

  it("the fixture has at least one worker", () => {
    expect(workers.length).toBeGreaterThan(0);
  });

  describe.each(workers)("%s", (service, s) => {
    const q = s.queue!;
    const [queueKey, queue] = named(stack, "aws_sqs_queue", new RegExp(`^${service}-queue_[0-9A-F]{8}$`));
    const [dlqKey, dlq] = named(stack, "aws_sqs_queue", `${service}-queue_dead-letter-queue_`);

    it("has an encrypted queue and DLQ, long polling, the DLQ keeping messages longer than the source", () => {
      expect(queue).toMatchObject({
        name: `${prefix}-${service}`,
        kms_master_key_id: keyArn,
        receive_wait_time_seconds: q.receiveWaitTimeSeconds,
      });
      expect(dlq).toMatchObject({ name: `${prefix}-${service}-dlq`, kms_master_key_id: keyArn });
      expect(queue.receive_wait_time_seconds).toBeGreaterThanOrEqual(1);
      expect(dlq.message_retention_seconds).toBeGreaterThan(queue.message_retention_seconds as number);
      expect(JSON.parse(queue.redrive_policy as string)).toEqual({
        deadLetterTargetArn: ref("aws_sqs_queue", dlqKey, "arn"),
        maxReceiveCount: q.maxReceiveCount,
      });
      const [, allow] = named(stack, "aws_sqs_queue_redrive_allow_policy", `${service}-queue_redrive-allow-policy_`);
      expect(allow.queue_url).toBe(ref("aws_sqs_queue", dlqKey, "url"));
      expect(JSON.parse(allow.redrive_allow_policy as string)).toEqual({
        redrivePermission: "byQueue",
        sourceQueueArns: [ref("aws_sqs_queue", queueKey, "arn")],
      });
    });

    it("keeps messages invisible longer than processing and than the task's stop timeout", () => {
      const [, task] = named(stack, "aws_ecs_task_definition", `${service}-task_`);
      const [container] = JSON.parse(task.container_definitions as string) as Body[];
      expect(queue.visibility_timeout_seconds).toBeGreaterThan(container!.stopTimeout as number);
      expect(queue.visibility_timeout_seconds).toBeGreaterThan(q.maxProcessingSeconds);
      expect(container!.portMappings ?? []).toEqual([]);
      // The worker finds its queue through the environment, not a hard-coded name.
      expect(container!.environment).toContainEqual({ name: "SQS_QUEUE_URL", value: ref("aws_sqs_queue", queueKey, "url") });
    });

    it("runs without a load balancer and admits no inbound traffic", () => {
      const [serviceKey, ecsService] = named(stack, "aws_ecs_service", `${service}-service_`);
      expect(ecsService.load_balancer).toBeUndefined();
      expect(ecsService.health_check_grace_period_seconds).toBeUndefined();
      const [sgKey] = named(stack, "aws_security_group", `${service}-service_security-group_`);
      const ingress = Object.values(resources(stack, "aws_vpc_security_group_ingress_rule")).filter(
        (rule) => rule.security_group_id === ref("aws_security_group", sgKey, "id"),
      );
      expect(ingress).toEqual([]);
      expect(serviceKey).toMatch(/^[\w-]+$/);
    });

    it("subscribes exactly its topics with raw delivery, and the queue admits only those topics", () => {
      const subscriptions = Object.entries(resources(stack, "aws_sns_topic_subscription")).filter(([key]) =>
        key.startsWith(`${service}-queue_`),
      );
      expect(subscriptions).toHaveLength(q.subscriptions.length);
      const topicArns = q.subscriptions.map((sub) => ref("aws_sns_topic", named(stack, "aws_sns_topic", `topic-${sub.topic}_`)[0], "arn"));
      for (const [, sub] of subscriptions) {
        expect(sub).toMatchObject({ protocol: "sqs", raw_message_delivery: true, endpoint: ref("aws_sqs_queue", queueKey, "arn") });
        expect(topicArns).toContain(sub.topic_arn);
      }
      for (const sub of q.subscriptions.filter((x) => x.filterPolicy)) {
        const topicArn = ref("aws_sns_topic", named(stack, "aws_sns_topic", `topic-${sub.topic}_`)[0], "arn");
        const body = subscriptions.find(([, x]) => x.topic_arn === topicArn)![1];
        expect(JSON.parse(body.filter_policy as string)).toEqual(sub.filterPolicy);
      }
      const policies = Object.values(resources(stack, "aws_sqs_queue_policy")).filter(
        (p) => p.queue_url === ref("aws_sqs_queue", queueKey, "url"),
      );
      if (q.subscriptions.length === 0) {
        expect(policies).toEqual([]);
        return;
      }
      expect(documentOf(stack, policies[0]!.policy)).toEqual([
        {
          sid: "SubscribedTopicsOnly",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [ref("aws_sqs_queue", queueKey, "arn")],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: topicArns }],
        },
      ]);
    });

    it("gives the task role exactly the consume actions on its own queue and the key", () => {
      const [, policy] = named(stack, "aws_iam_role_policy", `${service}-permissions_policy_`);
      const statements = documentOf(stack, policy.policy);
      expect(statements.slice(0, 2)).toEqual([
        {
          sid: "OwnQueue",
          effect: "Allow",
          actions: [...ACCESS_LEVELS.sqs.consume!.actions],
          resources: [ref("aws_sqs_queue", queueKey, "arn")],
        },
        { sid: "OwnQueueKey", effect: "Allow", actions: ["kms:Decrypt"], resources: [keyArn] },
      ]);
    });

    it("scales on backlog per task by metric math, starting from zero when its minimum allows", () => {
      const policies = Object.entries(resources(stack, "aws_appautoscaling_policy")).filter(([key]) =>
        key.startsWith(`${service}-scaling_`),
      );
      const backlog = policies.find(([key]) => key.startsWith(`${service}-scaling_backlog-tracking_`));
      if (!s.scaling.backlogPerTask) {
        expect(backlog).toBeUndefined();
        return;
      }
      const config = backlog![1].target_tracking_scaling_policy_configuration as Body;
      expect(config.target_value).toBe(s.scaling.backlogPerTask.target);
      const metrics = (config.customized_metric_specification as { metrics: Body[] }).metrics;
      expect(metrics.map((m) => [m.id, m.return_data, m.expression])).toEqual([
        ["messages", false, undefined],
        ["tasks", false, undefined],
        ["backlog_per_task", true, "messages / tasks"],
      ]);
      expect(metrics[0]!.metric_stat).toMatchObject({
        metric: {
          namespace: "AWS/SQS",
          metric_name: "ApproximateNumberOfMessagesVisible",
          dimensions: [{ name: "QueueName", value: ref("aws_sqs_queue", queueKey, "name") }],
        },
      });
      expect(metrics[1]!.metric_stat).toMatchObject({ metric: { namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount" } });
      const fromZero = policies.find(([key]) => key.startsWith(`${service}-scaling_from-zero-step_`));
      if (s.scaling.minCapacity > 0) {
        expect(fromZero).toBeUndefined();
        return;
      }
      expect(fromZero![1]).toMatchObject({
        policy_type: "StepScaling",
        step_scaling_policy_configuration: {
          adjustment_type: "ExactCapacity",
          step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 1 }],
        },
        // Chained after the backlog policy (one change at a time per scalable target).
        depends_on: [`aws_appautoscaling_policy.${backlog![0]}`],
      });
      const [, alarm] = named(stack, "aws_cloudwatch_metric_alarm", `${service}-scaling_from-zero-alarm_`);
      expect(alarm.alarm_actions).toEqual([ref("aws_appautoscaling_policy", fromZero![0], "arn")]);
      expect((alarm.metric_query as Body[]).find((m) => m.return_data)!.expression).toBe("IF(messages > 0 AND FILL(tasks, 0) == 0, 1, 0)");
    });

    it("alarms on dead letters, the oldest message's age and a backlog growing at maximum tasks", () => {
      expect(named(stack, "aws_cloudwatch_metric_alarm", `${service}-queue_dead-letters_`)[1]).toMatchObject({
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: ref("aws_sqs_queue", dlqKey, "name") },
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
      });
      expect(named(stack, "aws_cloudwatch_metric_alarm", `${service}-queue_oldest-message_`)[1]).toMatchObject({
        metric_name: "ApproximateAgeOfOldestMessage",
        threshold: q.oldestMessageAlarmSeconds,
      });
      const [, growing] = named(stack, "aws_cloudwatch_metric_alarm", `${service}-worker-alarms_backlog-at-maximum_`);
      expect((growing.metric_query as Body[]).find((m) => m.return_data)!.expression).toBe(
        `IF(tasks >= ${s.scaling.maxCapacity} AND DIFF(messages) > 0, 1, 0)`,
      );
    });
  });

  it("encrypts every topic with the stack's key, and lets SNS use the key only for subscribed topics", () => {
    for (const topic of Object.keys(ecs.topics)) {
      expect(named(stack, "aws_sns_topic", `topic-${topic}_`)[1]).toMatchObject({ name: `${prefix}-${topic}`, kms_master_key_id: keyArn });
    }
    const subscribed = [...new Set(Object.values(ecs.services).flatMap((s) => s.queue?.subscriptions.map((x) => x.topic) ?? []))].sort();
    const statements = JSON.parse(named(stack, "aws_kms_key", "key_")[1].policy as string).Statement as Body[];
    const sns = statements.filter((st) => (st.Principal as Body).Service === "sns.amazonaws.com");
    if (subscribed.length === 0) {
      expect(sns).toEqual([]);
      return;
    }
    const arns = subscribed.map((t) => `arn:aws:sns:${environment.aws.region}:${environment.aws.accountId}:${prefix}-${t}`);
    expect(sns).toEqual([
      {
        Sid: "SnsDeliversToEncryptedQueues",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:SourceArn": arns.length === 1 ? arns[0] : arns },
          StringEquals: { "aws:SourceAccount": environment.aws.accountId },
        },
      },
    ]);
  });

  it("tells each publisher its topics' ARNs (SNS_TOPIC_<NAME>_ARN)", () => {
    for (const [service, s] of Object.entries(ecs.services)) {
      const [, task] = named(stack, "aws_ecs_task_definition", `${service}-task_`);
      const [container] = JSON.parse(task.container_definitions as string) as Body[];
      for (const p of s.permissions.filter((x) => x.topic)) {
        const [topicKey] = named(stack, "aws_sns_topic", `topic-${p.topic}_`);
        expect(container!.environment).toContainEqual({
          name: `SNS_TOPIC_${p.topic!.toUpperCase().replace(/-/g, "_")}_ARN`,
          value: ref("aws_sns_topic", topicKey, "arn"),
        });
      }
    }
  });

  it("grants every configured permission with exactly the level's actions on the named resource", () => {
    for (const [service, s] of Object.entries(ecs.services)) {
      s.permissions.forEach((p, i) => {
        const [, policy] = named(stack, "aws_iam_role_policy", `${service}-permissions_policy_`);
        const statements = documentOf(stack, policy.policy).filter((st) => st.sid.startsWith(`Grant${i}`));
        const type = p.topic ? "sns" : p.queue ? "sqs" : (p.resource!.split(":")[2] as keyof typeof ACCESS_LEVELS);
        const levels = p.access.map((l) => ACCESS_LEVELS[type][l]!);
        const expected = [...new Set(levels.flatMap((l) => [...l.actions, ...(l.contents?.actions ?? [])]))].sort();
        const granted = [...new Set(statements.filter((st) => !st.sid.endsWith("Key")).flatMap((st) => st.actions))].sort();
        expect(granted).toEqual(expected);
        for (const st of statements) {
          expect(st.actions.every((a) => !a.includes("*"))).toBe(true);
          expect(st.resources).not.toContain("*");
        }
        if (p.resource) {
          expect(statements.flatMap((st) => st.resources).filter((r) => !r.startsWith("${aws_kms"))).toEqual(
            expect.arrayContaining([p.resource]),
          );
        }
      });
    }
  });
});
