import { compareText } from "../../../lib/order";
import { attributeName, renderPath } from "./paths";
import { REPLACEMENT, type Trigger } from "./replacement";
import { orderNote } from "./replacement-order";
import type { AttributeChange, ChangedItem, Replacement, StackDiff } from "./types";

/** Terraform meta-arguments and tags: changing them never replaces a resource. */
const NOT_ARGUMENTS = new Set(["tags", "tags_all", "lifecycle", "depends_on", "provider", "timeouts", "count", "for_each"]);

/** The changes that make Terraform replace a resource (or register a new revision), and the renames that destroy one. */
export function findReplacements(stacks: readonly StackDiff[]): Replacement[] {
  const found: Replacement[] = [];
  for (const stack of stacks) {
    for (const item of stack.changed) {
      if (item.old.data) continue;
      const replacement = replacementOf(stack.name, item);
      if (replacement) found.push(replacement);
    }
    for (const rename of stack.renamed) {
      const [from, to] = [stack.oldItems.find((i) => i.address === rename.from), stack.newItems.find((i) => i.address === rename.to)];
      const order = from && to ? orderNote(rename.type, from.body, to.body, "rename") : "";
      found.push({
        stack: stack.name,
        address: rename.to,
        attributes: [`renamed from ${rename.from}`],
        effect: `would be destroyed and recreated unless a moved block / moveTo() is added${order ? `: ${order}` : ""}`,
        kind: "rename",
      });
    }
  }
  return found.sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address));
}

/** Changed resource types the table does not know: their replacements are not checked. */
export function typesWithoutEntry(stacks: readonly StackDiff[]): string[] {
  const types = stacks.flatMap((s) => s.changed.filter((c) => !c.old.data && !REPLACEMENT[c.type]).map((c) => c.type));
  return [...new Set(types)].sort(compareText);
}

/** The replacement one changed resource undergoes, if its changes force one (per the replacement table). */
export function replacementOf(stack: string, item: ChangedItem): Replacement | undefined {
  const entry = REPLACEMENT[item.type];
  if (!entry) return undefined;
  const attributes: string[] = [];
  const reasons: string[] = [];
  for (const change of item.changes) {
    for (const trigger of entry.triggers) {
      if (trigger === "*" && entry.inPlace?.includes(attributeName(change.path).split(".")[0]!)) continue;
      if (!triggered(trigger, change, item)) continue;
      const path = renderPath(change.path);
      if (!attributes.includes(path)) attributes.push(path);
      if (typeof trigger !== "string" && !reasons.includes(trigger.why)) reasons.push(trigger.why);
    }
  }
  if (attributes.length === 0) return undefined;
  const revision = entry.kind === "revision";
  const effect = revision
    ? "registers a new revision (Terraform shows a replacement); services using it roll to it with a deployment"
    : [
        "is destroyed and recreated",
        [...reasons, ...(entry.note ? [entry.note] : []), orderNote(item.type, item.old.body, item.new.body, "replace")]
          .filter(Boolean)
          .join("; "),
      ]
        .filter(Boolean)
        .join(": ");
  return { stack, address: item.address, attributes, effect, kind: revision ? "revision" : "replace" };
}

function triggered(trigger: Trigger, change: AttributeChange, item: ChangedItem): boolean {
  const name = attributeName(change.path);
  const top = name.split(".")[0]!;
  if (NOT_ARGUMENTS.has(top)) return false;
  const attribute = typeof trigger === "string" ? trigger : trigger.attribute;
  // "" is a condition over the whole change (the trigger's `when` decides).
  const matches = attribute === "*" || attribute === "" || name === attribute || name.startsWith(`${attribute}.`);
  if (!matches) return false;
  return typeof trigger === "string" || trigger.when(change, item.old.body, item.new.body);
}
