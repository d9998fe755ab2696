// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings, not JavaScript templates
// The plan workflow's tools (.github/workflows/plan.yml) on recorded fixtures (test/fixtures/plan/README.md):
// the layer matrices, the upstream-deployed check, checkov on the plan JSON, and the summary comment.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployOrderSummary, deployPlan } from "../tools/ci/deploy-environments";
import { forEnvironment, githubOutputLines, planMatrix, runnerProject, withoutUnchanged } from "../tools/ci/plan-matrix";
import {
  completeResults,
  countChanges,
  PLAN_SUMMARY_MARKER,
  readResults,
  renderPlanSummary,
  replacementText,
  stackResult,
} from "../tools/ci/plan-summary";
import { blockAddress, classifyPlanScan, formatPlanReport, touchesUnknown } from "../tools/ci/scan-plan";
import { notDeployed, notPlannedNotice, remoteStateOutputs, upstreamRequirements } from "../tools/ci/upstream-deployed";
import { failureLine, justifiedLine } from "../tools/shared/checkov/classify";
import type { Manifest, StackDocument } from "../tools/shared/manifest";
import { LAYERS, splitStackName } from "../tools/shared/manifest";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, runTs, terraformVersion } from "./helpers";

const FIXTURES = join(__dirname, "fixtures", "plan");
const fixture = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
const ecsDocument = fixture("sample-ecs.cdk.tf.json") as StackDocument;
const plan = fixture("sample-ecs.plan.json") as Parameters<typeof countChanges>[0];
const checkovOutput = fixture("checkov-plan-result.json");

const s3 = (key: string) => ({ terraform: { backend: { s3: { bucket: "acme-tfstate", key, region: "eu-west-1" } } } });
const local = (stack: string) => ({ terraform: { backend: { local: { path: `../../../terraform.${stack}.tfstate` } } } });
const provider = { provider: { aws: [{ region: "eu-central-1" }] } };

/** Every layer as the ecs and eks layers wire it: ecs and eks read the network's outputs, eks-addons is ordered after eks. */
const manifest: Manifest = {
  stacks: {
    "sample-network": { workingDirectory: "stacks/sample-network", dependencies: [] },
    "sample-ecs": { workingDirectory: "stacks/sample-ecs", dependencies: ["sample-network"] },
    "sample-eks": { workingDirectory: "stacks/sample-eks", dependencies: ["sample-network"] },
    "sample-eks-addons": { workingDirectory: "stacks/sample-eks-addons", dependencies: ["sample-eks"] },
    "dev-network": { workingDirectory: "stacks/dev-network", dependencies: [] },
  },
};
const documents: Record<string, StackDocument> = {
  "sample-network": { ...s3("sample/sample-network.tfstate"), ...provider, output: { vpc_id: {}, private_subnet_ids: {} } },
  "sample-ecs": ecsDocument,
  "sample-eks": { ...s3("sample/sample-eks.tfstate"), ...provider, output: { cluster_name: {}, cluster_endpoint: {} } },
  "sample-eks-addons": { ...s3("sample/sample-eks-addons.tfstate"), ...provider },
  "dev-network": local("dev-network"),
};

