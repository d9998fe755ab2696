import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareStack } from "../tools/review/synth-diff/compare";
import { synthDiff } from "../tools/review/synth-diff/diff";
import { GITHUB_COMMENT_LIMIT, MARKER, renderMarkdown } from "../tools/review/synth-diff/markdown";
import { REPLACEMENT } from "../tools/review/synth-diff/replacement";
import { findReplacements } from "../tools/review/synth-diff/replacements";
import { findRisks } from "../tools/review/synth-diff/risks";
import { environmentFromYaml, FIXTURE_ENVIRONMENTS_DIR, synthToDir } from "./helpers";

// Each case is a pair of hand-written synth outputs and the exact report, reviewed as Markdown:
// test/fixtures/synth-diff/<case>/{old,new}/stacks/<stack>/cdk.tf.json and expected.md.
const FIXTURES = join(__dirname, "fixtures", "synth-diff");
const dirs = (name: string) => [join(FIXTURES, name, "old"), join(FIXTURES, name, "new")] as const;
const report = (name: string, options = {}) => renderMarkdown(synthDiff(...dirs(name)), options);
const expected = (name: string, file = "expected.md") => readFileSync(join(FIXTURES, name, file), "utf8");

describe("synth diff report (exact Markdown per fixture pair)", () => {
  it.each([
    ["add-remove-change", "resources added, removed and changed with attribute paths; a data source; justifications added and reworded"],
    ["json-policy", "JSON-string policies diffed as JSON with paths into them"],
    ["replacement", "replacing changes marked; a task definition as a new revision; EKS subnets change in place"],
    [
      "rename",
      "renamed resources (a parent and the child that references it) flagged; a declared move shown as a move, and a resource referring to the moved one unchanged",
    ],
    ["stacks-added-removed", "a stack added and a stack removed"],
    ["no-changes", "identical outputs"],
    [
      "risk-public-ingress",
      "public ingress: 0.0.0.0/0 and ::/0 rules, internet-facing load balancer, public IPs on launch, public EKS endpoint",
    ],
    ["risk-protection", "prevent_destroy and deletion protection removed, force_destroy turned on, a protected resource removed"],
    ["risk-nat-gateways", "fewer NAT gateways"],
    ["risk-scaling", "autoscaling maximum raised, minimum lowered (application autoscaling, node group)"],
    ["risk-timeouts", "idle, deregistration and health-check timeouts changed"],
    ["risk-permissions", "a task role's policy widened (a bucket, a send on every queue) and a managed policy attached"],
    ["risk-encryption-logging", "KMS key, flow log and access logs removed, a log group's key removed, EKS log types reduced"],
    [
      "ignored-attribute",
      "edits of ignore_changes attributes (a schedule-owned maximum, the desired count) shown as not applied, with no risk note",
    ],
    [
      "subnet-cascade",
      "a subnet resize: NAT gateway and route-table associations replaced as a consequence, the NLB and node group replaced downstream at deploy, the service updated there, interface risks",
    ],
    ["capacity-provider-strategy", "an ECS capacity-provider strategy change without force_new_deployment: the plan fails (provider 6.x)"],
    [
      "fixed-name",
      "fixed physical names: a renamed node group collides, a create-first target group collides, a bucket destroyed first cannot be deleted while it holds objects",
    ],
    ["unpriced-instance-type", "an instance type without a price: unknown and not totalled, never a removal or a saving"],
  ])("%s: %s", (name) => {
    expect(report(name)).toBe(expected(name));
  });

  it("cuts a report to the character limit: risks and replacements first, stack details to a summary, a pointer to the full report", () => {
    const text = report("risk-public-ingress", { maxChars: 1400, fullReport: "the synth-diff artifact of this run" });
    expect(text).toBe(expected("risk-public-ingress", "expected-1400-chars.md"));
    expect(text.length).toBeLessThanOrEqual(1400);
    expect(report("risk-public-ingress", { maxChars: GITHUB_COMMENT_LIMIT })).toBe(expected("risk-public-ingress"));
  });

  it("drops risk lines only when even they do not fit, and says how many", () => {
    const text = report("risk-public-ingress", { maxChars: 800, fullReport: "the artifact" });
    expect(text.length).toBeLessThanOrEqual(800);
    expect(text.split("\n").at(-2)).toBe(
      "**Truncated to fit a pull-request comment**: 5 replacement, risk and cost lines left out, 1 stack section left out; see the artifact.",
    );
  });

  it("starts with the marker a workflow finds its sticky comment by, and is deterministic", () => {
    for (const name of readdirSync(FIXTURES)) {
      const text = report(name);
      expect(text.split("\n")[0]).toBe(MARKER);
      expect(report(name)).toBe(text);
    }
  });
});

