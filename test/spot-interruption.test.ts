import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DRAINED_INSTANCE_STATES, interruptionEventRules } from "../lib/spot-interruption/event-patterns";
import { MESSAGE_RETENTION_SECONDS } from "../lib/spot-interruption/spot-interruption-queue";
import { runPolicySuite } from "../tools/policy";
import { matchesPattern } from "./event-pattern-matcher";
import { environmentFromYaml, fixtureEnvironment, onlyResource, policyStacks, resources, stackOf, synthEnvironment } from "./helpers";

const sample = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, "fixtures", "events", `${name}.json`), "utf8")) as Record<string, unknown>;
const SAMPLES = ["asg-termination", "spot-interruption", "rebalance-recommendation", "instance-state-change", "scheduled-change"];
const GROUP = "prod-eks-spot-workers";

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

describe("prod-eks interruption queue, rules and handler role", () => {
  const stack = stackOf(synthEnvironment(fixtureEnvironment("prod")), "eks");
  const documents = stack.terraform.data?.aws_iam_policy_document as Record<string, { statement: Record<string, unknown>[] }>;
  const documentOf = (pathPart: string) => {
    const entry = Object.entries(documents).find(([key]) => key.includes(pathPart));
    if (!entry) throw new Error(`no policy document ${pathPart}`);
    return entry[1];
  };

  it("keeps messages 300 s with SQS-managed encryption", () => {
    expect(onlyResource(stack, "aws_sqs_queue")).toMatchObject({
      name: "prod-eks-spot-interruptions",
      message_retention_seconds: MESSAGE_RETENTION_SECONDS,
      sqs_managed_sse_enabled: true,
    });
  });

  it("synthesizes the rule patterns exactly, each targeting the queue", () => {
    const byName = Object.fromEntries(
      Object.values(resources(stack, "aws_cloudwatch_event_rule")).map((r) => [r.name, JSON.parse(String(r.event_pattern))]),
    );
    expect(byName).toEqual(
      Object.fromEntries(interruptionEventRules([GROUP]).map((r) => [`prod-eks-spot-interruptions-${r.id}`, r.pattern])),
    );
    const targets = Object.values(resources(stack, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(5);
    for (const target of targets) expect(String(target.arn)).toMatch(/^\$\{aws_sqs_queue\..+\.arn\}$/);
  });

  it("lets only this queue's EventBridge rules and this account's SQS send", () => {
    const statements = documentOf("queue-policy").statement;
    expect(statements.map((s) => [s.principals, s.actions])).toEqual([
      [[{ type: "Service", identifiers: ["events.amazonaws.com"] }], ["sqs:SendMessage"]],
      [[{ type: "Service", identifiers: ["sqs.amazonaws.com"] }], ["sqs:SendMessage"]],
    ]);
    const ruleArns = (statements[0]!.condition as { values: string[] }[])[0]!.values;
    expect(ruleArns).toHaveLength(5);
    for (const arn of ruleArns) expect(arn).toMatch(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/);
    expect(statements[1]!.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }]);
  });

  it("gives the handler exactly the calls it makes, lifecycle actions scoped to the cluster's groups", () => {
    const statements = documentOf("termination-handler_policy-document").statement;
    const actions = statements.flatMap((s) => s.actions as string[]).sort();
    // aws-node-termination-handler 1.25 queue processor: ReceiveMessage/DeleteMessage, DescribeInstances
    // (node name and managed tag), CompleteLifecycleAction; prod sends no heartbeats.
    expect(actions).toEqual(["autoscaling:CompleteLifecycleAction", "ec2:DescribeInstances", "sqs:DeleteMessage", "sqs:ReceiveMessage"]);
    const byAction = Object.fromEntries(statements.flatMap((s) => (s.actions as string[]).map((a) => [a, s.resources])));
    expect(byAction["autoscaling:CompleteLifecycleAction"]).toEqual([
      `arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/${GROUP}`,
    ]);
    expect(String((byAction["sqs:ReceiveMessage"] as string[])[0])).toMatch(/^\$\{aws_sqs_queue\..+\.arn\}$/);
    expect(byAction["ec2:DescribeInstances"]).toEqual(["*"]);
  });

  it("binds the role to the handler's service account through Pod Identity, trusted only for it", () => {
    expect(onlyResource(stack, "aws_eks_pod_identity_association")).toMatchObject({
      namespace: "kube-system",
      service_account: "aws-node-termination-handler",
    });
    const trust = documentOf("termination-handler_role_assume-role-policy").statement[0]!;
    expect(trust.condition).toEqual([
      {
        test: "StringEquals",
        variable: "aws:RequestTag/eks-cluster-name",
        values: [expect.stringMatching(/^\$\{aws_eks_cluster\..+\.name\}$/)],
      },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-namespace", values: ["kube-system"] },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-service-account", values: ["aws-node-termination-handler"] },
    ]);
  });
});

describe("a handler with lifecycle heartbeats", () => {
  const environment = environmentFromYaml(`
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
eks:
  version: "1.34"
  adminRoleArns: [arn:aws:iam::111122223333:role/admin]
  addons: { vpcCni: v1.20.4-eksbuild.1, coredns: v1.12.4-eksbuild.1, kubeProxy: v1.34.1-eksbuild.2, podIdentityAgent: v1.3.9-eksbuild.3 }
  systemNodeGroup: { instanceTypes: [m6i.large], minSize: 2, maxSize: 3, desiredSize: 2 }
  selfManagedSpotNodeGroups:
    - { name: batch, instanceTypes: [c5.xlarge, c5a.xlarge, c6i.xlarge], minSize: 0, maxSize: 10, desiredSize: 0 }
  terminationHandler: { lifecycleHookTimeoutSeconds: 600, heartbeatIntervalSeconds: 120 }
`);
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
