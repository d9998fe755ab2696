import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackInput, TerraformJson } from "../policy";
import { type AwsResult, classifyAwsFindings, parseModelsOutput } from "./aws-findings";
import { awsPayloads, type ExtractionFinding, type Payload } from "./aws-payloads";

/** The virtualenv tools/gates/scan/setup-checkov.sh creates for this step. */
export function awsModelsPython(root: string): string {
  return path.join(root, ".venv-aws-models", "bin", "python");
}

/**
 * Runs the AWS-definitions step over the stacks: payloads out of each stack, tools/gates/scan/aws_models.py
 * on them (one process), its findings classified. `workDir` keeps the payloads and the raw output.
 */
export function checkAwsDefinitions(stacks: readonly StackInput[], python: string, root: string, workDir: string): AwsResult {
  const payloads: Payload[] = [];
  const extraction: ExtractionFinding[] = [];
  for (const stack of stacks) {
    const { payloads: p, findings } = awsPayloads({
      name: stack.name,
      terraform: stack.terraform as TerraformJson,
      production: stack.production ?? false,
    });
    payloads.push(...p);
    extraction.push(...findings);
  }
  const input = path.join(workDir, "aws-payloads.json");
  fs.writeFileSync(input, `${JSON.stringify({ payloads }, null, 1)}\n`);
  const run = spawnSync(python, ["-X", "utf8", path.join(root, "tools", "gates", "scan", "aws_models.py"), input], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  fs.writeFileSync(path.join(workDir, "aws-models-result.json"), run.stdout ?? "");
  const failure = run.error
    ? run.error.message
    : run.status !== 0
      ? `exit ${run.status ?? run.signal}: ${(run.stderr ?? "").trim()}`
      : undefined;
  if (failure) return emptyResult(`tools/gates/scan/aws_models.py failed (${failure})`);
  try {
    return classifyAwsFindings(parseModelsOutput(run.stdout), payloads, extraction);
  } catch (e) {
    return emptyResult(`${(e as Error).message}; see ${path.join(workDir, "aws-models-result.json")}`);
  }
}

function emptyResult(error: string): AwsResult {
  return { versions: {}, checked: {}, failures: [], reported: [], suppressed: [], warnings: [], errors: [error] };
}
