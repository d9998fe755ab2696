// npm run plan -- <env> [--skip-synth]: `terraform init` + `terraform plan` for every stack of one
// environment, in dependency order (network before the layers that read its outputs).
// `cdktf diff` takes exactly one stack; this is the one command for a whole environment.
import { join, relative } from "node:path";
import { synthesizeApp } from "../shared/app-command";
import { failureCause, runShown } from "../shared/failure-cause.cjs";
import { dependencyOrder, type Manifest, type ManifestStack, readManifest, readStackDocuments, splitStackName } from "../shared/manifest";
import { notDeployed, notPlannedNotice, terraformOutputs, upstreamRequirements } from "./upstream-deployed";

const root = join(__dirname, "..", "..");
const outdir = process.env.CDKTF_OUTDIR ?? join(root, "cdktf.out");

/** The stacks of `env` (named `<env>-<layer>`), each after the stacks it depends on. */
export function stacksInDependencyOrder(stacks: Readonly<Record<string, ManifestStack>>, env: string): string[] {
  const selected = Object.keys(stacks).filter((name) => splitStackName(name)?.environment === env);
  return dependencyOrder(selected, (name) => stacks[name]?.dependencies ?? []);
}

function fail(message: string): never {
  process.stderr.write(`plan: ${message}\n`);
  process.exit(2);
}

/** Terraform's colour codes only on a terminal: in CI logs and files they are noise. */
const COLOUR = process.stdout.isTTY ? [] : ["-no-color"];

/**
 * Runs terraform with its output shown and kept; on failure the last line is this tool's, naming the cause
 * (no credentials, expired token, no network) when the output shows one.
 */
async function terraform(args: string[], cwd: string, what: string): Promise<void> {
  const result = await runShown("terraform", [...args, ...COLOUR], { cwd, env: process.env });
  if (result.error) fail(`could not run terraform (${result.error.message}); install Terraform >= 1.10 and put it on PATH`);
  if (result.status === 0) return;
  const cause = failureCause(result.output);
  fail(`${what} failed${cause ? `: ${cause}` : "; see above"}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const env = args.find((a) => !a.startsWith("--"));
  if (!env) fail("usage: npm run plan -- <env> [--skip-synth]  (plans every stack of <env> in dependency order)");
  if (!args.includes("--skip-synth")) {
    // The app itself, not the cdktf CLI: same output, no CLI start-up.
    const status = synthesizeApp(root, outdir).status ?? 1;
    if (status !== 0) process.exit(status);
  }
  let manifest: Manifest;
  try {
    manifest = readManifest(outdir);
  } catch (error) {
    fail((error as Error).message);
  }
  const order = stacksInDependencyOrder(manifest.stacks, env);
  if (order.length === 0) {
    const environments = [...new Set(Object.keys(manifest.stacks).map((name) => splitStackName(name)?.environment ?? name))];
    fail(`no stacks for environment "${env}"; environments: ${environments.join(", ")}`);
  }
  console.log(`plan ${env}: ${order.join(" -> ")}`);
  const documents = readStackDocuments(outdir, manifest);
  const notPlanned: string[] = [];
  for (const [i, stack] of order.entries()) {
    const cwd = join(outdir, manifest.stacks[stack]!.workingDirectory);
    console.log(`\n== ${stack} (${i + 1}/${order.length}): terraform init && terraform plan`);
    await terraform(["init", "-input=false"], cwd, `terraform init in ${relative(process.cwd(), cwd)}`);
    // Upstream stacks come first in the order, so their folders are initialized: their outputs say whether they are deployed.
    const requirements = upstreamRequirements(stack, manifest, documents);
    let outputs: Record<string, Record<string, unknown>> = {};
    try {
      outputs = Object.fromEntries(
        requirements.map(({ upstream }) => [upstream, terraformOutputs(join(outdir, manifest.stacks[upstream]!.workingDirectory))]),
      );
    } catch (error) {
      fail(`${stack}: could not read the outputs of its upstream stacks: ${(error as Error).message}`);
    }
    const missing = notDeployed(requirements, outputs);
    if (missing.length > 0) {
      const notice = `${stack}: ${notPlannedNotice(missing)} (npm run deploy -- ${missing.map((m) => m.upstream).join(" ")})`;
      console.log(notice);
      notPlanned.push(notice);
      continue;
    }
    await terraform(["plan", "-input=false", "-lock-timeout=5m"], cwd, `terraform plan for ${stack}`);
  }
  if (notPlanned.length > 0)
    console.log(`\nplanned ${order.length - notPlanned.length} of ${order.length} stacks; not planned:\n${notPlanned.join("\n")}`);
}

if (require.main === module) void main();
