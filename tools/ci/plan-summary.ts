// The plan workflow's summary: one pull-request comment over every stack (.github/workflows/plan.yml).
//   npm run plan-summary -- record <stack> --out <file> [--plan plan.json] [--scan scan.json] [--outcome <step outcome>] [--notice <text>]
//     one stack's result as JSON (each plan job uploads it)
//   npm run plan-summary -- render <results-dir> [--stacks <json array>] [--local-state <json array>] [--max-chars <n>]
//     the Markdown comment over every stack, in layer order; stacks without a result are named, never dropped
//   npm run plan-summary -- check <results-dir> [--stacks <json array>] [--local-state <json array>]
//     exit 1 when a stack's plan failed or produced no result (the plan workflow's required check)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../lib/order";
import { failureLine, type ScanResult } from "../shared/checkov/classify";
import { LAYERS, splitStackName } from "../shared/manifest";

export const PLAN_SUMMARY_MARKER = "<!-- plan-summary -->";

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Resources replaced (counted in add and in destroy, as Terraform's "Plan:" line does). */
  readonly replaced: readonly string[];
  /** Resources destroyed without replacement. */
  readonly destroyed: readonly string[];
  /** How and why each replaced resource is replaced, by address (from the plan's action order and `replace_paths`). */
  readonly replacedHow?: Readonly<Record<string, ReplacementHow>>;
}

/** One replacement as the plan JSON describes it. */
export interface ReplacementHow {
  /** `["create","delete"]`: create_before_destroy; `["delete","create"]`: destroyed first, a gap until the new one exists. */
  readonly createFirst: boolean;
  /** The attribute paths that force it (`replace_paths`), rendered; empty when the plan names none (tainted, -replace). */
  readonly paths: readonly string[];
  /** Terraform's `action_reason` when it is not the ordinary "cannot update" (replace_by_request, replace_because_tainted). */
  readonly reason?: string;
}

export type StackStatus = "planned" | "plan-failed" | "not-planned" | "local-state" | "no-result";

export interface StackPlanResult {
  readonly stack: string;
  readonly status: StackStatus;
  readonly changes?: ChangeCounts;
  readonly scan?: {
    readonly failed: number;
    readonly justified: number;
    /** Failures on values known only after apply (not failed; tools/ci/scan-plan.ts). */
    readonly deferred?: number;
    readonly failures: readonly string[];
    readonly errors: readonly string[];
  };
  readonly notice?: string;
  /** Whether `terraform plan -detailed-exitcode` found anything to do (exit 2): deploy applies it, drift reports it. */
  readonly pending?: boolean;
}

interface PlanJson {
  resource_changes?: {
    address: string;
    mode?: string;
    action_reason?: string;
    change: { actions: string[]; replace_paths?: (string | number)[][] };
  }[];
}

/** `["scaling_config", 0, "max_size"]` -> `scaling_config[0].max_size`, as a reader types it. */
function replacePath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** Counts a `terraform show -json` plan the way Terraform's "Plan: X to add, Y to change, Z to destroy" line does. */
export function countChanges(plan: PlanJson): ChangeCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  const replaced: string[] = [];
  const destroyed: string[] = [];
  const replacedHow: Record<string, ReplacementHow> = {};
  for (const { address, mode, change: c, action_reason: reason } of plan.resource_changes ?? []) {
    if (mode === "data") continue;
    const actions = [...c.actions].sort().join(",");
    if (actions === "create") add += 1;
    else if (actions === "update") change += 1;
    else if (actions === "delete") {
      destroy += 1;
      destroyed.push(address);
    } else if (actions === "create,delete") {
      add += 1;
      destroy += 1;
      replaced.push(address);
      replacedHow[address] = {
        // Terraform lists the actions in the order it runs them.
        createFirst: c.actions[0] === "create",
        paths: (c.replace_paths ?? []).map(replacePath),
        ...(reason && reason !== "replace_because_cannot_update" ? { reason } : {}),
      };
    }
  }
  return { add, change, destroy, replaced: replaced.sort(), destroyed: destroyed.sort(), replacedHow };
}

/** One stack's result from what its plan job produced. */
export function stackResult(
  stack: string,
  input: { plan?: PlanJson; scan?: ScanResult & { deferred?: readonly unknown[] }; outcome?: string; notice?: string; pending?: boolean },
): StackPlanResult {
  if (input.notice) return { stack, status: "not-planned", notice: input.notice };
  if (input.outcome !== "success" || !input.plan) return { stack, status: "plan-failed" };
  const scan = input.scan && {
    failed: input.scan.failures.length,
    justified: input.scan.justified.length,
    deferred: input.scan.deferred?.length ?? 0,
    failures: input.scan.failures.map(failureLine),
    errors: input.scan.errors,
  };
  return {
    stack,
    status: "planned",
    changes: countChanges(input.plan),
    ...(scan ? { scan } : {}),
    ...(input.pending === undefined ? {} : { pending: input.pending }),
  };
}

