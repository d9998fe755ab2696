/**
 * Security scan: checkov over freshly synthesized Terraform JSON, stack by stack.
 *
 *   npm run scan                      synthesize (main.ts, CDKTF_OUTDIR=<temp dir>) and scan
 *   npm run scan -- --dir cdktf.out   scan an existing synth output instead
 *   npm run scan -- --work-dir DIR    where sanitized copies, baselines and checkov's raw
 *                                     result go (default: .scan/ at the repository root)
 *
 * Report (stdout): a summary table (stack | passed | failed | justified), every
 * unjustified failure, every justification used, stale justifications, errors; then the
 * policy suite, then the AWS-definitions step (payloads against botocore's API models, IAM
 * actions and ARNs against parliament's database: tools/gates/scan/aws_models.py); then the EKS
 * version support lines of tools/gates/eks-support.ts (warnings, never a failure).
 * Exit 1 on any unjustified failure, violation or error, else 0. Progress goes to stderr.
 * See docs/security-scan.md.
 */

import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironmentsOrExit } from "../../config/loader";
import { synthesizeApp } from "../shared/app-command";
import { checkovArgs } from "../shared/checkov/checkov-args";
import { buildBaseline, classify, exitCode, formatReport, type ScanResult, type StackInput } from "../shared/checkov/classify";
import { isObject, sanitizeStack, serializeStack } from "../shared/checkov/sanitize";
import { formatSupportReport, supportFindings } from "./eks-support";
import { formatPolicyReport, type PolicyResult, readSynthOutput, runPolicySuite } from "./policy";
import { awsExitCode, formatAwsReport } from "./scan/aws-findings";
import { awsModelsPython, checkAwsDefinitions } from "./scan/aws-models";
import { scanSummary } from "./scan/summary";

const CHECKOV_VERSION = "3.3.30";

const CHECKOV_ARGS = checkovArgs("terraform_json");

interface Options {
  dir?: string;
  workDir: string;
}

const ROOT = path.resolve(path.dirname(process.argv[1] ?? path.join(process.cwd(), "tools", "gates", "scan.ts")), "..", "..");

function log(message: string): void {
  process.stderr.write(`scan: ${message}\n`);
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const options: Options = { workDir: path.join(ROOT, ".scan") };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--dir") options.dir = path.resolve(value());
    else if (arg?.startsWith("--dir=")) options.dir = path.resolve(arg.slice("--dir=".length));
    else if (arg === "--work-dir") options.workDir = path.resolve(value());
    else if (arg?.startsWith("--work-dir=")) options.workDir = path.resolve(arg.slice("--work-dir=".length));
    else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: npm run scan -- [--dir <cdktf.out dir>] [--work-dir <dir>]\n");
      process.exit(0);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  return options;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

function failed(run: SpawnSyncReturns<string>): boolean {
  return run.error !== undefined || run.status !== 0;
}

/** Runs the app (contract 2) into a fresh temp dir; returns the outdir. */
function synthesize(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "scan-synth-"));
  const started = Date.now();
  const run = synthesizeApp(ROOT, outdir, "pipe");
  if (failed(run)) {
    process.stderr.write(run.stderr ?? "");
    if (run.error) log(`could not run the app command of cdktf.json: ${run.error.message}`);
    log(`synth failed (exit ${run.status ?? run.signal ?? "?"}); nothing scanned`);
    fs.rmSync(outdir, { recursive: true, force: true });
    process.exit(run.status && run.status > 0 ? run.status : 1);
  }
  log(`synthesized into ${outdir} in ${seconds(started)}`);
  return outdir;
}

function findStacks(outdir: string): string[] {
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(stacksDir, e.name, "cdk.tf.json")))
    .map((e) => e.name)
    .sort();
}

