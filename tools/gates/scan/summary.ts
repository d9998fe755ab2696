import type { ScanResult } from "../../shared/checkov/classify";
import type { PolicyResult } from "../policy";

/**
 * The one summary `npm run scan` ends with: per stack, checkov passed/failed/justified next to the
 * policy suite's violations/exceptions, then totals and rule counts. Pure, for tests.
 */
export function scanSummary(checkov: ScanResult, policy: PolicyResult): string[] {
  const header = ["stack", "checkov passed", "failed", "justified", "policy violations", "excepted"];
  const rows = policy.stacks.map((stack) => {
    const row = checkov.rows.find((r) => r.stack === stack);
    return [
      stack,
      row?.passed ?? 0,
      row?.failed ?? 0,
      row?.justified ?? 0,
      policy.violations.filter((v) => v.stack === stack).length,
      policy.exceptions.filter((e) => e.stack === stack).length,
    ];
  });
  const totals = ["total", ...header.slice(1).map((_, i) => rows.reduce((sum, row) => sum + Number(row[i + 1]), 0))];
  const cells = [header, ...rows, totals].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ");
  const ruleCount = (status: string) => policy.rules.filter((r) => r.status === status).length;
  return [
    `Summary: ${policy.stacks.length} stacks scanned`,
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...cells.slice(1).map(line),
    `policy suite: ${policy.rules.length} rules, ${ruleCount("passed")} passed, ${ruleCount("failed")} failed, ${ruleCount("excepted")} excepted`,
  ];
}