describe("replacement table", () => {
  it("names a source for every resource type", () => {
    for (const [type, entry] of Object.entries(REPLACEMENT)) expect([type, entry.source.length > 20]).toEqual([type, true]);
  });

  const nlb = { load_balancer_type: "network", internal: true, name: "api", subnets: ["subnet-a", "subnet-b"] };
  const alb = { ...nlb, load_balancer_type: "application" };
  const rule = { ip_protocol: "tcp", from_port: 443, to_port: 443, security_group_id: "sg-api" };
  const cluster = { name: "prod", role_arn: "arn:aws:iam::111122223333:role/eks", vpc_config: { subnet_ids: ["subnet-a"] } };
  const encrypted = { ...cluster, encryption_config: { provider: { key_arn: "arn:key" }, resources: ["secrets"] } };
  const task = { family: "api", container_definitions: '[{"name":"api","image":"api:1"}]' };
  it.each([
    ["NLB gains a subnet", "aws_lb", nlb, { ...nlb, subnets: ["subnet-a", "subnet-b", "subnet-c"] }, "in place"],
    ["NLB loses a subnet", "aws_lb", nlb, { ...nlb, subnets: ["subnet-a"] }, "replace subnets"],
    ["NLB gets its first security group", "aws_lb", nlb, { ...nlb, security_groups: ["sg-1"] }, "replace security_groups"],
    [
      "NLB swaps one security group for another",
      "aws_lb",
      { ...nlb, security_groups: ["sg-1"] },
      { ...nlb, security_groups: ["sg-2"] },
      "in place",
    ],
    ["ALB gets its first security group", "aws_lb", alb, { ...alb, security_groups: ["sg-1"] }, "in place"],
    ["ALB loses a subnet", "aws_lb", alb, { ...alb, subnets: ["subnet-a"] }, "in place"],
    ["EKS envelope encryption turned on", "aws_eks_cluster", cluster, encrypted, "in place"],
    ["EKS envelope encryption turned off", "aws_eks_cluster", encrypted, cluster, "replace encryption_config"],
    ["EKS control-plane subnets", "aws_eks_cluster", cluster, { ...cluster, vpc_config: { subnet_ids: ["subnet-b"] } }, "in place"],
    [
      "rule CIDR changes",
      "aws_vpc_security_group_ingress_rule",
      { ...rule, cidr_ipv4: "10.0.0.0/16" },
      { ...rule, cidr_ipv4: "10.1.0.0/16" },
      "in place",
    ],
    [
      "rule source changes kind",
      "aws_vpc_security_group_ingress_rule",
      { ...rule, cidr_ipv4: "10.0.0.0/16" },
      { ...rule, referenced_security_group_id: "sg-lb" },
      "replace cidr_ipv4,referenced_security_group_id",
    ],
    [
      "task definition image",
      "aws_ecs_task_definition",
      task,
      { ...task, container_definitions: '[{"name":"api","image":"api:2"}]' },
      "revision container_definitions[0].image",
    ],
    ["task definition skip_destroy", "aws_ecs_task_definition", task, { ...task, skip_destroy: true }, "in place"],
    ["tags never replace", "aws_flow_log", { vpc_id: "vpc-1" }, { vpc_id: "vpc-1", tags: { team: "a" } }, "in place"],
  ])("%s", (_name, type, before, after, expected) => {
    const stack = (body: object) => ({ resource: { [type]: { r: body } } });
    const found = findReplacements([compareStack("dev-x", stack(before), stack(after))]);
    expect(found.length === 0 ? "in place" : found.map((r) => `${r.kind} ${r.attributes.join(",")}`).join("; ")).toBe(expected);
  });
});

