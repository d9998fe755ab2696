// npm run diagram [-- --outdir <synth-dir>] [--check]: one architecture diagram per environment,
// docs/diagrams/<env>.dot and <env>.svg, from the synthesized stacks (a fresh synth unless --outdir).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { synthesizeApp } from "../../shared/app-command";
import { diagramFiles } from "./files";
import { readSynthOutput } from "./terraform";

const root = join(__dirname, "..", "..", "..");
/** Where the diagrams live; the README links them and a test fails while they are stale. */
export const DIAGRAMS_DIR = join(root, "docs", "diagrams");

function fail(message: string): never {
  process.stderr.write(`diagram: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const outdirIndex = args.indexOf("--outdir");
  let synthDir = outdirIndex >= 0 ? args[outdirIndex + 1] : undefined;
  if (outdirIndex >= 0 && !synthDir) fail("usage: npm run diagram -- [--outdir <synth-output-dir>] [--check]");
  let temporary: string | undefined;
  if (!synthDir) {
    // A fresh synth of the configured environments, so the diagram never shows a stale cdktf.out.
    temporary = mkdtempSync(join(tmpdir(), "diagram-"));
    synthDir = temporary;
    const result = synthesizeApp(root, synthDir);
    if (result.status !== 0) fail("synth failed (see above); fix the configuration, then run npm run diagram again");
  } else if (!existsSync(join(synthDir, "stacks"))) {
    fail(`${synthDir} has no stacks/ folder; give the output folder of a synth (cdktf.out)`);
  }
  try {
    const files = await diagramFiles(readSynthOutput(synthDir));
    const existing = existsSync(DIAGRAMS_DIR) ? readdirSync(DIAGRAMS_DIR).filter((f) => /\.(dot|svg)$/.test(f)) : [];
    const stale = existing.filter((name) => !files.has(name));
    const changed = [...files].filter(
      ([name, text]) => !existsSync(join(DIAGRAMS_DIR, name)) || readFileSync(join(DIAGRAMS_DIR, name), "utf8") !== text,
    );
    const where = relative(process.cwd(), DIAGRAMS_DIR) || ".";
    if (check) {
      if (changed.length || stale.length) {
        fail(
          `${[...changed.map(([n]) => n), ...stale].join(", ")} in ${where} do not match the stacks; run npm run diagram and commit the result`,
        );
      }
      console.log(`diagram: ${files.size} files in ${where} match the stacks`);
      return;
    }
    mkdirSync(DIAGRAMS_DIR, { recursive: true });
    for (const [name, text] of changed) writeFileSync(join(DIAGRAMS_DIR, name), text);
    for (const name of stale) unlinkSync(join(DIAGRAMS_DIR, name));
    console.log(`diagram: ${[...files.keys()].map((n) => join(where, n)).join(", ")} (${changed.length} changed, ${stale.length} removed)`);
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
