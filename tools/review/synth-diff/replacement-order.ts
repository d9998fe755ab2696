import type { Block } from "./types";
import { valueAt } from "./values";

/** The attribute that holds a resource's physical name, where it is not `name`. */
const NAME_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_s3_bucket: "bucket",
  aws_eks_node_group: "node_group_name",
  aws_cloudwatch_metric_alarm: "alarm_name",
  aws_autoscaling_schedule: "scheduled_action_name",
  aws_ecr_lifecycle_policy: "repository",
};

/** The physical name both sides set literally and identically (not computed, no name_prefix), if any. */
export function fixedName(type: string, before: Block, after: Block): string | undefined {
  const attribute = NAME_ATTRIBUTE[type] ?? "name";
  if (type === "aws_ecr_lifecycle_policy") return undefined;
  const [was, now] = [valueAt(before, attribute), valueAt(after, attribute)];
  if (typeof now !== "string" || now.includes("${") || was !== now) return undefined;
  return now;
}

/**
 * How a replacement runs, in a reviewer's words: Terraform destroys first unless `create_before_destroy` is set
 * (a gap until the new one exists); a fixed physical name makes a create-first replacement (or a rename, whose
 * create and delete run in the same apply in no fixed order) collide with the old one; a bucket that holds
 * objects cannot be deleted unless `force_destroy` is on.
 */
export function orderNote(type: string, before: Block, after: Block, kind: "replace" | "rename"): string {
  const name = fixedName(type, before, after);
  const createFirst = valueAt(after, "lifecycle.create_before_destroy") === true;
  const bucket =
    type === "aws_s3_bucket" && valueAt(before, "force_destroy") !== true
      ? "deleting the old bucket fails while it holds objects (`force_destroy` is off)"
      : undefined;
  const notes: string[] = [];
  if (kind === "rename") {
    notes.push("the old one is deleted and the new one created in the same apply, in no fixed order: **downtime** in between");
    if (name) notes.push(`the fixed name \`${name}\` collides: the create fails while the old one still exists`);
  } else if (createFirst) {
    notes.push(
      name
        ? `create_before_destroy with the fixed name \`${name}\`: the create fails because the old one still holds it`
        : "the new one is created first (`create_before_destroy`), then the old one destroyed",
    );
  } else {
    notes.push("destroyed first, then created (no `create_before_destroy`): **downtime** until the new one exists");
  }
  if (bucket) notes.push(bucket);
  return notes.join("; ");
}
