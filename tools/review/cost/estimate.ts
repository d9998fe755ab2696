import { splitStackName } from "../../../stacks/layers";
import { fargateLines } from "./fargate";
import { fixedLines } from "./fixed-lines";
import { nodeGroupLines } from "./node-groups";
import { type PriceTable, priceTable } from "./price-table";
import { RESOURCE_KINDS } from "./resource-kinds";
import { regionOf, resourcesOf } from "./stack-resources";
import { add, type StackCost, type StackJson, ZERO } from "./types";
import { usageLines } from "./usage-lines";
import { DEFAULT_WEEK_START } from "./week";

export interface EstimateOptions {
  /** Start of the simulated week (UTC ms). @default Monday 2026-01-05 00:00 UTC */
  readonly weekStartMs?: number;
  /** Price table by region. @default tools/review/cost/prices/<region>.json */
  readonly prices?: (region: string) => PriceTable;
}

/** The monthly estimate of one synthesized stack. */
export function estimateStack(stack: string, json: StackJson, options: EstimateOptions = {}): StackCost {
  const region = regionOf(json);
  if (!region) throw new Error(`${stack}: no aws provider region; the estimate needs one to pick a price table`);
  const table = (options.prices ?? priceTable)(region);
  const weekStart = options.weekStartMs ?? DEFAULT_WEEK_START;
  const resources = resourcesOf(json);
  const warnings: string[] = [];
  const lines = [
    ...fixedLines(resources, table),
    ...fargateLines(resources, table, weekStart, warnings),
    ...nodeGroupLines(resources, table, weekStart, warnings),
    ...usageLines(resources, table),
  ];
  const total = lines.reduce((sum, line) => (line.monthly ? add(sum, line.monthly) : sum), ZERO);
  const ceiling = lines.reduce((sum, line) => add(sum, line.ceiling ?? line.monthly ?? ZERO), ZERO);
  const unclassified = Object.keys(resources)
    .filter((type) => !RESOURCE_KINDS[type])
    .sort();
  return { stack, region, lines, total, ceiling, unclassified, warnings };
}

/** The estimate of every stack of a synth output (stack name -> JSON), in name order. */
export function estimateStacks(stacks: ReadonlyMap<string, StackJson>, options: EstimateOptions = {}): StackCost[] {
  return [...stacks.keys()].sort().map((name) => estimateStack(name, stacks.get(name)!, options));
}

/** The environment a stack belongs to: its name without the layer (`prod-eks-addons` -> `prod`). */
export function environmentOf(stack: string): string {
  return splitStackName(stack)?.environment ?? stack;
}