describe("risk notes from replacements", () => {
  it("warns that a replaced security group cannot be deleted while interfaces use it", () => {
    const group = (description: string) => ({
      resource: { aws_security_group: { api: { name: "prod-api", description, vpc_id: "vpc-1" } } },
    });
    const stacks = [compareStack("prod-ecs", group("api tasks"), group("api tasks (ECS)"))];
    const risks = findRisks(stacks, findReplacements(stacks));
    expect(risks.map((r) => `${r.address}: ${r.message.split(":")[0]}`)).toEqual(["aws_security_group.api: security group replaced"]);
  });
});

describe("renames", () => {
  const bucket = (name: string) => ({ "//": { metadata: { path: `dev/${name}` } }, bucket: "logs", force_destroy: true });
  const stack = (...names: string[]) => ({ resource: { aws_s3_bucket: Object.fromEntries(names.map((n) => [n, bucket(n)])) } });

  it("pairs a removed and an added resource that differ only in name", () => {
    expect(compareStack("dev", stack("a_1"), stack("b_2")).renamed).toEqual([
      { type: "aws_s3_bucket", from: "aws_s3_bucket.a_1", to: "aws_s3_bucket.b_2" },
    ]);
  });

  it("tells a resource a removed block forgets (destroy = false) from one Terraform destroys", () => {
    const after = { ...stack(), removed: [{ from: "aws_s3_bucket.a_1", lifecycle: { destroy: false } }] };
    const diff = compareStack("dev", stack("a_1", "a_2"), after);
    expect([diff.removed.map((i) => i.address), diff.forgotten, diff.settings]).toEqual([
      ["aws_s3_bucket.a_1", "aws_s3_bucket.a_2"],
      ["aws_s3_bucket.a_1"],
      [],
    ]);
  });

  it("pairs nothing when the match is ambiguous: both stay removed and added", () => {
    const diff = compareStack("dev", stack("a_1", "a_2"), stack("b_1", "b_2"));
    expect([diff.renamed, diff.removed.length, diff.added.length]).toEqual([[], 2, 2]);
  });
});