function order(stack: string): [number, string] {
  const parts = splitStackName(stack);
  return [parts ? LAYERS.indexOf(parts.layer) : LAYERS.length, parts?.environment ?? stack];
}

function byLayerThenEnvironment(a: StackPlanResult, b: StackPlanResult): number {
  const [la, ea] = order(a.stack);
  const [lb, eb] = order(b.stack);
  return la - lb || compareText(ea, eb);
}

/** Every expected stack's result; stacks with no result file (a job that did not finish) become "no-result". */
export function completeResults(
  results: readonly StackPlanResult[],
  stacks: readonly string[],
  localState: readonly string[],
): StackPlanResult[] {
  const byStack = new Map(results.map((r) => [r.stack, r]));
  for (const stack of localState) byStack.set(stack, { stack, status: "local-state" });
  for (const stack of stacks) if (!byStack.has(stack)) byStack.set(stack, { stack, status: "no-result" });
  return [...byStack.values()].sort(byLayerThenEnvironment);
}

function status(result: StackPlanResult): string {
  switch (result.status) {
    case "planned":
      return "planned";
    case "plan-failed":
      return "**plan failed** (see the job log)";
    case "not-planned":
      return result.notice ?? "not planned";
    case "local-state":
      return "not planned in CI: local state (no `state` section)";
    case "no-result":
      return "**no result** (the job did not finish)";
  }
}

/** How a replacement runs and what forces it: `(destroyed first, then created: ...; forced by \`name\`)`. */
export function replacementText(how: ReplacementHow | undefined): string {
  if (!how) return "(order not recorded)";
  const order = how.createFirst
    ? "created first, then the old one destroyed (create_before_destroy)"
    : "destroyed first, then created: unavailable until the new one exists";
  const why =
    how.paths.length > 0
      ? `forced by ${how.paths.map((p) => `\`${p}\``).join(", ")}`
      : how.reason
        ? how.reason.replace(/^replace_/, "").replaceAll("_", " ")
        : "";
  return `(${[order, why].filter(Boolean).join("; ")})`;
}

function scanCell(result: StackPlanResult): string {
  if (!result.scan) return "";
  const { failed, justified, deferred = 0, errors } = result.scan;
  const notes = [justified > 0 ? `${justified} justified` : "", deferred > 0 ? `${deferred} known only after apply` : ""].filter(Boolean);
  if (failed === 0 && errors.length === 0) return `passed${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
  return `**${failed} unjustified, ${errors.length} error(s)**`;
}

/** The pull-request comment (and job summary) over every stack. */
export function renderPlanSummary(results: readonly StackPlanResult[], runUrl?: string): string {
  const lines = [PLAN_SUMMARY_MARKER, "## Terraform plan", ""];
  if (results.length === 0) return [...lines, "No stacks to plan.", ""].join("\n");
  lines.push("| stack | add | change | destroy | checkov on the plan | status |", "| --- | ---: | ---: | ---: | --- | --- |");
  for (const r of results) {
    const c = r.changes;
    lines.push(`| \`${r.stack}\` | ${c?.add ?? "-"} | ${c?.change ?? "-"} | ${c?.destroy ?? "-"} | ${scanCell(r)} | ${status(r)} |`);
  }
  const risky = results.filter((r) => (r.changes?.replaced.length ?? 0) + (r.changes?.destroyed.length ?? 0) > 0);
  if (risky.length > 0) {
    lines.push("", "### :warning: Resources destroyed or replaced", "");
    for (const r of risky) {
      for (const address of r.changes?.replaced ?? [])
        lines.push(`- \`${r.stack}\`: \`${address}\` is **replaced** ${replacementText(r.changes?.replacedHow?.[address])}`);
      for (const address of r.changes?.destroyed ?? []) lines.push(`- \`${r.stack}\`: \`${address}\` is **destroyed**`);
    }
  }
  const scanned = results.filter((r) => r.scan && (r.scan.failures.length > 0 || r.scan.errors.length > 0));
  if (scanned.length > 0) {
    lines.push("", "### checkov on the plan: unjustified findings", "");
    for (const r of scanned) {
      for (const failure of r.scan?.failures ?? []) lines.push(`- ${failure}`);
      for (const error of r.scan?.errors ?? []) lines.push(`- ${r.stack}: error: ${error}`);
    }
    lines.push("", 'Fix the resource or add `justify(resource, "<check id>", "reason")` next to it (docs/security-scan.md).');
  }
  const notPlanned = results.filter((r) => r.status === "not-planned" || r.status === "local-state");
  if (notPlanned.length > 0) {
    lines.push(
      "",
      `${notPlanned.length} stack(s) not planned: a stack whose upstream stack is not deployed has no outputs to read yet (deploy the upstream first); local-state stacks can only be planned where their state file is (\`npm run plan -- <env>\`).`,
    );
  }
  if (runUrl) lines.push("", `Plans (\`tfplan\`, \`plan.json\`) and job logs: ${runUrl}`);
  lines.push("");
  return lines.join("\n");
}

