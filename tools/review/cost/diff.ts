import { environmentOf } from "./estimate";
import { money, rangeText } from "./report";
import { add, type CostLine, type Range, type StackCost, ZERO } from "./types";

/** What a change does to one stack's estimate. */
export interface StackCostDiff {
  readonly stack: string;
  readonly before: Range;
  readonly after: Range;
  readonly delta: Range;
  /** With every service and node group at its maximum capacity around the clock. */
  readonly ceilingBefore: Range;
  readonly ceilingAfter: Range;
  /** The lines that changed, in plain words, largest first (lines with an unknown price first). */
  readonly lines: readonly string[];
}

/** One environment's totals: the headline sums environments, so it shows each one's own. */
export interface EnvironmentCostDiff {
  readonly environment: string;
  readonly before: Range;
  readonly after: Range;
  readonly delta: Range;
}

export interface CostDiff {
  readonly stacks: readonly StackCostDiff[];
  /** Per environment, in name order (stack totals summed). */
  readonly environments: readonly EnvironmentCostDiff[];
  readonly before: Range;
  readonly after: Range;
  readonly delta: Range;
  /** Resource types of the new output the estimate does not classify. */
  readonly unclassified: readonly string[];
  readonly warnings: readonly string[];
  readonly region: string;
  /** Lines with no price on either side (`<stack> <kind> <name>`): in neither total. */
  readonly unpriced: readonly string[];
}

const minus = (a: Range, b: Range): Range => ({ low: a.low - b.low, high: a.high - b.high });
const isZero = (r: Range) => Math.abs(r.low) < 0.005 && Math.abs(r.high) < 0.005;
const keyOf = (line: CostLine) => `${line.kind}|${line.name ?? ""}`;

/** `+$70.08`, `-$180.00`, a range as `+$10.00 to +$20.00`. */
export function signed(range: Range): string {
  const one = (v: number) => `${v >= 0 ? "+" : ""}${money(v)}`;
  return Math.abs(range.high - range.low) < 0.005 ? one(range.low) : `${one(range.low)} to ${one(range.high)}`;
}

/** Compares two estimates stack by stack (a stack on one side only counts from or to zero). */
export function costDiff(before: readonly StackCost[], after: readonly StackCost[]): CostDiff {
  const names = [...new Set([...before.map((s) => s.stack), ...after.map((s) => s.stack)])].sort();
  const stacks: StackCostDiff[] = [];
  const totals = new Map<string, { before: Range; after: Range }>();
  const unpriced: string[] = [];
  for (const name of names) {
    const was = before.find((s) => s.stack === name);
    const now = after.find((s) => s.stack === name);
    // A line without a price on either side leaves both totals: otherwise an unknown price reads as a saving.
    const unknown = new Set([...(was?.lines ?? []), ...(now?.lines ?? [])].filter((l) => l.unpriced).map(keyOf));
    unpriced.push(...[...unknown].map((key) => `${name} ${key.replace("|", " ").trim()}`));
    const known = (cost: StackCost | undefined, pick: (c: StackCost) => Range, line: (l: CostLine) => Range | undefined) =>
      cost ? cost.lines.filter((l) => unknown.has(keyOf(l))).reduce((t, l) => minus(t, line(l) ?? ZERO), pick(cost)) : ZERO;
    const [b, a] = [
      known(
        was,
        (c) => c.total,
        (l) => l.monthly,
      ),
      known(
        now,
        (c) => c.total,
        (l) => l.monthly,
      ),
    ];
    const ceiling = (c: StackCost) => c.ceiling ?? c.total;
    const [cb, ca] = [known(was, ceiling, (l) => l.ceiling ?? l.monthly), known(now, ceiling, (l) => l.ceiling ?? l.monthly)];
    totals.set(name, { before: b, after: a });
    const lines = changedLines(was?.lines ?? [], now?.lines ?? []);
    if (isZero(minus(a, b)) && lines.length === 0) continue;
    stacks.push({ stack: name, before: b, after: a, delta: minus(a, b), ceilingBefore: cb, ceilingAfter: ca, lines });
  }
  const byEnvironment = new Map<string, { before: Range; after: Range }>();
  for (const [name, t] of totals) {
    const environment = environmentOf(name);
    const sum = byEnvironment.get(environment) ?? { before: ZERO, after: ZERO };
    byEnvironment.set(environment, { before: add(sum.before, t.before), after: add(sum.after, t.after) });
  }
  const environments = [...byEnvironment.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([environment, t]) => ({ environment, before: t.before, after: t.after, delta: minus(t.after, t.before) }));
  const all = [...totals.values()];
  const [sumBefore, sumAfter] = [all.reduce((t, s) => add(t, s.before), ZERO), all.reduce((t, s) => add(t, s.after), ZERO)];
  return {
    stacks,
    environments,
    before: sumBefore,
    after: sumAfter,
    delta: minus(sumAfter, sumBefore),
    unclassified: [...new Set(after.flatMap((s) => s.unclassified))].sort(),
    warnings: after.flatMap((s) => s.warnings.map((w) => `${s.stack}: ${w}`)),
    region: after[0]?.region ?? before[0]?.region ?? "",
    unpriced,
  };
}

