import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DRAINED_INSTANCE_STATES, type InterruptionEventRule, interruptionEventRules } from "../lib/spot-interruption/event-patterns";
import { runPolicySuite } from "../tools/gates/policy";
import { matchesPattern } from "./event-pattern-matcher";
import { eksEnvironmentYaml, environmentFromYaml, policyStacks } from "./helpers";

const sample = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, "fixtures", "events", `${name}.json`), "utf8")) as Record<string, unknown>;
const SAMPLES = ["asg-termination", "spot-interruption", "rebalance-recommendation", "instance-state-change", "scheduled-change"];
const GROUP = "prod-eks-spot-workers";
// The synthesized queue, rules and role of prod are asserted in eks-stack.test.ts (one synth of prod per file).

describe("the EventBridge matcher used below", () => {
  it("follows EventBridge semantics for value lists, nested fields and missing fields", () => {
    const event = { source: "aws.ec2", detail: { state: "stopped", tags: ["a", "b"] } };
    expect(matchesPattern({ source: ["aws.ec2", "aws.health"] }, event)).toBe(true);
    expect(matchesPattern({ source: ["aws.health"] }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: ["stopped"] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { tags: ["b"] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: ["x"] } }, event)).toBe(false);
    expect(() => matchesPattern({ source: [{ prefix: "aws." }] }, event)).toThrow(/content filter/);
  });
});

describe("interruption event rules", () => {
  // What aws-node-termination-handler's README (v1.25.6) asks for: without Capacity Rebalancing all five
  // sources; with it, no spot and no rebalance rule, because Auto Scaling turns both into the terminate
  // lifecycle action (after the replacement is up) and the queue processor drains on every event it gets.
  const withoutRebalancing = interruptionEventRules({ autoscalingGroupNames: [GROUP], capacityRebalance: false });
  const withRebalancing = interruptionEventRules({ autoscalingGroupNames: [GROUP], capacityRebalance: true });
  const matching = (rules: InterruptionEventRule[], name: string) =>
    rules.filter((rule) => matchesPattern(rule.pattern, sample(name))).map((r) => r.id);

  it("has one rule per event kind the handler's queue processor understands, without Capacity Rebalancing", () => {
    expect(withoutRebalancing.map((r) => r.id)).toEqual(SAMPLES);
  });

  it.each(SAMPLES)("%s: without Capacity Rebalancing the rule matches AWS's sample event and no other rule does", (name) => {
    expect(matching(withoutRebalancing, name)).toEqual([name]);
  });

  it("with Capacity Rebalancing forwards no spot interruption and no rebalance recommendation (the group's lifecycle action covers both)", () => {
    expect(withRebalancing.map((r) => r.id)).toEqual(["asg-termination", "instance-state-change", "scheduled-change"]);
    expect(matching(withRebalancing, "rebalance-recommendation")).toEqual([]);
    expect(matching(withRebalancing, "spot-interruption")).toEqual([]);
    for (const name of ["asg-termination", "instance-state-change", "scheduled-change"])
      expect(matching(withRebalancing, name)).toEqual([name]);
  });

  it("limits lifecycle actions to this cluster's self-managed groups", () => {
    const rule = withRebalancing.find((r) => r.id === "asg-termination")!;
    const other = sample("asg-termination");
    (other.detail as Record<string, unknown>).AutoScalingGroupName = "someone-elses-group";
    expect(matchesPattern(rule.pattern, other)).toBe(false);
  });

  it("forwards only the instance states the handler drains on", () => {
    const rule = withRebalancing.find((r) => r.id === "instance-state-change")!;
    for (const state of ["pending", "running", ...DRAINED_INSTANCE_STATES]) {
      const event = sample("instance-state-change");
      (event.detail as Record<string, unknown>).state = state;
      expect([state, matchesPattern(rule.pattern, event)]).toEqual([state, (DRAINED_INSTANCE_STATES as readonly string[]).includes(state)]);
    }
  });

  it("filters EC2 spot and rebalance events only on source and detail-type (they carry no group)", () => {
    for (const id of ["spot-interruption", "rebalance-recommendation"]) {
      expect(Object.keys(withoutRebalancing.find((r) => r.id === id)!.pattern).sort()).toEqual(["detail-type", "source"]);
    }
  });
});

