/**
 * The synth output as the CI tools read it: cdktf.out/manifest.json (stacks, working directories,
 * dependencies) and each stack's cdk.tf.json. Pure helpers plus one reader; no process exits.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../lib/order";

export { LAYERS, splitStackName } from "../../stacks/layers";

export interface ManifestStack {
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

export interface Manifest {
  readonly stacks: Readonly<Record<string, ManifestStack>>;
}

/** A stack's Terraform JSON, reduced to the blocks the CI tools read. */
export interface StackDocument {
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  data?: Record<string, Record<string, unknown>>;
  output?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The backend type a stack keeps its state in (`s3`, `local`, ...); `local` when none is declared (Terraform's default). */
export function backendOf(document: StackDocument): string {
  const backends = Object.keys(document.terraform?.backend ?? {});
  return backends[0] ?? "local";
}

/** Where a synth output folder's manifest lives; throws a one-sentence error when there is none. */
export function readManifest(outdir: string): Manifest {
  const file = join(outdir, "manifest.json");
  if (!existsSync(file)) throw new Error(`${file} does not exist; run \`npm run synth\` first`);
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

/** Every stack's cdk.tf.json, parsed, keyed by stack name. */
export function readStackDocuments(outdir: string, manifest: Manifest): Record<string, StackDocument> {
  const documents: Record<string, StackDocument> = {};
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    documents[name] = JSON.parse(readFileSync(join(outdir, stack.workingDirectory, "cdk.tf.json"), "utf8")) as StackDocument;
  }
  return documents;
}

/** Whether a stack's Terraform JSON (`<workingDirectory>/cdk.tf.json`) is byte for byte the one in the base synth. */
export function sameAsBase(outdir: string, baseOutdir: string, workingDirectory: string): boolean {
  const base = join(baseOutdir, workingDirectory, "cdk.tf.json");
  return existsSync(base) && readFileSync(base, "utf8") === readFileSync(join(outdir, workingDirectory, "cdk.tf.json"), "utf8");
}

/**
 * `names` ordered so each comes after the names it depends on (dependencies outside `names` are left to
 * their own order), ties by name; throws on a cycle, which cdktf never synthesizes.
 */
export function dependencyOrder(names: readonly string[], dependenciesOf: (name: string) => readonly string[]): string[] {
  const ordered: string[] = [];
  const visit = (name: string, path: readonly string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new Error(`stack dependency cycle: ${[...path, name].join(" -> ")}`);
    for (const dependency of dependenciesOf(name)) if (names.includes(dependency)) visit(dependency, [...path, name]);
    ordered.push(name);
  };
  for (const name of [...names].sort(compareText)) visit(name, []);
  return ordered;
}
