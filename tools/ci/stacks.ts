// npm run stacks [-- <glob>] [--changed-since <outdir>]: the synthesized stacks as a JSON array (CI's
// plan matrix reads it). Reads cdktf.out/manifest.json, so run `npm run synth` first. --changed-since
// keeps the stacks whose cdk.tf.json differs from (or is missing in) another synth output, e.g. the
// base branch's: a stack with byte-identical Terraform JSON plans identically, so CI skips its plan.
import { join, relative } from "node:path";
import { type Manifest, readManifest, sameAsBase } from "../shared/manifest";

const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "..", "..", "cdktf.out");
const args = process.argv.slice(2);
const sinceFlag = args.indexOf("--changed-since");
const since = sinceFlag >= 0 ? args[sinceFlag + 1] : undefined;
if (sinceFlag >= 0 && !since) {
  process.stderr.write("stacks: --changed-since needs a synth output folder (the base's CDKTF_OUTDIR)\n");
  process.exit(2);
}
const pattern = args.find((arg, index) => !arg.startsWith("--") && index !== sinceFlag + 1) ?? "*";
let manifest: Manifest;
try {
  manifest = readManifest(outdir);
} catch (error) {
  process.stderr.write(`stacks: ${(error as Error).message}\n`);
  process.exit(2);
}
const matcher = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
const stacks = Object.entries(manifest.stacks)
  .filter(([name, stack]) => matcher.test(name) && !(since && sameAsBase(outdir, since, stack.workingDirectory)))
  .map(([name, stack]) => ({
    name,
    directory: relative(process.cwd(), join(outdir, stack.workingDirectory)),
    dependencies: stack.dependencies,
  }));
console.log(JSON.stringify(stacks));
