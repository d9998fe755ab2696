// Resource-by-resource comparison of two synth outputs (cdktf vs CDK Terrain). Pure over parsed JSON,
// so the tests feed it fixtures; check.ts reads the folders and prints the report.

import { isDeepStrictEqual } from "node:util";
import { readStacks } from "../../shared/synth-output";

/** One difference at a path inside a stack's JSON, e.g. `resource.aws_vpc.vpc.tags`. */
export interface Difference {
  readonly stack: string;
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Why it is expected (provider or framework version strings), or undefined when it is not. */
  readonly expected?: string;
}

/** Stack name -> its cdk.tf.json, parsed. */
export type SynthOutput = Record<string, Record<string, unknown>>;

/**
 * Paths where a framework or provider swap changes the output by design: the version pins of the
 * providers and the framework's own version in the `//` metadata. Anything else is a real difference.
 */
const EXPECTED: readonly {
  readonly pattern: RegExp;
  readonly reason: string;
  readonly values?: (before: unknown, after: unknown) => boolean;
}[] = [
  { pattern: /^terraform\.required_providers\.[\w-]+\.version$/, reason: "provider version pin of the prebuilt bindings" },
  {
    pattern: /^terraform\.required_providers\.[\w-]+\.source$/,
    reason: "same provider: Terraform reads a bare source `x` as `hashicorp/x`",
    values: (before, after) => typeof before === "string" && after === `hashicorp/${before}`,
  },
  { pattern: /^\/\/\.metadata\.version$/, reason: "framework version in the stack metadata" },
];

/** Leaves under these paths are compared one by one (a resource's attributes), not as one value. */
const BLOCKS = ["resource", "data", "output", "provider", "terraform", "locals", "variable", "module", "//"];

/** Every difference between two outputs, stack by stack and resource by resource, sorted by stack and path. */
export function compareOutputs(before: SynthOutput, after: SynthOutput): Difference[] {
  const differences: Difference[] = [];
  for (const stack of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[stack];
    const b = after[stack];
    if (!a || !b) {
      differences.push({ stack, path: "(stack)", before: a ? "present" : "absent", after: b ? "present" : "absent" });
      continue;
    }
    for (const block of [...new Set([...Object.keys(a), ...Object.keys(b), ...BLOCKS])].sort()) {
      diffValue(stack, block, a[block], b[block], block === "resource" || block === "data" ? 3 : 8, differences);
    }
  }
  return differences.map((difference) => {
    const expected = EXPECTED.find(
      ({ pattern, values }) => pattern.test(difference.path) && (values?.(difference.before, difference.after) ?? true),
    )?.reason;
    return expected ? { ...difference, expected } : difference;
  });
}

/**
 * Walks objects down to `depth` levels below the resource address (type.name = 2 levels, then one per
 * attribute), so a changed attribute reads as `resource.aws_vpc.vpc.cidr_block`, not as the whole resource.
 */
function diffValue(stack: string, path: string, a: unknown, b: unknown, depth: number, out: Difference[]): void {
  if (isDeepStrictEqual(a, b)) return;
  if (depth > 0 && isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diffValue(stack, `${path}.${key}`, a[key], b[key], depth - 1, out);
    }
    return;
  }
  out.push({ stack, path, before: a, after: b });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json` of every stack. */
export function readOutput(outdir: string): SynthOutput {
  return Object.fromEntries(readStacks(outdir));
}

/** Resources (and data sources) per output, for the report's headline. */
export function countResources(output: SynthOutput): number {
  let count = 0;
  for (const stack of Object.values(output)) {
    for (const block of ["resource", "data"]) {
      for (const byName of Object.values((stack[block] as Record<string, object> | undefined) ?? {})) count += Object.keys(byName).length;
    }
  }
  return count;
}

/** The Markdown report: unexpected differences first (each a line), then the expected ones. */
export function formatReport(differences: readonly Difference[], resources: { readonly before: number; readonly after: number }): string {
  const show = (value: unknown) => {
    const text = value === undefined ? "(absent)" : JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  const unexpected = differences.filter((d) => !d.expected);
  const expected = differences.filter((d) => d.expected);
  const lines = [
    `resources and data sources: ${resources.before} (cdktf) vs ${resources.after} (cdktn)`,
    `unexpected differences: ${unexpected.length}`,
    ...unexpected.map((d) => `- ${d.stack}: ${d.path}: ${show(d.before)} -> ${show(d.after)}`),
    `expected differences: ${expected.length}`,
    ...expected.map((d) => `- ${d.stack}: ${d.path}: ${show(d.before)} -> ${show(d.after)} (${d.expected})`),
  ];
  return `${lines.join("\n")}\n`;
}
