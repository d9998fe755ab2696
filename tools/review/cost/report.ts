import { environmentOf } from "./estimate";
import type { PriceTable } from "./price-table";
import { add, type CostLine, type Range, type StackCost, ZERO } from "./types";

/** `$1,234.56`; a range as `$10.00-$20.00`. */
export function money(value: number): string {
  const sign = value < 0 ? "-" : "";
  return `${sign}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function rangeText(range: Range): string {
  return Math.abs(range.high - range.low) < 0.005 ? money(range.low) : `${money(range.low)}-${money(range.high)}`;
}

/** `$0.048/hour`; an estimated price (not read from AWS's price list for the region) as `~$0.0252/hour (estimated)`. */
export const unitPriceText = (line: CostLine) =>
  line.unpriced
    ? "unknown"
    : `${line.estimated ? "~" : ""}$${Number(line.unitPrice.toPrecision(6))}/${line.unit}${line.estimated ? " (estimated)" : ""}`;

/** The assumptions every estimate rests on, as bullet lines. */
export function assumptions(table: PriceTable): string[] {
  const spot = table.assumptions.ec2SpotShareOfOnDemand.value;
  return [
    `List prices of ${table.region} in USD (tools/review/cost/prices/${table.region}.json), a month of ${table.hoursPerMonth} hours; no free tier, savings plans, reserved capacity or taxes.`,
    "Usage-dependent charges (data processed, LCUs, log volume, storage, requests) are listed with their unit price and not added to the total.",
    "Scheduled capacity is integrated over a representative week (Monday 2026-01-05 UTC, each schedule in its own time zone) and scaled to a month.",
    "ECS services with scaling policies run at their minimum capacity between schedules (baseline load: a floor; scale-out costs more); without policies the desired count moves only when a scheduled bound pushes it.",
    `FARGATE_SPOT tasks at ${table.assumptions.fargateSpotDiscount.value.map((v) => Math.round(v * 100)).join("-")}% off the on-demand price, a range like EC2 spot (AWS: "up to 70%" off, https://aws.amazon.com/fargate/pricing/; the price floats, the range is an assumption, not a quote).`,
    "Services and node groups also show a ceiling: every task or node the maximum in effect allows (their own, or the one a schedule sets at that hour), what scale-out can reach.",
    "Prices marked ~ (estimated) were not read from AWS's price list for this region; the table's source says where they come from. A line with an unknown price is not totalled.",
    "Data transfer (out to the internet, between zones) is usage-dependent: listed with its unit price, not totalled.",
    `EC2 spot nodes at ${spot[0] * 100}-${spot[1] * 100}% of the mean on-demand price of their instance types (an assumption, not a quote); node groups stay at the size their schedules set (no cluster autoscaler in this layer).`,
    "Internet-facing load balancers hold one public IPv4 address per zone (more under load).",
  ];
}

/** The report of `npm run cost`: per environment and per stack, a table and a total. */
export function renderReport(costs: readonly StackCost[], tables: readonly { table: PriceTable; ageDays: number }[]): string {
  const tableText = tables.map(
    ({ table, ageDays }) => `${table.region} read ${table.read} (${ageDays} day${ageDays === 1 ? "" : "s"} old)`,
  );
  const out: string[] = [
    `# Monthly cost estimate`,
    "",
    `**Estimate** from list prices: price table ${tableText.join(", ")}. Not a quote; see docs/cost.md.`,
    "",
  ];
  const environments = [...new Set(costs.map((c) => environmentOf(c.stack)))];
  for (const environment of environments) {
    const stacks = costs.filter((c) => environmentOf(c.stack) === environment);
    const total = stacks.reduce((sum, s) => add(sum, s.total), ZERO);
    const ceiling = stacks.reduce((sum, s) => add(sum, s.ceiling), ZERO);
    out.push(`## ${environment}: ${rangeText(total)}/month (ceiling at maximum capacity ${rangeText(ceiling)})`, "");
    for (const stack of stacks) out.push(...stackTable(stack));
  }
  for (const { table } of tables) out.push(`## Assumptions (${table.region})`, "", ...assumptions(table).map((a) => `- ${a}`), "");
  const problems = costs.flatMap((c) => [
    ...c.unclassified.map(
      (t) => `- \`${c.stack}\`: resource type \`${t}\` is not classified in tools/review/cost/resource-kinds.ts: not estimated`,
    ),
    ...c.warnings.map((w) => `- \`${c.stack}\`: ${w}`),
  ]);
  if (problems.length > 0) out.push("## Not estimated", "", ...problems, "");
  return out.join("\n");
}

function stackTable(stack: StackCost): string[] {
  const fixedLines = stack.lines.filter((l) => l.monthly || l.unpriced);
  const usage = stack.lines.filter((l) => !l.monthly && !l.unpriced);
  const rows = fixedLines.map(
    (l) =>
      `| ${l.kind}${l.name ? ` ${l.name}` : ""} | ${l.count} | ${unitPriceText(l)} | ${l.monthly ? rangeText(l.monthly) : "unknown, not totalled"} | ${l.ceiling ? rangeText(l.ceiling) : ""} |${l.unpriced ? ` ${l.unpriced} |` : l.detail ? ` ${l.detail} |` : " |"}`,
  );
  return [
    `### ${stack.stack}: ${rangeText(stack.total)}/month`,
    "",
    ...(rows.length > 0
      ? [
          "| resource kind | count | unit price | monthly | at maximum capacity | how |",
          "| --- | ---: | ---: | ---: | ---: | --- |",
          ...rows,
          "",
        ]
      : ["Nothing billed by the hour or month.", ""]),
    ...(usage.length > 0
      ? [`Usage-dependent, not in the total: ${usage.map((l) => `${l.kind} ${unitPriceText(l)}`).join("; ")}.`, ""]
      : []),
  ];
}
