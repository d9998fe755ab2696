import { assumptions, type CostDiff, environmentOf, priceTable, rangeText, signed } from "../cost";
import { ignoredWhy } from "./ignored";
import { renderPath } from "./paths";
import type { AttributeChange, ChangedItem, Replacement, StackDiff, SynthDiff } from "./types";
import { show } from "./values";

/** The first line of every report: a workflow finds its earlier comment by it and updates that one (a sticky comment). */
export const MARKER = "<!-- synth-diff -->";

/** GitHub refuses comments over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface RenderOptions {
  /** Cut the report to this many characters, pointing to the full report. @default no limit */
  readonly maxChars?: number;
  /** Where the full report is, for the truncation note. @default "the full report (the synth-diff CI artifact)" */
  readonly fullReport?: string;
}

const LABEL: Readonly<Record<Replacement["kind"], string>> = {
  replace: "REPLACES",
  rename: "REPLACES (rename)",
  revision: "NEW REVISION",
  consequence: "REPLACES (consequence)",
};

/** The report as Markdown for a pull-request comment or a CI step summary: risks and replacements first, a collapsible section per stack. */
export function renderMarkdown(diff: SynthDiff, options: RenderOptions = {}): string {
  const limit = options.maxChars ?? Number.POSITIVE_INFINITY;
  const pointer = options.fullReport ?? "the full report (the synth-diff CI artifact)";
  const head = [MARKER, `## Synth diff: ${headline(diff)}`, ""];
  const changedStacks = diff.stacks.filter((s) => s.status !== "unchanged");
  if (changedStacks.length === 0) return `${head.join("\n")}\nNo infrastructure changes: every stack synthesizes to the same Terraform.\n`;

  const top: string[][] = [];
  if (diff.replacements.length > 0) {
    top.push(["### Replaced resources", "", ...diff.replacements.map(replacementLine), ""]);
  }
  if (diff.downstream.length > 0) {
    top.push(["### Changes downstream at deploy", "", ...diff.downstream.map(downstreamLine), ""]);
  }
  if (diff.risks.length > 0) {
    top.push(["### Risk notes", "", ...diff.risks.map((r) => `- \`${r.stack}\` ${code(r.address)}: ${r.message}`), ""]);
  }
  if (diff.cost) top.push(costSection(diff.cost));
  const sections = changedStacks.map((stack) => stackSection(stack, diff.replacements));
  const tail =
    diff.uncheckedTypes.length > 0
      ? [`Replacement not checked for ${diff.uncheckedTypes.map(code).join(", ")}: not in tools/review/synth-diff/replacement.ts.`, ""]
      : [];

  const full = [...head, ...top.flat(), ...sections.flatMap((s) => s.full), ...tail].join("\n");
  if (full.length <= limit) return full;
  return truncated(head, top, sections, tail, limit, pointer);
}

/** `2 stacks changed, 1 added · 3 resources added, 1 removed, 4 changed · 2 replaced · 3 risk notes` */
function headline(diff: SynthDiff): string {
  const stacks = diff.stacks;
  const count = (n: number, what: string) => (n > 0 ? [`${n} ${what}`] : []);
  const byStatus = (status: StackDiff["status"]) => stacks.filter((s) => s.status === status).length;
  const sum = (pick: (s: StackDiff) => number) => stacks.reduce((total, s) => total + pick(s), 0);
  const stackPart = [
    ...count(byStatus("changed"), "changed"),
    ...count(byStatus("added"), "added"),
    ...count(byStatus("removed"), "removed"),
  ];
  if (stackPart.length === 0) return "no changes";
  const resourcePart = (["added", "removed", "changed", "renamed"] as const).flatMap((kind) =>
    count(
      sum((s) => s[kind].length),
      kind,
    ),
  );
  return [
    `stacks ${stackPart.join(", ")}`,
    ...(resourcePart.length > 0 ? [`resources ${resourcePart.join(", ")}`] : []),
    `${diff.replacements.length} replaced`,
    `${diff.risks.length} risk note${diff.risks.length === 1 ? "" : "s"}`,
  ].join(" · ");
}

/**
 * The estimate's monthly delta: a heading that shows without expanding, then per stack the delta and its
 * main lines, and the assumptions, collapsed. Nothing when the estimate does not move.
 */
