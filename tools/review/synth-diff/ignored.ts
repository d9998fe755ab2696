import { attributeName } from "./paths";
import type { AttributeChange, Block } from "./types";
import { valueAt } from "./values";

/** What owns an ignored attribute, and how a reviewer gets an edit of it applied, by resource type and attribute. */
const OWNERS: Readonly<Record<string, readonly [RegExp, string][]>> = {
  aws_appautoscaling_target: [
    [
      /^(min|max)_capacity$/,
      "a scheduled action of this service sets this bound at run time; to apply it, change the bound in the schedule that sets it (it takes effect at the schedule's next run), or remove that schedule's bound so Terraform owns it again",
    ],
  ],
  aws_ecs_service: [
    [
      /^desired_count$/,
      "Application Auto Scaling owns the running task count after creation; to apply it, change minCapacity/maxCapacity, which the count stays within",
    ],
  ],
  aws_eks_node_group: [
    [
      /^scaling_config\.desired_size$/,
      "the node group's schedules and the cluster autoscaler own the node count after creation; to apply it, change minSize/maxSize",
    ],
    [
      /^scaling_config\.(min|max)_size$/,
      "a schedule of this node group sets this bound at run time; to apply it, change the bound in the schedule that sets it, or remove that schedule's bound so Terraform owns it again",
    ],
  ],
  aws_autoscaling_group: [
    [
      /^desired_capacity$/,
      "the group's schedules and the cluster autoscaler own the instance count after creation; to apply it, change minSize/maxSize",
    ],
    [
      /^(min|max)_size$/,
      "a schedule of this group sets this bound at run time; to apply it, change the bound in the schedule that sets it, or remove that schedule's bound so Terraform owns it again",
    ],
  ],
};

const FALLBACK =
  "something outside Terraform owns it; to apply it, change it where it is owned, or drop it from `ignore_changes` (lib/) so Terraform owns it again";

/** The `lifecycle.ignore_changes` entries of a body as attribute names without indices (`scaling_config.desired_size`); `all` as `*`. */
export function ignoredAttributes(body: Block): string[] {
  const raw = valueAt(body, "lifecycle.ignore_changes");
  if (raw === "all") return ["*"];
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((entry): entry is string => typeof entry === "string")
    .map((entry) => (entry === "all" ? "*" : entry.replace(/\[[^\]]*\]/g, "")));
}

/** Whether Terraform skips this change: the new configuration's `ignore_changes` names the attribute or a block above it. */
export function isIgnored(change: AttributeChange, ignored: readonly string[]): boolean {
  const name = attributeName(change.path);
  if (name.split(".")[0] === "lifecycle") return false;
  return ignored.some((entry) => entry === "*" || name === entry || name.startsWith(`${entry}.`));
}

/** Why Terraform does not apply an edit of this attribute, and how to get it applied. */
export function ignoredWhy(type: string, change: AttributeChange): string {
  const name = attributeName(change.path);
  const owner = (OWNERS[type] ?? []).find(([pattern]) => pattern.test(name));
  return `\`lifecycle.ignore_changes\` lists it: ${owner ? owner[1] : FALLBACK}`;
}

/**
 * The new body as Terraform applies it: every ignored attribute keeps its old value (absent when it had none),
 * so what is compared, checked for replacement and for risks is what `terraform apply` does.
 */
export function asApplied(before: Block, after: Block): Block {
  const ignored = ignoredAttributes(after);
  if (ignored.length === 0) return after;
  if (ignored.includes("*")) return { ...before, lifecycle: after.lifecycle };
  const result = structuredClone(after) as Record<string, unknown>;
  for (const entry of ignored) copyAt(before, result, entry.split("."));
  return result;
}

/** Copies the value at `path` from `from` into `into` (through max-one blocks written as lists), removing it when `from` has none. */
function copyAt(from: unknown, into: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const source = first(from);
  const sourceValue = source === undefined ? undefined : (source as Record<string, unknown>)[head];
  if (rest.length === 0) {
    if (sourceValue === undefined) delete into[head];
    else into[head] = structuredClone(sourceValue);
    return;
  }
  const target = first(into[head]);
  if (target === undefined) return;
  copyAt(sourceValue, target as Record<string, unknown>, rest);
}

function first(value: unknown): object | undefined {
  const inner = Array.isArray(value) ? value[0] : value;
  return inner !== null && typeof inner === "object" ? inner : undefined;
}
