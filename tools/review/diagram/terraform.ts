import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../../lib/order";
import { splitStackName } from "../../../stacks/layers";
import { readStacks, stringsIn } from "../../shared/synth-output";

/** One stack of a synth output: its name, the stacks it depends on (manifest.json) and its cdk.tf.json. */
export interface StackJson {
  readonly name: string;
  readonly dependencies: readonly string[];
  readonly terraform: Record<string, unknown>;
}

/** A resource (or data source) of a stack, with what the diagram reads from it. */
export interface Resource {
  readonly stack: string;
  /** `aws_lb`, or `data.aws_eks_cluster` for a data source. */
  readonly type: string;
  readonly name: string;
  /** Terraform address inside the stack: `aws_lb.alb_load-balancer_01CCC475`. */
  readonly address: string;
  /** Construct path from cdktf's metadata (`prod-ecs/alb/load-balancer`), or the address. */
  readonly path: string;
  readonly attributes: Record<string, unknown>;
}

/** A `${...}` reference found in an attribute. */
export interface Reference {
  /** Top-level attribute it was found in (`subnets`, `load_balancer`, `depends_on`). */
  readonly attribute: string;
  /** Address in the same stack, or `<stack>:<address>` resolved through terraform_remote_state. */
  readonly target: string;
}

type Block = Record<string, unknown>;

/** Reads `<outdir>/manifest.json` and every `<outdir>/stacks/<stack>/cdk.tf.json`, sorted by stack name. */
export function readSynthOutput(outdir: string): StackJson[] {
  const manifestFile = join(outdir, "manifest.json");
  const manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { dependencies?: string[] }> })
    : { stacks: {} };
  return [...readStacks(outdir)].map(([name, terraform]) => ({
    name,
    dependencies: [...(manifest.stacks[name]?.dependencies ?? [])].sort(),
    terraform,
  }));
}

/**
 * The environment a stack belongs to: the `environment` default tag every stack's AWS provider sets,
 * else the stack name without its `-<layer>` suffix.
 */
export function environmentOf(stack: StackJson): string {
  const providers = (stack.terraform.provider as Record<string, Block[]> | undefined)?.aws ?? [];
  for (const provider of providers) {
    for (const defaults of (provider.default_tags as Block[] | undefined) ?? []) {
      const env = (defaults.tags as Record<string, unknown> | undefined)?.environment;
      if (typeof env === "string") return env;
    }
  }
  return splitStackName(stack.name)?.environment ?? stack.name;
}

/** Every resource and data source of a stack, in a stable order (type, then name). */
export function resourcesOf(stack: StackJson): Resource[] {
  const list: Resource[] = [];
  const add = (blocks: unknown, prefix: string) => {
    for (const [type, byName] of Object.entries((blocks ?? {}) as Record<string, Record<string, Block>>).sort(byKey)) {
      for (const [name, body] of Object.entries(byName).sort(byKey)) {
        const { "//": meta, ...attributes } = body;
        const path = ((meta as Block | undefined)?.metadata as Block | undefined)?.path;
        const fullType = `${prefix}${type}`;
        list.push({
          stack: stack.name,
          type: fullType,
          name,
          address: `${fullType}.${name}`,
          path: String(path ?? `${fullType}.${name}`),
          attributes,
        });
      }
    }
  };
  add(stack.terraform.resource, "");
  add(stack.terraform.data, "data.");
  return list;
}

const byKey = (a: [string, unknown], b: [string, unknown]) => compareText(a[0], b[0]);

// `${...}` but not the `$${` escape Terraform reads as a literal; addresses inside an expression.
const INTERPOLATION = /(?<!\$)\$\{([^}]*)\}/g;
const REMOTE_OUTPUT = /\bdata\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;
const ADDRESS = /\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;

/**
 * The references of a resource: every `${...}` in its attributes (JSON strings such as container
 * definitions included) naming a declared address, and its depends_on entries. References to another
 * stack's outputs through terraform_remote_state resolve, via `remoteOutput`, to what that output names.
 */
export function referencesOf(
  resource: Resource,
  declared: ReadonlySet<string>,
  remoteOutput: (dataSource: string, output: string) => string[],
): Reference[] {
  const found = new Map<string, Reference>();
  const add = (attribute: string, target: string) => found.set(`${attribute}\u0000${target}`, { attribute, target });
  for (const [attribute, value] of Object.entries(resource.attributes)) {
    if (attribute === "depends_on") {
      for (const entry of (value as string[]) ?? []) if (declared.has(entry)) add(attribute, entry);
      continue;
    }
    for (const text of stringsIn(value)) {
      for (const [, expression] of text.matchAll(INTERPOLATION)) {
        for (const [, dataSource, output] of expression!.matchAll(REMOTE_OUTPUT)) {
          for (const target of remoteOutput(dataSource!, output!)) add(attribute, target);
        }
        for (const [, address] of expression!.replace(REMOTE_OUTPUT, "").matchAll(ADDRESS)) {
          if (declared.has(address!) && address !== resource.address) add(attribute, address!);
        }
      }
    }
  }
  return [...found.values()];
}

/** The addresses an output's value names (`${aws_subnet.x.id}`), in the output's stack. */
export function outputTargets(stack: StackJson, output: string, declared: ReadonlySet<string>): string[] {
  const value = (stack.terraform.output as Record<string, Block> | undefined)?.[output]?.value;
  const targets = new Set<string>();
  for (const text of stringsIn(value)) {
    for (const [, expression] of text.matchAll(INTERPOLATION)) {
      for (const [, address] of expression!.matchAll(ADDRESS)) if (declared.has(address!)) targets.add(address!);
    }
  }
  return [...targets].sort();
}

/**
 * The stack a terraform_remote_state data source reads: the one whose backend has the same state
 * location (S3 bucket and key, or local path), else the stack cdktf named it after
 * (`cross-stack-reference-input-<stack>`).
 */
export function remoteStateStack(dataSource: Block, name: string, stacks: readonly StackJson[]): StackJson | undefined {
  const config = (dataSource.config ?? {}) as Block;
  const location = (backend: Block) => JSON.stringify([backend.bucket ?? null, backend.key ?? null, backend.path ?? null]);
  const wanted = location(config);
  const byBackend = stacks.find((stack) => {
    const backends = ((stack.terraform.terraform as Block | undefined)?.backend ?? {}) as Record<string, Block>;
    return Object.entries(backends).some(([kind, backend]) => kind === dataSource.backend && location(backend) === wanted);
  });
  return byBackend ?? stacks.find((stack) => name === `cross-stack-reference-input-${stack.name}`);
}
