// The tools behind the path to production (docs/ci.md): the required plan check, the comment cap, the drift report,
// and the provider lock files that plan and deploy use when they are in the repository.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LOCK_DIR,
  LOCK_PLATFORMS,
  lockedVersions,
  lockFileName,
  lockProblems,
  placeLockFiles,
  providerAddress,
  requiredProviders,
} from "../stacks/provider-locks";
import { driftIssueTitle, driftReports } from "../tools/ci/drift-report";
import { capComment, checkFailures, type StackPlanResult } from "../tools/ci/plan-summary";
import { lockCommands, lockNotices, lockStatus } from "../tools/ci/provider-locks";
import { readManifest, readStackDocuments } from "../tools/shared/manifest";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, synthToDir } from "./helpers";

const changes = { add: 1, change: 0, destroy: 0, replaced: [], destroyed: [] };

// CI synthesizes with INFRA_AWS_CREDENTIALS=ambient: every provider and backend of every stack uses the job's own
// role (the plan role in a plan), so nothing in a CI synth names the deploy role for Terraform to assume.
describe("ambient credentials (the CI synth)", () => {
  it("leave aws.deployRoleArn out of every provider and backend block of every stack, the account still pinned", () => {
    const { App, Testing } = require("cdktf") as typeof import("cdktf");
    const { addEnvironmentStacks } = require("../stacks") as typeof import("../stacks");
    const environment = fixtureEnvironment("prod");
    const deployRole = environment.aws.deployRoleArn!;
    const stacks = addEnvironmentStacks(Testing.app() as InstanceType<typeof App>, environment, { credentials: "ambient" });
    expect(stacks.map((s) => s.node.id)).toEqual(["prod-network", "prod-ecs", "prod-eks", "prod-eks-addons"]);
    for (const stack of stacks) {
      const json = JSON.parse(Testing.synth(stack)) as { provider: Record<string, unknown>; terraform: { backend: unknown } };
      expect({ stack: stack.node.id, blocks: JSON.stringify([json.provider, json.terraform.backend]).includes(deployRole) }).toEqual({
        stack: stack.node.id,
        blocks: false,
      });
      expect((json.provider.aws as { allowed_account_ids: string[] }[])[0]!.allowed_account_ids).toEqual([environment.aws.accountId]);
    }
    // Without the switch (a person's npm run deploy), the providers assume the deploy role.
    const byHand = addEnvironmentStacks(Testing.app() as InstanceType<typeof App>, environment)[0]!;
    expect(JSON.stringify((JSON.parse(Testing.synth(byHand)) as { provider: unknown }).provider)).toContain(deployRole);
  });
});

describe("the required plan check (plan-summary check)", () => {
  it("fails for a failed plan, a stack without a result, and unjustified checkov findings; passes for the rest", () => {
    const results: StackPlanResult[] = [
      { stack: "a-network", status: "planned", changes },
      { stack: "a-ecs", status: "plan-failed" },
      { stack: "a-eks", status: "no-result" },
      { stack: "a-eks-addons", status: "not-planned", notice: "not planned: a-eks is not deployed yet; deploy it first" },
      { stack: "b-network", status: "local-state" },
      { stack: "c-ecs", status: "planned", changes, scan: { failed: 2, justified: 0, failures: ["x", "y"], errors: [] } },
    ];
    expect(checkFailures(results)).toEqual([
      "a-ecs: the plan failed",
      "a-eks: no plan result (its job did not finish)",
      "c-ecs: checkov on the plan: 2 unjustified finding(s), 0 error(s)",
    ]);
    expect(checkFailures(results.filter((r) => ["planned", "not-planned", "local-state"].includes(r.status) && !r.scan))).toEqual([]);
  });
});

describe("the plan comment's size cap", () => {
  it("leaves a comment that fits, and cuts a longer one at a line end with a note where the whole summary is", () => {
    expect(capComment("short\n", 100, "the job summary")).toBe("short\n");
    const long = Array.from({ length: 500 }, (_, i) => `- line ${i}`).join("\n");
    const capped = capComment(long, 1000, "the job summary of run 1");
    expect(capped.length).toBeLessThanOrEqual(1000);
    expect(capped).toMatch(/- line \d+\n\n\*\*Summary cut at 1000 characters\*\*: the whole summary is in the job summary of run 1\.\n$/);
  });
});

