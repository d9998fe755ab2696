// npm run ci-tools: the CI tools that jobs without `npm ci` run (plan, apply, summary, check, drift report), each
// bundled with what it imports into one script under ci-tools/bin/ (esbuild). The folder sits two levels below
// the repository root like tools/ci/, so a tool's own `join(__dirname, "..", "..")` still finds the root.
// The job that synthesizes builds them once and passes them on with the synth output.

import { join } from "node:path";
import { buildSync } from "esbuild";

/** The tools helper jobs run, by the name of their script under ci-tools/bin/. */
export const BUNDLED_TOOLS = ["upstream-deployed", "scan-plan", "plan-summary", "provider-locks", "drift-report"] as const;

export const BUNDLE_DIR = join("ci-tools", "bin");

if (require.main === module) {
  const root = join(__dirname, "..", "..");
  buildSync({
    entryPoints: Object.fromEntries(BUNDLED_TOOLS.map((tool) => [tool, join(root, "tools", "ci", `${tool}.ts`)])),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outdir: join(root, BUNDLE_DIR),
    outExtension: { ".js": ".cjs" },
    logLevel: "warning",
  });
  console.log(`ci-tools: ${BUNDLED_TOOLS.map((tool) => `${BUNDLE_DIR}/${tool}.cjs`).join(", ")}`);
}
