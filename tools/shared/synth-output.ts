import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A synth output folder's stacks (the one reader of that layout for every tool) (`<dir>/stacks/<stack>/cdk.tf.json`), parsed, by stack name in sorted order. */
export function readStacks(dir: string): Map<string, Record<string, unknown>> {
  const stacksDir = join(dir, "stacks");
  if (!existsSync(stacksDir)) {
    throw new Error(`${dir} has no stacks/ folder; give a cdktf output folder (cdktf.out, or the app's CDKTF_OUTDIR)`);
  }
  const stacks = new Map<string, Record<string, unknown>>();
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) stacks.set(name, JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  }
  return stacks;
}

/** Every string inside a JSON value (a stack document, a block), depth first. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}
