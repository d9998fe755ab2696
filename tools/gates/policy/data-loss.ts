import { DELETION_PROTECTION } from "./provider-lists.generated";
import { blocks, defineRule, isTrue, resourcesOf } from "./terraform";

// Production only (the environment's `production: true`): dev environments stay disposable.

/**
 * Resource types whose destruction loses data or breaks what depends on their identity. Deliberately
 * left out: aws_sqs_queue (the spot-interruption queue holds 2-minute notices, recreating it loses
 * nothing that matters), Glue tables and Athena workgroups (metadata recreated from code).
 */
export const STATEFUL_TYPES: readonly string[] = [
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_cloudwatch_log_group",
  "aws_dynamodb_table",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_docdb_cluster",
  "aws_neptune_cluster",
  "aws_efs_file_system",
  "aws_ebs_volume",
  "aws_ecr_repository",
  "aws_glue_catalog_database",
  "aws_secretsmanager_secret",
  "aws_backup_vault",
  "aws_opensearch_domain",
  "aws_kinesis_stream",
  "aws_elasticache_replication_group",
];

/** The provider's maximum and default deletion/recovery windows, in days. */
const MAXIMUM_WINDOWS: readonly (readonly [string, string, number])[] = [
  ["aws_kms_key", "deletion_window_in_days", 30],
  ["aws_secretsmanager_secret", "recovery_window_in_days", 30],
];

export const preventDestroy = defineRule({
  id: "POL-DL-1",
  title: "In production, stateful resources set lifecycle.prevent_destroy (protectFromDestroy)",
  rationale: "A rename or a replacing change must fail the plan instead of deleting logs, keys or data.",
  source: "field-notes #9 (infrastructure reviewed as code: a bad diff must not destroy data); issue #4",
  check(stack, report) {
    if (!stack.production) return;
    for (const resource of resourcesOf(stack, ...STATEFUL_TYPES)) {
      if (!blocks(resource.body.lifecycle).some((l) => isTrue(l.prevent_destroy))) {
        report(resource.address, "is stateful and has no lifecycle.prevent_destroy in production; wrap it in protectFromDestroy()");
      }
    }
  },
});

export const deletionProtection = defineRule({
  id: "POL-DL-2",
  title: "In production, deletion protection is on wherever AWS offers it (load balancers, databases, log groups, clusters, ...)",
  rationale: "Deletion protection stops a console click or API call outside Terraform from deleting the resource.",
  source: "AWS Security Hub ELB.6, RDS.7/8, DynamoDB.6; provider schema (generated list)",
  check(stack, report) {
    if (!stack.production) return;
    for (const [type, attribute, kind] of DELETION_PROTECTION) {
      for (const resource of resourcesOf(stack, type)) {
        const value = resource.body[attribute];
        const on = kind === "string" ? value === "ACTIVE" : isTrue(value);
        if (!on) report(resource.address, `${attribute} is not ${kind === "string" ? '"ACTIVE"' : "true"} in production`);
      }
    }
  },
});

export const noForceDestroy = defineRule({
  id: "POL-DL-3",
  title: "In production, no force_destroy / force_delete",
  rationale: "force_destroy deletes every object (or image) with the bucket (or repository) in one apply.",
  source: "issue #4 data-loss guards",
  check(stack, report) {
    if (!stack.production) return;
    for (const resource of resourcesOf(stack)) {
      for (const attribute of ["force_destroy", "force_delete"]) {
        if (isTrue(resource.body[attribute])) report(resource.address, `${attribute} is true in production; remove it`);
      }
    }
  },
});

export const maximumDeletionWindow = defineRule({
  id: "POL-DL-4",
  title: "In production, KMS key deletion windows (and secret recovery windows) are at the maximum, 30 days",
  rationale: "A key scheduled for deletion makes everything it encrypted unreadable once the window closes.",
  source: "AWS Security Hub KMS.3; AWS KMS best practices",
  check(stack, report) {
    if (!stack.production) return;
    for (const [type, attribute, maximum] of MAXIMUM_WINDOWS) {
      for (const resource of resourcesOf(stack, type)) {
        const value = resource.body[attribute];
        if (value !== undefined && Number(value) !== maximum)
          report(resource.address, `${attribute} is ${String(value)}; use ${maximum} (the maximum) in production`);
      }
    }
  },
});

export const DATA_LOSS_RULES = [preventDestroy, deletionProtection, noForceDestroy, maximumDeletionWindow];