describe("the drift report", () => {
  const results: StackPlanResult[] = [
    { stack: "dev-network", status: "planned", changes, pending: false },
    { stack: "dev-ecs", status: "planned", changes: { ...changes, add: 0, change: 2 }, pending: true },
    { stack: "prod-network", status: "planned", changes: { ...changes, add: 0 }, pending: false },
    { stack: "qa-network", status: "plan-failed" },
  ];

  it("reports drift per environment, one issue title each, and clean or unknown where it is", () => {
    const reports = driftReports(results, "https://github.com/acme/infra/actions/runs/7");
    expect(reports.map(({ environment, state }) => [environment, state, driftIssueTitle(environment)])).toEqual([
      ["dev", "drift", "Drift: dev"],
      ["prod", "clean", "Drift: prod"],
      ["qa", "failed", "Drift: qa"],
    ]);
    expect(reports[0]!.body).toContain("- `dev-ecs`: **drift**: 0 to add, 2 to change, 0 to destroy");
    expect(reports[0]!.body).toContain("- `dev-network`: no drift");
    expect(reports[0]!.body).toContain("Plans and logs: https://github.com/acme/infra/actions/runs/7");
    expect(reports[2]!.body).toContain("- `qa-network`: **could not be checked**");
  });
});

describe("provider lock files", () => {
  const lock = `# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/hashicorp/aws" {
  version     = "6.25.0"
  constraints = "6.25.0"
  hashes = [
    "h1:abc=",
  ]
}

provider "registry.terraform.io/hashicorp/helm" {
  version     = "3.1.1"
  constraints = "3.1.1"
  hashes = [
    "h1:def=",
  ]
}
`;

  it("reads the versions a lock file pins and the versions a stack requires, by registry address", () => {
    expect(lockedVersions(lock)).toEqual({
      "registry.terraform.io/hashicorp/aws": "6.25.0",
      "registry.terraform.io/hashicorp/helm": "3.1.1",
    });
    expect(providerAddress("aws")).toBe("registry.terraform.io/hashicorp/aws");
    expect(providerAddress("hashicorp/helm")).toBe("registry.terraform.io/hashicorp/helm");
    expect(requiredProviders({ terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } } })).toEqual({
      "registry.terraform.io/hashicorp/aws": "6.25.0",
    });
    expect(
      lockProblems({ "registry.terraform.io/hashicorp/aws": "6.26.0", "registry.terraform.io/hashicorp/null": "3.2.0" }, lock),
    ).toEqual([
      "registry.terraform.io/hashicorp/aws is locked at 6.25.0 but the stack requires 6.26.0",
      "registry.terraform.io/hashicorp/null is not in the lock file",
    ]);
  });

  it("are placed next to cdk.tf.json when they fit; a missing one is a notice, an outdated one is left out (and an old copy removed)", () => {
    const dir = mkdtempSync(join(tmpdir(), "locks-"));
    try {
      const stack = (name: string, aws: string) => {
        mkdirSync(join(dir, "out", "stacks", name), { recursive: true });
        writeFileSync(
          join(dir, "out", "stacks", name, "cdk.tf.json"),
          JSON.stringify({
            terraform: { required_providers: { aws: { source: "aws", version: aws }, helm: { source: "helm", version: "3.1.1" } } },
          }),
        );
        return { workingDirectory: `stacks/${name}` };
      };
      const stacks = { "a-network": stack("a-network", "6.25.0"), "a-ecs": stack("a-ecs", "6.26.0"), "a-eks": stack("a-eks", "6.25.0") };
      mkdirSync(join(dir, "locks"));
      writeFileSync(join(dir, "locks", lockFileName("a-network")), lock);
      writeFileSync(join(dir, "locks", lockFileName("a-ecs")), lock);
      writeFileSync(join(dir, "out", "stacks", "a-ecs", ".terraform.lock.hcl"), lock); // copied by an earlier synth
      const placed = placeLockFiles(join(dir, "locks"), join(dir, "out"), stacks);
      expect(placed.map((p) => [p.stack, p.status])).toEqual([
        ["a-ecs", "outdated"],
        ["a-eks", "missing"],
        ["a-network", "placed"],
      ]);
      expect(readFileSync(join(dir, "out", "stacks", "a-network", ".terraform.lock.hcl"), "utf8")).toBe(lock);
      expect(existsSync(join(dir, "out", "stacks", "a-ecs", ".terraform.lock.hcl"))).toBe(false);
      expect(lockNotices(placed)).toEqual([
        "no provider lock file for a-eks: providers are resolved from the registry on every run; run the provider-locks workflow (docs/ci.md#provider-lock-files)",
        "a-ecs: the lock file is outdated (registry.terraform.io/hashicorp/aws is locked at 6.25.0 but the stack requires 6.26.0), not used; run the provider-locks workflow to refresh it",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are placed by the synth itself (what cdktf deploy and npm run plan initialize with)", () => {
    const dir = mkdtempSync(join(tmpdir(), "locks-synth-"));
    try {
      const { App } = require("cdktf") as typeof import("cdktf");
      const { addEnvironmentStacks } = require("../stacks") as typeof import("../stacks");
      const { synthOutput } = require("../stacks/synth-output") as typeof import("../stacks/synth-output");
      mkdirSync(join(dir, "locks"));
      const awsOnly = lock.slice(0, lock.indexOf('provider "registry.terraform.io/hashicorp/helm"'));
      writeFileSync(join(dir, "locks", lockFileName("dev-network")), awsOnly);
      const app = new App({ outdir: join(dir, "out") });
      addEnvironmentStacks(app, fixtureEnvironment("dev"));
      synthOutput(app, [], join(dir, "locks"));
      expect(readFileSync(join(dir, "out", "stacks", "dev-network", ".terraform.lock.hcl"), "utf8")).toBe(awsOnly);
      expect(existsSync(join(dir, "out", "stacks", "dev-ecs", ".terraform.lock.hcl"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The lock-file workflow locks what the synth of every environment holds: each stack, each platform, the versions it requires.
  it.each([
    ["configured environments", () => configuredEnvironments()],
    ["fixture environments", () => FIXTURE_ENVIRONMENTS.map(fixtureEnvironment)],
  ])(
    "%s: the lock command covers every synthesized stack for linux_amd64 and darwin_arm64, and committed lock files fit",
    (label, environments) => {
      const outdir = mkdtempSync(join(tmpdir(), `locks-${label.split(" ")[0]}-`));
      try {
        synthToDir(environments(), outdir);
        const manifest = readManifest(outdir);
        const commands = lockCommands(manifest, "cdktf.out");
        expect(commands.map((c) => c.stack)).toEqual(Object.keys(manifest.stacks).sort());
        for (const command of commands) {
          expect(command.directory).toBe(join("cdktf.out", manifest.stacks[command.stack]!.workingDirectory));
          expect(command.args).toEqual(["providers", "lock", ...LOCK_PLATFORMS.map((p) => `-platform=${p}`)]);
        }
        expect(LOCK_PLATFORMS).toEqual(expect.arrayContaining(["linux_amd64", "darwin_arm64"]));
        // Every stack requires exact versions (what the lock records); a lock file in the repository must fit its stack.
        const documents = readStackDocuments(outdir, manifest);
        for (const stack of Object.keys(manifest.stacks)) {
          expect(
            Object.values(requiredProviders(documents[stack] as { terraform?: Record<string, unknown> })).every((v) =>
              /^\d+\.\d+\.\d+$/.test(v),
            ),
          ).toBe(true);
        }
        const lockDir = join(__dirname, "..", LOCK_DIR);
        const committed = existsSync(lockDir)
          ? Object.fromEntries(
              readdirSync(lockDir)
                .filter((f) => f.endsWith(".terraform.lock.hcl"))
                .map((f) => [f.replace(/\.terraform\.lock\.hcl$/, ""), readFileSync(join(lockDir, f), "utf8")]),
            )
          : {};
        if (label.startsWith("configured")) {
          expect(Object.keys(committed).filter((stack) => !(stack in manifest.stacks))).toEqual([]);
          expect(lockStatus(manifest, documents as never, committed).filter((s) => s.status === "outdated")).toEqual([]);
        }
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
  );
});
