import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type App, TerraformStack } from "cdktf";

/**
 * Removes stack folders of `<outdir>/stacks` that the app no longer has (an environment or layer was
 * removed), so the output always equals the configuration, as it does after `cdktf synth`. Folders of
 * current stacks stay, with any `.terraform` a user initialised in them.
 */
export function pruneStaleStacks(app: App): string[] {
  const current = new Set(app.node.children.filter((c) => c instanceof TerraformStack).map((stack) => stack.node.id));
  const stacksDir = join(app.outdir, "stacks");
  let existing: string[];
  try {
    existing = readdirSync(stacksDir);
  } catch {
    return [];
  }
  const stale = existing.filter((name) => !current.has(name)).sort();
  for (const name of stale) rmSync(join(stacksDir, name), { recursive: true, force: true });
  return stale;
}
