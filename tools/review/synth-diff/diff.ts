import { compareText } from "../../../lib/order";
import { readStacks } from "../../shared/synth-output";
import { costDiff, estimateStacks } from "../cost";
import { findConsequences } from "./cascade";
import { compareOutputs } from "./compare";
import { findReplacements, typesWithoutEntry } from "./replacements";
import { findRisks } from "./risks";
import type { SynthDiff } from "./types";

/** Compares two cdktf output folders: stacks, resources, attribute changes, replacements and risk notes. */
export function synthDiff(oldDir: string, newDir: string): SynthDiff {
  const [before, after] = [readStacks(oldDir), readStacks(newDir)];
  const stacks = compareOutputs(before, after);
  const direct = findReplacements(stacks);
  const { replacements: consequences, downstream } = findConsequences(stacks, direct, after);
  const replacements = [...direct, ...consequences].sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address));
  return {
    stacks,
    cost: estimateCost(before, after),
    replacements,
    risks: findRisks(stacks, replacements, downstream),
    downstream,
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
