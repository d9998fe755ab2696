import { readStacks } from "../../shared/synth-output";
import { costDiff, estimateStacks } from "../cost";
import { compareOutputs } from "./compare";
import { findReplacements, typesWithoutEntry } from "./replacements";
import { findRisks } from "./risks";
import type { SynthDiff } from "./types";

/** Compares two cdktf output folders: stacks, resources, attribute changes, replacements and risk notes. */
export function synthDiff(oldDir: string, newDir: string): SynthDiff {
  const [before, after] = [readStacks(oldDir), readStacks(newDir)];
  const stacks = compareOutputs(before, after);
  return {
    stacks,
    cost: estimateCost(before, after),
    replacements: findReplacements(stacks),
    risks: findRisks(stacks),
    uncheckedTypes: typesWithoutEntry(stacks),
  };
}

/** The cost estimate of both sides; a stack the estimate cannot read (no region, no price table) leaves a note instead. */
function estimateCost(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>): SynthDiff["cost"] {
  try {
    return costDiff(estimateStacks(before), estimateStacks(after));
  } catch (error) {
    return { error: (error as Error).message };
  }
}
