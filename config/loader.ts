import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { renameDeprecatedKeys } from "./deprecations";
import { ConfigError, type ConfigProblem, formatProblem, problemsFromZod } from "./errors";
import { type EnvironmentConfig, environmentSchema, resolveSubnetCidrs } from "./schema";

export const DEFAULT_CONFIG_DIR = join(__dirname, "environments");

/** Environment names become stack-name and resource-name prefixes, so they stay short and DNS-safe. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Reads every `<env>.yaml` in `dir` (INFRA_CONFIG_DIR, contract 2) and validates all of them.
 * Throws one ConfigError carrying every problem of every file, so a user fixes them in one pass.
 */
export function loadEnvironments(dir: string = process.env.INFRA_CONFIG_DIR || DEFAULT_CONFIG_DIR): EnvironmentConfig[] {
  const shown = displayPath(dir);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort();
  } catch {
    throw new ConfigError([
      { file: shown, path: "(directory)", message: "cannot be read; set INFRA_CONFIG_DIR to a folder of <env>.yaml files" },
    ]);
  }
  if (names.length === 0) {
    throw new ConfigError([{ file: shown, path: "(directory)", message: "has no environment files; add one <env>.yaml per environment" }]);
  }
  const problems: ConfigProblem[] = [];
  const environments: EnvironmentConfig[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = displayPath(join(dir, name));
    const envName = name.replace(/\.ya?ml$/, "");
    const result = parseEnvironment(file, envName, readFileSync(join(dir, name), "utf8"));
    if (seen.has(envName)) {
      problems.push({
        file,
        path: "(file name)",
        message: `environment "${envName}" is also defined by ${seen.get(envName)}; keep one file per environment`,
      });
    }
    seen.set(envName, file);
    if ("problems" in result) problems.push(...result.problems);
    else {
      environments.push(result.environment);
      // Deprecated names still work; say so once per use, on stderr (synth output stays the same).
      for (const notice of result.deprecated ?? []) process.stderr.write(`${formatProblem(notice)}\n`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return environments;
}

/**
 * The environments to synthesize: all of them, or the ones named on the command line
 * (`npm run synth -- dev`) or in INFRA_ENVIRONMENTS (comma-separated, for `cdktf synth`). Every file
 * is still loaded and validated first, so a selection never hides a broken environment.
 */
export function selectEnvironments(
  environments: readonly EnvironmentConfig[],
  requested: readonly string[],
  source: string,
): EnvironmentConfig[] {
  const names = requested.map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) return [...environments];
  const known = environments.map((environment) => environment.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((name) => ({
        file: source,
        path: "(selection)",
        message: `there is no environment "${name}"; environments: ${known.join(", ")}`,
      })),
    );
  }
  return environments.filter((environment) => names.includes(environment.name));
}

/** For command-line tools: the environments, or their problems printed in the contract format and exit 1. */
export function loadEnvironmentsOrExit(): EnvironmentConfig[] {
  try {
    return loadEnvironments();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** Validates one environment file's text; pure, so tests can feed it strings. */
export function parseEnvironment(
  file: string,
  envName: string,
  text: string,
): { environment: EnvironmentConfig; deprecated?: ConfigProblem[] } | { problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!ENVIRONMENT_NAME.test(envName)) {
    problems.push({
      file,
      path: "(file name)",
      message: `"${envName}" is not a valid environment name; use 1-20 lowercase letters, digits and hyphens, starting with a letter`,
    });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const duplicate = error.code === "DUPLICATE_KEY" ? keyPathAt(document.contents, error.pos[0]) : undefined;
      problems.push(
        duplicate
          ? {
              file,
              path: duplicate.join("."),
              message: `key "${duplicate.at(-1)}" appears twice in the same mapping (again at line ${line}, column ${col}); each key once`,
            }
          : { file, path: `(line ${line}, column ${col})`, message: `YAML syntax: ${error.message.split("\n")[0]}` },
      );
    }
    return { problems };
  }
  // reportInput: zod 4 leaves issue.input out by default, and a wrong-typed value would read as "is required".
  // jitless: zod would compile a parser per object schema (new Function) on first use; a run parses a few
  // files once, so that costs more than it saves, and eval'd code never reaches V8's code cache (tools/runner/app.cjs).
  const raw = document.toJS() ?? {};
  const deprecated = renameDeprecatedKeys(raw, file);
  const parsed = environmentSchema.safeParse(raw, { reportInput: true, jitless: true });
  if (!parsed.success) {
    problems.push(...problemsFromZod(file, parsed.error, (path) => allowedKeysAt(environmentSchema, path)));
    return { problems };
  }
  if (problems.length > 0) return { problems };
  const subnetCidrs = resolveSubnetCidrs(parsed.data.network);
  if (!subnetCidrs) throw new Error("unreachable: network validation accepted subnets that do not resolve");
  return { environment: { ...parsed.data, name: envName, file, subnetCidrs }, deprecated };
}

/** Keys of the strict object at `path` in the schema, for "allowed keys here" hints. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType as z.ZodType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodPipe
  ) {
    current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.unwrap() as z.ZodType);
  }
  return current;
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith("..") ? path : fromCwd;
}

/** The key path (`ecs.services.api.cpu`) of the mapping key that starts at `offset`, for a duplicate-key error. */
export function keyPathAt(node: unknown, offset: number, path: string[] = []): string[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) return [...path, key];
      const inner = keyPathAt(pair.value, offset, [...path, key]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const inner = keyPathAt(item, offset, [...path, String(index)]);
      if (inner) return inner;
    }
  }
  return undefined;
}
