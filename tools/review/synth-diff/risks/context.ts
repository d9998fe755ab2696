import type { Downstream, Item, Replacement, Risk, StackDiff } from "../types";

/** A resource as it is after the change, with what it was before (undefined when it is new). */
export interface Pair {
  readonly before?: Item;
  readonly after: Item;
}

/** What the whole diff replaces, and what changes downstream at deploy: for rules about consequences. */
export interface DiffContext {
  readonly replacements: readonly Replacement[];
  readonly downstream: readonly Downstream[];
}

/** One kind of risk note: a few lines over one stack's diff. */
export type RiskRule = (stack: StackDiff, note: (address: string, message: string) => Risk, context: DiffContext) => Risk[];

/** Every added or changed resource of the stack (data sources are read, not created). */
export function pairs(stack: StackDiff): Pair[] {
  return [
    ...stack.added.map((after) => ({ after })),
    ...stack.changed.map((c) => ({ before: c.old, after: c.new })),
    ...stack.renamed.map((r) => ({ after: stack.newItems.find((i) => i.address === r.to)! })),
  ].filter((p) => !p.after.data);
}

/** Resources that leave the configuration: removed, or renamed without a declared move (destroyed). */
export function leaving(stack: StackDiff): Item[] {
  const renamedFrom = new Set(stack.renamed.map((r) => r.from));
  return [...stack.removed, ...stack.oldItems.filter((i) => renamedFrom.has(i.address))].filter((i) => !i.data);
}