describe("synth diff over real synth output", () => {
  const work = mkdtempSync(join(tmpdir(), "synth-diff-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const devYaml = readFileSync(join(FIXTURE_ENVIRONMENTS_DIR, "dev.yaml"), "utf8");
  const synth = (yaml: string, outdir: string) => synthToDir([environmentFromYaml(yaml, "dev")], join(work, outdir));
  // The base every test compares against, so each test also runs alone (jest -t).
  beforeAll(() => synth(devYaml, "old"));

  it("reports the fixture dev environment: smaller intra subnets, a CloudWatch flow-log destination, a new image, a higher maximum a schedule owns", () => {
    const edits: [string, string][] = [
      ["intra: { prefixLength: 24 }", "intra: { prefixLength: 25 }"],
      ["destinations: [s3]", "destinations: [s3, cloudwatch]"],
      ['image: { tag: "1.0.0"', 'image: { tag: "1.1.0"'],
      ["maxCapacity: 2\n        schedules", "maxCapacity: 4\n        schedules"],
    ];
    let changed = devYaml;
    for (const [from, to] of edits) {
      expect(changed).toContain(from);
      changed = changed.replace(from, to);
    }
    synth(changed, "new");
    const diff = synthDiff(join(work, "old"), join(work, "new"));
    const text = renderMarkdown(diff);

    // The ecs stack reads the network through remote state: only what changed there is listed.
    expect(diff.stacks.filter((s) => s.status !== "unchanged").map((s) => s.name)).toEqual(["dev-ecs", "dev-network"]);
    const short = (address: string) => address.replace(/_[0-9A-F]{8}$/, "");
    // Subnet CIDRs force replacement; the image is a new task definition revision (a path into the JSON string).
    expect(diff.replacements.map((r) => `${r.kind} ${short(r.address)} ${r.attributes.join(",")}`)).toEqual([
      "revision aws_ecs_task_definition.api-task_task-definition container_definitions[0].image",
      // The associations name the subnets by id: a new subnet id replaces them (subnet_id forces replacement).
      "consequence aws_route_table_association.vpc_intra-eu-west-1a-association subnet_id",
      "consequence aws_route_table_association.vpc_intra-eu-west-1b-association subnet_id",
      "replace aws_subnet.vpc_intra-eu-west-1a cidr_block",
      "replace aws_subnet.vpc_intra-eu-west-1b cidr_block",
    ]);
    // The schedules set maxCapacity, so max_capacity is under ignore_changes: shown as not applied, no risk note.
    expect(diff.risks.map((r) => `${r.stack} ${r.address.split(".")[0]}`)).not.toContain("dev-ecs aws_appautoscaling_target");
    expect(text).toMatch(
      /^ {2}- `max_capacity`: `2` -> `4`: \*\*not applied by Terraform\*\*: `lifecycle.ignore_changes` lists it: a scheduled action of this service sets this bound/m,
    );
    expect(diff.stacks.find((s) => s.name === "dev-network")!.added.map((i) => i.type)).toEqual(
      expect.arrayContaining(["aws_flow_log", "aws_cloudwatch_log_group"]),
    );
    // The KMS key policy is a JSON string: the new statement is reported by its path inside it.
    expect(text).toMatch(/^ {2}- `policy\.Statement\[\d\]`: added `\{"Sid":"CloudWatchLogsFlowLogGroup"/m);
    expect(text).toContain("## Synth diff: stacks 2 changed · resources ");
    expect(diff.uncheckedTypes).toEqual([]);
    // Identical synth output: no changes.
    expect(renderMarkdown(synthDiff(join(work, "old"), join(work, "old")))).toBe(expected("no-changes"));
  });

  it("follows a private-subnet resize in the fixture prod environment into the stacks that read the subnets", () => {
    const prodYaml = readFileSync(join(FIXTURE_ENVIRONMENTS_DIR, "prod.yaml"), "utf8");
    const resized = prodYaml.replace("private: { prefixLength: 20 }", "private: { prefixLength: 21 }");
    expect(resized).not.toBe(prodYaml);
    synthToDir([environmentFromYaml(prodYaml, "prod")], join(work, "prod-old"));
    synthToDir([environmentFromYaml(resized, "prod")], join(work, "prod-new"));
    const diff = synthDiff(join(work, "prod-old"), join(work, "prod-new"));
    const short = (address: string) => address.replace(/_[0-9A-F]{8}$/, "").replace(/\.[^.]*$/, "");
    const replaced = (stack: string, kind: string) =>
      [...new Set(diff.replacements.filter((r) => r.stack === stack && r.kind === kind).map((r) => short(r.address)))].sort();
    // Inside the network stack: the subnets, and what names them by id in a replacing argument.
    expect(replaced("prod-network", "replace")).toEqual(["aws_subnet"]);
    expect(replaced("prod-network", "consequence")).toContain("aws_route_table_association");
    // Across stacks, through the remote-state outputs: node groups (subnet_ids), the NLB (a subnet swap).
    expect(replaced("prod-eks", "consequence")).toContain("aws_eks_node_group");
    expect(replaced("prod-ecs", "consequence")).toContain("aws_lb");
    expect(diff.downstream.filter((d) => !d.replaced).map((d) => `${d.stack} ${short(d.address)}`)).toContain("prod-ecs aws_ecs_service");
    expect(diff.risks.filter((r) => r.message.startsWith("subnet replaced while network interfaces")).length).toBeGreaterThan(0);
  }, 60_000);

  it("prices the change: a NAT gateway per zone and no night schedule in the fixture dev environment", () => {
    const edited = devYaml.replace("natGateways: single", "natGateways: per-az").replace(/ {8}schedules:\n( {10}- .*\n)+/, "");
    expect(edited).not.toContain("nights-off");
    synth(edited, "costly");
    const diff = synthDiff(join(work, "old"), join(work, "costly"));
    const text = renderMarkdown(diff);
    // +$0.10: the api now runs all week, so it gets its no-healthy-targets alarm.
    expect(text).toContain("### Estimated monthly cost: dev +$43.21/month");
    expect(text).toContain("| `dev-network` | $39.69 | $78.38 | +$38.69 |");
    expect(text).toContain("- `dev-network` +1 NAT gateway: +$35.04/month");
    expect(text).toContain("- `dev-network` +1 Public IPv4 address: +$3.65/month");
    expect(text).toContain("- `dev-ecs` schedule changed on Fargate service api: +$4.42/month (average 0.39 -> 1)");
  });
});
