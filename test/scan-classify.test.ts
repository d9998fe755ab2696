import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildBaseline, classify, exitCode, type StackInput } from "../tools/shared/checkov/classify";
import { type JsonObject, sanitizeStack } from "../tools/shared/checkov/sanitize";

// A real checkov 3.3.30 result (tools/gates/scan.ts --dir over a small synthesized stack: an unhardened
// bucket with one real, one stale and one policy-suite justification, and SSH open to the world).
const fixtures = join(__dirname, "fixtures", "scan");
const checkovOutput = JSON.parse(readFileSync(join(fixtures, "checkov-result.json"), "utf8")) as unknown;
const scannedText = readFileSync(join(fixtures, "sample.cdk.tf.json"), "utf8");
const sample = (document: JsonObject = JSON.parse(scannedText)): StackInput => ({
  name: "sample",
  document,
  scannedFile: "/tmp/scan-fixture-work/stacks/sample/cdk.tf.json",
  scannedText,
});

describe("scan classification", () => {
  const result = classify(checkovOutput, [sample()]);

  it("counts passed, unjustified and justified checks per stack", () => {
    expect(result.rows).toEqual([{ stack: "sample", passed: 10, failed: 8, justified: 1 }]);
    expect(exitCode(result)).toBe(1);
  });

  it("names every unjustified failure by resource address and check id", () => {
    expect(result.failures.map((f) => `${f.address} ${f.checkId}`)).toEqual(
      expect.arrayContaining(["aws_s3_bucket.logs CKV_AWS_18", "aws_security_group.ssh CKV_AWS_24", "aws_security_group.ssh CKV2_AWS_5"]),
    );
    expect(result.failures.some((f) => f.checkId === "CKV_AWS_144")).toBe(false);
  });

  it("turns a failure with a written justification into justified, with the reason", () => {
    expect(result.justified).toEqual([
      expect.objectContaining({
        address: "aws_s3_bucket.logs",
        checkId: "CKV_AWS_144",
        reason: "Cross-region replication is not needed for re-creatable diagnostics.",
      }),
    ]);
  });

  it("reports a justification for a check that passed as stale, and ignores policy-suite ids", () => {
    expect(result.stale).toEqual([expect.objectContaining({ address: "aws_s3_bucket.logs", checkId: "CKV_AWS_20" })]);
    expect(result.errors).toEqual([]);
  });

  it("treats a justification without a reason as an error", () => {
    const document = JSON.parse(scannedText) as {
      resource: { aws_s3_bucket: { logs: { "//": { justifications: { rule: string; reason: string }[] } } } };
    };
    document.resource.aws_s3_bucket.logs["//"].justifications[0]!.reason = " ";
    const broken = classify(checkovOutput, [sample(document as unknown as JsonObject)]);
    expect(broken.errors.join("\n")).toContain("CKV_AWS_144");
    expect(exitCode(broken)).toBe(1);
  });

  it("writes a checkov baseline holding exactly the justified findings", () => {
    const baseline = buildBaseline(sample(), result);
    const findings = baseline.failed_checks.flatMap((f) => f.findings);
    expect(findings.flatMap((f) => f.check_ids)).toEqual(expect.arrayContaining(["CKV_AWS_144"]));
    expect(findings.flatMap((f) => f.check_ids)).not.toContain("CKV_AWS_18");
  });
});

describe("scan sanitizing", () => {
  it("drops the state blocks checkov 3.3.30 cannot parse, and keeps the resources", () => {
    const stack = {
      moved: [{ from: "aws_iam_role.a", to: "aws_iam_role.b" }],
      removed: [{ from: "aws_iam_role.c", lifecycle: { destroy: false } }],
      import: [{ to: "aws_iam_role.b", id: "b" }],
      resource: { aws_iam_role: { b: { name: "b", path: null } } },
    } as unknown as JsonObject;
    expect(sanitizeStack(stack)).toEqual({ resource: { aws_iam_role: { b: { name: "b" } } } });
  });
});
