// npm run bench: times the app, `cdktf synth` and a floor (empty stack) in one run, and prints
// ratios and peak memory. Figures are reported, not asserted: timed tests are flaky on shared CI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tsx = join(root, "node_modules", ".bin", "tsx");
const cdktf = join(root, "node_modules", ".bin", "cdktf");

interface Measurement {
  readonly seconds: number;
  readonly peakMiB: number;
}

function measure(label: string, command: string, args: string[], outdirFlag: "env" | "cli"): Measurement {
  const samples: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const scratch = mkdtempSync(join(tmpdir(), "bench-"));
    const outdir = join(scratch, "out");
    const rssFile = join(scratch, "rss");
    const started = process.hrtime.bigint();
    const result = spawnSync(command, outdirFlag === "cli" ? [...args, "--output", outdir] : args, {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        CDKTF_OUTDIR: outdir,
        CHECKPOINT_DISABLE: "1",
        BENCH_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "bench", "report-rss.cjs")}`.trim(),
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0 || !existsSync(join(outdir, "stacks"))) {
      process.stderr.write(`${label} failed (exit ${result.status}):\n${result.stderr}\n`);
      process.exit(1);
    }
    const peaks = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
    samples.push({ seconds, peakMiB: Math.max(...peaks) / 1024 });
    if (i === 0) console.log(`  ${label}: ${readdirSync(join(outdir, "stacks")).length} stack(s)`);
    rmSync(scratch, { recursive: true, force: true });
  }
  const median = [...samples].sort((a, b) => a.seconds - b.seconds)[Math.floor(samples.length / 2)]!;
  return { seconds: median.seconds, peakMiB: Math.max(...samples.map((s) => s.peakMiB)) };
}

console.log(`bench: median of ${runs} run(s) each`);
const floor = measure("floor (empty stack)", tsx, [join("tools", "bench", "floor.ts")], "env");
const app = measure("app (all environments)", tsx, ["main.ts"], "env");
const cli = measure("cdktf synth", cdktf, ["synth", "--hcl=false"], "cli");

const row = (name: string, m: Measurement) =>
  `${name.padEnd(26)} ${m.seconds.toFixed(2).padStart(7)} s ${(m.seconds / floor.seconds).toFixed(2).padStart(6)}x floor ${m.peakMiB.toFixed(0).padStart(6)} MiB peak`;
console.log("");
console.log(row("(c) floor: empty stack", floor));
console.log(row("(a) app: all environments", app));
console.log(row("(b) cdktf synth", cli));
console.log("");
console.log(
  `budget: (a) within 3x of the floor (aim 2x): ${(app.seconds / floor.seconds).toFixed(2)}x; peak memory under 400 MiB: ${app.peakMiB.toFixed(0)} MiB`,
);
