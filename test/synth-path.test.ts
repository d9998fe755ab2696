import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runApp, runTs } from "./helpers";

const root = join(__dirname, "..");
const work = mkdtempSync(join(tmpdir(), "synth-path-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a shell-free command line (as cdktf.json's `app` is run) in `cwd`; never rejects. */
function run(
  commandLine: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...args] = commandLine.split(" ");
  return new Promise((resolve) => {
    execFile(command!, args, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Two small network-only environments: these tests are about the synth path and the output folder, not the stacks. */
function writeEnvironments(dir: string, names: readonly string[], firstOctet = 20): void {
  mkdirSync(dir, { recursive: true });
  names.forEach((name, index) => {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `repository: r\naws: { region: eu-west-1, accountId: "111122223333" }\nnetwork: { cidr: 10.${firstOctet + index}.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }\n`,
    );
  });
}

function folder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(join(dir, relative))) {
      const path = join(relative, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files[path] = readFileSync(join(dir, path), "utf8");
    }
  };
  walk("");
  return files;
}

describe("the app command of cdktf.json (loader-free, never stale)", () => {
  const app = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  // A copy of the project's sources with the real node_modules: edits must not touch the worktree.
  const copy = join(work, "copy");
  const appCache = join(work, "app-cache");
  const env = { INFRA_CONFIG_DIR: join(work, "copy-config"), CDKTF_OUTDIR: join(work, "copy-out"), APP_CACHE_DIR: appCache };
  const cached = (suffix: string) => readdirSync(appCache).filter((name) => name.endsWith(suffix));
  const vpcOf = () => readFileSync(join(env.CDKTF_OUTDIR, "stacks", "dev-network", "cdk.tf.json"), "utf8");

  beforeAll(() => {
    for (const entry of ["main.ts", "cdktf.json", "package.json", "tsconfig.json", "config", "lib", "stacks", "tools"]) {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    writeEnvironments(env.INFRA_CONFIG_DIR, ["dev"]);
  });

  /** Rewrites a source of the copy keeping its size and modification time, so only its content tells. */
  function editKeepingStat(relative: string, from: string, to: string): void {
    const source = join(copy, relative);
    const before = statSync(source);
    const text = readFileSync(source, "utf8");
    expect(text).toContain(from);
    expect(to.length).toBe(from.length);
    writeFileSync(source, text.replace(from, to));
    utimesSync(source, before.atime, before.mtime);
  }

  it("is plain node running the bundled app: no tsx, npx or loader process", () => {
    expect(app).toBe("node --disable-warning=DEP0044 tools/runner/app.cjs");
  });

  it("builds the bundle once, reuses it and its code cache, and rebuilds on an edit with the old size and modification time", async () => {
    expect(await run(app, copy, env)).toMatchObject({ code: 0, stderr: "" });
    expect(vpcOf()).toContain('"managed-by": "cdktf"');
    expect([cached(".js").length, cached(".cache").length]).toEqual([1, 1]);
    const [bundle] = cached(".js");
    const codeCache = statSync(join(appCache, cached(".cache")[0]!)).mtimeMs;

    expect(await run(app, copy, env)).toMatchObject({ code: 0, stderr: "" });
    expect(cached(".js")).toEqual([bundle]);
    expect(statSync(join(appCache, cached(".cache")[0]!)).mtimeMs).toBe(codeCache);

    editKeepingStat("stacks/environment-stack.ts", '"managed-by": "cdktf"', '"managed-by": "cdkXX"');
    expect(await run(app, copy, env)).toMatchObject({ code: 0, stderr: "" });
    expect(vpcOf()).toContain('"managed-by": "cdkXX"');
    expect(cached(".js")).toHaveLength(2);
  }, 60_000);

  it("prunes what earlier builds left: records of deleted folders, and old bundles no record uses", async () => {
    const cache = join(work, "app-cache-prune");
    mkdirSync(cache);
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    const leftover = ["app-0ld.js", "app-0ld.js.map", "app-0ld.v8-1.cache", "app-gone.json"];
    writeFileSync(join(cache, "app-gone.json"), JSON.stringify({ root: join(work, "deleted-worktree"), bundle: "app-0ld.js" }));
    for (const name of leftover.slice(0, 3)) writeFileSync(join(cache, name), "");
    writeFileSync(join(cache, "app-young.js"), "");
    for (const name of leftover) utimesSync(join(cache, name), hourAgo, hourAgo);

    expect(await run(app, copy, { ...env, APP_CACHE_DIR: cache })).toMatchObject({ code: 0, stderr: "" });
    const left = readdirSync(cache);
    expect(left.filter((name) => leftover.includes(name))).toEqual([]);
    expect(left).toContain("app-young.js");
    expect(left.filter((name) => name.endsWith(".json"))).toHaveLength(1);
  }, 60_000);

  it("reports an error thrown in the sources at its .ts line, and a syntax error as the bundler's one line", async () => {
    const relative = "stacks/environment-stack.ts";
    const file = join(copy, relative);
    const original = readFileSync(file, "utf8");
    const lines = original.split("\n");
    const at = lines.findIndex((line) => line.startsWith("export const REQUIRED_TERRAFORM_VERSION"));
    lines.splice(at, 0, 'if (process.env.APP_TEST_THROW) throw new Error("thrown in the sources");');
    writeFileSync(file, lines.join("\n"));
    try {
      const thrown = await run(app, copy, { ...env, APP_TEST_THROW: "1" });
      expect(thrown.code).toBe(1);
      // Reported as Node reports an uncaught error, minus the quoted source line (a bundle's line is a whole module).
      expect(thrown.stderr.split("\n")[0]).toBe("Error: thrown in the sources");
      expect(thrown.stderr).toContain(`${file}:${at + 1}:`);

      writeFileSync(file, `${original}\nconst broken = ;\n`);
      const syntax = await run(app, copy, env);
      expect(syntax.code).toBe(1);
      expect(syntax.stderr).toMatch(/stacks\/environment-stack\.ts:\d+:\d+: ERROR: Unexpected ";"/);
      expect(syntax.stderr).not.toMatch(/^\s+at /m);
    } finally {
      writeFileSync(file, original);
    }
  }, 60_000);

  it("writes the same bytes as the sources run unbundled (transpile hook), for the configured environments", async () => {
    const bundled = join(work, "bundled-out");
    const unbundled = join(work, "unbundled-out");
    const [hooked, direct] = await Promise.all([
      runTs(["main.ts"], { CDKTF_OUTDIR: unbundled }),
      // The project's own cache: the bundle every runApp of this test run uses (built once, atomically).
      runApp([], { CDKTF_OUTDIR: bundled }),
    ]);
    expect([hooked.code, direct.code]).toEqual([0, 0]);
    expect(folder(bundled)).toEqual(folder(unbundled));
  }, 60_000);

  it("zips a TerraformAsset: cdktf runs its own fs.js as a command, so each bundled file keeps its __filename", async () => {
    // A one-stack app of its own: the shipped stacks have no assets, a fork's Lambda function would.
    const project = join(work, "asset-app");
    for (const entry of ["package.json", "tsconfig.json", "tools"]) cpSync(join(root, entry), join(project, entry), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(project, "node_modules"));
    mkdirSync(join(project, "handler"));
    writeFileSync(join(project, "handler", "index.js"), 'exports.handler = async () => "ok";\n');
    writeFileSync(
      join(project, "main.ts"),
      [
        'import { join } from "node:path";',
        'import { App, AssetType, TerraformAsset, TerraformStack } from "cdktf";',
        "const app = new App({ outdir: process.env.CDKTF_OUTDIR });",
        'const stack = new TerraformStack(app, "assets");',
        'new TerraformAsset(stack, "handler", { path: join(__dirname, "handler"), type: AssetType.ARCHIVE });',
        "app.synth();",
      ].join("\n"),
    );
    const out = join(work, "asset-out");
    const result = await run(app, project, { CDKTF_OUTDIR: out, APP_CACHE_DIR: join(work, "asset-cache") });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const zips = readdirSync(join(out, "stacks", "assets"), { recursive: true }).filter((name) => String(name).endsWith(".zip"));
    expect(zips).toHaveLength(1);
    // A zip's local file header, and the handler inside it.
    const zip = readFileSync(join(out, "stacks", "assets", String(zips[0])));
    expect(zip.subarray(0, 4).toString("hex")).toBe("504b0304");
    expect(zip.includes("index.js")).toBe(true);
  }, 60_000);

  it("transpiles per content: an unchanged file hits the cache, a changed one gets a new entry", async () => {
    const dir = join(work, "hook");
    const cache = join(work, "hook-cache");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.ts"), 'import { value } from "./b";\nconst label: string = "a";\nconsole.log(label, value);\n');
    writeFileSync(join(dir, "b.ts"), "export const value: number = 1;\n");
    const hook = join(root, "tools", "runner", "ts-hook.cjs");
    const entries = () => readdirSync(cache, { recursive: true }).filter((name) => String(name).endsWith(".js")).length;

    expect(await run(`node --require ${hook} a.ts`, dir, { TS_HOOK_CACHE_DIR: cache })).toMatchObject({ code: 0, stdout: "a 1\n" });
    expect(entries()).toBe(2);
    expect(await run(`node --require ${hook} a.ts`, dir, { TS_HOOK_CACHE_DIR: cache })).toMatchObject({ code: 0, stdout: "a 1\n" });
    expect(entries()).toBe(2);
    writeFileSync(join(dir, "b.ts"), "export const value: number = 2;\n");
    expect(await run(`node --require ${hook} a.ts`, dir, { TS_HOOK_CACHE_DIR: cache })).toMatchObject({ code: 0, stdout: "a 2\n" });
    expect(entries()).toBe(3);
  }, 30_000);
});

describe("stack selection (npm run synth -- <env>)", () => {
  const configDir = join(work, "select-config");
  const outdir = join(work, "select-out");
  const env = { INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir };

  beforeAll(() => writeEnvironments(configDir, ["dev", "prod"]));

  it("rewrites only the selected environment and leaves the folder as a full synth writes it", async () => {
    expect((await runApp([], env)).code).toBe(0);
    const full = folder(outdir);
    expect(Object.keys(full).filter((file) => file.endsWith("cdk.tf.json"))).toEqual([
      "stacks/dev-network/cdk.tf.json",
      "stacks/prod-network/cdk.tf.json",
    ]);

    expect((await runApp(["dev"], env)).code).toBe(0);
    expect(folder(outdir)).toEqual(full);
    expect((await runApp([], { ...env, INFRA_ENVIRONMENTS: "prod" })).code).toBe(0);
    expect(folder(outdir)).toEqual(full);
  }, 60_000);

  it("still removes the output of a deleted environment, and keeps the unselected one", async () => {
    writeEnvironments(configDir, ["qa"], 40);
    expect((await runApp([], env)).code).toBe(0);
    unlinkSync(join(configDir, "qa.yaml"));
    expect((await runApp(["dev"], env)).code).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dev-network", "prod-network"]);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: object };
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev-network", "prod-network"]);
  }, 60_000);

  it("refuses an unknown environment in the error format, writing nothing", async () => {
    const fresh = join(work, "select-none");
    const result = await runApp(["dev", "stage"], { ...env, CDKTF_OUTDIR: fresh });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('command line: (selection): there is no environment "stage"; environments: dev, prod\n');
    expect(existsSync(fresh)).toBe(false);
  }, 30_000);
});
