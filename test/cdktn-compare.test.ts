import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { swapImports } from "../tools/maintainer/cdktn/check";
import { compareOutputs, countResources, formatReport, readOutput, type SynthOutput } from "../tools/maintainer/cdktn/compare";

// Fixtures: two synth outputs of one stack as cdktf 0.21 and cdktn 0.24 write them (shapes taken from
// a real `npm run check:cdktn`), varied one difference at a time.
function stack(overrides: { providerVersion?: string; source?: string; framework?: string; cidr?: string; tags?: object } = {}) {
  return {
    "//": { metadata: { backend: "local", stackName: "dev-network", version: overrides.framework ?? "0.21.0" }, outputs: {} },
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_vpc: { vpc: { cidr_block: overrides.cidr ?? "10.20.0.0/16", tags: overrides.tags ?? { Name: "dev" } } },
      aws_subnet: { a: { cidr_block: "10.20.0.0/24" }, b: { cidr_block: "10.20.1.0/24" } },
    },
    data: { aws_iam_policy_document: { p: { statement: [{ actions: ["s3:GetObject"] }] } } },
    terraform: { required_providers: { aws: { source: overrides.source ?? "aws", version: overrides.providerVersion ?? "6.25.0" } } },
  };
}
const cdktf: SynthOutput = { "dev-network": stack() };

describe("compareOutputs (cdktf vs cdktn)", () => {
  it("finds nothing between identical outputs", () => {
    expect(compareOutputs(cdktf, { "dev-network": stack() })).toEqual([]);
  });

  it("lists provider and framework version strings as expected differences, with the reason", () => {
    const cdktn = { "dev-network": stack({ providerVersion: "6.66.0", source: "hashicorp/aws", framework: "0.24.0" }) };
    expect(compareOutputs(cdktf, cdktn)).toEqual([
      {
        stack: "dev-network",
        path: "//.metadata.version",
        before: "0.21.0",
        after: "0.24.0",
        expected: "framework version in the stack metadata",
      },
      {
        stack: "dev-network",
        path: "terraform.required_providers.aws.source",
        before: "aws",
        after: "hashicorp/aws",
        expected: "same provider: Terraform reads a bare source `x` as `hashicorp/x`",
      },
      {
        stack: "dev-network",
        path: "terraform.required_providers.aws.version",
        before: "6.25.0",
        after: "6.66.0",
        expected: "provider version pin of the prebuilt bindings",
      },
    ]);
  });

  it("reports a changed attribute at the attribute, not as the whole resource, and not as expected", () => {
    const differences = compareOutputs(cdktf, { "dev-network": stack({ cidr: "10.21.0.0/16", tags: { Name: "dev", extra: "x" } }) });
    expect(differences).toEqual([
      { stack: "dev-network", path: "resource.aws_vpc.vpc.cidr_block", before: "10.20.0.0/16", after: "10.21.0.0/16" },
      { stack: "dev-network", path: "resource.aws_vpc.vpc.tags", before: { Name: "dev" }, after: { Name: "dev", extra: "x" } },
    ]);
  });

  it("reports a provider source that names another provider as unexpected", () => {
    const [difference] = compareOutputs(cdktf, { "dev-network": stack({ source: "someone/aws" }) });
    expect(difference).toMatchObject({ path: "terraform.required_providers.aws.source", after: "someone/aws" });
    expect(difference?.expected).toBeUndefined();
  });

  it("reports resources and stacks present on one side only", () => {
    const fewer = stack();
    delete (fewer.resource.aws_subnet as Record<string, unknown>).b;
    expect(compareOutputs(cdktf, { "dev-network": fewer, "dev-ecs": stack() })).toEqual([
      { stack: "dev-ecs", path: "(stack)", before: "absent", after: "present" },
      { stack: "dev-network", path: "resource.aws_subnet.b", before: { cidr_block: "10.20.1.0/24" }, after: undefined },
    ]);
  });

  it("formats unexpected differences first, then the expected ones with their reason", () => {
    const cdktn = { "dev-network": stack({ providerVersion: "6.66.0", cidr: "10.21.0.0/16" }) };
    expect(formatReport(compareOutputs(cdktf, cdktn), { before: 4, after: 4 })).toBe(
      [
        "resources and data sources: 4 (cdktf) vs 4 (cdktn)",
        "unexpected differences: 1",
        '- dev-network: resource.aws_vpc.vpc.cidr_block: "10.20.0.0/16" -> "10.21.0.0/16"',
        "expected differences: 1",
        '- dev-network: terraform.required_providers.aws.version: "6.25.0" -> "6.66.0" (provider version pin of the prebuilt bindings)',
        "",
      ].join("\n"),
    );
  });

  it("reads an output folder and counts resources and data sources", () => {
    const dir = mkdtempSync(join(tmpdir(), "cdktn-compare-"));
    try {
      mkdirSync(join(dir, "stacks", "dev-network"), { recursive: true });
      writeFileSync(join(dir, "stacks", "dev-network", "cdk.tf.json"), JSON.stringify(stack()));
      const output = readOutput(dir);
      expect(Object.keys(output)).toEqual(["dev-network"]);
      expect(countResources(output)).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("swapImports", () => {
  it("moves the framework and the AWS provider's deep imports to cdktn, and leaves the rest", () => {
    const source = [
      'import { App, Fn } from "cdktf";',
      'import { Vpc } from "@cdktf/provider-aws/lib/vpc";',
      'import { Release } from "@cdktf/provider-helm/lib/release";',
      'import { Construct } from "constructs";',
      'const note = "cdktf";',
    ].join("\n");
    expect(swapImports(source)).toBe(
      [
        'import { App, Fn } from "cdktn";',
        'import { Vpc } from "@cdktn/provider-aws/lib/vpc";',
        'import { Release } from "@cdktf/provider-helm/lib/release";',
        'import { Construct } from "constructs";',
        'const note = "cdktf";',
      ].join("\n"),
    );
  });
});