function costSection(cost: CostDiff | { readonly error: string }): string[] {
  if ("error" in cost) return ["### Estimated monthly cost", "", `Not estimated: ${cost.error}.`, ""];
  if (cost.stacks.length === 0 && cost.unclassified.length === 0) return [];
  const rows = cost.stacks.map(
    (s) =>
      `| \`${s.stack}\` | ${rangeText(s.before)} | ${rangeText(s.after)} | ${signed(s.delta)} | ${rangeText(s.ceilingBefore)} -> ${rangeText(s.ceilingAfter)} |`,
  );
  const lines = cost.stacks.flatMap((s) => s.lines.map((line) => `- \`${s.stack}\` ${line}`));
  const table = cost.region ? priceTable(cost.region) : undefined;
  // The details block is one entry, so a size cut keeps or drops it whole (never an unclosed <details>).
  const details = [
    `<details><summary>${rangeText(cost.before)} -> ${rangeText(cost.after)} per month, summed over ${cost.environments.length === 1 ? "the one environment" : `all ${cost.environments.length} environments`} (estimate from list prices${table ? `, ${table.region} table read ${table.read}` : ""}); per stack, main lines, assumptions</summary>`,
    "",
    "| stack | before | after | delta | at maximum capacity |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    ...lines,
    ...(lines.length > 0 ? [""] : []),
    ...cost.unclassified.map((t) => `- \`${t}\` is not in the cost estimate (tools/review/cost/resource-kinds.ts)`),
    ...cost.warnings.map((w) => `- not estimated: ${w}`),
    ...(cost.unclassified.length + cost.warnings.length > 0 ? [""] : []),
    "**Assumptions**",
    "",
    ...(table ? assumptions(table).map((a) => `- ${a}`) : []),
    "",
    "</details>",
  ];
  const moved = cost.environments.filter((e) => cost.stacks.some((s) => environmentOf(s.stack) === e.environment));
  const perEnvironment = moved.map((e) => `${e.environment} ${signed(e.delta)}/month`).join(", ");
  const headline =
    moved.length > 1
      ? `${perEnvironment} (all environments: ${signed(cost.delta)}/month)`
      : perEnvironment || `${signed(cost.delta)}/month`;
  const unknown =
    cost.unpriced.length > 0
      ? `; ${cost.unpriced.length} ${cost.unpriced.length === 1 ? "line" : "lines"} with an unknown price, not totalled`
      : "";
  return [`### Estimated monthly cost: ${headline}${unknown}`, "", details.join("\n"), ""];
}

/** `- changes downstream at deploy: `prod-eks`, `aws_eks_node_group.x` (`subnet_ids` reads `prod-network` outputs that change): replaced` */
function downstreamLine(d: SynthDiff["downstream"][number]): string {
  const what = d.replaced ? "**replaced** (see Replaced resources)" : "updated in place";
  return `- changes downstream at deploy: ${code(d.stack)}, ${code(d.address)} (${d.attributes.map(code).join(", ")} read ${d.upstream.map(code).join(", ")} outputs that change): ${what}`;
}

function replacementLine(r: Replacement): string {
  return `- **${LABEL[r.kind]}** \`${r.stack}\` ${code(r.address)} ${r.effect} (${r.attributes.map(code).join(", ")})`;
}

interface Section {
  readonly full: string[];
  readonly summaryOnly: string[];
}

function stackSection(stack: StackDiff, replacements: readonly Replacement[]): Section {
  const counts = [
    stack.status === "added" ? "new stack" : stack.status === "removed" ? "stack removed" : undefined,
    stack.added.length > 0 ? `${stack.added.length} added` : undefined,
    stack.removed.length > 0 ? `${stack.removed.length} removed` : undefined,
    stack.changed.length > 0 ? `${stack.changed.length} changed` : undefined,
    stack.renamed.length > 0 ? `${stack.renamed.length} renamed` : undefined,
    stack.settings.length > 0 ? "settings changed" : undefined,
  ].filter(Boolean);
  const summary = `<details><summary><b>${stack.name}</b>: ${counts.join(", ")}</summary>`;
  const body: string[] = [];
  const list = (title: string, lines: string[]) => {
    if (lines.length > 0) body.push(`**${title}**`, "", ...lines, "");
  };
  list(
    "Added",
    stack.added.map((i) => `- ${code(i.address)}`),
  );
  list(
    "Removed",
    stack.removed.map((i) =>
      stack.forgotten?.includes(i.address)
        ? `- ${code(i.address)}: **forgotten**, not destroyed (\`removed\` block, \`destroy = false\`): it stays in AWS, outside the state`
        : `- ${code(i.address)}`,
    ),
  );
  list(
    "Renamed (destroyed and recreated unless a moved block / moveTo() is added)",
    stack.renamed.map((r) => `- ${code(r.from)} -> ${code(r.to)}`),
  );
  list(
    "Changed",
    stack.changed.flatMap((item) =>
      changedLines(
        item,
        replacements.find((r) => r.stack === stack.name && r.address === item.address),
      ),
    ),
  );
  list(
    "Stack settings",
    stack.settings.map((c) => `- ${changeText(c)}`),
  );
  return {
    full: [summary, "", ...body, "</details>", ""],
    summaryOnly: [`- <b>${stack.name}</b>: ${counts.join(", ")} (details in the full report)`],
  };
}