function changedLines(before: readonly CostLine[], after: readonly CostLine[]): string[] {
  const keys = [...new Set([...before.map(keyOf), ...after.map(keyOf)])];
  const out: { text: string; size: number }[] = [];
  for (const key of keys) {
    const was = before.find((l) => keyOf(l) === key);
    const now = after.find((l) => keyOf(l) === key);
    const line = (now ?? was)!;
    const label = `${line.kind}${line.name ? ` ${line.name}` : ""}`;
    if (was?.unpriced || now?.unpriced) {
      // Unknown is never a removal: say which side has no price, and that it is in neither total.
      const side = now?.unpriced ? (was && !was.unpriced ? "after the change" : "") : "before the change";
      const why = (now?.unpriced ?? was?.unpriced)!;
      const priced = now?.unpriced ? was : now;
      const figure = priced?.monthly ? `; ${priced === was ? "was" : "now"} ${rangeText(priced.monthly)}` : "";
      out.push({ text: `${label}: price unknown${side ? ` ${side}` : ""} (${why}): not in either total${figure}`, size: Infinity });
      continue;
    }
    if (!line.monthly) {
      // Usage-dependent: only its arrival or departure is news.
      if (!was)
        out.push({ text: `new usage-dependent charge: ${label} at $${Number(now!.unitPrice.toPrecision(6))}/${now!.unit}`, size: 0 });
      else if (!now) out.push({ text: `usage-dependent charge gone: ${label}`, size: 0 });
      continue;
    }
    const delta = minus(now?.monthly ?? ZERO, was?.monthly ?? ZERO);
    const scheduleChanged = was && now && (was.schedules ?? "") !== (now.schedules ?? "");
    if (was?.ceiling && now?.ceiling && !isZero(minus(now.ceiling, was.ceiling))) {
      const change = minus(now.ceiling, was.ceiling);
      out.push({
        text: `${label} at maximum capacity: ${rangeText(was.ceiling)} -> ${rangeText(now.ceiling)} (${signed(change)}/month ceiling)`,
        size: Math.max(Math.abs(change.low), Math.abs(change.high)) / 1000,
      });
    }
    if (isZero(delta) && !scheduleChanged) continue;
    const amount = `${signed(delta)}/month`;
    let text: string;
    if (!was) text = line.name ? `new ${label}: ${amount}` : `+${now!.count} ${plural(label, now!.count)}: ${amount}`;
    else if (!now) text = line.name ? `${label} removed: ${amount}` : `-${was.count} ${plural(label, was.count)}: ${amount}`;
    else if (scheduleChanged) text = `schedule changed on ${label}: ${amount} (average ${was.count} -> ${now.count})`;
    else if (!line.name && was.count !== now.count) {
      const change = round(Math.abs(now.count - was.count));
      text = `${now.count > was.count ? "+" : "-"}${change} ${plural(label, change)}: ${amount}`;
    } else text = `${label}: ${rangeText(was.monthly!)} -> ${rangeText(now.monthly!)} (${amount})`;
    out.push({ text, size: Math.max(Math.abs(delta.low), Math.abs(delta.high)) });
  }
  return out.sort((x, y) => y.size - x.size || (x.text < y.text ? -1 : 1)).map((l) => l.text);
}

const round = (n: number) => Math.round(n * 100) / 100;
const plural = (label: string, n: number) => (n === 1 ? label : label.endsWith("ss") ? `${label}es` : `${label}s`);
