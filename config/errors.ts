import type { z } from "zod";

/** One configuration problem, printed as `<file>: <field.path>: <message>` (design.md, contract 3). */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** A cross-field guard's finding: the path relative to the section it guards (e.g. `ecs`) and the message. */
export interface GuardProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Thrown when one or more environment files are invalid; main.ts prints `lines` and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
  }

  get lines(): string[] {
    return this.problems.map(formatProblem);
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}

/** Dotted path as users write it in YAML: `network.subnets.private.cidrs.0`; `(root)` for the document itself. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  record: "a mapping",
};

/** Turns zod issues into problems whose message says what is wrong and what is allowed. */
export function problemsFromZod(file: string, error: z.ZodError, allowedKeys: (path: PropertyKey[]) => string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const allowed = allowedKeys(path);
          const hint = closest(key, allowed);
          problems.push({
            file,
            path: dottedPath([...path, key]),
            message: `unknown key${hint ? ` (did you mean ${hint}?)` : ""}; allowed keys here: ${allowed.join(", ")}`,
          });
        }
        break;
      case "invalid_type": {
        const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
        // A schema may explain why a key is required ("is required: ..."); otherwise name the expected type.
        const required = issue.message.startsWith("is required") ? issue.message : `is required (${expected})`;
        const message = issue.input === undefined ? required : `must be ${expected}, got ${describeValue(issue.input)}`;
        problems.push({ file, path: dottedPath(path), message });
        break;
      }
      case "invalid_value": {
        const allowed = issue.values.map(String).join(", ");
        // A missing enum key has no input to show: say it is missing, not "got undefined".
        const message =
          issue.input === undefined ? `is required (one of ${allowed})` : `must be one of ${allowed}, got ${describeValue(issue.input)}`;
        problems.push({ file, path: dottedPath(path), message });
        break;
      }
      case "invalid_key":
        // Record keys (tags): zod nests the key's own issues; the path already ends with the key.
        for (const inner of issue.issues) {
          problems.push({ file, path: dottedPath(path), message: `key ${inner.message}` });
        }
        break;
      case "invalid_element":
        for (const inner of issue.issues) {
          problems.push({ file, path: dottedPath([...path, String(issue.key)]), message: inner.message });
        }
        break;
      default:
        problems.push({ file, path: dottedPath(path), message: issue.message });
    }
  }
  return problems;
}

/** The allowed key nearest to a typo (edit distance <= 2), for "did you mean". */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
