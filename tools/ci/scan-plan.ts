// npm run scan-plan -- <stack> <plan.json> [--out <result.json>]: checkov's terraform_plan framework over one
// stack's `terraform show -json` output. The plan holds resolved values and parsed JSON strings (policies,
// container definitions) that the synth-time scan cannot read. A failure the synth-time scan already accepted
// with justify() on the same resource is reported as justified, not as a failure (justifications are read from
// the "//" blocks of the stack's cdk.tf.json, matched by resource address).
// Exit 0: no unjustified failure; 1: unjustified failures or errors; 2: usage or setup problem.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkovArgs } from "../shared/checkov/checkov-args";
import { classify, exitCode, type Finding, formatReport, type ScanResult } from "../shared/checkov/classify";
import { isObject, type JsonObject } from "../shared/checkov/sanitize";
import { readManifest } from "../shared/manifest";

const CHECKOV_ARGS = checkovArgs("terraform_plan");

/** `aws_cloudwatch_log_group.app[0]` / `...["a"]` -> `aws_cloudwatch_log_group.app`: justifications are per resource block, not per instance. */
export function blockAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

function withBlockAddresses(output: unknown): unknown {
  const reports = Array.isArray(output) ? output : [output];
  const mapped = reports.map((report) => {
    if (!isObject(report) || !isObject(report.results)) return report;
    const results = Object.fromEntries(
      Object.entries(report.results).map(([kind, list]) => [
        kind,
        Array.isArray(list)
          ? list.map((r) => (isObject(r) && typeof r.resource === "string" ? { ...r, resource: blockAddress(r.resource) } : r))
          : list,
      ]),
    );
    return { ...report, results };
  });
  return Array.isArray(output) ? mapped : mapped[0];
}

/** A failure that depends on values Terraform knows only after apply (e.g. the ARN of a key created in the same plan). */
export type PlanScanResult = ScanResult & { deferred: Finding[] };

interface PlanJson {
  resource_changes?: { address: string; change?: { after_unknown?: unknown } }[];
}

function containsUnknown(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(containsUnknown);
  return isObject(node) && Object.values(node).some(containsUnknown);
}

/**
 * Whether an evaluated key of a checkov result (`configuration/[0]/execute_command_configuration`, `rule/*\/status`)
 * reaches a value that the plan's `after_unknown` marks as known only after apply, at or below that key.
 */
export function touchesUnknown(afterUnknown: unknown, key: string): boolean {
  const segments = key.split("/").filter((s) => s !== "");
  const walk = (node: unknown, i: number): boolean => {
    if (node === true) return true;
    if (i === segments.length) return containsUnknown(node);
    const segment = segments[i]!;
    const index = /^\[?(\d+)\]?$/.exec(segment)?.[1];
    if (Array.isArray(node)) {
      if (segment === "*") return node.some((item) => walk(item, i + 1));
      if (index !== undefined) return walk(node[Number(index)], i + 1);
      return node.some((item) => walk(item, i)); // checkov leaves out the index of a single nested block
    }
    if (!isObject(node)) return false;
    if (segment === "*") return Object.values(node).some((value) => walk(value, i + 1));
    return walk(node[segment], i + 1);
  };
  return walk(afterUnknown, 0);
}

interface FailedRecord {
  checkId: string;
  address: string;
  evaluatedKeys: string[];
}

function failedRecords(output: unknown): FailedRecord[] {
  const reports = Array.isArray(output) ? output : [output];
  return reports.flatMap((report) => {
    const failed = isObject(report) && isObject(report.results) ? report.results.failed_checks : undefined;
    if (!Array.isArray(failed)) return [];
    return failed.filter(isObject).map((r) => {
      const keys = isObject(r.check_result) ? r.check_result.evaluated_keys : undefined;
      return {
        checkId: String(r.check_id),
        address: String(r.resource),
        evaluatedKeys: Array.isArray(keys) ? keys.map(String) : [],
      };
    });
  });
}