describe("plan matrix", () => {
  const matrix = planMatrix(manifest, documents);

  it("puts every S3-state stack in its layer's matrix and lists the local-state ones apart", () => {
    expect(matrix.layers).toEqual({
      network: [
        {
          stack: "sample-network",
          environment: "sample",
          directory: "cdktf.out/stacks/sample-network",
          upstream: [],
          region: "eu-central-1",
          runner: "",
          planRole: "",
        },
      ],
      ecs: [
        {
          stack: "sample-ecs",
          environment: "sample",
          directory: "cdktf.out/stacks/sample-ecs",
          upstream: ["sample-network"],
          region: "eu-west-1",
          runner: "",
          planRole: "",
        },
      ],
      eks: [
        {
          stack: "sample-eks",
          environment: "sample",
          directory: "cdktf.out/stacks/sample-eks",
          upstream: ["sample-network"],
          region: "eu-central-1",
          runner: "",
          planRole: "",
        },
      ],
      "eks-addons": [
        {
          stack: "sample-eks-addons",
          environment: "sample",
          directory: "cdktf.out/stacks/sample-eks-addons",
          upstream: ["sample-eks"],
          region: "eu-central-1",
          // No CodeBuild project in this synth: no in-VPC runner (the workflow falls back, with a warning).
          runner: "",
          planRole: "",
        },
      ],
    });
    expect(matrix.localState).toEqual(["dev-network"]);
  });

  it("writes one $GITHUB_OUTPUT line per layer (empty layers as []), the local-state stacks and every stack", () => {
    const lines = githubOutputLines(planMatrix({ stacks: { "dev-network": manifest.stacks["dev-network"]! } }, documents));
    expect(lines).toEqual([
      "network=[]",
      "ecs=[]",
      "eks=[]",
      "eks-addons=[]",
      "hosted=[]",
      "cluster=[]",
      'local-state=["dev-network"]',
      'stacks=["dev-network"]',
    ]);
  });

  it("puts the cluster-facing stacks (eks-addons) on the environment's in-VPC runner and apart from the hosted ones, with the plan role", () => {
    const runner = { resource: { aws_codebuild_project: { runner: { name: "sample-github-runner" }, other: { name: "${var.x}" } } } };
    const withRunner = planMatrix(manifest, { ...documents, "sample-eks": { ...documents["sample-eks"]!, ...runner } }, "cdktf.out", {
      sample: "arn:aws:iam::111122223333:role/plan",
    });
    expect(withRunner.layers["eks-addons"].map((e) => [e.stack, e.runner, e.planRole])).toEqual([
      ["sample-eks-addons", "sample-github-runner", "arn:aws:iam::111122223333:role/plan"],
    ]);
    expect(withRunner.layers.eks.map((e) => e.runner)).toEqual([""]);
    expect(runnerProject([runner])).toBe("sample-github-runner");
    const lines = Object.fromEntries(
      githubOutputLines(withRunner).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect((JSON.parse(lines.hosted!) as { stack: string }[]).map((e) => e.stack)).toEqual(["sample-network", "sample-ecs", "sample-eks"]);
    expect((JSON.parse(lines.cluster!) as { stack: string }[]).map((e) => e.stack)).toEqual(["sample-eks-addons"]);
    expect(forEnvironment(withRunner, "dev").localState).toEqual(["dev-network"]);
    expect(LAYERS.flatMap((layer) => forEnvironment(withRunner, "dev").layers[layer])).toEqual([]);
  });

  it("refuses a stack of no known layer instead of never planning it", () => {
    const stacks = { "dev-cache": { workingDirectory: "stacks/dev-cache", dependencies: [] } };
    expect(() => planMatrix({ stacks }, { "dev-cache": s3("dev/dev-cache.tfstate") })).toThrow(
      "stack dev-cache ends in no known layer (network, ecs, eks, eks-addons); add its layer to LAYERS in stacks/layers.ts and a plan job to plan.yml",
    );
  });

  it("with --changed-since leaves out the stacks whose Terraform JSON equals the base synth's, new and changed ones stay", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-changed-"));
    try {
      const write = (outdir: string, stack: string, text: string) => {
        mkdirSync(join(dir, outdir, "stacks", stack), { recursive: true });
        writeFileSync(join(dir, outdir, "stacks", stack, "cdk.tf.json"), text);
      };
      for (const stack of Object.keys(manifest.stacks)) write("head", stack, JSON.stringify(documents[stack]));
      write("base", "sample-network", JSON.stringify(documents["sample-network"])); // unchanged
      write("base", "sample-ecs", "{}"); // changed
      write("base", "dev-network", JSON.stringify(documents["dev-network"])); // unchanged (local state)
      // sample-eks and sample-eks-addons are new: no base file
      const { matrix: changed, unchanged } = withoutUnchanged(matrix, join(dir, "head"), join(dir, "base"), manifest);
      expect(unchanged).toEqual(["dev-network", "sample-network"]);
      expect(changed.layers.network).toEqual([]);
      expect(changed.layers.ecs.map((e) => e.stack)).toEqual(["sample-ecs"]);
      expect(changed.layers.eks.map((e) => e.stack)).toEqual(["sample-eks"]);
      expect(changed.layers["eks-addons"].map((e) => e.stack)).toEqual(["sample-eks-addons"]);
      expect(changed.localState).toEqual([]);
      expect(githubOutputLines(changed).at(-1)).toBe('stacks=["sample-ecs","sample-eks","sample-eks-addons"]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("splits stack names at the longest layer suffix, environment names with hyphens included", () => {
    expect(splitStackName("eu-prod-eks-addons")).toEqual({ environment: "eu-prod", layer: "eks-addons" });
    expect(splitStackName("eks-network")).toEqual({ environment: "eks", layer: "network" });
    expect(splitStackName("network")).toBeUndefined();
  });
});

describe("upstream-deployed check", () => {
  it("lists the remote-state outputs a stack reads", () => {
    expect(remoteStateOutputs(ecsDocument)).toEqual(new Map([["cross-stack-reference-input-sample-network", new Set(["vpc_id"])]]));
  });

  it("requires the outputs read through remote state, or the upstream's declared outputs for an ordering-only dependency", () => {
    expect(upstreamRequirements("sample-ecs", manifest, documents)).toEqual([
      { upstream: "sample-network", outputs: ["vpc_id"], via: "remote-state" },
    ]);
    expect(upstreamRequirements("sample-eks-addons", manifest, documents)).toEqual([
      { upstream: "sample-eks", outputs: ["cluster_endpoint", "cluster_name"], via: "dependency" },
    ]);
    expect(upstreamRequirements("sample-network", manifest, documents)).toEqual([]);
  });

  it("matches a remote state to its upstream by backend bucket and key, whatever the data source is called", () => {
    const renamed = JSON.parse(
      JSON.stringify(ecsDocument).replaceAll("cross-stack-reference-input-sample-network", "network_state"),
    ) as StackDocument;
    expect(upstreamRequirements("sample-ecs", manifest, { ...documents, "sample-ecs": renamed })[0]?.via).toBe("remote-state");
  });

  it("reports an upstream as not deployed when its state lacks an output the stack reads (no state: no outputs)", () => {
    const requirements = upstreamRequirements("sample-ecs", manifest, documents);
    expect(notDeployed(requirements, {})).toEqual([{ upstream: "sample-network", missing: ["vpc_id"] }]);
    expect(notDeployed(requirements, { "sample-network": { private_subnet_ids: { value: [] } } })).toEqual([
      { upstream: "sample-network", missing: ["vpc_id"] },
    ]);
    expect(notDeployed(requirements, { "sample-network": { vpc_id: { value: "vpc-1" } } })).toEqual([]);
    expect(notPlannedNotice(notDeployed(requirements, {}))).toBe("not planned: sample-network is not deployed yet; deploy it first");
  });
});

// End to end with Terraform itself, offline: stacks with a local backend and no providers, so `terraform init` needs no registry.
(terraformVersion("the upstream-deployed command with Terraform") ? describe : describe.skip)(
  "upstream-deployed command with Terraform",
  () => {
    const work = mkdtempSync(join(tmpdir(), "upstream-"));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    const outdir = join(work, "out");
    const write = (stack: string, document: object) => {
      mkdirSync(join(outdir, "stacks", stack), { recursive: true });
      writeFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), JSON.stringify(document));
    };
    mkdirSync(outdir, { recursive: true });
    writeFileSync(
      join(outdir, "manifest.json"),
      JSON.stringify({
        stacks: {
          "t-network": { workingDirectory: "stacks/t-network", dependencies: [] },
          "t-ecs": { workingDirectory: "stacks/t-ecs", dependencies: ["t-network"] },
        },
      }),
    );
    write("t-network", { ...local("t-network"), output: { vpc_id: { value: "vpc-1" } } });
    write("t-ecs", {
      ...local("t-ecs"),
      data: { terraform_remote_state: { net: { backend: "local", config: { path: "../../../terraform.t-network.tfstate" } } } },
      output: { vpc: { value: "${data.terraform_remote_state.net.outputs.vpc_id}" } },
    });
    const run = (tool: string, ...args: string[]) =>
      runTs([join("tools", "ci", tool), ...args], { CDKTF_OUTDIR: outdir, TF_CLI_CONFIG_FILE: "/dev/null", TF_IN_AUTOMATION: "1" });

    it("exits 3 with the notice before the upstream is applied, 0 once its state has the outputs; npm run plan skips and then plans", async () => {
      expect(await run("upstream-deployed.ts", "t-ecs")).toMatchObject({
        code: 3,
        stdout: "t-ecs: not planned: t-network is not deployed yet; deploy it first\n",
      });
      const planBefore = await run("plan-environment.ts", "t", "--skip-synth");
      expect(planBefore.code).toBe(0);
      expect(planBefore.stdout).toContain(
        "\nplanned 1 of 2 stacks; not planned:\nt-ecs: not planned: t-network is not deployed yet; deploy it first (npm run deploy -- t-network)\n",
      );

      writeFileSync(
        join(work, "terraform.t-network.tfstate"),
        JSON.stringify({
          version: 4,
          terraform_version: "1.11.4",
          serial: 1,
          lineage: "t",
          outputs: { vpc_id: { value: "vpc-1", type: "string" } },
          resources: [],
        }),
      );
      expect(await run("upstream-deployed.ts", "t-ecs")).toMatchObject({
        code: 0,
        stdout: "t-ecs: t-network is deployed (1 output(s) it needs exist)\n",
      });
      const planAfter = await run("plan-environment.ts", "t", "--skip-synth");
      expect(planAfter).toMatchObject({ code: 0 });
      expect(planAfter.stdout).toContain("== t-ecs (2/2): terraform init && terraform plan");
      expect(planAfter.stdout).not.toContain("not planned");
    }, 60_000);
  },
);

