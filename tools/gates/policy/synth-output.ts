import { isStackOf } from "../../../stacks/layers";
import { readStacks } from "../../shared/synth-output";
import type { StackInput } from "./types";

/**
 * The stacks of a synth output folder (`<outdir>/stacks/<stack>/cdk.tf.json`), each marked production
 * when the environment its name starts with (`<env>-<layer>`) is. A stack that matches no environment
 * is checked as production, the strictest choice, and named in `notes`.
 */
export function readSynthOutput(
  outdir: string,
  environments: readonly { readonly name: string; readonly production: boolean }[],
): { stacks: StackInput[]; notes: string[] } {
  const stacks: StackInput[] = [];
  const notes: string[] = [];
  for (const [name, terraform] of readStacks(outdir)) {
    const environment = environments.find((e) => isStackOf(name, e.name));
    if (!environment) notes.push(`${name} matches no environment file; checked as production (strictest)`);
    stacks.push({ name, terraform, production: environment?.production ?? true });
  }
  return { stacks, notes };
}
