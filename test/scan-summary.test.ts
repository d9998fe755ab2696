import type { PolicyResult } from "../tools/gates/policy";
import { scanSummary } from "../tools/gates/scan/summary";
import type { ScanResult } from "../tools/shared/checkov/classify";

const checkov: ScanResult = {
  rows: [
    { stack: "dev-network", passed: 78, failed: 0, justified: 6 },
    { stack: "prod-network", passed: 130, failed: 2, justified: 7 },
  ],
  failures: [],
  justified: [],
  stale: [],
  errors: [],
};
const finding = (stack: string) => ({ rule: "POL-S3-1", stack, address: "aws_s3_bucket.b", message: "m" });
const policy: PolicyResult = {
  stacks: ["dev-network", "prod-network"],
  rules: [
    { id: "POL-S3-1", title: "t", passed: 0, failed: 1, excepted: 1, status: "failed" },
    { id: "POL-KMS-1", title: "t", passed: 2, failed: 0, excepted: 0, status: "passed" },
  ],
  violations: [finding("prod-network")],
  exceptions: [{ ...finding("dev-network"), reason: "a written reason" }],
  unusedJustifications: [],
};

describe("scan summary", () => {
  it("puts checkov and policy-suite counts per stack side by side, with totals and rule counts", () => {
    expect(scanSummary(checkov, policy)).toEqual([
      "Summary: 2 stacks scanned",
      "stack        | checkov passed | failed | justified | policy violations | excepted",
      "-------------|----------------|--------|-----------|-------------------|---------",
      "dev-network  |             78 |      0 |         6 |                 0 |        1",
      "prod-network |            130 |      2 |         7 |                 1 |        0",
      "total        |            208 |      2 |        13 |                 1 |        1",
      "policy suite: 2 rules, 1 passed, 1 failed, 0 excepted",
    ]);
  });
});
