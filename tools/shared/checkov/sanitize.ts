/**
 * Pure helpers that turn a synthesized `cdk.tf.json` into the copy checkov scans.
 *
 * - `terraform.required_version` is removed: checkov 3.3.30's terraform_json parser
 *   crashes on it (bridgecrewio/checkov#7454) and then reports the file as a parsing
 *   error with exit code 0.
 * - Object properties whose value is `null` are removed. In Terraform an argument set
 *   to null is the same as an argument left out, but cdktf writes nulls for unset
 *   attributes of nested objects (e.g. `"prefix_list_ids": null` in a security group
 *   ingress rule) and checkov's terraform_json checks read `[None]` as "set": without
 *   this, CKV_AWS_24 passes a group that opens port 22 to 0.0.0.0/0.
 *
 * - The top-level state blocks `moved`, `removed` and `import` are removed: checkov 3.3.30's
 *   terraform_json parser fails on any of them ("this method receives only dicts") and then skips
 *   the whole stack. They only tell Terraform how to treat its state; no check reads them.
 *
 * Nothing here touches the file system or writes to stdout.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Returns a deep copy of `value` with every object property whose value is null removed. */
export function stripNullProperties(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(stripNullProperties);
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (child === null) continue;
      out[key] = stripNullProperties(child);
    }
    return out;
  }
  return value;
}

/** Top-level blocks about the state only (moveTo(), ForgottenResource, imports), which checkov cannot parse. */
const STATE_BLOCKS = ["moved", "removed", "import"];

/** The document checkov should scan: required_version, null properties and state blocks removed. */
export function sanitizeStack(document: JsonObject): JsonObject {
  const copy = stripNullProperties(document) as JsonObject;
  for (const key of STATE_BLOCKS) delete copy[key];
  const terraform = copy.terraform;
  if (isObject(terraform) && "required_version" in terraform) {
    delete terraform.required_version;
  }
  return copy;
}

/** Serializes like `JSON.stringify(doc, null, 2)` plus a trailing newline. */
export function serializeStack(document: JsonObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Line ranges (1-based, inclusive, as checkov reports them in `file_line_range`) of every
 * resource and data source in text produced by `serializeStack`. Keys are addresses:
 * `<type>.<name>` for resources and `data.<type>.<name>` for data sources.
 */
export function blockLineRanges(text: string): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  const lines = text.split("\n");
  let section: "resource" | "data" | undefined;
  let type: string | undefined;
  let open: { address: string; start: number } | undefined;
  const keyAt = (line: string, indent: number): string | undefined => {
    const prefix = " ".repeat(indent);
    if (!line.startsWith(`${prefix}"`) || line.startsWith(`${prefix} `)) return undefined;
    const match = /^("(?:[^"\\]|\\.)*"): [{[]$/.exec(line.slice(indent));
    if (!match?.[1]) return undefined;
    return JSON.parse(match[1]) as string;
  };
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const top = keyAt(line, 2);
    if (top !== undefined) {
      section = top === "resource" || top === "data" ? top : undefined;
      type = undefined;
      return;
    }
    if (!section) return;
    const typeKey = keyAt(line, 4);
    if (typeKey !== undefined) {
      type = typeKey;
      return;
    }
    if (!type) return;
    if (!open) {
      const name = keyAt(line, 6);
      if (name !== undefined && name !== "//") {
        const address = section === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        open = { address, start: lineNo };
      }
      return;
    }
    if (/^ {6}[}\]],?$/.test(line)) {
      ranges.set(open.address, [open.start, lineNo]);
      open = undefined;
    }
  });
  return ranges;
}
