// npm run upstream-deployed -- <stack> [--github-output]: are the stacks <stack> depends on deployed?
// A stack that reads another's outputs through terraform_remote_state cannot be planned before that stack
// is applied: the outputs do not exist yet and the plan fails (the cdktf documentation warns about it).
// This checks first: `terraform init` + `terraform output -json` in each upstream stack's folder.
// Exit 0: deployed; 3: an upstream is not deployed (one notice line per upstream); 2: the check failed.
// With --github-output the answer goes to $GITHUB_OUTPUT (deployed=true|false, notice=...) and it exits 0.
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { backendOf, type Manifest, readManifest, readStackDocuments, type StackDocument } from "../shared/manifest";
import { stringsIn } from "../shared/synth-output";

export interface UpstreamRequirement {
  readonly upstream: string;
  /** The upstream's outputs that must exist for the plan to work. */
  readonly outputs: readonly string[];
  /** remote-state: the stack reads these outputs; dependency: ordering only (addDependency), the upstream's declared outputs stand for "deployed". */
  readonly via: "remote-state" | "dependency";
}

export interface NotDeployed {
  readonly upstream: string;
  readonly missing: readonly string[];
}

const REMOTE_STATE_READ = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs(?:\.([A-Za-z0-9_-]+)|\["([^"]+)"\])/g;

/** Outputs read per terraform_remote_state data source: `data.terraform_remote_state.<name>.outputs.<output>` anywhere in the stack. */
export function remoteStateOutputs(document: StackDocument): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  for (const text of stringsIn(document)) {
    for (const match of text.matchAll(REMOTE_STATE_READ)) {
      const [, name, dotted, bracketed] = match;
      const output = dotted ?? bracketed;
      if (!name || !output) continue;
      if (!reads.has(name)) reads.set(name, new Set());
      reads.get(name)!.add(output);
    }
  }
  return reads;
}

/** Whether a terraform_remote_state data source reads `upstream`'s state: same backend type, bucket and key (or local path). */
function readsStateOf(remoteState: Record<string, unknown>, upstream: StackDocument): boolean {
  const type = backendOf(upstream);
  if (remoteState.backend !== type) return false;
  const config = (remoteState.config ?? {}) as Record<string, unknown>;
  const backend = upstream.terraform?.backend?.[type] ?? {};
  const keys =
    type === "local" ? ["path"] : type === "s3" ? ["bucket", "key"] : Object.keys(backend).filter((k) => typeof backend[k] === "string");
  return keys.length > 0 && keys.every((k) => config[k] === backend[k]);
}

/** What each upstream stack (manifest dependency) of `stack` must have in its state before `stack` can be planned. */
export function upstreamRequirements(
  stack: string,
  manifest: Manifest,
  documents: Readonly<Record<string, StackDocument>>,
): UpstreamRequirement[] {
  const document = documents[stack];
  if (!document || !manifest.stacks[stack]) throw new Error(`there is no stack ${stack} in the synth output`);
  const remoteStates = (document.data?.terraform_remote_state ?? {}) as Record<string, Record<string, unknown>>;
  const reads = remoteStateOutputs(document);
  return [...manifest.stacks[stack].dependencies].sort().map((upstream) => {
    const upstreamDocument = documents[upstream] ?? {};
    const outputs = new Set<string>();
    for (const [name, remoteState] of Object.entries(remoteStates)) {
      // cdktf names the data source cross-stack-reference-input-<stack>; the backend match also covers hand-written ones.
      if (readsStateOf(remoteState, upstreamDocument) || name === `cross-stack-reference-input-${upstream}`) {
        for (const output of reads.get(name) ?? []) outputs.add(output);
      }
    }
    if (outputs.size > 0) return { upstream, outputs: [...outputs].sort(), via: "remote-state" };
    return { upstream, outputs: Object.keys(upstreamDocument.output ?? {}).sort(), via: "dependency" };
  });
}

/**
 * The upstreams whose required outputs are missing from `terraform output -json` (undefined: no answer, i.e.
 * nothing deployed). An upstream that declares no outputs cannot be told apart from an empty one; it counts as deployed.
 */
export function notDeployed(
  requirements: readonly UpstreamRequirement[],
  outputsByUpstream: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>,
): NotDeployed[] {
  return requirements.flatMap(({ upstream, outputs }) => {
    const present = outputsByUpstream[upstream] ?? {};
    const missing = outputs.filter((output) => !(output in present));
    return missing.length > 0 ? [{ upstream, missing }] : [];
  });
}

/** The sentence the plan summary and the plan tool print for a stack that is not planned. */
export function notPlannedNotice(missing: readonly NotDeployed[]): string {
  return missing.map(({ upstream }) => `not planned: ${upstream} is not deployed yet; deploy it first`).join("; ");
}

/** `terraform output -json` in an initialized stack folder, parsed; throws with Terraform's message when it fails. */
export function terraformOutputs(directory: string): Record<string, unknown> {
  const result = spawnSync("terraform", ["output", "-json", "-no-color"], { cwd: directory, encoding: "utf8" });
  if (result.error) throw new Error(`could not run terraform (${result.error.message}); install Terraform >= 1.10 and put it on PATH`);
  if (result.status !== 0) throw new Error(`terraform output failed in ${directory}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout || "{}") as Record<string, unknown>;
}

function terraformInit(directory: string): void {
  const result = spawnSync("terraform", ["init", "-input=false", "-no-color"], { cwd: directory, encoding: "utf8" });
  if (result.error) throw new Error(`could not run terraform (${result.error.message}); install Terraform >= 1.10 and put it on PATH`);
  if (result.status !== 0) throw new Error(`terraform init failed in ${directory}: ${(result.stderr || result.stdout).trim()}`);
}

if (require.main === module) {
  const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "..", "cdktf.out");
  const args = process.argv.slice(2);
  const stack = args.find((a) => !a.startsWith("--"));
  const github = args.includes("--github-output") && process.env.GITHUB_OUTPUT;
  try {
    if (!stack) throw new Error("usage: npm run upstream-deployed -- <stack> [--github-output]");
    const manifest = readManifest(outdir);
    const requirements = upstreamRequirements(stack, manifest, readStackDocuments(outdir, manifest));
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const { upstream } of requirements) {
      const directory = join(outdir, manifest.stacks[upstream]!.workingDirectory);
      terraformInit(directory);
      outputs[upstream] = terraformOutputs(directory);
    }
    const missing = notDeployed(requirements, outputs);
    const notice = notPlannedNotice(missing);
    for (const { upstream, outputs: required } of requirements) {
      if (!missing.some((m) => m.upstream === upstream))
        console.log(`${stack}: ${upstream} is deployed (${required.length} output(s) it needs exist)`);
    }
    if (notice) console.log(`${stack}: ${notice}`);
    if (github) {
      appendFileSync(github, `deployed=${missing.length === 0}\nnotice=${notice}\n`);
      if (notice) console.log(`::notice title=${stack} not planned::${notice}`);
    } else if (missing.length > 0) {
      process.exit(3);
    }
  } catch (error) {
    process.stderr.write(`upstream-deployed: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
