// npm run stacks [-- <glob>]: the synthesized stacks as a JSON array (CI's plan matrix reads it).
// Reads cdktf.out/manifest.json, so run `npx cdktf synth` (or the app) first.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "cdktf.out");
const pattern = process.argv[2] ?? "*";
const manifestFile = join(outdir, "manifest.json");
if (!existsSync(manifestFile)) {
  process.stderr.write(`stacks: ${relative(process.cwd(), manifestFile)} does not exist; run \`npm run synth\` first\n`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
  stacks: Record<string, { workingDirectory: string; dependencies: string[] }>;
};
const matcher = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
const stacks = Object.entries(manifest.stacks)
  .filter(([name]) => matcher.test(name))
  .map(([name, stack]) => ({
    name,
    directory: relative(process.cwd(), join(outdir, stack.workingDirectory)),
    dependencies: stack.dependencies,
  }));
console.log(JSON.stringify(stacks));
