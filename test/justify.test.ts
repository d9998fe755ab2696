import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformStack, Testing } from "cdktf";
import { justify } from "../lib/justify";
import { protectFromDestroy } from "../lib/protection";

const bucketIn = () => new S3Bucket(new TerraformStack(Testing.app(), "s"), "bucket", { bucket: "b" });
// toTerraform() keeps the "//" comment block that Testing.synth strips.
const synthesized = (bucket: S3Bucket) => (bucket.node.scope as TerraformStack).toTerraform().resource.aws_s3_bucket.bucket;

describe("justify", () => {
  it("writes every justification, sorted by rule in code-unit order (never the locale's), into the resource's comment block", () => {
    const bucket = bucketIn();
    justify(bucket, "POL-S3-1", "Replication is not needed for re-creatable diagnostics.");
    justify(bucket, "CKV_AWS_144", "Cross-region replication is not needed for re-creatable diagnostics.");
    justify(bucket, "CKV2_AWS_62", "Nothing consumes object-created events of this bucket.");
    // A locale collation puts "_" before "2"; code units (as JSON keys and git diff sort) put "2" first.
    expect(synthesized(bucket)["//"].justifications).toEqual([
      { rule: "CKV2_AWS_62", reason: "Nothing consumes object-created events of this bucket." },
      { rule: "CKV_AWS_144", reason: "Cross-region replication is not needed for re-creatable diagnostics." },
      { rule: "POL-S3-1", reason: "Replication is not needed for re-creatable diagnostics." },
    ]);
  });

  it("refuses a justification without a real reason or with an unknown rule id", () => {
    expect(() => justify(bucketIn(), "CKV_AWS_18", "n/a")).toThrow("s/bucket: justify(CKV_AWS_18): write the reason in a sentence");
    expect(() => justify(bucketIn(), "logging", "Access logging is not needed for this bucket.")).toThrow(
      's/bucket: justify(): "logging" is not a checkov id',
    );
  });
});

describe("protectFromDestroy", () => {
  it("sets prevent_destroy in production only", () => {
    expect(synthesized(protectFromDestroy(bucketIn(), true)).lifecycle).toEqual({ prevent_destroy: true });
    expect(synthesized(protectFromDestroy(bucketIn(), false)).lifecycle).toBeUndefined();
  });
});
