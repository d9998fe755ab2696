import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { REQUIRED_TERRAFORM_VERSION } from "../../stacks/environment-stack";
import { readStacks as readSynthStacks } from "../shared/synth-output";
import type { TerraformJson } from "./policy";

// Contract 7: Terraform itself accepts every synthesized stack. Two halves:
// - what Terraform's configuration loader checks (run `terraform init -backend=false`, which loads and
//   validates the whole configuration before it installs providers), and
// - what the loader does not check offline: every ${...} reference names something declared, every
//   depends_on entry is a bare address, and the stack pins the Terraform version it needs.

export interface StackJson {
  readonly name: string;
  readonly terraform: TerraformJson & { terraform?: Record<string, unknown>; output?: Record<string, unknown> };
}

/** Block types of a stack whose entries can be referenced, with the address prefix of each. */
function declaredAddresses(stack: StackJson["terraform"]): Set<string> {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries(stack.data ?? {})) {
    for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
  }
  const json = stack as Record<string, Record<string, unknown> | undefined>;
  for (const name of Object.keys(json.variable ?? {})) declared.add(`var.${name}`);
  for (const name of Object.keys(json.locals ?? {})) declared.add(`local.${name}`);
  for (const name of Object.keys(json.module ?? {})) declared.add(`module.${name}`);
  return declared;
}

/**
 * The `${...}` expressions in a string, without the `$${` escapes (literal text for Terraform).
 * Braces and quoted strings inside an expression are balanced; templates nested in quoted strings
 * are returned as expressions of their own.
 */
export function expressionsIn(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      i++;
      continue;
    }
    let depth = 1;
    let j = i + 2;
    let inString = false;
    while (j < text.length && depth > 0) {
      const c = text[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
      j++;
    }
    const body = text.slice(i + 2, j - 1);
    found.push(body);
    for (const quoted of body.match(/"(?:[^"\\]|\\.)*"/g) ?? []) found.push(...expressionsIn(quoted));
    i = j;
  }
  return found;
}

/** Roots that are not addresses: literals, for-expression keywords and Terraform's own namespaces. */
const NOT_ADDRESSES = new Set(["true", "false", "null", "for", "in", "if", "each", "count", "self", "path", "terraform"]);

/** The addresses an expression refers to (`aws_vpc.main`, `data.x.y`, `var.v`, `local.l`), plus remote-state output names. */
export function referencesIn(expression: string): { address: string; remoteOutput?: string }[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  // Iterator names of for-expressions (`for k, v in ...`) are local to the expression.
  const iterators = new Set<string>();
  for (const match of withoutStrings.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
    iterators.add(match[1]!);
    if (match[2]) iterators.add(match[2]);
  }
  const references: { address: string; remoteOutput?: string }[] = [];
  for (const match of withoutStrings.matchAll(/(?<![\w.\]-])([A-Za-z_][\w-]*)((?:\.[A-Za-z_*][\w-]*|\[[^\]]*\])*)(\s*\()?/g)) {
    const [, root, rest, call] = match as unknown as [string, string, string, string | undefined];
    if (call || NOT_ADDRESSES.has(root) || iterators.has(root)) continue;
    const segments = rest.split(".").filter((s) => s.length > 0);
    const attribute = (n: number) => segments[n]?.replace(/\[.*$/, "");
    if (root === "var" || root === "local" || root === "module") {
      if (attribute(0)) references.push({ address: `${root}.${attribute(0)}` });
    } else if (root === "data") {
      if (attribute(0) && attribute(1)) {
        const address = `data.${attribute(0)}.${attribute(1)}`;
        const remoteOutput = attribute(0) === "terraform_remote_state" && attribute(2) === "outputs" ? attribute(3) : undefined;
        references.push({ address, remoteOutput });
      }
    } else if (attribute(0)) {
      references.push({ address: `${root}.${attribute(0)}` });
    }
  }
  return references;
}

/** Every string in a JSON value with its dotted path, skipping the "//" comment blocks Terraform ignores. */
function stringsIn(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) stringsIn(v, `${path}[${i}]`, visit);
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) if (key !== "//") stringsIn(v, path ? `${path}.${key}` : key, visit);
  }
}

