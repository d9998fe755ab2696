// npm run bench: the performance figures of docs/performance.md, measured in one run and written there.
// - synth path: the app command of cdktf.json (warm, and its first run after an edit), the former
//   commands (transpile hook, tsx), `cdktf synth`, against the floor (plain node, no loader: cdktf and the
//   AWS provider loaded, one empty stack synthesized);
// - the stock setup: one VPC run the way cdktf's TypeScript template runs it (npx ts-node, TypeScript 5,
//   the provider's barrel import) versus this project's way;
// - scaling: generated configurations of 1-200 services and 1-20 environments;
// - tsc --noEmit and the whole npm test.
// Medians of BENCH_RUNS runs (default 3; npm test and tsc: BENCH_TEST_RUNS, default 1). Wall times depend
// on what else the machine runs, so CPU time is shown too. Budgets are reported, never asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { transformSync } from "@swc/core";
import { appCommand as appCommandOf } from "../shared/app-command";
import { writeScaledEnvironments } from "./bench/generate";

const root = join(__dirname, "..", "..");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const testRuns = Number(process.env.BENCH_TEST_RUNS ?? 1);
/** Runs of the floor and the app command, alternating: at least 11, as each takes a third of a second. */
const pairRuns = Math.max(11, runs);
const work = mkdtempSync(join(tmpdir(), "bench-"));

interface Measurement {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMiB: number;
  /** Resources and data sources over every stack written, and the stacks folder's size. */
  readonly resources?: number;
  readonly outputBytes?: number;
}

interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Where the command writes its synth output (passed as CDKTF_OUTDIR, or --output for the CLI). */
  readonly outdir?: "env" | "cli" | "none";
  /** Runs before each timed run, untimed. */
  readonly before?: () => void;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One timed run of `c`: wall time, CPU time (all node processes), peak RSS, and its output's figures. */
