import type { Block, Item } from "../types";
import { listAt } from "../values";
import type { RiskRule } from "./context";

// Widened permissions: grants (action on resource) that a policy document allows after the change and did
// not before, from data.aws_iam_policy_document blocks and literal JSON policies; managed policies attached.

const POLICY_ATTRIBUTES = ["policy", "assume_role_policy"];
const SHOWN = 6;

/** `action on resource` for every Allow statement of an item's document(s). */
function grants(item: Item | undefined): Set<string> {
  if (!item) return new Set();
  const statements: Block[] =
    item.type === "aws_iam_policy_document"
      ? (listAt(item.body, "statement") as Block[])
      : POLICY_ATTRIBUTES.flatMap((a) => {
          const document = item.body[a];
          return document && typeof document === "object" ? (listAt(document as Block, "Statement") as Block[]) : [];
        });
  const found = new Set<string>();
  for (const s of statements) {
    if ((s.effect ?? s.Effect ?? "Allow") !== "Allow") continue;
    const actions = [...listAt(s, "actions"), ...listAt(s, "Action")].map(String);
    const resources = [...listAt(s, "resources"), ...listAt(s, "Resource")].map(String);
    for (const action of actions)
      for (const resource of resources.length ? resources : ["(the resource)"]) found.add(`${action} on ${resource}`);
  }
  return found;
}

export const permissions: RiskRule = (stack, note) => {
  const candidates = [
    ...stack.added.map((after) => ({ before: undefined as Item | undefined, after })),
    ...stack.changed.map((c) => ({ before: c.old, after: c.new })),
  ].filter(({ after }) => after.type === "aws_iam_policy_document" || POLICY_ATTRIBUTES.some((a) => typeof after.body[a] === "object"));
  const notes = candidates.flatMap(({ before, after }) => {
    const was = grants(before);
    const added = [...grants(after)].filter((g) => !was.has(g)).sort();
    if (added.length === 0) return [];
    const broad = added.filter((g) => {
      const [action = "", resource = ""] = g.split(" on ");
      return action === "*" || action.endsWith(":*") || resource === "*";
    });
    const shown = added
      .slice(0, SHOWN)
      .map((g) => `\`${g}\``)
      .join(", ");
    const more = added.length > SHOWN ? ` and ${added.length - SHOWN} more` : "";
    const warning = broad.length ? `; ${broad.length} with a wildcard action or resource` : "";
    return [
      note(after.address, `widened permissions: ${before ? "now also allows" : "allows"} ${shown}${more}${warning}; check each is needed`),
    ];
  });
  for (const after of stack.added.filter((i) => i.type === "aws_iam_role_policy_attachment")) {
    notes.push(
      note(
        after.address,
        `managed policy attached: \`${String(after.body.policy_arn)}\` (every action it allows, now and as AWS extends it)`,
      ),
    );
  }
  return notes;
};