/**
 * The comment cut to `maxChars` at a line end (GitHub refuses comments over 65536 characters), with a last line
 * saying where the whole summary is; unchanged when it fits.
 */
export function capComment(markdown: string, maxChars: number, whereFull: string): string {
  if (markdown.length <= maxChars) return markdown;
  const note = `\n\n**Summary cut at ${maxChars} characters**: the whole summary is in ${whereFull}.\n`;
  const cut = markdown.slice(0, Math.max(0, maxChars - note.length));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf("\n")))}${note}`;
}

/** The stacks that fail the required check: a failed plan, none at all (a job that did not finish), or unjustified checkov findings. */
export function checkFailures(results: readonly StackPlanResult[]): string[] {
  return results.flatMap((r) => {
    if (r.status === "plan-failed") return [`${r.stack}: the plan failed`];
    if (r.status === "no-result") return [`${r.stack}: no plan result (its job did not finish)`];
    const unjustified = (r.scan?.failed ?? 0) + (r.scan?.errors.length ?? 0);
    return unjustified > 0
      ? [`${r.stack}: checkov on the plan: ${r.scan?.failed} unjustified finding(s), ${r.scan?.errors.length} error(s)`]
      : [];
  });
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function readJson<T>(file: string | undefined): T | undefined {
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

/**
 * The stack results downloaded into `dir`: `<dir>/<artifact>/result.json`, one folder per artifact, or
 * `<dir>/result.json` (download-artifact extracts a single matching artifact without the extra folder).
 */
export function readResults(dir: string): StackPlanResult[] {
  if (!existsSync(dir)) return [];
  const files = [
    join(dir, "result.json"),
    ...readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name, "result.json")),
  ].filter((file) => existsSync(file));
  return files.map((file) => JSON.parse(readFileSync(file, "utf8")) as StackPlanResult);
}

// The file name too: bundled into another CI tool (drift-report, ci-tools/bin), require.main === module holds there as well.
if (require.main === module && /plan-summary\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  const [command, target, ...args] = process.argv.slice(2);
  try {
    if (command === "record" && target) {
      const out = option(args, "--out");
      if (!out) throw new Error("record needs --out <file>");
      const result = stackResult(target, {
        plan: readJson<PlanJson>(option(args, "--plan")),
        scan: readJson<ScanResult>(option(args, "--scan")),
        outcome: option(args, "--outcome"),
        notice: option(args, "--notice"),
        ...(option(args, "--pending") ? { pending: option(args, "--pending") === "true" } : {}),
      });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      console.log(
        `${target}: ${result.status}${result.changes ? ` (+${result.changes.add} ~${result.changes.change} -${result.changes.destroy})` : ""}`,
      );
    } else if (command === "render" && target) {
      const results = readResults(target);
      const stacks = JSON.parse(option(args, "--stacks") || "[]") as string[];
      const localState = JSON.parse(option(args, "--local-state") || "[]") as string[];
      const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env;
      const runUrl = GITHUB_RUN_ID ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` : undefined;
      const markdown = renderPlanSummary(completeResults(results, stacks, localState), runUrl);
      const maxChars = Number(option(args, "--max-chars") ?? Number.POSITIVE_INFINITY);
      process.stdout.write(capComment(markdown, maxChars, runUrl ? `the job summary of ${runUrl}` : "the job summary"));
    } else if (command === "check" && target) {
      const stacks = JSON.parse(option(args, "--stacks") || "[]") as string[];
      const localState = JSON.parse(option(args, "--local-state") || "[]") as string[];
      const failures = checkFailures(completeResults(readResults(target), stacks, localState));
      for (const failure of failures) console.log(`::error title=plan::${failure}`);
      if (failures.length > 0) process.exit(1);
      console.log(`every stack planned, or not planned with a reason (${stacks.length} stack(s))`);
    } else {
      throw new Error(
        "usage: npm run plan-summary -- record <stack> --out <file> [--plan f] [--scan f] [--outcome o] [--notice t] [--pending true|false] | render <dir> [--stacks json] [--local-state json] [--max-chars n] | check <dir> [--stacks json] [--local-state json]",
      );
    }
  } catch (error) {
    process.stderr.write(`plan-summary: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