/**
 * Classifies checkov's terraform_plan output for one stack against the justifications in its cdk.tf.json.
 * Stale justifications are dropped: a check the synth-time scan needed a justification for may well pass on
 * the resolved plan, and the synth-time scan already reports stale ones. A failure on values known only after
 * apply (every failing instance's evaluated keys reach `after_unknown` in the plan) is deferred, not failed:
 * the plan cannot show them, and the synth-time scan checked what the stack configures.
 */
export function classifyPlanScan(
  checkovOutput: unknown,
  stack: string,
  document: JsonObject,
  planFile: string,
  plan: PlanJson = {},
): PlanScanResult {
  const result = classify(withBlockAddresses(checkovOutput), [{ name: stack, document, scannedFile: planFile }]);
  const unknownByAddress = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change?.after_unknown]));
  const records = failedRecords(checkovOutput);
  const isDeferred = (finding: Finding): boolean => {
    const instances = records.filter((r) => r.checkId === finding.checkId && blockAddress(r.address) === finding.address);
    return (
      instances.length > 0 && instances.every((r) => r.evaluatedKeys.some((key) => touchesUnknown(unknownByAddress.get(r.address), key)))
    );
  };
  const deferred = result.failures.filter(isDeferred);
  const failures = result.failures.filter((f) => !deferred.includes(f));
  const rows = result.rows.map((row) => ({ ...row, failed: row.failed - deferred.filter((d) => d.stack === row.stack).length }));
  return { ...result, rows, failures, stale: [], deferred };
}

/** The scan report, with the deferred findings named. */
export function formatPlanReport(result: PlanScanResult): string[] {
  const lines = formatReport(result);
  if (result.deferred.length === 0) return lines;
  const verdictLine = lines.pop()!;
  lines.push(
    `Known only after apply (${result.deferred.length}), not failed: the check reads values the plan cannot know yet`,
    ...result.deferred.map((f) => `${f.stack}: ${f.address}: ${f.checkId} ${f.checkName}`),
    "",
    verdictLine,
  );
  return lines;
}

function fail(message: string): never {
  process.stderr.write(`scan-plan: ${message}\n`);
  process.exit(2);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--out");
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const [stack, plan] = positional;
  if (!stack || !plan || (outIndex >= 0 && !out)) fail("usage: npm run scan-plan -- <stack> <plan.json> [--out <result.json>]");
  const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "..", "cdktf.out");
  const planFile = resolve(plan);
  if (!existsSync(planFile)) fail(`${plan} does not exist; write it with \`terraform show -json tfplan > ${plan}\``);
  let document: JsonObject;
  try {
    const manifest = readManifest(outdir);
    const entry = manifest.stacks[stack];
    if (!entry) fail(`there is no stack ${stack} in ${outdir}; stacks: ${Object.keys(manifest.stacks).join(", ")}`);
    document = JSON.parse(readFileSync(join(outdir, entry.workingDirectory, "cdk.tf.json"), "utf8")) as JsonObject;
  } catch (error) {
    fail((error as Error).message);
  }
  const checkov = process.env.CHECKOV ?? join(__dirname, "..", "..", ".venv-checkov", "bin", "checkov");
  if (!existsSync(checkov)) fail(`${checkov} does not exist; run \`bash tools/gates/scan/setup-checkov.sh\` first`);
  const run = spawnSync(checkov, ["-f", planFile, ...CHECKOV_ARGS], {
    // checkov's own switch: an attribute known only after apply counts as set (existence checks pass, value checks do not).
    env: { ...process.env, CHECKPOINT_DISABLE: "1", EVAL_TF_PLAN_AFTER_UNKNOWN: "true" },
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) {
    process.stderr.write(run.stderr ?? "");
    fail(`checkov failed (${run.error?.message ?? `exit ${run.status}`}; it runs with --soft-fail, so this is a crash)`);
  }
  let output: unknown;
  try {
    output = JSON.parse(run.stdout);
  } catch (error) {
    fail(`checkov output is not JSON (${(error as Error).message})`);
  }
  const result = classifyPlanScan(output, stack, document, planFile, JSON.parse(readFileSync(planFile, "utf8")) as PlanJson);
  console.log(formatPlanReport(result).join("\n"));
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = exitCode(result);
}
