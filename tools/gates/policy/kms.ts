import { describe, isPublic, policyDocuments } from "./documents";
import { defineRule, isTrue, refersTo, resourcesOf } from "./terraform";

/** Key specs AWS can rotate automatically (asymmetric and HMAC keys cannot be rotated). */
function rotatable(spec: unknown): boolean {
  return spec === undefined || spec === "SYMMETRIC_DEFAULT";
}

export const kmsRotation = defineRule({
  id: "POL-KMS-1",
  title: "Symmetric KMS keys rotate (enable_key_rotation = true)",
  rationale: "Yearly rotation limits how much data one key version protects; it costs nothing to enable.",
  source: "AWS Security Hub KMS.4; CIS AWS Foundations 3.6",
  check(stack, report) {
    for (const key of resourcesOf(stack, "aws_kms_key")) {
      if (rotatable(key.body.customer_master_key_spec ?? key.body.key_spec) && !isTrue(key.body.enable_key_rotation)) {
        report(key.address, "enable_key_rotation is not true; turn on automatic rotation");
      }
    }
  },
});

export const kmsExplicitPolicy = defineRule({
  id: "POL-KMS-2",
  title: "Every KMS key has an explicit key policy (policy, or an aws_kms_key_policy for it)",
  rationale: "The default key policy lets every IAM principal of the account with kms:* use the key; an explicit one says who.",
  source: "AWS KMS best practices: key policies; AWS Security Hub KMS.1",
  check(stack, report) {
    const keyPolicies = resourcesOf(stack, "aws_kms_key_policy");
    for (const key of resourcesOf(stack, "aws_kms_key")) {
      if (key.body.policy) continue;
      if (keyPolicies.some((p) => refersTo(p.body.key_id, key, ["id", "key_id", "arn"]))) continue;
      report(key.address, "has no key policy; set policy (or add an aws_kms_key_policy) naming who may administer and use the key");
    }
  },
});

export const kmsPublicPrincipal = defineRule({
  id: "POL-KMS-3",
  title: 'KMS key policies allow `Principal: "*"` only with a condition',
  rationale: "An unconditioned public grant lets any AWS account use or manage the key.",
  source: "AWS Security Hub KMS.2 / KMS.5",
  check(stack, report) {
    for (const document of policyDocuments(stack).documents) {
      if (document.owner.type !== "aws_kms_key" && document.owner.type !== "aws_kms_key_policy") continue;
      for (const statement of document.statements) {
        if (statement.effect === "Allow" && isPublic(statement.principals) && statement.conditions.length === 0) {
          report(
            document.owner.address,
            `${describe(document, statement)} allows Principal "*" without a condition; name the principals or add a condition`,
          );
        }
      }
    }
  },
});

export const KMS_RULES = [kmsRotation, kmsExplicitPolicy, kmsPublicPrincipal];
