// What other review tools use of the cost estimate (the synth diff's cost section); the rest is internal.
export { type CostDiff, costDiff, signed } from "./diff";
export { environmentOf, estimateStacks } from "./estimate";
export { priceTable } from "./price-table";
export { assumptions, rangeText } from "./report";
