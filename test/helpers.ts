import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { formatProblem } from "../config/errors";
import { loadEnvironments, parseEnvironment } from "../config/loader";
import type { EnvironmentConfig } from "../config/schema";
import type { EnvironmentStack } from "../stacks/environment-stack";
import type { TerraformJson as StackJson } from "../tools/gates/policy/types";
import { appCommand } from "../tools/shared/app-command";

/** The environments the app synthesizes; tests over them hold for any valid set of files a fork keeps here. */
export const ENVIRONMENTS_DIR = join(__dirname, "..", "config", "environments");
/** Scenario environments that snapshots and specific assertions pin (copies of the shipped ones at the time). */
export const FIXTURE_ENVIRONMENTS_DIR = join(__dirname, "fixtures", "environments");
export const FIXTURE_ENVIRONMENTS = ["dev", "prod"] as const;

const ROOT = join(__dirname, "..");

/** The exit code and output of a command; spawned commands here resolve with these and never reject. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Terraform's version when it is on PATH. Without it, CI fails (`CI=true`: the tests that run Terraform
 * must run there) and a local run gets undefined plus a loud "SKIPPED <what>" warning.
 */
export function terraformVersion(what: string): string | undefined {
  try {
    return (JSON.parse(execFileSync("terraform", ["version", "-json"], { encoding: "utf8" })) as { terraform_version: string })
      .terraform_version;
  } catch {
    if (process.env.CI === "true") throw new Error(`terraform is not on PATH; CI must run ${what} (install Terraform >= 1.10)`);
    console.warn(`SKIPPED ${what}: terraform is not on PATH (install Terraform >= 1.10 to run it)`);
    return undefined;
  }
}

/** Runs the app exactly as `cdktf synth` does (the app command of cdktf.json); `args` select environments. */
export function runApp(args: readonly string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  const [command, ...appArgs] = appCommand(ROOT);
  return run(command, [...appArgs, ...args], env);
}

/** Runs a TypeScript tool of the project on plain node with `tools/runner/ts-hook.cjs` (sources transpiled per content hash). */
export function runTs(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, ["--require", "./tools/runner/ts-hook.cjs", ...args], env);
}

/**
 * The contract-3 lines (`<file>: <field.path>: <message>`) the loader reports for an environment given
 * as YAML text or as a value to write as YAML, named `<name>.yaml`; [] when it is valid.
 */
export function problemLines(env: unknown, name = "test"): string[] {
  const result = parseEnvironment(`${name}.yaml`, name, typeof env === "string" ? env : stringify(env));
  return "problems" in result ? result.problems.map(formatProblem) : [];
}

/** A fixture environment, validated; throws with the problems if it is invalid. */
export function fixtureEnvironment(name: (typeof FIXTURE_ENVIRONMENTS)[number]): EnvironmentConfig {
  const file = join(FIXTURE_ENVIRONMENTS_DIR, `${name}.yaml`);
  return environmentFromYaml(readFileSync(file, "utf8"), name);
}

/** Every environment in config/environments, as the app loads them (whatever a fork has added). */
export function configuredEnvironments(): EnvironmentConfig[] {
  return loadEnvironments(ENVIRONMENTS_DIR);
}

/**
 * A small test environment with an EKS cluster and its system node group; `eksLines` (indented two
 * spaces, under `eks:`) add the node groups and handler settings a test is about.
 */
export function eksEnvironmentYaml(eksLines: string): string {
  return `
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
eks:
  version: "1.34"
  adminRoleArns: [arn:aws:iam::111122223333:role/admin]
  addons: { vpcCni: v1.20.4-eksbuild.1, coredns: v1.12.4-eksbuild.1, kubeProxy: v1.34.1-eksbuild.2, podIdentityAgent: v1.3.9-eksbuild.3 }
  amiReleaseVersion: 1.34.9-20260714
  # A test cluster holds only the groups its test is about, tainted or not.
  allowAllGroupsTainted: true
  systemNodeGroup: { instanceTypes: [m6i.large], minSize: 2, maxSize: 3, desiredSize: 2 }
${eksLines}
`;
}

/**
 * The parts of a valid `eks` section that config tests share (a 1.34 cluster, its add-ons and AMI release, a
 * system group); each test file adds the groups and keys it is about.
 */
export function testEksBase() {
  return {
    version: "1.34",
    adminRoleArns: ["arn:aws:iam::111122223333:role/deploy"],
    addons: {
      vpcCni: "v1.20.4-eksbuild.1",
      coredns: "v1.12.4-eksbuild.1",
      kubeProxy: "v1.34.1-eksbuild.2",
      podIdentityAgent: "v1.3.9-eksbuild.3",
    },
    amiReleaseVersion: "1.34.9-20260714",
    systemNodeGroup: { instanceTypes: ["m6i.large"], minSize: 2, maxSize: 3, desiredSize: 2 },
  };
}

/** Validates YAML text as environment `name`; throws with the problems if it is invalid. */
export function environmentFromYaml(text: string, name = "test"): EnvironmentConfig {
  const result = parseEnvironment(`${name}.yaml`, name, text);
  if ("problems" in result) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return result.environment;
}