describe("checkov on the plan JSON", () => {
  const result = classifyPlanScan(checkovOutput, "sample-ecs", ecsDocument as never, "/fixture/sample-ecs.plan.json");

  it("counts findings justified at synth time (same resource, same check) as justified, per resource block", () => {
    expect(result.justified.map(justifiedLine)).toEqual([
      "sample-ecs: aws_cloudwatch_log_group.app: CKV_AWS_158 justified: AWS-managed encryption is enough for these logs.",
      "sample-ecs: aws_iam_policy.task: CKV_AWS_290 justified: Write access is limited to the task's own log group.",
      "sample-ecs: aws_s3_bucket.logs: CKV_AWS_144 justified: Cross-region replication is not needed for re-creatable diagnostics.",
      "sample-ecs: aws_s3_bucket.logs: CKV_AWS_145 justified: SSE-S3 is enough for access logs.",
    ]);
  });

  it("fails on everything else, including what only the plan shows (the policy JSON string parsed: CKV_AWS_355)", () => {
    expect(result.failures.map(failureLine)).toEqual([
      'sample-ecs: aws_iam_policy.task: CKV_AWS_355 Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions',
      "sample-ecs: aws_s3_bucket.logs: CKV_AWS_18 Ensure the S3 bucket has access logging enabled",
      "sample-ecs: aws_s3_bucket.logs: CKV_AWS_21 Ensure all data stored in the S3 bucket have versioning enabled",
      "sample-ecs: aws_s3_bucket.logs: CKV2_AWS_6 Ensure that S3 bucket has a Public Access block",
      "sample-ecs: aws_s3_bucket.logs: CKV2_AWS_61 Ensure that an S3 bucket has a lifecycle configuration",
      "sample-ecs: aws_s3_bucket.logs: CKV2_AWS_62 Ensure S3 buckets should have event notifications enabled",
      "sample-ecs: aws_security_group.ssh: CKV_AWS_24 Ensure no security groups allow ingress from 0.0.0.0:0 to port 22",
      "sample-ecs: aws_security_group.ssh: CKV2_AWS_5 Ensure that Security Groups are attached to another resource",
    ]);
    expect(result.rows).toEqual([{ stack: "sample-ecs", passed: 20, failed: 8, justified: 4 }]);
    expect(result.errors).toEqual([]);
    expect(result.stale).toEqual([]);
  });

  it("defers, not fails, a finding whose evaluated values are known only after apply (in every failing instance)", () => {
    const unknownAfterApply = (address: string, after_unknown: object) => ({ address, change: { after_unknown } });
    const withUnknowns = {
      resource_changes: [
        // the whole policy JSON waits for an ARN created in the same plan
        unknownAfterApply("aws_iam_policy.task", { policy: true }),
        // only the security group's vpc_id is unknown: the open ingress is known and still fails
        unknownAfterApply("aws_security_group.ssh", { vpc_id: true, ingress: [{ cidr_blocks: false }] }),
      ],
    };
    const deferredScan = classifyPlanScan(checkovOutput, "sample-ecs", ecsDocument as never, "/fixture/sample-ecs.plan.json", withUnknowns);
    expect(deferredScan.deferred.map((f) => `${f.address} ${f.checkId}`)).toEqual(["aws_iam_policy.task CKV_AWS_355"]);
    expect(deferredScan.failures.map((f) => `${f.address} ${f.checkId}`)).not.toContain("aws_iam_policy.task CKV_AWS_355");
    expect(deferredScan.failures.map((f) => `${f.address} ${f.checkId}`)).toContain("aws_security_group.ssh CKV_AWS_24");
    expect(deferredScan.rows).toEqual([{ stack: "sample-ecs", passed: 20, failed: 7, justified: 4 }]);
    expect(formatPlanReport(deferredScan).slice(-4)).toEqual([
      "Known only after apply (1), not failed: the check reads values the plan cannot know yet",
      'sample-ecs: aws_iam_policy.task: CKV_AWS_355 Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions',
      "",
      "checkov FAILED: 7 unjustified failure(s), 4 justified, 0 stale justification(s), 0 error(s)",
    ]);
  });

  it.each([
    [
      { configuration: [{ execute_command_configuration: [{ kms_key_id: true }] }] },
      "configuration/[0]/execute_command_configuration",
      true,
    ],
    [
      { configuration: [{ execute_command_configuration: [{ kms_key_id: true }] }] },
      "configuration/execute_command_configuration/kms_key_id",
      true,
    ],
    [{ rule: [{ status: false }, { status: true }] }, "rule/*/status", true],
    [{ kms_key_id: true }, "retention_in_days", false],
    [{ access_logs: [{ bucket: true }] }, "access_logs/0/enabled/0", false],
    [undefined, "kms_key_id", false],
  ])("after_unknown %j reaches %s: %s", (afterUnknown, key, expected) => {
    expect(touchesUnknown(afterUnknown, key)).toBe(expected);
  });

  it("maps instance addresses to their resource block", () => {
    expect(blockAddress('aws_cloudwatch_log_group.app["a"]')).toBe("aws_cloudwatch_log_group.app");
    expect(blockAddress("aws_cloudwatch_log_group.app[0]")).toBe("aws_cloudwatch_log_group.app");
    expect(blockAddress("aws_vpc.main")).toBe("aws_vpc.main");
  });
});

