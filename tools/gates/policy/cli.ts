import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadEnvironmentsOrExit } from "../../../config/loader";
import { formatPolicyReport, runPolicySuite } from "./index";
import { readSynthOutput } from "./synth-output";

// Standalone policy suite over synth output: npx tsx tools/gates/policy/cli.ts [outdir=cdktf.out]
// Production comes from the environment files (INFRA_CONFIG_DIR or config/environments). Exit 1 on any violation.

function main(): number {
  const outdir = process.argv[2] ?? "cdktf.out";
  if (!existsSync(join(outdir, "stacks"))) {
    process.stderr.write(`${join(outdir, "stacks")}: no synth output; run npx cdktf synth (or pass the outdir)\n`);
    return 1;
  }
  const { stacks, notes } = readSynthOutput(outdir, loadEnvironmentsOrExit());
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
  const result = runPolicySuite(stacks);
  process.stdout.write(`${formatPolicyReport(result).join("\n")}\n`);
  return result.violations.length > 0 ? 1 : 0;
}

process.exitCode = main();
