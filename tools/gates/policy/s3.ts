import { policyDocuments } from "./documents";
import { blocks, defineRule, isTrue, type Located, refersTo, resourcesOf } from "./terraform";
import type { Block, Rule, Stack } from "./types";

// S3 settings live in companion resources (aws_s3_bucket_versioning, ...) linked by their `bucket`
// argument: `${aws_s3_bucket.<name>.id}` (or `.bucket`), or the bucket's literal name.

function companions(stack: Stack, bucket: Located, type: string): Located[] {
  return resourcesOf(stack, type).filter(
    (c) =>
      refersTo(c.body.bucket, bucket, ["id", "bucket"]) || (typeof bucket.body.bucket === "string" && c.body.bucket === bucket.body.bucket),
  );
}

function bucketRule(
  rule: Omit<Rule, "check">,
  companionType: string,
  requirement: (companion: Block, stack: Stack, address: string) => boolean,
  missing: string,
): Rule {
  return defineRule({
    ...rule,
    check(stack, report) {
      for (const bucket of resourcesOf(stack, "aws_s3_bucket")) {
        const found = companions(stack, bucket, companionType);
        if (!found.some((c) => requirement(c.body, stack, c.address))) report(bucket.address, missing);
      }
    },
  });
}

export const s3PublicAccessBlock = bucketRule(
  {
    id: "POL-S3-1",
    title: "Every bucket has an aws_s3_bucket_public_access_block with all four blocks on",
    rationale: "One missing flag is enough for an ACL or policy to make objects public.",
    source: "AWS Security Hub S3.8; CIS AWS Foundations 2.1.4",
  },
  "aws_s3_bucket_public_access_block",
  (c) => ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => isTrue(c[k])),
  "has no aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true",
);

export const s3Encryption = bucketRule(
  {
    id: "POL-S3-2",
    title: "Every bucket has default encryption (aws_s3_bucket_server_side_encryption_configuration)",
    rationale: "An explicit default (SSE-KMS for data and logs) states who can read objects at rest.",
    source: "AWS Security Hub S3.4 / S3.17",
  },
  "aws_s3_bucket_server_side_encryption_configuration",
  (c) => blocks(c.rule).some((r) => blocks(r.apply_server_side_encryption_by_default).some((d) => typeof d.sse_algorithm === "string")),
  "has no aws_s3_bucket_server_side_encryption_configuration with an sse_algorithm",
);

export const s3Versioning = bucketRule(
  {
    id: "POL-S3-3",
    title: "Every bucket has versioning Enabled (aws_s3_bucket_versioning)",
    rationale: "Versioning turns an overwrite or delete into a recoverable event.",
    source: "AWS Security Hub S3.14; field-notes #9 (everything reviewed in code, nothing lost by a bad apply)",
  },
  "aws_s3_bucket_versioning",
  (c) => blocks(c.versioning_configuration).some((v) => v.status === "Enabled"),
  'has no aws_s3_bucket_versioning with status "Enabled"',
);

export const s3OwnershipEnforced = bucketRule(
  {
    id: "POL-S3-4",
    title: "Every bucket enforces bucket-owner ownership (ACLs disabled)",
    rationale: "With ACLs disabled, access is decided by policies alone, and objects written by log services belong to the bucket owner.",
    source: "AWS Security Hub S3.12",
  },
  "aws_s3_bucket_ownership_controls",
  (c) => blocks(c.rule).some((r) => r.object_ownership === "BucketOwnerEnforced"),
  'has no aws_s3_bucket_ownership_controls with object_ownership "BucketOwnerEnforced"',
);

export const s3DenyInsecureTransport = defineRule({
  id: "POL-S3-5",
  title: "Every bucket's policy denies requests without TLS (aws:SecureTransport = false)",
  rationale: "Without the deny, a client misconfigured to plain HTTP sends data and credentials in clear text.",
  source: "AWS Security Hub S3.5",
  check(stack, report) {
    const documents = policyDocuments(stack).documents.filter(
      (d) => d.owner.type === "aws_s3_bucket_policy" || d.owner.type === "aws_s3_bucket",
    );
    for (const bucket of resourcesOf(stack, "aws_s3_bucket")) {
      const owners = [bucket, ...companions(stack, bucket, "aws_s3_bucket_policy")].map((o) => o.address);
      const denies = documents
        .filter((d) => owners.includes(d.owner.address))
        .some((d) =>
          d.statements.some(
            (s) =>
              s.effect === "Deny" &&
              s.conditions.some((c) => c.test === "Bool" && c.variable === "aws:SecureTransport" && c.values.includes("false")),
          ),
        );
      if (!denies) report(bucket.address, "has no bucket policy statement denying requests with aws:SecureTransport = false");
    }
  },
});

export const s3AbortMultipart = bucketRule(
  {
    id: "POL-S3-6",
    title: "Every bucket has a lifecycle rule that aborts incomplete multipart uploads",
    rationale: "Parts of abandoned uploads are invisible in listings and billed forever.",
    source: "AWS S3 cost optimization guidance; Trusted Advisor",
  },
  "aws_s3_bucket_lifecycle_configuration",
  (c) =>
    blocks(c.rule).some(
      (r) => r.status === "Enabled" && blocks(r.abort_incomplete_multipart_upload).some((a) => a.days_after_initiation !== undefined),
    ),
  "has no enabled aws_s3_bucket_lifecycle_configuration rule with abort_incomplete_multipart_upload",
);

export const S3_RULES = [s3PublicAccessBlock, s3Encryption, s3Versioning, s3OwnershipEnforced, s3DenyInsecureTransport, s3AbortMultipart];