function changedLines(item: ChangedItem, replacement: Replacement | undefined): string[] {
  const marks = [
    ...(item.movedFrom ? [`moved from ${code(item.movedFrom)}`] : []),
    ...(replacement ? [`**${LABEL[replacement.kind]}**`] : []),
  ];
  return [
    `- ${code(item.address)}${marks.length > 0 ? ` ${marks.join(" ")}` : ""}`,
    ...item.changes.map((c) => `  - ${changeText(c)}`),
    ...(item.ignored ?? []).map((c) => `  - ${changeText(c)}: **not applied by Terraform**: ${ignoredWhy(item.type, c)}`),
    ...item.justificationChanges.map((line) => `  - ${line}`),
  ];
}

function changeText(change: AttributeChange): string {
  const path = code(renderPath(change.path));
  if (change.kind === "added") return `${path}: added ${code(show(change.new))}`;
  if (change.kind === "removed") return `${path}: removed (was ${code(show(change.old))})`;
  if (typeof change.old === "string" && typeof change.new === "string" && change.old.includes("\n") && change.new.includes("\n")) {
    return `${path}: lines changed\n\n${lineDiff(change.old, change.new)}\n`;
  }
  return `${path}: ${code(show(change.old))} -> ${code(show(change.new))}`;
}

/** The differing middle of two multi-line strings (queries, scripts) as a diff block, indented to sit inside a nested list item. */
function lineDiff(before: string, after: string): string {
  const [was, now] = [before.split("\n"), after.split("\n")];
  let start = 0;
  while (start < was.length && start < now.length && was[start] === now[start]) start++;
  let end = 0;
  while (end < was.length - start && end < now.length - start && was[was.length - 1 - end] === now[now.length - 1 - end]) end++;
  const fence = before.includes("```") || after.includes("```") ? "~~~~" : "```";
  const lines = [
    `${fence}diff`,
    ...(start > 0 ? [`  (${start} unchanged line${start === 1 ? "" : "s"})`] : []),
    ...was.slice(start, was.length - end).map((line) => `- ${line}`),
    ...now.slice(start, now.length - end).map((line) => `+ ${line}`),
    ...(end > 0 ? [`  (${end} unchanged line${end === 1 ? "" : "s"})`] : []),
    fence,
  ];
  return lines.map((line) => `    ${line}`).join("\n");
}

/** An inline code span that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Fits the report into `limit` characters: the headline, then replacements and risk notes line by
 * line (they are never collapsed, so they go first), then whole stack sections while they fit, then
 * one-line summaries of the rest, and a note that says what was left out and where the rest is.
 */
function truncated(head: string[], top: string[][], sections: Section[], tail: string[], limit: number, pointer: string): string {
  const note = (left: string) => `**Truncated to fit a pull-request comment**: ${left}; see ${pointer}.`;
  const reserve =
    note("999 replacement, risk and cost lines left out, 999 stack sections cut to their summary line, 999 stack sections left out")
      .length + 2;
  const out = [...head];
  let size = out.join("\n").length;
  const add = (line: string) => {
    if (size + line.length + 1 + reserve > limit) return false;
    out.push(line);
    size += line.length + 1;
    return true;
  };
  // In order: once a line does not fit, the rest are counted, so no risk note is skipped for a later, shorter one.
  const topLines = top.flat();
  let fitted = 0;
  while (fitted < topLines.length && add(topLines[fitted]!)) fitted++;
  const linesLeft = topLines.slice(fitted).filter((line) => line !== "").length;
  let summarized = 0;
  let sectionsLeft = 0;
  for (const section of sections) {
    const text = section.full.join("\n");
    if (size + text.length + 1 + reserve <= limit) {
      out.push(...section.full);
      size += text.length + 1;
    } else if (section.summaryOnly.every(add)) summarized++;
    else sectionsLeft++;
  }
  for (const line of tail) add(line);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const left = [
    linesLeft > 0 ? `${plural(linesLeft, "replacement, risk or cost line", "replacement, risk and cost lines")} left out` : "",
    summarized > 0 ? `${plural(summarized, "stack section", "stack sections")} cut to a summary line` : "",
    sectionsLeft > 0 ? `${plural(sectionsLeft, "stack section", "stack sections")} left out` : "",
  ].filter(Boolean);
  out.push("", note(left.join(", ")), "");
  return out.join("\n");
}
