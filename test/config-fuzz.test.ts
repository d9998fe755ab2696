import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { formatProblem } from "../config/errors";
import { parseEnvironment } from "../config/loader";
import { runPolicySuite } from "../tools/gates/policy";
import { FIXTURE_ENVIRONMENTS, FIXTURE_ENVIRONMENTS_DIR, policyStacks, runApp } from "./helpers";

// Property: every mutation of a fixture environment file either synthesizes (and passes the policy
// suite) or fails with contract-3 lines `<file>: <field.path>: <message>`, never with a stack trace.

// FUZZ_SEED / FUZZ_RUNS explore further locally (FUZZ_RUNS=5000 npx jest config-fuzz); CI keeps the fixed, fast run.
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** Synthesis is the slow part; only the first valid mutations are synthesized. */
const SYNTH_SAMPLE = Number(process.env.FUZZ_SYNTH ?? 3);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const documents = Object.fromEntries(
  FIXTURE_ENVIRONMENTS.map((name) => [name, parse(readFileSync(join(FIXTURE_ENVIRONMENTS_DIR, `${name}.yaml`), "utf8")) as Json]),
);

/** Every path of a document (not the root), in document order. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function at(document: Json, path: readonly (string | number)[]): Json | undefined {
  let current: Json | undefined = document;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Array.isArray(current) ? current[Number(key)] : current[String(key)];
  }
  return current;
}

const mutation = fc.record({
  kind: fc.constantFrom("wrongType", "outOfRange", "emptyString", "emptyList", "unknownKey", "malformedCidr", "duplicate", "delete"),
  pick: fc.nat(),
  value: fc.oneof(
    fc.constantFrom<Json>(42, -1, 0, 3.5, 1e9, true, false, null, "text", "", [], {}, ["a"], { a: 1 }),
    fc.integer({ min: -100, max: 100 }),
    fc.string({ maxLength: 8 }),
  ),
  number: fc.constantFrom(-1, 0, 1, 15, 29, 33, 65536, 2.5, -0.5, 1e12),
  cidr: fc.constantFrom(
    "10.0.0.0",
    "10.0.0.0/33",
    "300.1.1.1/16",
    "10.20.0.1/16",
    "abc",
    "10.0.0.0/8",
    "::/0",
    "10.20.0.0/29",
    " 10.20.0.0/16",
  ),
  key: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,11}$/),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies one mutation at a path chosen by `pick` among the document's current paths. */
function mutate(document: Json, m: Mutation): void {
  const paths = pathsOf(document);
  const containers = [[] as Path, ...paths.filter((p) => typeof at(document, p) === "object" && at(document, p) !== null)];
  const lists = paths.filter((p) => Array.isArray(at(document, p)));
  const set = (path: Path, value: Json | undefined) => {
    const parent = at(document, path.slice(0, -1)) as Record<string | number, Json>;
    const key = path[path.length - 1]!;
    if (value === undefined) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = value;
  };
  const path = paths[m.pick % paths.length]!;
  switch (m.kind) {
    case "wrongType":
    case "emptyString":
    case "emptyList": {
      const value = m.kind === "emptyString" ? "" : m.kind === "emptyList" ? [] : m.value;
      set(path, value);
      break;
    }
    case "outOfRange":
      set(path, m.number);
      break;
    case "malformedCidr":
      set(path, m.cidr);
      break;
    case "delete":
      set(path, undefined);
      break;
    case "unknownKey": {
      const target = at(document, containers[m.pick % containers.length]!);
      if (Array.isArray(target)) target.push(m.value);
      else if (target && typeof target === "object") target[m.key] = m.value;
      break;
    }
    case "duplicate": {
      const list = lists.length ? (at(document, lists[m.pick % lists.length]!) as Json[]) : undefined;
      if (list?.length) list.push(structuredClone(list[m.pick % list.length]!));
      else set(path, m.value);
      break;
    }
  }
}

const CONTRACT_LINE = /^[^:]+\.yaml: [^:]+: .+/;
const SPECIAL_PATH = /^\((root|file name|yaml|line \d+, column \d+)\)$/;
/** Sections the schema fills with defaults: a problem may name a key under them that the file does not spell out. */
const DEFAULTED = /^(network\.subnets|ecs\.alb|ecs\.services\.[^.]+\.(targetHealthCheck|capacity))(\.|$)/;

