import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stacksInDependencyOrder } from "../tools/ci/plan-environment";
import { FIXTURE_ENVIRONMENTS_DIR, runApp, runTs } from "./helpers";

const work = mkdtempSync(join(tmpdir(), "tools-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("main.ts output folder", () => {
  it("equals the configuration: the stacks of a removed environment disappear on the next synth", async () => {
    const configDir = join(work, "config");
    const outdir = join(work, "out");
    mkdirSync(configDir);
    // Two small network-only environments: the test is about the output folder, not the stacks.
    for (const [name, octet] of [
      ["dev", 20],
      ["prod", 30],
    ] as const) {
      writeFileSync(
        join(configDir, `${name}.yaml`),
        `repository: r\naws: { region: eu-west-1, accountId: "111122223333" }\nnetwork: { cidr: 10.${octet}.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }\n`,
      );
    }
    const env = { INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir };
    expect((await runApp([], env)).code).toBe(0);
    const before = readdirSync(join(outdir, "stacks"));
    expect(before.some((name) => name.startsWith("prod-"))).toBe(true);
    unlinkSync(join(configDir, "prod.yaml"));
    expect((await runApp([], env)).code).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(before.filter((name) => name.startsWith("dev-")).sort());
  }, 30_000);
});

describe("command-line tools end with one sentence saying what is wrong and what to do", () => {
  it.concurrent.each([
    [
      "stacks before any synth",
      ["tools/ci/stacks.ts"],
      { CDKTF_OUTDIR: join(work, "never-synthesized") },
      /^stacks: .*manifest\.json does not exist; run `npm run synth` first\n$/,
    ],
    [
      "bootstrap-state for an environment without a state section",
      ["tools/maintainer/bootstrap-state.ts", "dev"],
      { INFRA_CONFIG_DIR: FIXTURE_ENVIRONMENTS_DIR },
      /^bootstrap-state: dev keeps its state in local files \(it has no state section\), so there is no bucket to create; add state\.bucket to .*dev\.yaml for shared S3 state \(docs\/state-bucket\.md\)\n$/,
    ],
    [
      "bootstrap-state for an unknown environment",
      ["tools/maintainer/bootstrap-state.ts", "qa"],
      { INFRA_CONFIG_DIR: FIXTURE_ENVIRONMENTS_DIR },
      /^bootstrap-state: there is no environment "qa"; environments: dev, prod\n$/,
    ],
    ["plan without an environment", ["tools/ci/plan-environment.ts"], {}, /^plan: usage: npm run plan -- <env>/],
    [
      "synth-diff of a folder that is no synth output",
      ["tools/review/synth-diff/cli.ts", "config", "test"],
      {},
      /^synth-diff: config has no stacks\/ folder; give a cdktf output folder \(cdktf\.out, or the app's CDKTF_OUTDIR\)\n$/,
    ],
  ])(
    "%s",
    async (_name, args, env, message) => {
      const result = await runTs(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    30_000,
  );
});

describe("stacksInDependencyOrder", () => {
  const stack = (...dependencies: string[]) => ({ workingDirectory: "x", dependencies });

  it("puts every stack after the stacks it depends on, and only the environment's stacks", () => {
    const stacks = {
      "dev-eks-addons": stack("dev-eks"),
      "dev-eks": stack("dev-network"),
      "dev-ecs": stack("dev-network"),
      "dev-network": stack(),
      "prod-network": stack(),
      "dev-eu-network": stack(),
    };
    // dev-eu-network belongs to environment dev-eu, not dev.
    expect(stacksInDependencyOrder(stacks, "dev")).toEqual(["dev-network", "dev-ecs", "dev-eks", "dev-eks-addons"]);
    expect(stacksInDependencyOrder(stacks, "qa")).toEqual([]);
  });

  it("refuses a cycle", () => {
    expect(() => stacksInDependencyOrder({ "dev-ecs": stack("dev-eks"), "dev-eks": stack("dev-ecs") }, "dev")).toThrow(
      /cycle: dev-ecs -> dev-eks -> dev-ecs/,
    );
  });
});

describe("npm run stacks -- --changed-since <base-outdir> (CI's plan matrix on pull requests)", () => {
  it("lists only the stacks whose Terraform JSON differs from the base's or is new", async () => {
    const configDir = join(work, "changed-config");
    const base = join(work, "changed-base");
    const head = join(work, "changed-head");
    mkdirSync(configDir);
    const write = (name: string, cidr: string) =>
      writeFileSync(
        join(configDir, `${name}.yaml`),
        `repository: r\naws: { region: eu-west-1, accountId: "111122223333" }\nnetwork: { cidr: ${cidr}, availabilityZones: [eu-west-1a, eu-west-1b] }\n`,
      );
    write("dev", "10.20.0.0/16");
    write("prod", "10.30.0.0/16");
    expect((await runApp([], { INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: base })).code).toBe(0);
    write("prod", "10.31.0.0/16");
    write("qa", "10.40.0.0/16");
    expect((await runApp([], { INFRA_CONFIG_DIR: configDir, CDKTF_OUTDIR: head })).code).toBe(0);
    const result = await runTs(["tools/ci/stacks.ts", "--changed-since", base], { CDKTF_OUTDIR: head });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { name: string }[]).map((s) => s.name)).toEqual(["prod-network", "qa-network"]);
  }, 60_000);
});