describe("a synthesized cluster with a self-managed spot group", () => {
  const stacks = policyStacks(
    environmentFromYaml(
      eksEnvironmentYaml(`  selfManagedSpotNodeGroups:
    - { name: batch, instanceTypes: [c5.xlarge, c5a.xlarge, c6i.xlarge], minSize: 0, maxSize: 10, desiredSize: 0 }`),
    ),
  );
  const eks = stacks.find((s) => s.name === "test-eks")!;
  const groups = Object.values(eks.terraform.resource?.aws_autoscaling_group ?? {}) as { name: string; capacity_rebalance?: boolean }[];
  const patterns = Object.values(eks.terraform.resource?.aws_cloudwatch_event_rule ?? {}).map(
    (rule) => JSON.parse(String((rule as { event_pattern: string }).event_pattern)) as unknown,
  );
  const forwarded = (event: Record<string, unknown>) => patterns.some((pattern) => matchesPattern(pattern, event));

  it("rebalances capacity in the group, so no rule sends the handler a rebalance recommendation or spot warning", () => {
    expect(groups.map((g) => [g.name, g.capacity_rebalance])).toEqual([["test-eks-batch", true]]);
    expect(forwarded(sample("rebalance-recommendation"))).toBe(false);
    expect(forwarded(sample("spot-interruption"))).toBe(false);
  });

  it("sends the handler the group's terminate lifecycle action, which Auto Scaling emits for both", () => {
    const action = sample("asg-termination");
    (action.detail as Record<string, unknown>).AutoScalingGroupName = "test-eks-batch";
    expect(forwarded(action)).toBe(true);
    expect(forwarded(sample("instance-state-change"))).toBe(true);
    expect(forwarded(sample("scheduled-change"))).toBe(true);
  });
});

describe("a handler with lifecycle heartbeats", () => {
  const environment = environmentFromYaml(
    eksEnvironmentYaml(`  selfManagedSpotNodeGroups:
    - { name: batch, instanceTypes: [c5.xlarge, c5a.xlarge, c6i.xlarge], minSize: 0, maxSize: 10, desiredSize: 0 }
  terminationHandler: { lifecycleHookTimeoutSeconds: 600, heartbeatIntervalSeconds: 120 }`),
  );
  const stacks = policyStacks(environment);

  it("adds the heartbeat call on the cluster's groups and the hook lookup, and passes the policy suite", () => {
    const eks = stacks.find((s) => s.name === "test-eks")!;
    const documents = eks.terraform.data?.aws_iam_policy_document as Record<
      string,
      { statement: { actions: string[]; resources: string[] }[] }
    >;
    const handler = Object.entries(documents).find(([key]) => key.includes("termination-handler_policy-document"))![1];
    expect(handler.statement.map((s) => [s.actions, s.resources])).toEqual([
      [["sqs:DeleteMessage", "sqs:ReceiveMessage"], [expect.stringMatching(/aws_sqs_queue/)]],
      [
        ["autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"],
        ["arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/test-eks-batch"],
      ],
      [["ec2:DescribeInstances", "autoscaling:DescribeLifecycleHooks"], ["*"]],
    ]);
    expect(runPolicySuite(stacks).violations).toEqual([]);
  });

  it("passes the interval to the chart and the timeout to the hook", () => {
    const addons = stacks.find((s) => s.name === "test-eks-addons")!;
    const release = Object.values(addons.terraform.resource?.helm_release ?? {})[0] as { values: string[] };
    expect(JSON.parse(release.values[0]!)).toMatchObject({ heartbeatInterval: 120 });
    const eks = stacks.find((s) => s.name === "test-eks")!;
    const group = Object.values(eks.terraform.resource?.aws_autoscaling_group ?? {})[0] as {
      initial_lifecycle_hook: { heartbeat_timeout: number }[];
    };
    expect(group.initial_lifecycle_hook[0]!.heartbeat_timeout).toBe(600);
  });
});
