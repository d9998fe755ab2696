import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, sep } from "node:path";

// tools/ is grouped by who runs it (README, Layout): tools/<group>/<tool>, plus tools/shared for helpers
// several tools use. A folder name says what its code can break, so imports must follow the folders:
// - a tool's own files import each other freely (tools/gates/scan.ts and tools/gates/scan/ are one tool);
// - anything may import tools/shared; tools/shared imports only tools/shared (it is the bottom layer);
// - another tool of the same group only through its entry: a single-file tool's file, or a folder tool's
//   index.ts (what it offers the others); never its internals;
// - never a tool of another group (move what both need to tools/shared);
// - the product (main.ts, config/, lib/, stacks/) imports nothing from tools/.
// Tests are exempt: they test internals.

const ROOT = join(__dirname, "..");
const GROUPS = ["runner", "review", "ci", "gates", "maintainer"] as const;
const SOURCE = /\.(ts|cjs|js)$/;

/** The tool a file under tools/ belongs to: "shared", or "<group>/<tool>" (a file's name without extension). */
function toolOf(file: string): string {
  const [top, group, first] = file.split("/");
  if (top !== "tools" || group === undefined) throw new Error(`${file} is not under tools/`);
  if (group === "shared") return "shared";
  const stem = (name: string) => name.replace(/\.(ts|cjs|js|sh|md)$/, "");
  // A file directly in tools/ belongs to no group (the first test fails on it); here a tool of its own.
  if (first === undefined) return `(no group)/${stem(group)}`;
  return `${group}/${stem(first)}`;
}

/** Whether `file` is what its tool offers other tools of its group: the single file, or index.ts. */
function isEntry(file: string): boolean {
  const parts = file.split("/");
  return parts.length === 3 || (parts.length === 4 && parts[3] === "index.ts");
}

/** Why `from` must not import `to` (both repository paths under tools/), or undefined if it may. */
function layoutViolation(from: string, to: string): string | undefined {
  const a = toolOf(from);
  const b = toolOf(to);
  if (a === b || b === "shared") return undefined;
  if (a === "shared") return `${from} imports ${to}: tools/shared imports only tools/shared`;
  const [groupA] = a.split("/");
  const [groupB] = b.split("/");
  if (groupA !== groupB)
    return `${from} imports ${to}: crosses from tools/${groupA} to tools/${groupB}; move what both use to tools/shared`;
  if (!isEntry(to))
    return `${from} imports ${to}: reaches into the internals of tools/${b}; import its index.ts, or move the helper to tools/shared`;
  return undefined;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map((name) => posix.join(dir, String(name).split(sep).join("/")))
    .filter((file) => statSync(join(ROOT, file)).isFile());
}

const SPECIFIER = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The repository paths of the files `file` imports by relative specifier. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(SPECIFIER)].map(([, specifier]) => {
    const base = posix.normalize(posix.join(posix.dirname(file), specifier as string));
    const found = ["", ".ts", ".cjs", ".js", ".json", "/index.ts"].map((ext) => base + ext);
    const hit = found.find((candidate) => existsSync(join(ROOT, candidate)) && statSync(join(ROOT, candidate)).isFile());
    if (hit === undefined) throw new Error(`${file}: cannot resolve ${specifier}`);
    return hit;
  });
}

describe("tools/ layout: grouped by reader, no import into another tool's internals", () => {
  it("every file under tools/ sits in tools/shared or a group folder, each with a README saying who runs it", () => {
    // Folders holding files (git keeps no empty folder); tools/README.md is the only file at the top.
    const tops = [...new Set(filesUnder("tools").map((file) => file.split("/")[1]))];
    expect(tops.filter((name) => name !== "README.md").sort()).toEqual([...GROUPS, "shared"].sort());
    expect(filesUnder("tools").filter((file) => file.split("/").length === 2 && file !== "tools/README.md")).toEqual([]);
    for (const folder of [...GROUPS, "shared"]) expect(existsSync(join(ROOT, "tools", folder, "README.md"))).toBe(true);
  });

  it("no import in tools/ crosses into another group or another tool's internals", () => {
    const violations = filesUnder("tools")
      .filter((file) => SOURCE.test(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith("tools/"))
          .map((target) => layoutViolation(file, target))
          .filter((v): v is string => v !== undefined),
      );
    expect(violations).toEqual([]);
  });

  it("the product (main.ts, config/, lib/, stacks/) imports nothing from tools/", () => {
    const product = ["main.ts", ...["config", "lib", "stacks"].flatMap(filesUnder)].filter((file) => SOURCE.test(file));
    const intoTools = product.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("tools/"))
        .map((t) => `${file} -> ${t}`),
    );
    expect(intoTools).toEqual([]);
  });

  it("the rule catches what it is for", () => {
    // The old layout's sideways import: the cost tool took synthesizeCheckout from the synth diff's files.
    expect(layoutViolation("tools/cost/cli.ts", "tools/synth-diff/base-ref.ts")).toMatch(/crosses/);
    expect(layoutViolation("tools/review/cost/cli.ts", "tools/review/synth-diff/base-ref.ts")).toMatch(
      /internals of tools\/review\/synth-diff/,
    );
    expect(layoutViolation("tools/ci/scan-plan.ts", "tools/gates/scan/classify.ts")).toMatch(/crosses from tools\/ci to tools\/gates/);
    expect(layoutViolation("tools/maintainer/bench.ts", "tools/runner/transpile.cjs")).toMatch(/crosses/);
    expect(layoutViolation("tools/shared/manifest.ts", "tools/ci/plan-matrix.ts")).toMatch(/only tools\/shared/);
    // Allowed: a tool's own files, tools/shared, a same-group tool's entry.
    expect(layoutViolation("tools/gates/scan.ts", "tools/gates/scan/summary.ts")).toBeUndefined();
    expect(layoutViolation("tools/review/cost/cli.ts", "tools/shared/synthesize-ref.ts")).toBeUndefined();
    expect(layoutViolation("tools/review/synth-diff/diff.ts", "tools/review/cost/index.ts")).toBeUndefined();
    expect(layoutViolation("tools/ci/plan-environment.ts", "tools/ci/upstream-deployed.ts")).toBeUndefined();
  });
});
