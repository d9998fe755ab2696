import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../config/errors";
import { loadEnvironments } from "../../config/loader";
import { formatPolicyReport, runPolicySuite, type StackInput } from "./index";

// Standalone policy suite over synth output: npx tsx tools/policy/cli.ts [outdir=cdktf.out]
// Reads <outdir>/stacks/*/cdk.tf.json; a stack is production when its environment (the config file
// named by the stack's `<env>-` prefix, from INFRA_CONFIG_DIR or config/environments) says so.
// Exit 1 on any violation.

const LAYERS = ["network", "ecs", "eks", "eks-addons"];

function main(): number {
  const outdir = process.argv[2] ?? "cdktf.out";
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) {
    process.stderr.write(`${stacksDir}: no synth output; run npx cdktf synth (or pass the outdir)\n`);
    return 1;
  }
  let production: Map<string, boolean>;
  try {
    production = new Map(loadEnvironments().map((e) => [e.name, e.production]));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const stacks: StackInput[] = [];
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (!existsSync(file)) continue;
    const environment = LAYERS.map((layer) => name.slice(0, -(layer.length + 1))).find(
      (env) => production.has(env) && LAYERS.some((l) => name === `${env}-${l}`),
    );
    if (environment === undefined) process.stdout.write(`note: ${name} matches no environment file; checked as production (strictest)\n`);
    stacks.push({
      name,
      terraform: JSON.parse(readFileSync(file, "utf8")) as object,
      production: environment === undefined || production.get(environment) === true,
    });
  }
  const result = runPolicySuite(stacks);
  process.stdout.write(`${formatPolicyReport(result).join("\n")}\n`);
  return result.violations.length > 0 ? 1 : 0;
}

process.exitCode = main();
