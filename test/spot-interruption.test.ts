import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DRAINED_INSTANCE_STATES, interruptionEventRules } from "../lib/spot-interruption/event-patterns";
import { runPolicySuite } from "../tools/policy";
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
  const rules = interruptionEventRules([GROUP]);

  it("has one rule per event kind the handler's queue processor understands", () => {
    expect(rules.map((r) => r.id)).toEqual(SAMPLES);
  });

  it.each(SAMPLES)("%s: the rule matches AWS's documented sample event and no other rule does", (name) => {
    const event = sample(name);
    expect(rules.filter((rule) => matchesPattern(rule.pattern, event)).map((r) => r.id)).toEqual([name]);
  });

  it("limits lifecycle actions to this cluster's self-managed groups", () => {
    const rule = rules.find((r) => r.id === "asg-termination")!;
    const other = sample("asg-termination");
    (other.detail as Record<string, unknown>).AutoScalingGroupName = "someone-elses-group";
    expect(matchesPattern(rule.pattern, other)).toBe(false);
  });

  it("forwards only the instance states the handler drains on", () => {
    const rule = rules.find((r) => r.id === "instance-state-change")!;
    for (const state of ["pending", "running", ...DRAINED_INSTANCE_STATES]) {
      const event = sample("instance-state-change");
      (event.detail as Record<string, unknown>).state = state;
      expect([state, matchesPattern(rule.pattern, event)]).toEqual([state, (DRAINED_INSTANCE_STATES as readonly string[]).includes(state)]);
    }
  });

  it("filters EC2 spot and rebalance events only on source and detail-type (they carry no group)", () => {
    for (const id of ["spot-interruption", "rebalance-recommendation"]) {
      expect(Object.keys(rules.find((r) => r.id === id)!.pattern).sort()).toEqual(["detail-type", "source"]);
    }
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
