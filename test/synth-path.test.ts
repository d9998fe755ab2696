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
import { runTs } from "./helpers";

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

  it("is plain node with the transpile hook, no tsx or npx process", () => {
    expect(app).toBe("node --require ./tools/ts-hook.cjs main.ts");
  });

  it("synthesizes an edit to a .ts file on the next run, even with the old size and modification time", async () => {
    // A copy of the project's sources with the real node_modules: the edit must not touch the worktree.
    const copy = join(work, "copy");
    for (const entry of ["main.ts", "cdktf.json", "package.json", "config", "lib", "stacks", "tools"]) {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    const env = { INFRA_CONFIG_DIR: join(work, "copy-config"), CDKTF_OUTDIR: join(work, "copy-out") };
    writeEnvironments(env.INFRA_CONFIG_DIR, ["dev"]);
    const vpcOf = () => readFileSync(join(env.CDKTF_OUTDIR, "stacks", "dev-network", "cdk.tf.json"), "utf8");

    expect(await run(app, copy, env)).toMatchObject({ code: 0 });
    expect(vpcOf()).toContain('"managed-by": "cdktf"');

    const source = join(copy, "stacks", "environment-stack.ts");
    const before = statSync(source);
    const text = readFileSync(source, "utf8");
    expect(text).toContain('"managed-by": "cdktf"');
    writeFileSync(source, text.replace('"managed-by": "cdktf"', '"managed-by": "cdkXX"'));
    utimesSync(source, before.atime, before.mtime);

    expect(await run(app, copy, env)).toMatchObject({ code: 0 });
    expect(vpcOf()).toContain('"managed-by": "cdkXX"');
  }, 60_000);

  it("transpiles per content: an unchanged file hits the cache, a changed one gets a new entry", async () => {
    const dir = join(work, "hook");
    const cache = join(work, "hook-cache");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.ts"), 'import { value } from "./b";\nconst label: string = "a";\nconsole.log(label, value);\n');
    writeFileSync(join(dir, "b.ts"), "export const value: number = 1;\n");
    const hook = join(root, "tools", "ts-hook.cjs");
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
    expect((await runTs(["main.ts"], env)).code).toBe(0);
    const full = folder(outdir);
    expect(Object.keys(full).filter((file) => file.endsWith("cdk.tf.json"))).toEqual([
      "stacks/dev-network/cdk.tf.json",
      "stacks/prod-network/cdk.tf.json",
    ]);

    expect((await runTs(["main.ts", "dev"], env)).code).toBe(0);
    expect(folder(outdir)).toEqual(full);
    expect((await runTs(["main.ts"], { ...env, INFRA_ENVIRONMENTS: "prod" })).code).toBe(0);
    expect(folder(outdir)).toEqual(full);
  }, 60_000);

  it("still removes the output of a deleted environment, and keeps the unselected one", async () => {
    writeEnvironments(configDir, ["qa"], 40);
    expect((await runTs(["main.ts"], env)).code).toBe(0);
    unlinkSync(join(configDir, "qa.yaml"));
    expect((await runTs(["main.ts", "dev"], env)).code).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dev-network", "prod-network"]);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: object };
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev-network", "prod-network"]);
  }, 60_000);

  it("refuses an unknown environment in the error format, writing nothing", async () => {
    const fresh = join(work, "select-none");
    const result = await runTs(["main.ts", "dev", "stage"], { ...env, CDKTF_OUTDIR: fresh });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('command line: (selection): there is no environment "stage"; environments: dev, prod\n');
    expect(existsSync(fresh)).toBe(false);
  }, 30_000);
});
