import { valueAt } from "../values";
import { leaving, pairs, type RiskRule } from "./context";

/** Attributes that turn AWS-side deletion protection on, by their provider names. */
const DELETION_PROTECTION = ["deletion_protection", "enable_deletion_protection", "deletion_protection_enabled"];
/** Attributes that let Terraform delete a resource's contents along with it. */
const FORCE_DESTROY = ["force_destroy", "force_delete"];

/** Guards against data loss going away: prevent_destroy or deletion protection turned off, force_destroy turned on, protected resources removed. */
export const protection: RiskRule = (stack, note) => [
  ...pairs(stack).flatMap(({ before, after }) => {
    if (!before) return [];
    const notes: string[] = [];
    if (valueAt(before.body, "lifecycle.prevent_destroy") === true && valueAt(after.body, "lifecycle.prevent_destroy") !== true) {
      notes.push("`prevent_destroy` removed: Terraform will no longer refuse to destroy it");
    }
    for (const attribute of DELETION_PROTECTION) {
      if (before.body[attribute] === true && after.body[attribute] !== true)
        notes.push(`\`${attribute}\` turned off: AWS will let it be deleted`);
    }
    for (const attribute of FORCE_DESTROY) {
      if (before.body[attribute] !== true && after.body[attribute] === true) {
        notes.push(`\`${attribute}\` turned on: destroying it also deletes everything it holds`);
      }
    }
    return notes.map((message) => note(after.address, message));
  }),
  // The lifecycle block leaves with the resource block, so Terraform destroys a removed resource without asking.
  ...leaving(stack)
    .filter((item) => valueAt(item.body, "lifecycle.prevent_destroy") === true)
    .map((item) =>
      note(
        item.address,
        "protected resource (`prevent_destroy`) leaves the configuration: Terraform destroys it, because the guard leaves with it",
      ),
    ),
];
