import { defineRule, resourcesOf } from "./terraform";

export const logRetention = defineRule({
  id: "POL-LOG-1",
  title: "Every CloudWatch log group sets retention_in_days (not 0 = never expire)",
  rationale: "Logs without retention grow and bill forever; the retention is a decision to make in code.",
  source: "AWS Security Hub CloudWatch.16; field-notes #2 (flow logs for troubleshooting, kept for a known time)",
  check(stack, report) {
    for (const group of resourcesOf(stack, "aws_cloudwatch_log_group")) {
      const days = Number(group.body.retention_in_days ?? 0);
      if (!(days > 0)) report(group.address, "has no retention_in_days; set how long the logs are kept");
    }
  },
});

export const logEncryption = defineRule({
  id: "POL-LOG-2",
  title: "Every CloudWatch log group is encrypted with a customer-managed KMS key (kms_key_id)",
  rationale: "Logs hold request data and addresses; a key policy decides who can read them.",
  source: "AWS Security Hub CloudWatch (CKV_AWS_158)",
  check(stack, report) {
    for (const group of resourcesOf(stack, "aws_cloudwatch_log_group")) {
      if (!group.body.kms_key_id) report(group.address, "has no kms_key_id; encrypt the log group with a customer-managed key");
    }
  },
});

export const LOG_RULES = [logRetention, logEncryption];
