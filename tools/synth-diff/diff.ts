import { compareOutputs } from "./compare";
import { readStacks } from "./read-output";
import { findReplacements, typesWithoutEntry } from "./replacements";
import { findRisks } from "./risks";
import type { SynthDiff } from "./types";

/** Compares two cdktf output folders: stacks, resources, attribute changes, replacements and risk notes. */
export function synthDiff(oldDir: string, newDir: string): SynthDiff {
  const stacks = compareOutputs(readStacks(oldDir), readStacks(newDir));
  return { stacks, replacements: findReplacements(stacks), risks: findRisks(stacks), uncheckedTypes: typesWithoutEntry(stacks) };
}