function sample(label: string, c: Command): Measurement {
  const scratch = mkdtempSync(join(work, "run-"));
  const outdir = join(scratch, "out");
  const usageFile = join(scratch, "usage");
  const args = c.outdir === "cli" ? [...c.args, "--output", outdir] : c.args;
  c.before?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(c.command, args, {
    cwd: c.cwd ?? root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      CHECKPOINT_DISABLE: "1",
      ...c.env,
      BENCH_RSS_FILE: usageFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "bench", "report-rss.cjs")}`.trim(),
    },
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 || ((c.outdir ?? "env") !== "none" && !existsSync(join(outdir, "stacks")))) {
    process.stderr.write(`bench: ${label} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}\n`);
    process.exit(1);
  }
  const usage = readFileSync(usageFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" ").map(Number) as [number, number]);
  const output = (c.outdir ?? "env") === "none" ? {} : outputFigures(outdir);
  rmSync(scratch, { recursive: true, force: true });
  return {
    wall,
    cpu: usage.reduce((sum, [, cpu]) => sum + cpu, 0) / 1e6,
    peakMiB: Math.max(...usage.map(([rss]) => rss)) / 1024,
    ...output,
  };
}

/** The median wall and CPU time of `samples`, the highest peak RSS. */
function summary(label: string, samples: readonly Measurement[]): Measurement {
  const m: Measurement = {
    ...samples[0],
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    peakMiB: Math.max(...samples.map((s) => s.peakMiB)),
  };
  process.stderr.write(`bench: ${label}: ${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, ${m.peakMiB.toFixed(0)} MiB\n`);
  return m;
}

/** Runs `c` `times` times; the median wall and CPU time (all node processes), the highest peak RSS. */
function measure(label: string, c: Command, times = runs): Measurement {
  return summary(
    label,
    Array.from({ length: times }, () => sample(label, c)),
  );
}

/**
 * Like measure for each command, but their runs alternate (a b a b ...), so a ratio between them is not
 * moved by the machine's load changing between one command's runs and the other's.
 */
function measureAlternating(commands: readonly (readonly [label: string, command: Command])[], times: number): Measurement[] {
  const samples = commands.map((): Measurement[] => []);
  for (let i = 0; i < times; i++) {
    commands.forEach(([label, command], k) => {
      samples[k]!.push(sample(label, command));
    });
  }
  return commands.map(([label], k) => summary(label, samples[k]!));
}

function outputFigures(outdir: string): { resources: number; outputBytes: number } {
  let resources = 0;
  let outputBytes = 0;
  const stacksDir = join(outdir, "stacks");
  for (const stack of readdirSync(stacksDir)) {
    const file = join(stacksDir, stack, "cdk.tf.json");
    outputBytes += statSync(file).size;
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, object> | undefined>;
    for (const block of ["resource", "data"])
      for (const byName of Object.values(json[block] ?? {})) resources += Object.keys(byName).length;
  }
  return { resources, outputBytes };
}

/** The floor as plain JavaScript (compiled once here, so no loader runs when it is timed). */
function floorScript(): string {
  const source = join(__dirname, "bench", "floor.ts");
  const dir = join(root, "node_modules", ".cache", "bench");
  mkdirSync(dir, { recursive: true });
  const target = join(dir, "floor.js");
  // The transform of the transpile hook and jest (jest.config.js), called here: the runner's files are its own.
  const { code } = transformSync(readFileSync(source, "utf8"), {
    filename: source,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  });
  writeFileSync(target, code);
  return target;
}

/**
 * The stock setup of cdktf's TypeScript template in a directory of its own: TypeScript 5, ts-node,
 * its tsconfig, `npx ts-node main.ts`, the provider's barrel import. cdktf, constructs and the AWS
 * provider are this project's installed copies (same versions), linked in to spare a 300 MB download.
 */
function stockSetup(): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const tools = { typescript: "5.9.3", "ts-node": "10.9.2", "@types/node": pkg.devDependencies["@types/node"]! };
  const dir = join(root, "node_modules", ".cache", "bench-stock", Object.values(tools).join("-"));
  if (!existsSync(join(dir, "installed"))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "stock", private: true, dependencies: tools }, null, 2));
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, encoding: "utf8" });
    if (install.status !== 0) throw new Error(`bench: npm install for the stock setup failed:\n${install.stderr}`);
    writeFileSync(join(dir, "installed"), "");
  }
  for (const name of ["cdktf", "constructs", "@cdktf/provider-aws"]) {
    const link = join(dir, "node_modules", name);
    mkdirSync(join(link, ".."), { recursive: true });
    if (!existsSync(link)) symlinkSync(join(root, "node_modules", name), link);
  }
  // cdktf's TypeScript template (tsconfig.json and main.ts), with the one-VPC program.
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        alwaysStrict: true,
        declaration: true,
        experimentalDecorators: true,
        inlineSourceMap: true,
        inlineSources: true,
        lib: ["es2018"],
        module: "CommonJS",
        noEmitOnError: true,
        noFallthroughCasesInSwitch: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noImplicitThis: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        resolveJsonModule: true,
        strict: true,
        strictNullChecks: true,
        strictPropertyInitialization: true,
        stripInternal: true,
        target: "ES2018",
        incremental: true,
        skipLibCheck: true,
      },
      include: ["**/*.ts"],
      exclude: ["node_modules", "cdktf.out"],
    }),
  );
  writeFileSync(
    join(dir, "main.ts"),
    [
      'import { Construct } from "constructs";',
      'import { App, TerraformStack } from "cdktf";',
      // The barrel import on purpose: this file is the stock template being measured (issue 11's anchor),
      // written into its own folder outside the project; project code imports by deep path only.
      'import { provider, vpc } from "@cdktf/provider-aws";',
      "",
      "class MyStack extends TerraformStack {",
      "  constructor(scope: Construct, id: string) {",
      "    super(scope, id);",
      '    new provider.AwsProvider(this, "aws", { region: "eu-west-1" });',
      '    new vpc.Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16" });',
      "  }",
      "}",
      "",
      "const app = new App();",
      'new MyStack(app, "one-vpc");',
      "app.synth();",
      "",
    ].join("\n"),
  );
  return dir;
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, ${process.platform}; load average ${loadavg()[0]!.toFixed(1)} at the start (other jobs share this machine); ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${runs} run(s) per figure (floor and app command: ${pairRuns}, alternating)`;
}

