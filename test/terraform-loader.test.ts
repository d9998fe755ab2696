// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  classifyInit,
  configurationProblems,
  expressionsIn,
  type LoaderResult,
  readStacks,
  referencesIn,
  runTerraformLoader,
  type StackJson,
} from "../tools/gates/terraform-check";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, synthToDir, terraformVersion } from "./helpers";

// Contract 7: Terraform itself accepts every synthesized stack. A stack once passed every test and
// failed every `terraform init` (a "${...}" in depends_on); this suite runs Terraform's own loader.

const work = mkdtempSync(join(tmpdir(), "terraform-loader-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Configured environments and fixtures, each in its own output folder (their names may collide). */
const outdirs = {
  configured: join(work, "configured"),
  fixtures: join(work, "fixtures"),
};
synthToDir(configuredEnvironments(), outdirs.configured);
synthToDir(FIXTURE_ENVIRONMENTS.map(fixtureEnvironment), outdirs.fixtures);

/** The first flow log's depends_on written the way the old code wrote it: an interpolation, not an address. */
function withInterpolatedDependsOn(outdir: string): string {
  const broken = join(work, "broken");
  const stack = readStacks(outdir).find((s) => s.name.endsWith("-network"))!;
  const flowLogs = stack.terraform.resource!.aws_flow_log!;
  const [first] = Object.values(flowLogs).filter((body) => Array.isArray(body.depends_on));
  const bare = (first!.depends_on as string[])[0]!;
  first!.depends_on = [`\${${bare}}`];
  const dir = join(broken, "stacks", stack.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack.terraform, null, 2));
  return broken;
}

describe.each(Object.entries(outdirs))("%s environments: what the loader does not check", (_label, outdir) => {
  const stacks = readStacks(outdir);

  it("synthesizes at least one stack", () => {
    expect(stacks.length).toBeGreaterThan(0);
  });

  it("every ${...} names something the stack declares, every depends_on is a bare address, every stack pins Terraform >= 1.10", () => {
    expect(configurationProblems(stacks)).toEqual([]);
  });
});

const version = terraformVersion("Terraform's own loader");
const whenTerraform = version ? describe : describe.skip;

whenTerraform(`Terraform ${version ?? "(not on PATH: skipped)"} configuration loader (terraform init -backend=false)`, () => {
  const results: Record<string, LoaderResult[]> = {};
  beforeAll(async () => {
    const [configured, fixtures, broken] = await Promise.all([
      runTerraformLoader(outdirs.configured),
      runTerraformLoader(outdirs.fixtures),
      runTerraformLoader(withInterpolatedDependsOn(outdirs.fixtures)),
    ]);
    Object.assign(results, { configured, fixtures, broken });
  }, 60_000);

  it.each(Object.keys(outdirs))("accepts every stack of the %s environments", (label) => {
    const refused = results[label]!.filter((r) => !r.accepted).map((r) => `${r.stack}: ${r.errors.join("; ")}\n${r.output}`);
    expect(refused).toEqual([]);
    expect(results[label]!.length).toBe(readStacks(outdirs[label as keyof typeof outdirs]).length);
  });

  it("refuses the old interpolated depends_on (the defect this gate exists for), and so does the reference check", () => {
    const broken = results.broken!.find((r) => r.stack.endsWith("-network"))!;
    expect(broken.accepted).toBe(false);
    expect(broken.errors).toContain("Invalid expression");
    expect(broken.output).toMatch(/A single static variable reference is required/);
    const problems = configurationProblems(readStacks(join(work, "broken")));
    expect(problems).toEqual([
      expect.stringMatching(
        /^\w+-network: aws_flow_log\.[\w-]+\.depends_on\[0\]: "\$\{aws_s3_bucket_policy\.[\w-]+\}" is not a bare address/,
      ),
    ]);
  });
});

describe("classifyInit", () => {
  const providerFailure = `Initializing provider plugins...
- Finding hashicorp/aws versions matching "6.25.0"...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws`;
  const configFailure = `Error: Terraform encountered problems during initialisation, including problems
with the configuration, described below.

Error: Invalid expression

  on cdk.tf.json line 403, in resource.aws_flow_log.x.depends_on:`;

  it("accepts success and a failure at provider installation", () => {
    expect(classifyInit("s", 0, "Terraform has been successfully initialized!").accepted).toBe(true);
    expect(classifyInit("s", 1, providerFailure)).toMatchObject({
      accepted: true,
      errors: ["Failed to query available provider packages"],
    });
  });

  it("refuses configuration errors, and failures before the provider step", () => {
    expect(classifyInit("s", 1, configFailure)).toMatchObject({
      accepted: false,
      errors: ["Terraform encountered problems during initialisation, including problems", "Invalid expression"],
    });
    expect(classifyInit("s", 1, "Error: Failed to query available provider packages").accepted).toBe(false);
    expect(classifyInit("s", 1, `${providerFailure}\n\nError: Unsupported block type`).accepted).toBe(false);
  });
});

describe("reference parsing", () => {
  it("finds expressions, skipping $${...} escapes, and nested templates in quoted strings", () => {
    expect(expressionsIn("s3://${aws_s3_bucket.b.bucket}/year=$${year}/")).toEqual(["aws_s3_bucket.b.bucket"]);
    expect(expressionsIn('${join(",", ["${var.a}", local.b])}')).toEqual(['join(",", ["${var.a}", local.b])', "var.a"]);
    expect(expressionsIn("no templates here")).toEqual([]);
  });

  it("names the addresses, not functions, literals, iterators or attributes", () => {
    expect(referencesIn("cidrsubnet(aws_vpc.main.cidr_block, 8, 1)")).toEqual([{ address: "aws_vpc.main" }]);
    expect(referencesIn("[for k, v in aws_subnet.private: v.id if v.id != null]")).toEqual([{ address: "aws_subnet.private" }]);
    expect(referencesIn("data.aws_iam_policy_document.p.json")).toEqual([{ address: "data.aws_iam_policy_document.p" }]);
    expect(referencesIn("data.terraform_remote_state.net.outputs.vpc_id")).toEqual([
      { address: "data.terraform_remote_state.net", remoteOutput: "vpc_id" },
    ]);
    expect(referencesIn('var.a == "x.y" ? local.b : aws_lb.x[0].arn')).toEqual([
      { address: "var.a" },
      { address: "local.b" },
      { address: "aws_lb.x" },
    ]);
  });
});

describe("configurationProblems", () => {
  const stack = (name: string, terraform: StackJson["terraform"]): StackJson => ({
    name,
    terraform: { terraform: { required_version: ">= 1.10.0" }, ...terraform },
  });

  it("reports undeclared references, a missing remote-state output and a missing version, one line each", () => {
    const upstream = stack("dev-network", { output: { vpc_id: { value: "${aws_vpc.v.id}" } }, resource: { aws_vpc: { v: {} } } });
    const downstream = stack("dev-ecs", {
      data: { terraform_remote_state: { net: { backend: "local", config: { path: "../../../terraform.dev-network.tfstate" } } } },
      resource: {
        aws_lb: {
          a: { subnets: "${data.terraform_remote_state.net.outputs.subnet_ids}", security_groups: ["${aws_security_group.missing.id}"] },
          b: { vpc_id: "${data.terraform_remote_state.net.outputs.vpc_id}", depends_on: ["aws_lb.a", "aws_lb.gone"] },
        },
      },
    });
    const unversioned: StackJson = { name: "dev-x", terraform: {} };
    expect(configurationProblems([upstream, downstream, unversioned])).toEqual([
      "dev-ecs: aws_lb.a.subnets: data.terraform_remote_state.net reads output subnet_ids, which dev-network does not declare",
      "dev-ecs: aws_lb.a.security_groups[0]: ${aws_security_group.missing.id} refers to aws_security_group.missing, which this stack does not declare",
      "dev-ecs: aws_lb.b.depends_on[1]: aws_lb.gone is not declared in this stack",
      'dev-x: terraform.required_version: is undefined; every stack declares ">= 1.10.0"',
    ]);
  });

  it("reports a replace_triggered_by entry that is not a bare reference to a declared resource", () => {
    const triggered = (...entries: string[]) => ({ lifecycle: { replace_triggered_by: entries } });
    const ecs = stack("dev-ecs", {
      resource: {
        aws_appautoscaling_target: { t: {} },
        aws_appautoscaling_policy: { ok: triggered("aws_appautoscaling_target.t.arn", "aws_appautoscaling_target.t") },
        aws_appautoscaling_scheduled_action: { bad: triggered("${aws_appautoscaling_target.t.arn}", "aws_appautoscaling_target.gone.arn") },
      },
    });
    expect(configurationProblems([ecs])).toEqual([
      'dev-ecs: aws_appautoscaling_scheduled_action.bad.lifecycle.replace_triggered_by[0]: "${aws_appautoscaling_target.t.arn}" is not a bare reference to a resource of this stack',
      'dev-ecs: aws_appautoscaling_scheduled_action.bad.lifecycle.replace_triggered_by[1]: "aws_appautoscaling_target.gone.arn" is not a bare reference to a resource of this stack',
    ]);
  });

  it("reads the upstream stack of S3 remote state from its key", () => {
    const upstream = stack("prod-network", { output: { vpc_id: { value: "x" } } });
    const downstream = stack("prod-ecs", {
      data: { terraform_remote_state: { net: { backend: "s3", config: { bucket: "b", key: "prod/prod-network.tfstate" } } } },
      locals: { vpc: "${data.terraform_remote_state.net.outputs.vpc_id}" },
    });
    expect(configurationProblems([upstream, downstream])).toEqual([]);
  });
});
