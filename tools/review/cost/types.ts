/** A cost in USD per month: low and high differ only where a spot price is a range. */
export interface Range {
  readonly low: number;
  readonly high: number;
}

/** One line of a stack's estimate: a kind of resource, how many, at what unit price, per month. */
export interface CostLine {
  /** What is billed, e.g. "NAT gateway", "Fargate service". */
  readonly kind: string;
  /** Which one, for lines per service or node group (e.g. "api"). */
  readonly name?: string;
  /** How many units run (for scheduled capacity: the week's average). */
  readonly count: number;
  readonly unitPrice: number;
  /** The unit of unitPrice, e.g. "hour", "month", "GB". */
  readonly unit: string;
  /** Per month; undefined for usage-dependent lines (priced per unit, quantity unknown offline). */
  readonly monthly?: Range;
  /** How the figure was reached (schedule, spot share, ...). */
  readonly detail?: string;
  /** The schedules the line integrates, so a diff can say a schedule changed. */
  readonly schedules?: string;
  /**
   * Per month at maximum capacity around the clock (services and node groups): the ceiling scale-out can reach.
   * @default - no ceiling (fixed capacity)
   */
  readonly ceiling?: Range;
  /** Why it has no price (an instance type missing from the table): reported as unknown, never totalled or counted as removed. */
  readonly unpriced?: string;
  /** The unit price is estimated (not read from AWS's price list for this region): the report marks it. */
  readonly estimated?: boolean;
}

export interface StackCost {
  readonly stack: string;
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly total: Range;
  /** The total with every service and node group at its maximum capacity around the clock. */
  readonly ceiling: Range;
  /** Resource types the estimate does not know (neither priced nor listed free or usage-only). */
  readonly unclassified: readonly string[];
  /** Things the estimate could not price (an instance type missing from the table, an unreadable schedule). */
  readonly warnings: readonly string[];
}

/** A stack's synthesized Terraform JSON. */
export type StackJson = Record<string, unknown>;
/** One resource block. */
export type Body = Record<string, unknown>;

export const ZERO: Range = { low: 0, high: 0 };
export const add = (a: Range, b: Range): Range => ({ low: a.low + b.low, high: a.high + b.high });
export const fixed = (value: number): Range => ({ low: value, high: value });
