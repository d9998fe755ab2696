// npm run check:cdktn [-- --out <file>]: the path to CDK Terrain, tested. Synthesizes this project (cdktf),
// then a temporary copy with the packages and imports swapped to cdktn, type-checks the copy, synthesizes
// it, and compares the two outputs resource by resource (docs/cdktn-migration.md). Exit 1 on any
// difference that is not a provider or framework version string. Slow (an npm install on first use),
// so it is not part of npm test; the comparison itself is tested on fixtures (test/cdktn-compare.test.ts).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeApp } from "../../shared/app-command";
import { compareOutputs, countResources, formatReport, readOutput } from "./compare";

const root = join(__dirname, "..", "..", "..");

/** The swap: cdktf package -> its CDK Terrain counterpart at the version checked (see docs/cdktn-migration.md). */
export const PACKAGE_SWAP: Readonly<Record<string, { readonly name: string; readonly version: string }>> = {
  cdktf: { name: "cdktn", version: "0.24.0" },
  "cdktf-cli": { name: "cdktn-cli", version: "0.24.0" },
  "@cdktf/provider-aws": { name: "@cdktn/provider-aws", version: "25.7.0" },
  // cdktn 0.24 requires constructs >= 10.6 < 10.8.
  constructs: { name: "constructs", version: "10.7.0" },
};
/**
 * No @cdktn/provider-helm exists on the npm registry yet, so the cdktf one stays. Against the real cdktf
 * 0.21 (its peer) it breaks cdktn's synth (its resources lack cdktn's provider-feature hooks), so the
 * copy installs `cdktf` as an alias of cdktn: the prebuilt helm bindings then extend cdktn's classes.
 */
export const KEPT = ["@cdktf/provider-helm"];

/** Rewrites the imports of one TypeScript source for cdktn (deep provider paths keep their shape). */
export function swapImports(source: string): string {
  return source.replace(/from "cdktf"/g, 'from "cdktn"').replace(/from "@cdktf\/provider-aws\//g, 'from "@cdktn/provider-aws/');
}

function main(): void {
  const outFlag = process.argv.indexOf("--out");
  const outFile = outFlag > 0 ? process.argv[outFlag + 1] : undefined;
  const work = mkdtempSync(join(tmpdir(), "check-cdktn-"));
  try {
    const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    // Both synthesize with the app command of cdktf.json (tools/runner/app.cjs), as `cdktf synth` and `cdktn synth` do.
    const synth = (dir: string, outdir: string) => {
      const result = synthesizeApp(dir, outdir);
      if (result.status !== 0) throw new Error(`synth failed in ${dir} (exit ${result.status ?? result.signal})`);
    };

    step("synthesize with cdktf");
    synth(root, join(work, "cdktf-out"));

    step("copy the project and swap packages and imports");
    const copy = join(work, "copy");
    for (const entry of ["main.ts", "cdktf.json", "config", "lib", "stacks"])
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    mkdirSync(join(copy, "tools", "runner"), { recursive: true });
    // The app command and the CommonJS helpers it requires.
    for (const tool of readdirSync(join(root, "tools", "runner")).filter((name) => name.endsWith(".cjs"))) {
      cpSync(join(root, "tools", "runner", tool), join(copy, "tools", "runner", tool));
    }
    for (const file of readdirSync(copy, { recursive: true }).map(String)) {
      if (file.endsWith(".ts")) writeFileSync(join(copy, file), swapImports(readFileSync(join(copy, file), "utf8")));
    }
    const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as { compilerOptions: object };
    // The app's sources only (no tests, so no jest types).
    const compilerOptions = { ...tsconfig.compilerOptions, types: ["node"] };
    const include = ["main.ts", "config/**/*.ts", "lib/**/*.ts", "stacks/**/*.ts"];
    writeFileSync(join(copy, "tsconfig.json"), JSON.stringify({ ...tsconfig, compilerOptions, include }));
    symlinkSync(installDependencies(), join(copy, "node_modules"));

    step("type-check the swapped copy (tsc --noEmit)");
    execFileSync(join(root, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", copy], { stdio: "inherit" });

    step("synthesize with cdktn");
    synth(copy, join(work, "cdktn-out"));

    // cdktn-cli 0.24 requires Node >= 22.19 (engines); on Node 20 it crashes at start (markAsUncloneable).
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    const cliRuns = major > 22 || (major === 22 && minor >= 19);
    if (cliRuns) {
      step("synthesize with the cdktn CLI (cdktn synth reads cdktf.json)");
      const cdktnCli = join(copy, "node_modules", "cdktn-cli", "bundle", "bin", "cdktn.js");
      execFileSync(process.execPath, [cdktnCli, "synth", "--output", join(work, "cdktn-cli-out")], { cwd: copy, env, stdio: "inherit" });
    } else {
      step(`skipped cdktn synth: cdktn-cli 0.24 requires Node >= 22.19, this is ${process.version} (run the check on Node 24)`);
    }

    step("compare resource by resource");
    const before = readOutput(join(work, "cdktf-out"));
    const after = readOutput(join(work, "cdktn-out"));
    // The CLI must write what the app writes; any difference there is a finding of its own.
    const viaCli = cliRuns
      ? compareOutputs(after, readOutput(join(work, "cdktn-cli-out"))).map((d) => ({ ...d, stack: `${d.stack} (cdktn CLI vs app)` }))
      : [];
    const differences = [...compareOutputs(before, after), ...viaCli];
    const report = formatReport(differences, { before: countResources(before), after: countResources(after) });
    process.stdout.write(report);
    if (outFile) writeFileSync(outFile, report);
    process.exitCode = differences.some((d) => !d.expected) ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * node_modules for the swapped copy, installed once per package set into node_modules/.cache (the
 * provider package is large), with the project's other runtime dependencies at their pinned versions.
 */
function installDependencies(): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const dependencies: Record<string, string> = {};
  for (const [name, version] of Object.entries(pkg.dependencies)) {
    const swap = PACKAGE_SWAP[name];
    dependencies[swap?.name ?? name] = swap?.version ?? version;
  }
  const cli = PACKAGE_SWAP["cdktf-cli"]!;
  // The CLI for `cdktn synth`, the bundler the app command uses, Node's types for tsc.
  Object.assign(dependencies, {
    cdktf: `npm:${PACKAGE_SWAP.cdktf!.name}@${PACKAGE_SWAP.cdktf!.version}`,
    [cli.name]: cli.version,
    esbuild: pkg.devDependencies.esbuild!,
    "@types/node": pkg.devDependencies["@types/node"]!,
  });
  const key = Object.entries(dependencies)
    .sort()
    .map(([name, version]) => `${name}@${version}`)
    .join(" ");
  const dir = join(root, "node_modules", ".cache", "check-cdktn", createHash("sha256").update(key).digest("hex").slice(0, 16));
  if (!existsSync(join(dir, "installed"))) {
    step(`npm install ${key} (once, cached in ${dir})`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "check-cdktn", private: true, dependencies }, null, 2));
    // --legacy-peer-deps: the helm bindings ask for cdktf ^0.21 and get the alias.
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps"], { cwd: dir, stdio: "inherit" });
    writeFileSync(join(dir, "installed"), key);
  }
  return join(dir, "node_modules");
}

function step(text: string): void {
  process.stderr.write(`check:cdktn: ${text}\n`);
}

if (require.main === module) main();
