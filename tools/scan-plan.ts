// npm run scan-plan -- <stack> <plan.json> [--out <result.json>]: checkov's terraform_plan framework over one
// stack's `terraform show -json` output. The plan holds resolved values and parsed JSON strings (policies,
// container definitions) that the synth-time scan cannot read. A failure the synth-time scan already accepted
// with justify() on the same resource is reported as justified, not as a failure (justifications are read from
// the "//" blocks of the stack's cdk.tf.json, matched by resource address).
// Exit 0: no unjustified failure; 1: unjustified failures or errors; 2: usage or setup problem.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readManifest } from "./ci/manifest";
import { classify, exitCode, formatReport, type ScanResult } from "./scan/classify";
import { isObject, type JsonObject } from "./scan/sanitize";

/** Same options as the synth-time scan (tools/scan.ts): no network, no module downloads, JSON out, findings not as exit code. */
const CHECKOV_ARGS = [
  "--framework",
  "terraform_plan",
  "--output",
  "json",
  "--compact",
  "--skip-download",
  "--download-external-modules",
  "false",
  "--soft-fail",
];

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

/**
 * Classifies checkov's terraform_plan output for one stack against the justifications in its cdk.tf.json.
 * Stale justifications are dropped: a check the synth-time scan needed a justification for may well pass on
 * the resolved plan, and the synth-time scan already reports stale ones.
 */
export function classifyPlanScan(checkovOutput: unknown, stack: string, document: JsonObject, planFile: string): ScanResult {
  const result = classify(withBlockAddresses(checkovOutput), [{ name: stack, document, scannedFile: planFile }]);
  return { ...result, stale: [] };
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
  const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "cdktf.out");
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
  const checkov = process.env.CHECKOV ?? join(__dirname, "..", ".venv-checkov", "bin", "checkov");
  if (!existsSync(checkov)) fail(`${checkov} does not exist; run \`bash tools/setup-checkov.sh\` first`);
  const run = spawnSync(checkov, ["-f", planFile, ...CHECKOV_ARGS], {
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
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
  const result = classifyPlanScan(output, stack, document, planFile);
  console.log(formatReport(result).join("\n"));
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = exitCode(result);
}
