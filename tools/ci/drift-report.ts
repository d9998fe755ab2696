// npm run drift-report -- <results-dir> --stacks <json array> --out <dir> [--run-url <url>]: the scheduled drift
// check's report (.github/workflows/drift.yml). Reads the plan results of every stack (plan-summary record, with
// --pending from `terraform plan -detailed-exitcode`) and writes, per environment, `<dir>/<env>.md` (the tracking
// issue's body) and `<dir>/environments.json` ([{ environment, state }]); the workflow updates one issue per
// environment from them, and closes it when the environment is clean again.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../lib/order";
import { splitStackName } from "../shared/manifest";
import { completeResults, readResults, type StackPlanResult } from "./plan-summary";

export type DriftState = "drift" | "failed" | "clean";

export interface EnvironmentDrift {
  readonly environment: string;
  readonly state: DriftState;
  readonly body: string;
}

/** The title of an environment's tracking issue: the workflow finds the open issue by it (and the `drift` label). */
export function driftIssueTitle(environment: string): string {
  return `Drift: ${environment}`;
}

function line(r: StackPlanResult): string {
  if (r.status === "planned" && r.pending) {
    const c = r.changes;
    return `- \`${r.stack}\`: **drift**: ${c ? `${c.add} to add, ${c.change} to change, ${c.destroy} to destroy` : "outputs differ"}`;
  }
  if (r.status === "planned") return `- \`${r.stack}\`: no drift`;
  if (r.status === "plan-failed" || r.status === "no-result")
    return `- \`${r.stack}\`: **could not be checked** (${r.status}; see the run)`;
  return `- \`${r.stack}\`: not checked: ${r.notice ?? "local state"}`;
}

/** One report per environment: drift when a plan has changes, failed when a plan could not run, else clean. */
export function driftReports(results: readonly StackPlanResult[], runUrl?: string): EnvironmentDrift[] {
  const byEnvironment = new Map<string, StackPlanResult[]>();
  for (const r of results) {
    const environment = splitStackName(r.stack)?.environment ?? r.stack;
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), r]);
  }
  return [...byEnvironment.keys()].sort(compareText).map((environment) => {
    const stacks = byEnvironment.get(environment)!;
    const state: DriftState = stacks.some((r) => r.status === "planned" && r.pending)
      ? "drift"
      : stacks.some((r) => r.status === "plan-failed" || r.status === "no-result")
        ? "failed"
        : "clean";
    const body = [
      `<!-- drift-report:${environment} -->`,
      `Scheduled drift check of **${environment}**: \`terraform plan -detailed-exitcode\` of every deployed stack against the code on \`main\`.`,
      "",
      ...stacks.map(line),
      "",
      state === "drift"
        ? "Something changed outside Terraform, or `main` holds a change that is not deployed. Read the plan in the run: deploy `main` to restore what the code says, or change the code to keep what AWS has now."
        : state === "failed"
          ? "A stack could not be planned; the drift of this environment is unknown until it can."
          : "No drift.",
      ...(runUrl ? ["", `Plans and logs: ${runUrl}`] : []),
      "",
    ].join("\n");
    return { environment, state, body };
  });
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

if (require.main === module) {
  const [dir, ...args] = process.argv.slice(2);
  try {
    const out = option(args, "--out");
    if (!dir || !out) throw new Error("usage: npm run drift-report -- <results-dir> --stacks <json> --out <dir> [--run-url <url>]");
    const stacks = JSON.parse(option(args, "--stacks") || "[]") as string[];
    const localState = JSON.parse(option(args, "--local-state") || "[]") as string[];
    const reports = driftReports(completeResults(readResults(dir), stacks, localState), option(args, "--run-url"));
    mkdirSync(out, { recursive: true });
    for (const { environment, body } of reports) writeFileSync(join(out, `${environment}.md`), body);
    writeFileSync(
      join(out, "environments.json"),
      `${JSON.stringify(reports.map(({ environment, state }) => ({ environment, state, title: driftIssueTitle(environment) })))}\n`,
    );
    for (const { environment, state } of reports) console.log(`${environment}: ${state}`);
  } catch (error) {
    process.stderr.write(`drift-report: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
