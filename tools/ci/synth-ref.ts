// npm run synth-ref -- <git-ref> <outdir>: synthesizes a ref (e.g. the base branch) into <outdir> the way
// that ref synthesizes (its own cdktf.json app command), in a temporary worktree; plan.yml compares with it.
import { join } from "node:path";
import { synthesizeRef } from "../shared/synthesize-ref";

const [ref, outdir] = process.argv.slice(2);
if (!ref || !outdir) {
  process.stderr.write("synth-ref: usage: npm run synth-ref -- <git-ref> <outdir>\n");
  process.exit(2);
}
try {
  synthesizeRef(join(__dirname, "..", ".."), ref, outdir, (line) => process.stderr.write(`${line}\n`));
} catch (error) {
  process.stderr.write(`synth-ref: ${(error as Error).message}\n`);
  process.exit(2);
}