// ---- measurements
const appCommand = appCommandOf(root);
const appCommandText = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app;
/** BENCH_EXTRA_NODE=<node binary>: floor and app command measured with that Node as well (e.g. Node 24 next to 20). */
const extraNode = process.env.BENCH_EXTRA_NODE;
const cliBin = join(root, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
const header = machine();

const appRun: Command = { command: appCommand[0]!, args: appCommand.slice(1) };

/**
 * The floor and the app command on the Node `node` (after one untimed run that builds the bundle and its
 * code cache). The 2.5x budget is their ratio: their runs alternate, and are more than the other figures'.
 */
function floorAndApp(node: string, label = ""): [floor: Measurement, app: Measurement] {
  const run: Command = { ...appRun, command: node };
  measure(`app command${label} (warm-up: bundle and code cache)`, run, 1);
  const floorRun: Command = { command: node, args: [floorScript()] };
  return measureAlternating(
    [
      [`floor${label}`, floorRun],
      [`app command${label}`, run],
    ],
    pairRuns,
  ) as [Measurement, Measurement];
}

const [floor, app] = floorAndApp(appCommand[0]!);
// An empty cache per run: what the first synth after an edit of a .ts file costs (bundle built, no code cache).
const appAfterEdit = measure("app command, first run after an edit", {
  ...appRun,
  env: { APP_CACHE_DIR: join(work, "empty-app-cache") },
  before: () => rmSync(join(work, "empty-app-cache"), { recursive: true, force: true }),
});
const hookApp = measure("node --require ./tools/runner/ts-hook.cjs", {
  command: process.execPath,
  args: ["--require", "./tools/runner/ts-hook.cjs", "main.ts"],
});
const tsxApp = measure("node --import tsx", { command: process.execPath, args: ["--import", "tsx", "main.ts"] });
const cli = measure("cdktf synth", { command: process.execPath, args: [cliBin, "synth"], outdir: "cli" });
const extra = extraNode
  ? (() => {
      const [extraFloor, extraApp] = floorAndApp(extraNode, " (extra node)");
      return { version: spawnSync(extraNode, ["--version"], { encoding: "utf8" }).stdout.trim(), floor: extraFloor, app: extraApp };
    })()
  : undefined;

const stockDir = stockSetup();
const stock = measure("stock one VPC", { command: "npx", args: ["ts-node", "main.ts"], cwd: stockDir });
const projectVpc = measure("project one VPC", {
  command: process.execPath,
  args: ["--require", "./tools/runner/ts-hook.cjs", "tools/maintainer/bench/one-vpc.ts"],
});

const CASES: readonly (readonly [environments: number, services: number])[] = [
  [1, 1],
  [1, 10],
  [1, 50],
  [1, 200],
  [5, 10],
  [20, 10],
];
const scaling = CASES.map(([environments, services]) => {
  const dir = writeScaledEnvironments(join(work, `config-${environments}x${services}`), environments, services);
  const env = { INFRA_CONFIG_DIR: dir };
  const label = `${environments} env x ${services} services`;
  return {
    environments,
    services,
    app: measure(`${label}: app`, { ...appRun, env }),
    cli: measure(`${label}: cdktf synth`, { command: process.execPath, args: [cliBin, "synth"], env, outdir: "cli" }),
  };
});

const tsc = measure("tsc --noEmit", { command: join(root, "node_modules", ".bin", "tsc"), args: ["--noEmit"], outdir: "none" }, testRuns);
const npmTest = measure("npm test", { command: "npm", args: ["test", "--silent"], outdir: "none", env: { CDKTF_OUTDIR: "" } }, testRuns);

// ---- report
const s = (m: Measurement) => `${m.wall.toFixed(2)} s`;
const c = (m: Measurement) => `${m.cpu.toFixed(2)} s`;
const x = (m: Measurement) => `${(m.wall / floor.wall).toFixed(1)}x`;
const mib = (m: Measurement) => `${m.peakMiB.toFixed(0)} MiB`;
const lines: string[] = [];
lines.push(`Machine: ${header}.`, "");
lines.push("### Synth path (shipped environments)", "");
lines.push("| command | wall | CPU (node processes) | vs floor (wall) | peak memory |", "| --- | ---: | ---: | ---: | ---: |");
lines.push(
  `| floor: \`node floor.js\` (plain node, no loader; cdktf + AWS provider, one empty stack) | ${s(floor)} | ${c(floor)} | 1.0x | ${mib(floor)} |`,
);
lines.push(`| app command of cdktf.json: \`${appCommandText}\` | ${s(app)} | ${c(app)} | ${x(app)} | ${mib(app)} |`);
lines.push(
  `| the same, first run after an edit (bundle built, V8 code cache written) | ${s(appAfterEdit)} | ${c(appAfterEdit)} | ${x(appAfterEdit)} | ${mib(appAfterEdit)} |`,
);
lines.push(
  `| former app command: \`node --require ./tools/runner/ts-hook.cjs main.ts\` (sources transpiled per file, no bundle) | ${s(hookApp)} | ${c(hookApp)} | ${x(hookApp)} | ${mib(hookApp)} |`,
);
lines.push(`| the first app command: \`node --import tsx main.ts\` | ${s(tsxApp)} | ${c(tsxApp)} | ${x(tsxApp)} | ${mib(tsxApp)} |`);
lines.push(`| \`cdktf synth\` (CLI start-up + the app command) | ${s(cli)} | ${c(cli)} | ${x(cli)} | ${mib(cli)} |`);
if (extra) {
  const ratio = (m: Measurement) => `${(m.wall / extra.floor.wall).toFixed(1)}x (of its floor)`;
  lines.push(`| floor on Node ${extra.version} | ${s(extra.floor)} | ${c(extra.floor)} | ${ratio(extra.floor)} | ${mib(extra.floor)} |`);
  lines.push(`| app command on Node ${extra.version} | ${s(extra.app)} | ${c(extra.app)} | ${ratio(extra.app)} | ${mib(extra.app)} |`);
}
lines.push("");
lines.push("### Stock cdktf setup vs this project (one VPC)", "");
lines.push("| setup | wall | CPU | peak memory |", "| --- | ---: | ---: | ---: |");
lines.push(
  `| cdktf TypeScript template: \`npx ts-node main.ts\`, TypeScript 5.9, barrel import | ${s(stock)} | ${c(stock)} | ${mib(stock)} |`,
);
lines.push(
  `| this project: \`node --require ./tools/runner/ts-hook.cjs\`, deep imports | ${s(projectVpc)} | ${c(projectVpc)} | ${mib(projectVpc)} |`,
);
lines.push(`| ratio | ${(stock.wall / projectVpc.wall).toFixed(1)}x | ${(stock.cpu / projectVpc.cpu).toFixed(1)}x | |`, "");
lines.push("### Scaling (generated environments: network + ECS, nine of ten services on the shared ALB)", "");
lines.push(
  "| environments x services | resources | output | app wall | app CPU | ms CPU per resource | vs floor | app peak memory | `cdktf synth` wall | `cdktf synth` peak memory |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
);
for (const row of scaling) {
  const r = row.app.resources!;
  lines.push(
    `| ${row.environments} x ${row.services} | ${r} | ${(row.app.outputBytes! / 2 ** 20).toFixed(1)} MiB | ${s(row.app)} | ${c(row.app)} | ${((row.app.cpu * 1000) / r).toFixed(2)} | ${x(row.app)} | ${mib(row.app)} | ${s(row.cli)} | ${mib(row.cli)} |`,
  );
}
lines.push("", "### Type check and tests", "");
lines.push("| command | wall | CPU (node processes) |", "| --- | ---: | ---: |");
lines.push(
  `| \`tsc --noEmit\` (TypeScript 7: a native binary, its CPU is not counted) | ${s(tsc)} | - |`,
  `| \`npm test\` (typecheck, lint, jest) | ${s(npmTest)} | ${c(npmTest)} |`,
  "",
);

const at = (environments: number, services: number) => scaling.find((r) => r.environments === environments && r.services === services)!;
const marginal = (a: (typeof scaling)[number], b: (typeof scaling)[number]) =>
  ((b.app.cpu - a.app.cpu) * 1000) / (b.app.resources! - a.app.resources!);
const flatLow = marginal(at(1, 10), at(1, 50));
const flatHigh = marginal(at(1, 50), at(1, 200));
const envRatio = at(20, 10).app.wall / at(1, 10).app.wall;
const largest = Math.max(...scaling.map((r) => Math.max(r.app.peakMiB, r.cli.peakMiB)));
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");
lines.push("### Budgets", "");
lines.push("| budget | measured | |", "| --- | --- | --- |");
lines.push(
  `| app command at most 2.5x the floor (shipped size) | ${x(app)} wall, ${(app.cpu / floor.cpu).toFixed(1)}x CPU | ${verdict(app.wall <= 2.5 * floor.wall)} |`,
);
lines.push(
  `| cost per resource flat from 10 to 200 services | marginal CPU per resource ${flatLow.toFixed(2)} ms (10 -> 50) vs ${flatHigh.toFixed(2)} ms (50 -> 200) | ${verdict(flatHigh <= 1.25 * flatLow)} |`,
);
lines.push(`| 20 environments x 10 services under 10x one | ${envRatio.toFixed(1)}x | ${verdict(envRatio < 10)} |`);
lines.push(`| peak memory under 1 GiB at the largest size | ${largest.toFixed(0)} MiB | ${verdict(largest < 1024)} |`);
lines.push(`| \`npm test\` under 30 s wall | ${s(npmTest)} | ${verdict(npmTest.wall < 30)} |`);

const table = lines.join("\n");
process.stdout.write(`${table}\n`);
const doc = join(root, "docs", "performance.md");
if (process.env.BENCH_WRITE !== "0" && existsSync(doc)) {
  const text = readFileSync(doc, "utf8");
  const begin = "<!-- bench:begin (generated by npm run bench; do not edit) -->";
  const end = "<!-- bench:end -->";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`bench: ${doc} has no ${begin} ... ${end} block`);
  writeFileSync(doc, `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`);
  process.stderr.write(`bench: wrote ${doc}\n`);
}
rmSync(work, { recursive: true, force: true });
