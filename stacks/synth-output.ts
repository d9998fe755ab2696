import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type App, TerraformStack } from "cdktf";
import stringify from "json-stable-stringify";
import { isStackOf } from "./layers";
import { placeLockFiles } from "./provider-locks";

/** The part of cdktf's manifest.json this module reads and writes back. */
interface Manifest {
  stacks: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Synthesizes `app` and leaves `<outdir>` consistent with the configuration: `manifest.json` lists
 * exactly the stack folders present, and folders of removed environments or layers are deleted.
 * `unselected` names configured environments the app did not build (stack selection, `npm run synth -- dev`):
 * their folders and manifest entries from the previous synth stay as they were, untouched.
 * `lockDir`: the repository's provider lock files, copied next to each stack's cdk.tf.json (stacks/provider-locks.ts).
 */
export function synthOutput(app: App, unselected: readonly string[] = [], lockDir?: string): void {
  const previous = unselected.length > 0 ? readManifest(app.outdir) : undefined;
  app.synth();
  const kept = Object.keys(previous?.stacks ?? {}).filter(
    (name) => unselected.some((environment) => isStackOf(name, environment)) && existsSync(join(app.outdir, "stacks", name)),
  );
  pruneStaleStacks(app, kept);
  if (previous && kept.length > 0) {
    const written = readManifest(app.outdir);
    if (!written) throw new Error(`unreachable: cdktf wrote no manifest.json in ${app.outdir}`);
    for (const name of kept) written.stacks[name] = previous.stacks[name];
    // The library and options cdktf writes manifest.json with, so a selected synth leaves the bytes a full one would.
    writeFileSync(join(app.outdir, "manifest.json"), stringify(written, { space: 2 }) ?? "");
  }
  if (lockDir) {
    const written = readManifest(app.outdir);
    if (written) placeLockFiles(lockDir, app.outdir, written.stacks as Record<string, { workingDirectory: string }>);
  }
}

/**
 * Removes stack folders of `<outdir>/stacks` that the app no longer has (an environment or layer was
 * removed), so the output always equals the configuration, as it does after `cdktf synth`. Folders of
 * current stacks stay, with any `.terraform` a user initialised in them, and so do the folders in `keep`.
 */
function pruneStaleStacks(app: App, keep: readonly string[]): void {
  const current = new Set(app.node.children.filter((c) => c instanceof TerraformStack).map((stack) => stack.node.id));
  for (const name of keep) current.add(name);
  const stacksDir = join(app.outdir, "stacks");
  let existing: string[];
  try {
    existing = readdirSync(stacksDir);
  } catch {
    return;
  }
  for (const name of existing.filter((name) => !current.has(name))) rmSync(join(stacksDir, name), { recursive: true, force: true });
}

function readManifest(outdir: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
    return typeof manifest.stacks === "object" && manifest.stacks !== null ? manifest : undefined;
  } catch {
    return undefined;
  }
}