function setupCheckov(): string {
  const started = Date.now();
  const run = spawnSync("bash", [path.join(ROOT, "tools", "gates", "scan", "setup-checkov.sh")], {
    cwd: ROOT,
    env: { ...process.env, CHECKOV_VERSION, CHECKOV_VENV: path.join(ROOT, ".venv-checkov") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.error || run.status !== 0) {
    log(`tools/gates/scan/setup-checkov.sh failed (exit ${run.status ?? run.error?.message})`);
    process.exit(1);
  }
  log(`checkov ${CHECKOV_VERSION} ready in ${seconds(started)}`);
  return path.join(ROOT, ".venv-checkov", "bin", "checkov");
}

/** Writes sanitized copies to <workDir>/stacks/<stack>/cdk.tf.json. */
function prepare(outdir: string, stacks: string[], workDir: string): StackInput[] {
  const stacksDir = path.join(workDir, "stacks");
  fs.rmSync(stacksDir, { recursive: true, force: true });
  fs.mkdirSync(stacksDir, { recursive: true });
  return stacks.map((name) => {
    const source = path.join(outdir, "stacks", name, "cdk.tf.json");
    const parsed: unknown = JSON.parse(fs.readFileSync(source, "utf8"));
    if (!isObject(parsed)) throw new Error(`${source}: not a JSON object`);
    const document = sanitizeStack(parsed);
    const text = serializeStack(document);
    const dir = path.join(stacksDir, name);
    fs.mkdirSync(dir);
    const scannedFile = path.join(dir, "cdk.tf.json");
    fs.writeFileSync(scannedFile, text);
    return { name, document, scannedFile, scannedText: text };
  });
}

function runCheckov(checkov: string, workDir: string): { output: unknown; errors: string[] } {
  const stacksDir = path.join(workDir, "stacks");
  const started = Date.now();
  // cwd is the work dir so that no .checkov.yaml of the caller changes the run.
  const run = spawnSync(checkov, ["-d", stacksDir, ...CHECKOV_ARGS], {
    cwd: workDir,
    env: process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1024 * 1024 * 1024,
  });
  const errors: string[] = [];
  const stderr = run.stderr ?? "";
  fs.writeFileSync(path.join(workDir, "checkov-stderr.txt"), stderr);
  fs.writeFileSync(path.join(workDir, "checkov-result.json"), run.stdout ?? "");
  if (run.error) errors.push(`could not run checkov: ${run.error.message}`);
  else if (run.status !== 0) errors.push(`checkov exited with ${run.status ?? run.signal} (it runs with --soft-fail, so this is a crash)`);
  for (const line of stderr.split("\n")) {
    if (/\[ERROR\]|Traceback|Exception:/.test(line)) errors.push(`checkov: ${line.trim()}`);
  }
  let output: unknown = {};
  try {
    output = JSON.parse(run.stdout ?? "");
  } catch (e) {
    errors.push(`checkov output is not JSON (${(e as Error).message}); see ${path.join(workDir, "checkov-result.json")}`);
  }
  if (errors.length && stderr.trim()) process.stderr.write(stderr.endsWith("\n") ? stderr : `${stderr}\n`);
  log(`checkov scanned ${stacksDir} in ${seconds(started)}`);
  return { output, errors };
}

/** The policy suite over the synth output; production per stack comes from the environment files. */
function runProjectPolicies(outdir: string): PolicyResult {
  const { stacks, notes } = readSynthOutput(outdir, loadEnvironmentsOrExit());
  for (const note of notes) log(`note: ${note}`);
  return runPolicySuite(stacks);
}

/** Payloads against AWS's API models and IAM actions/ARNs against the IAM database (venv of setup-checkov.sh). */
function runAwsDefinitions(outdir: string, workDir: string): ReturnType<typeof checkAwsDefinitions> {
  const started = Date.now();
  const { stacks } = readSynthOutput(outdir, loadEnvironmentsOrExit());
  const result = checkAwsDefinitions(stacks, awsModelsPython(ROOT), ROOT, workDir);
  log(`AWS definitions checked in ${seconds(started)}`);
  return result;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const outdir = options.dir ?? synthesize();
  try {
    const stacks = findStacks(outdir);
    if (stacks.length === 0) {
      log(`no stacks/<name>/cdk.tf.json under ${outdir}`);
      process.exitCode = 1;
      return;
    }
    const checkov = setupCheckov();
    fs.mkdirSync(options.workDir, { recursive: true });
    const inputs = prepare(outdir, stacks, options.workDir);
    const { output, errors } = runCheckov(checkov, options.workDir);

    let result: ScanResult;
    try {
      result = classify(output, inputs);
    } catch (e) {
      result = classify({}, inputs);
      errors.push((e as Error).message);
    }
    result.errors.unshift(...errors);

    for (const input of inputs) {
      const baseline = buildBaseline(input, result);
      fs.writeFileSync(path.join(path.dirname(input.scannedFile ?? ""), ".checkov.baseline"), `${JSON.stringify(baseline, null, 2)}\n`);
    }

    process.stdout.write(`${formatReport(result).join("\n")}\n`);
    // checkov cannot read JSON-string values (policies, container definitions); the policy suite does.
    const policy = runProjectPolicies(outdir);
    process.stdout.write(`\n${formatPolicyReport(policy).join("\n")}\n`);
    // checkov and the policy suite judge by our reading; this step by AWS's own API models and IAM database.
    const aws = runAwsDefinitions(outdir, options.workDir);
    process.stdout.write(`\n${formatAwsReport(aws).join("\n")}\n\n${scanSummary(result, policy).join("\n")}\n`);
    // Dated, so not in synth: warns (never fails) when a configured Kubernetes version nears or passes the
    // end of EKS standard support (tools/gates/eks-support.ts).
    const today = new Date().toISOString().slice(0, 10);
    process.stdout.write(`\n${formatSupportReport(supportFindings(loadEnvironmentsOrExit(), today), today).join("\n")}\n`);
    log(`sanitized copies and per-stack .checkov.baseline files are in ${path.join(options.workDir, "stacks")}`);
    const checkovFailed = exitCode(result) !== 0;
    const policyFailed = policy.violations.length > 0;
    const awsFailed = awsExitCode(aws) !== 0;
    const checkovText = checkovFailed ? `${result.failures.length} unjustified failure(s), ${result.errors.length} error(s)` : "clean";
    const policyText = policyFailed ? `${policy.violations.length} violation(s)` : "clean";
    const awsText = awsFailed ? `${aws.failures.length} failure(s), ${aws.errors.length} error(s)` : "clean";
    const anyFailed = checkovFailed || policyFailed || awsFailed;
    process.stdout.write(
      `${anyFailed ? "scan FAILED" : "scan passed"}: checkov ${checkovText}, policy suite ${policyText}, AWS definitions ${awsText}\n`,
    );
    process.exitCode = anyFailed ? 1 : 0;
  } finally {
    if (!options.dir) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (e instanceof UsageError) {
    log(e.message);
    process.stderr.write("usage: npm run scan -- [--dir <cdktf.out dir>] [--work-dir <dir>]\n");
    process.exitCode = 2;
  } else {
    log(`error: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  }
}