/** Synthesized Terraform JSON of one stack, parsed. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: string;
  readonly terraform: TerraformJson;
}

/** The policy suite's view of cdk.tf.json, with the blocks tests also read. */
export interface TerraformJson extends StackJson {
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, unknown>;
}

/**
 * Builds every stack of an environment through the same wiring as main.ts and synthesizes it the way
 * `cdktf synth` does, reading back the files written. (Testing.synth would drop the "//" blocks that
 * carry the justifications the scan reads.) Environments synthesized once per test run by the global
 * setup (the fixtures and config/environments) are read from its cache, keyed by the whole validated
 * config: the same config gives the same bytes (contract 5, checked by the determinism test).
 */
export function synthEnvironment(environment: EnvironmentConfig): SynthesizedStack[] {
  const cached = cacheDir(environment);
  if (cached && existsSync(join(cached, "stacks.json"))) return readSynth(cached);
  const outdir = mkdtempSync(join(tmpdir(), "synth-"));
  try {
    writeSynth(environment, outdir);
    return readSynth(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the environments into the run's cache (jest global setup); later synthEnvironment calls read it. */
export function warmSynthCache(environments: readonly EnvironmentConfig[]): void {
  for (const environment of environments) {
    const dir = cacheDir(environment);
    if (dir && !existsSync(join(dir, "stacks.json"))) writeSynth(environment, dir);
  }
}

function cacheDir(key: EnvironmentConfig | readonly EnvironmentConfig[]): string | undefined {
  const root = process.env.SYNTH_CACHE_DIR;
  if (!root) return undefined;
  return join(root, createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 24));
}

/**
 * cdktf and every provider binding, loaded only by a test that synthesizes something the global setup
 * did not: most test files read cached JSON and skip the second or so these modules take to load.
 */
function synthesizer(): { App: typeof import("cdktf").App; addEnvironmentStacks: typeof import("../stacks").addEnvironmentStacks } {
  return { App: require("cdktf").App, addEnvironmentStacks: require("../stacks").addEnvironmentStacks };
}

function writeSynth(environment: EnvironmentConfig, outdir: string): void {
  const { App, addEnvironmentStacks } = synthesizer();
  const app = new App({ outdir });
  const stacks: EnvironmentStack[] = addEnvironmentStacks(app, environment);
  app.synth();
  writeFileSync(join(outdir, "stacks.json"), JSON.stringify(stacks.map((stack) => stack.node.id)));
}

function readSynth(outdir: string): SynthesizedStack[] {
  const names = JSON.parse(readFileSync(join(outdir, "stacks.json"), "utf8")) as string[];
  return names.map((name) => {
    const json = readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
    return { name, json, terraform: JSON.parse(json) as TerraformJson };
  });
}

/**
 * Synthesizes environments into `outdir` exactly as main.ts does (cdktf.out layout: manifest.json,
 * stacks/<stack>/cdk.tf.json); a set the global setup synthesized already is copied from its cache.
 */
export function synthToDir(environments: readonly EnvironmentConfig[], outdir: string): void {
  const cached = cacheDir(environments);
  if (cached && existsSync(join(cached, "manifest.json"))) {
    cpSync(cached, outdir, { recursive: true });
    return;
  }
  const { App, addEnvironmentStacks } = synthesizer();
  const app = new App({ outdir });
  for (const environment of environments) addEnvironmentStacks(app, environment);
  app.synth();
}

/** Synthesizes sets of environments (as synthToDir takes them) into the run's cache. */
export function warmSynthToDirCache(sets: readonly (readonly EnvironmentConfig[])[]): void {
  for (const environments of sets) {
    const dir = cacheDir(environments);
    if (dir && !existsSync(join(dir, "manifest.json"))) synthToDir(environments, dir);
  }
}

/** The stack named `<env>-<layer>`; fails the test when the environment does not have it. */
export function stackOf(stacks: readonly SynthesizedStack[], layer: string): SynthesizedStack {
  const stack = stacks.find((s) => s.name.endsWith(`-${layer}`));
  if (!stack) throw new Error(`no ${layer} stack among ${stacks.map((s) => s.name).join(", ")}`);
  return stack;
}

/** All resources of one type, keyed by Terraform name. */
export function resources(stack: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return stack.terraform.resource?.[type] ?? {};
}

/** The one resource of a type; fails when there are none or several. */
export function onlyResource(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const all = Object.values(resources(stack, type));
  if (all.length !== 1) throw new Error(`expected one ${type} in ${stack.name}, found ${all.length}`);
  return all[0]!;
}

/**
 * The stack's JSON for snapshots, with values that change without an infrastructure change masked
 * (the cdktf version in the metadata), so a snapshot diff is exactly what a reviewer must read.
 */
export function snapshotOf(stack: SynthesizedStack): unknown {
  return JSON.parse(stack.json.replace(/"version": "\d+\.\d+\.\d+"/, '"version": "<cdktf>"'));
}

/** Every stack of an environment as the policy suite reads it: the synthesized JSON and the production flag. */
export function policyStacks(environment: EnvironmentConfig): { name: string; terraform: TerraformJson; production: boolean }[] {
  return synthEnvironment(environment).map(({ name, terraform }) => ({ name, terraform, production: environment.production }));
}
