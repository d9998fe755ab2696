// npm run plan -- <env> [--skip-synth]: `terraform init` + `terraform plan` for every stack of one
// environment, in dependency order (network before the layers that read its outputs).
// `cdktf diff` takes exactly one stack; this is the one command for a whole environment.
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { synthesizeApp } from "../shared/app-command";
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

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env });
  if (result.error) fail(`could not run ${command} (${result.error.message}); install Terraform >= 1.10 and put it on PATH`);
  return result.status ?? 1;
}

if (require.main === module) {
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
    if (run("terraform", ["init", "-input=false"], cwd) !== 0) fail(`terraform init failed in ${relative(process.cwd(), cwd)}; see above`);
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
    if (run("terraform", ["plan", "-input=false", "-lock-timeout=5m"], cwd) !== 0) fail(`terraform plan failed for ${stack}; see above`);
  }
  if (notPlanned.length > 0)
    console.log(`\nplanned ${order.length - notPlanned.length} of ${order.length} stacks; not planned:\n${notPlanned.join("\n")}`);
}