describe("plan summary", () => {
  it("counts changes as Terraform's Plan: line does (a replacement is one add and one destroy), data reads excluded", () => {
    const withRead = {
      resource_changes: [
        ...(plan.resource_changes ?? []),
        { address: "data.aws_caller_identity.x", mode: "data", change: { actions: ["read"] } },
      ],
    };
    expect(countChanges(withRead)).toEqual({
      add: 3,
      change: 1,
      destroy: 2,
      replaced: ["aws_cloudwatch_log_group.app[0]"],
      destroyed: ["aws_ecr_repository.old"],
      replacedHow: { "aws_cloudwatch_log_group.app[0]": { createFirst: false, paths: ["name"] } },
    });
  });

  it("says whether a replacement creates first (the plan's action order) and what forces it (replace_paths)", () => {
    const change = (address: string, actions: string[], paths?: (string | number)[][], reason?: string) => ({
      address,
      mode: "managed",
      ...(reason ? { action_reason: reason } : {}),
      change: { actions, ...(paths ? { replace_paths: paths } : {}) },
    });
    const counts = countChanges({
      resource_changes: [
        change("aws_lb_target_group.api", ["create", "delete"], [["port"]]),
        change("aws_eks_node_group.spot", ["delete", "create"], [["subnet_ids"], ["scaling_config", 0, "max_size"]]),
        change("aws_instance.x", ["delete", "create"], undefined, "replace_because_tainted"),
      ],
    });
    const how = counts.replaced.map((a) => `${a} ${replacementText(counts.replacedHow?.[a])}`);
    expect(how).toEqual([
      "aws_eks_node_group.spot (destroyed first, then created: unavailable until the new one exists; forced by `subnet_ids`, `scaling_config[0].max_size`)",
      "aws_instance.x (destroyed first, then created: unavailable until the new one exists; because tainted)",
      "aws_lb_target_group.api (created first, then the old one destroyed (create_before_destroy); forced by `port`)",
    ]);
  });

  it("renders one comment over every stack, in layer order, naming the stacks not planned and why", () => {
    const scan = classifyPlanScan(checkovOutput, "sample-ecs", ecsDocument as never, "/fixture/sample-ecs.plan.json");
    const results = completeResults(
      [
        stackResult("sample-ecs", { plan, scan: { ...scan, failures: scan.failures.slice(0, 1) }, outcome: "success" }),
        stackResult("sample-network", {
          plan: { resource_changes: [] },
          scan: { ...scan, failures: [], justified: [] },
          outcome: "success",
        }),
        stackResult("sample-eks-addons", { notice: "not planned: sample-eks is not deployed yet; deploy it first" }),
        stackResult("sample-eks", { outcome: "failure" }),
      ],
      ["dev-network", "other-network", "sample-ecs", "sample-eks", "sample-eks-addons", "sample-network"],
      ["dev-network"],
    );
    expect(renderPlanSummary(results, "https://github.com/acme/infra/actions/runs/1")).toBe(
      [
        PLAN_SUMMARY_MARKER,
        "## Terraform plan",
        "",
        "| stack | add | change | destroy | checkov on the plan | status |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        "| `dev-network` | - | - | - |  | not planned in CI: local state (no `state` section) |",
        "| `other-network` | - | - | - |  | **no result** (the job did not finish) |",
        "| `sample-network` | 0 | 0 | 0 | passed | planned |",
        "| `sample-ecs` | 3 | 1 | 2 | **1 unjustified, 0 error(s)** | planned |",
        "| `sample-eks` | - | - | - |  | **plan failed** (see the job log) |",
        "| `sample-eks-addons` | - | - | - |  | not planned: sample-eks is not deployed yet; deploy it first |",
        "",
        "### :warning: Resources destroyed or replaced",
        "",
        "- `sample-ecs`: `aws_cloudwatch_log_group.app[0]` is **replaced** (destroyed first, then created: unavailable until the new one exists; forced by `name`)",
        "- `sample-ecs`: `aws_ecr_repository.old` is **destroyed**",
        "",
        "### checkov on the plan: unjustified findings",
        "",
        '- sample-ecs: aws_iam_policy.task: CKV_AWS_355 Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions',
        "",
        'Fix the resource or add `justify(resource, "<check id>", "reason")` next to it (docs/security-scan.md).',
        "",
        "2 stack(s) not planned: a stack whose upstream stack is not deployed has no outputs to read yet (deploy the upstream first); local-state stacks can only be planned where their state file is (`npm run plan -- <env>`).",
        "",
        "Plans (`tfplan`, `plan.json`) and job logs: https://github.com/acme/infra/actions/runs/1",
        "",
      ].join("\n"),
    );
  });

  it("reads the results as download-artifact leaves them: a folder per artifact, or one artifact's files at the top", () => {
    const dir = mkdtempSync(join(tmpdir(), "plans-"));
    try {
      const result = (stack: string) => `${JSON.stringify({ stack, status: "planned" })}\n`;
      mkdirSync(join(dir, "plan-a-network"));
      writeFileSync(join(dir, "plan-a-network", "result.json"), result("a-network"));
      writeFileSync(join(dir, "plan-a-network", "plan.json"), "{}");
      expect(readResults(dir).map((r) => r.stack)).toEqual(["a-network"]);
      writeFileSync(join(dir, "result.json"), result("b-network"));
      writeFileSync(join(dir, "scan.json"), "{}");
      expect(readResults(dir).map((r) => r.stack)).toEqual(["b-network", "a-network"]);
      expect(readResults(join(dir, "none"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("notes the justified and the known-only-after-apply findings of a clean plan scan", () => {
    const scan = { rows: [], failures: [], justified: [], stale: [], errors: [], deferred: [{}] };
    const result = stackResult("a-ecs", {
      plan: { resource_changes: [] },
      scan: { ...scan, justified: [{} as never] },
      outcome: "success",
    });
    expect(renderPlanSummary([result])).toContain("| `a-ecs` | 0 | 0 | 0 | passed (1 justified, 1 known only after apply) | planned |");
  });

  it("says so when there is nothing to plan", () => {
    expect(renderPlanSummary([])).toBe(`${PLAN_SUMMARY_MARKER}\n## Terraform plan\n\nNo stacks to plan.\n`);
  });
});

describe("deploy environments", () => {
  it.each([
    ["fixtures", FIXTURE_ENVIRONMENTS.map(fixtureEnvironment)],
    ["configured", configuredEnvironments()],
  ])(
    "%s: every environment with S3 state is deployed exactly once, production after the rest; local-state ones get a notice",
    (_label, environments) => {
      const plan = deployPlan(environments, undefined, { planRole: "arn:aws:iam::1:role/plan", deployRole: "arn:aws:iam::1:role/deploy" });
      const names = (list: readonly { environment: string }[]) => list.map((e) => e.environment);
      expect([...names(plan.nonProduction), ...names(plan.production)].sort()).toEqual(
        environments
          .filter((e) => e.state)
          .map((e) => e.name)
          .sort(),
      );
      expect(names(plan.production)).toEqual(
        environments
          .filter((e) => e.state && e.production)
          .map((e) => e.name)
          .sort(),
      );
      expect(plan.notices).toHaveLength(environments.filter((e) => !e.state).length);
    },
  );

  it("deploys one environment on demand and refuses an unknown one", () => {
    const environments = FIXTURE_ENVIRONMENTS.map(fixtureEnvironment);
    const roles = { planRole: "arn:aws:iam::111122223333:role/plan", deployRole: "arn:aws:iam::111122223333:role/other" };
    // Whatever the fixture sets for aws.planRoleArn: once without it (the repository variable applies), once with it.
    const prod = environments.find((e) => e.name === "prod")!;
    const withoutPlanRole = { ...prod, aws: { ...prod.aws, planRoleArn: undefined } };
    const withPlanRole = { ...prod, aws: { ...prod.aws, planRoleArn: "arn:aws:iam::111122223333:role/own-plan" } };
    expect(deployPlan([withoutPlanRole], "prod", roles)).toEqual({
      nonProduction: [],
      // The environment's own aws.deployRoleArn wins over the repository variable.
      production: [
        {
          environment: "prod",
          region: "eu-west-1",
          planRole: "arn:aws:iam::111122223333:role/plan",
          deployRole: "arn:aws:iam::111122223333:role/platform-deploy",
        },
      ],
      notices: [],
    });
    expect(deployPlan([withPlanRole], "prod", roles).production[0]?.planRole).toBe("arn:aws:iam::111122223333:role/own-plan");
    expect(deployPlan([withoutPlanRole], "prod").notices).toEqual([
      "prod is not deployed by CI: it has no plan role (aws.planRoleArn or AWS_PLAN_ROLE_ARN) (docs/ci.md)",
    ]);
    expect(deployPlan(environments, "dev", roles)).toEqual({
      nonProduction: [],
      production: [],
      notices: [
        "dev is not deployed by CI: it keeps its state in local files (no state section in dev.yaml); add state.bucket to deploy it from CI",
      ],
    });
    expect(() => deployPlan(environments, "qa")).toThrow('there is no environment "qa"; environments: dev, prod');
  });
});

describe("deploy order in the run summary", () => {
  const entry = (environment: string) => ({ environment, region: "eu-west-1", planRole: "p", deployRole: "d" });

  it("names non-production first, then production after it", () => {
    expect(deployOrderSummary({ nonProduction: [entry("dev")], production: [entry("prod")], notices: [] })).toBe(
      [
        "### Deploy order",
        "",
        "1. Non-production: `dev`, each stack planned, approved where its environment requires it, then applied.",
        "2. Production: `prod`, only after every non-production environment above deployed.",
        "",
      ].join("\n"),
    );
  });

  it("says loudly when production is deployed with no non-production environment before it", () => {
    const summary = deployOrderSummary({ nonProduction: [], production: [entry("prod")], notices: ["dev is not deployed by CI: x"] });
    expect(summary).toContain("1. Production: `prod`.");
    expect(summary).toContain("> [!WARNING]");
    expect(summary).toContain("this commit reaches production without having been applied anywhere else first");
    expect(summary).toContain("- dev is not deployed by CI: x");
  });
});
