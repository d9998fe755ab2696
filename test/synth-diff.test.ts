import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthDiff } from "../tools/synth-diff/diff";
import { GITHUB_COMMENT_LIMIT, MARKER, renderMarkdown } from "../tools/synth-diff/markdown";
import { REPLACEMENT } from "../tools/synth-diff/replacement";
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
    ["rename", "renamed resources (a parent and the child that references it) flagged; a declared move shown as a move"],
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
    ["risk-encryption-logging", "KMS key, flow log and access logs removed, a log group's key removed, EKS log types reduced"],
  ])("%s: %s", (name) => {
    expect(report(name)).toBe(expected(name));
  });

  it("cuts a report to the character limit: risks and replacements first, stack details to a summary, a pointer to the full report", () => {
    const text = report("risk-public-ingress", { maxChars: 1300, fullReport: "the synth-diff artifact of this run" });
    expect(text).toBe(expected("risk-public-ingress", "expected-1300-chars.md"));
    expect(text.length).toBeLessThanOrEqual(1300);
    expect(report("risk-public-ingress", { maxChars: GITHUB_COMMENT_LIMIT })).toBe(expected("risk-public-ingress"));
  });

  it("drops risk lines only when even they do not fit, and says how many", () => {
    const text = report("risk-public-ingress", { maxChars: 700, fullReport: "the artifact" });
    expect(text.length).toBeLessThanOrEqual(700);
    expect(text.split("\n").at(-2)).toBe(
      "**Truncated to fit a pull-request comment**: 3 replacement and risk lines left out, 1 stack section left out; see the artifact.",
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
});

describe("synth diff over real synth output", () => {
  const work = mkdtempSync(join(tmpdir(), "synth-diff-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const devYaml = readFileSync(join(FIXTURE_ENVIRONMENTS_DIR, "dev.yaml"), "utf8");
  const synth = (yaml: string, outdir: string) => synthToDir([environmentFromYaml(yaml, "dev")], join(work, outdir));

  it("reports the fixture dev environment with smaller intra subnets and a CloudWatch flow-log destination", () => {
    synth(devYaml, "old");
    const changed = devYaml
      .replace("intra: { prefixLength: 24 }", "intra: { prefixLength: 25 }")
      .replace("destinations: [s3]", "destinations: [s3, cloudwatch]");
    expect(changed).not.toBe(devYaml);
    synth(changed, "new");
    const diff = synthDiff(join(work, "old"), join(work, "new"));
    const text = renderMarkdown(diff);

    expect(diff.stacks.map((s) => [s.name, s.status])).toEqual([["dev-network", "changed"]]);
    // Subnet CIDRs force replacement; the new flow log and its log group are additions.
    expect(diff.replacements.map((r) => `${r.kind} ${r.address.replace(/_[0-9A-F]{8}$/, "")} ${r.attributes.join(",")}`)).toEqual([
      "replace aws_subnet.vpc_intra-eu-west-1a cidr_block",
      "replace aws_subnet.vpc_intra-eu-west-1b cidr_block",
    ]);
    expect(diff.stacks[0]!.added.map((i) => i.type)).toEqual(expect.arrayContaining(["aws_flow_log", "aws_cloudwatch_log_group"]));
    // The KMS key policy is a JSON string: the new statement is reported by its path inside it.
    expect(text).toMatch(/^ {2}- `policy\.Statement\[\d\]`: added `\{"Sid":"CloudWatchLogsFlowLogGroup"/m);
    expect(text).toContain("## Synth diff: stacks 1 changed · resources ");
    expect(diff.uncheckedTypes).toEqual([]);
    // Identical synth output: no changes.
    expect(renderMarkdown(synthDiff(join(work, "old"), join(work, "old")))).toBe(expected("no-changes"));
  });
});