/** The stack a terraform_remote_state data source reads, from the state path/key naming convention `<stack>.tfstate`. */
function remoteStateStack(body: Record<string, unknown>): string | undefined {
  const config = (body.config ?? {}) as { path?: string; key?: string };
  const location = config.path ?? config.key;
  const file = location ? basename(location) : undefined;
  return file?.replace(/^terraform\./, "").replace(/\.tfstate$/, "");
}

/**
 * Problems Terraform's loader does not report offline, one line each: `<stack>: <where>: <what is wrong>`.
 * `stacks` are all stacks of the app, so remote-state outputs can be checked against the upstream stack.
 */
export function configurationProblems(stacks: readonly StackJson[]): string[] {
  const problems: string[] = [];
  const byName = new Map(stacks.map((stack) => [stack.name, stack]));
  for (const { name, terraform } of stacks) {
    const declared = declaredAddresses(terraform);
    const remoteStates = (terraform.data?.terraform_remote_state ?? {}) as Record<string, Record<string, unknown>>;

    const version = terraform.terraform?.required_version;
    if (version !== REQUIRED_TERRAFORM_VERSION) {
      problems.push(
        `${name}: terraform.required_version: is ${JSON.stringify(version)}; every stack declares "${REQUIRED_TERRAFORM_VERSION}"`,
      );
    }

    const check = (text: string, path: string) => {
      for (const expression of expressionsIn(text)) {
        for (const { address, remoteOutput } of referencesIn(expression)) {
          if (!declared.has(address)) {
            problems.push(`${name}: ${path}: \${${expression}} refers to ${address}, which this stack does not declare`);
            continue;
          }
          if (remoteOutput === undefined) continue;
          const upstreamName = remoteStateStack(remoteStates[address.split(".")[2]!] ?? {});
          const upstream = upstreamName ? byName.get(upstreamName) : undefined;
          if (!upstream) {
            problems.push(
              `${name}: ${path}: ${address} reads the state of ${upstreamName ?? "an unknown stack"}, which is not a stack of this app`,
            );
          } else if (!(remoteOutput in (upstream.terraform.output ?? {}))) {
            problems.push(`${name}: ${path}: ${address} reads output ${remoteOutput}, which ${upstream.name} does not declare`);
          }
        }
      }
    };

    for (const block of ["resource", "data"] as const) {
      for (const [type, byResource] of Object.entries(terraform[block] ?? {})) {
        for (const [resourceName, body] of Object.entries(byResource)) {
          const where = `${block === "data" ? "data." : ""}${type}.${resourceName}`;
          stringsIn(body, where, check);
          // replace_triggered_by holds bare references (resource, or resource.attribute) that Terraform resolves only at plan.
          const triggers = (body as { lifecycle?: { replace_triggered_by?: unknown } }).lifecycle?.replace_triggered_by;
          for (const [i, entry] of (Array.isArray(triggers) ? triggers : triggers === undefined ? [] : [triggers]).entries()) {
            const address =
              typeof entry === "string" ? /^([A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(\.[A-Za-z_][\w-]*)*$/.exec(entry)?.[1] : undefined;
            if (address === undefined || !declared.has(address)) {
              problems.push(
                `${name}: ${where}.lifecycle.replace_triggered_by[${i}]: ${JSON.stringify(entry)} is not a bare reference to a resource of this stack`,
              );
            }
          }
          const dependsOn = (body as { depends_on?: unknown }).depends_on;
          if (dependsOn === undefined) continue;
          for (const [i, entry] of (Array.isArray(dependsOn) ? dependsOn : [dependsOn]).entries()) {
            if (typeof entry !== "string" || !/^(data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$|^module\.[A-Za-z_][\w-]*$/.test(entry)) {
              problems.push(
                `${name}: ${where}.depends_on[${i}]: ${JSON.stringify(entry)} is not a bare address; pass the construct (dependsOn: [resource]), not its fqn`,
              );
            } else if (!declared.has(entry)) {
              problems.push(`${name}: ${where}.depends_on[${i}]: ${entry} is not declared in this stack`);
            }
          }
        }
      }
    }
    for (const block of ["output", "locals", "provider", "module"] as const) {
      stringsIn((terraform as Record<string, unknown>)[block], block, check);
    }
  }
  return problems;
}

/** What `terraform init -backend=false` concluded about one stack folder. */
export interface LoaderResult {
  readonly stack: string;
  /** true when the configuration loaded: init succeeded or failed only while installing providers. */
  readonly accepted: boolean;
  /** Terraform's error titles (`Error: Invalid expression`), for messages. */
  readonly errors: readonly string[];
  readonly output: string;
}

/** Errors of the provider-installation step, reached only after the whole configuration has loaded. */
const PROVIDER_INSTALL_ERRORS = new Set([
  "Failed to query available provider packages",
  "Failed to install provider",
  "Failed to install providers",
]);

/** Classifies terraform init output: configuration errors are refusals, provider installation failures are not. */
export function classifyInit(stack: string, exitCode: number, output: string): LoaderResult {
  const errors = [...output.matchAll(/^Error: (.+)$/gm)].map((m) => m[1]!.trim());
  const loaded = output.includes("Initializing provider plugins");
  const accepted = exitCode === 0 || (loaded && errors.length > 0 && errors.every((e) => PROVIDER_INSTALL_ERRORS.has(e)));
  return { stack, accepted, errors, output };
}

/** `terraform` on PATH, or undefined. */
export async function terraformVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("terraform", ["version", "-json"]);
    return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

/**
 * Runs `terraform init -backend=false` in every stack folder under `<outdir>/stacks`, in parallel.
 * Providers come from an empty filesystem mirror: no registry is contacted, nothing is downloaded, and
 * init stops at provider installation after the configuration has loaded, on every machine alike.
 */
export async function runTerraformLoader(outdir: string): Promise<LoaderResult[]> {
  const work = mkdtempSync(join(tmpdir(), "tf-loader-"));
  try {
    const mirror = join(work, "empty-mirror");
    mkdirSync(mirror);
    const cliConfig = join(work, "cli.tfrc");
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["*/*/*"]\n  }\n}\n`,
    );
    // The stacks the reference checks read (folders with a cdk.tf.json), so both cover the same set.
    const stacks = [...readSynthStacks(outdir).keys()];
    return await Promise.all(
      stacks.map(async (stack) => {
        const env = {
          ...process.env,
          TF_CLI_CONFIG_FILE: cliConfig,
          TF_DATA_DIR: join(work, stack, ".terraform"),
          TF_IN_AUTOMATION: "1",
          CHECKPOINT_DISABLE: "1",
        };
        const args = ["init", "-backend=false", "-input=false", "-no-color"];
        return new Promise<LoaderResult>((resolve) => {
          execFile("terraform", args, { cwd: join(outdir, "stacks", stack), env }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve(classifyInit(stack, code, `${stdout}\n${stderr}`));
          });
        });
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every `<outdir>/stacks/<stack>/cdk.tf.json`, in stack-name order. */
export function readStacks(outdir: string): StackJson[] {
  return [...readSynthStacks(outdir)].map(([name, terraform]) => ({ name, terraform: terraform as StackJson["terraform"] }));
}

// CLI: `npm run check-terraform [-- <outdir>]` over an existing synth output (default cdktf.out).
if (require.main === module) {
  const outdir = process.argv[2] ?? "cdktf.out";
  void (async () => {
    if (!existsSync(join(outdir, "stacks"))) {
      console.error(`check-terraform: ${outdir}/stacks does not exist; run \`npm run synth\` (or pass the synth output folder) first`);
      process.exit(2);
    }
    const problems = configurationProblems(readStacks(outdir));
    for (const problem of problems) console.error(problem);
    const version = await terraformVersion();
    if (!version) {
      console.error("check-terraform: terraform is not on PATH; install Terraform >= 1.10 to run its configuration loader");
      process.exit(2);
    }
    const results = await runTerraformLoader(outdir);
    for (const result of results) {
      console.log(`${result.accepted ? "ok  " : "FAIL"} ${result.stack}${result.accepted ? "" : `: ${result.errors.join("; ")}`}`);
      if (!result.accepted) console.error(result.output);
    }
    const failed = results.filter((r) => !r.accepted).length;
    console.log(`terraform ${version}: ${results.length - failed} of ${results.length} stacks load; ${problems.length} reference problems`);
    process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
  })();
}