describe("config fuzzing", () => {
  it(`every mutation synthesizes or fails in the contract format (seed ${SEED}, ${RUNS} runs)`, () => {
    let synthesized = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURE_ENVIRONMENTS), fc.array(mutation, { minLength: 1, maxLength: 3 }), (name, mutations) => {
        const document = structuredClone(documents[name]!);
        for (const m of mutations) mutate(document, m);
        const file = `${name}.yaml`;
        const result = parseEnvironment(file, name, stringify(document));
        if ("problems" in result) {
          rejected++;
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            const line = formatProblem(problem);
            expect(line).toMatch(CONTRACT_LINE);
            expect(line).not.toMatch(/\n|\s+at \S+ \(|Error:/);
            expect(problem.file).toBe(file);
            if (SPECIAL_PATH.test(problem.path) || DEFAULTED.test(problem.path)) continue;
            // The path names something in the document: the node itself, or (for a missing key) its parent.
            const segments = problem.path.split(".");
            // A value that is there but wrong must not be reported as missing.
            if (at(document, segments) !== undefined && at(document, segments) !== null)
              expect(problem.message).not.toMatch(/^is required/);
            const parent = at(document, segments.slice(0, -1));
            expect({ path: problem.path, refersToDocument: parent !== undefined && parent !== null && typeof parent === "object" }).toEqual(
              {
                path: problem.path,
                refersToDocument: true,
              },
            );
          }
          return;
        }
        if (synthesized >= SYNTH_SAMPLE) return;
        synthesized++;
        const stacks = policyStacks(result.environment);
        const { ecs, eks } = result.environment;
        const layers = [
          "network",
          ...(ecs ? ["ecs"] : []),
          ...(eks ? ["eks"] : []),
          ...(eks?.selfManagedSpotNodeGroups.length ? ["eks-addons"] : []),
        ];
        expect(stacks.map((s) => s.name)).toEqual(layers.map((layer) => `${name}-${layer}`));
        const policy = runPolicySuite(stacks);
        expect(policy.violations).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (process.env.FUZZ_STATS) process.stdout.write(`rejected ${rejected}, synthesized ${synthesized}\n`);
    // The mutations are meant to explore both outcomes; a change that made every one fail would hide synth bugs.
    expect(rejected).toBeGreaterThan(RUNS / 4);
    expect(synthesized).toBeGreaterThan(0);
  });
});

describe("the CLI with broken environment files", () => {
  it("exits 1, prints one contract line per problem for every file, no stack trace, writes no stacks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "config-fuzz-"));
    try {
      const configDir = join(dir, "config");
      const outdir = join(dir, "out");
      mkdirSync(configDir);
      writeFileSync(
        join(configDir, "alpha.yaml"),
        "repository: r\naws: { region: eu-west-1 }\nnetwork:\n  cidr: 10.0.0.0/33\n  availabilityZones: [eu-west-1a]\n  colour: blue\n",
      );
      writeFileSync(
        join(configDir, "beta.yaml"),
        "repository: 42\nproduction: maybe\naws: { region: mars }\nnetwork: { cidr: 10.1.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }\n",
      );
      const failure = await runApp([], { INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir });
      expect(failure.code).toBe(1);
      const lines = failure.stderr.trim().split("\n");
      for (const line of lines) expect(line).toMatch(/^\S+\/(alpha|beta)\.yaml: [^:]+: .+/);
      expect(failure.stderr).not.toMatch(/\s+at \S+ \(|Error:/);
      expect(lines.some((l) => l.includes("alpha.yaml: network.cidr:"))).toBe(true);
      expect(lines.some((l) => l.includes("alpha.yaml: network.colour:"))).toBe(true);
      expect(lines.some((l) => l.includes("beta.yaml: repository:"))).toBe(true);
      expect(lines.some((l) => l.includes("beta.yaml: aws.region:"))).toBe(true);
      expect(existsSync(join(outdir, "stacks"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
