// npm run synth-diff -- <old-dir> <new-dir> | --base <git-ref> [<new-dir>]  [options]
// Compares two cdktf output folders and prints a Markdown report for a pull-request comment (size-capped);
// --comment writes that report to a file too (npm's own lines stay out of it), --out writes the full report,
// --summary appends the comment to $GITHUB_STEP_SUMMARY. docs/synth-diff.md
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { synthesizeCheckout, synthesizeRef } from "../../shared/synthesize-ref";
import { synthDiff } from "./diff";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "./markdown";

const USAGE =
  "usage: npm run synth-diff -- <old-dir> <new-dir> | --base <git-ref> [<new-dir>]  [--comment <file>] [--out <file>] [--max-chars <n>] [--summary] [--full-report <where>]";
const ROOT = join(__dirname, "..", "..", "..");

function fail(message: string): never {
  process.stderr.write(`synth-diff: ${message}\n`);
  process.exit(2);
}

function main(): void {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail(`${(error as Error).message}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  const maxChars = values["max-chars"] === undefined ? GITHUB_COMMENT_LIMIT : Number(values["max-chars"]);
  if (!Number.isInteger(maxChars) || maxChars < 500)
    fail(`--max-chars must be a whole number of at least 500, not "${values["max-chars"]}"`);
  const expected = values.base ? [0, 1] : [2];
  if (!expected.includes(positionals.length)) fail(USAGE);

  const work = mkdtempSync(join(tmpdir(), "synth-diff-"));
  let problem: string | undefined;
  try {
    let oldDir: string;
    let newDir: string;
    if (values.base) {
      oldDir = join(work, "base");
      synthesizeRef(ROOT, values.base, oldDir, (line) => process.stderr.write(`${line}\n`));
      newDir = positionals[0] ?? join(work, "head");
      if (!positionals[0]) {
        process.stderr.write("synth-diff: synthesizing the working tree\n");
        synthesizeCheckout(ROOT, newDir);
      }
    } else {
      [oldDir, newDir] = positionals as [string, string];
    }
    const diff = synthDiff(oldDir, newDir);
    const fullReport = values["full-report"];
    const comment = renderMarkdown(diff, { maxChars, fullReport });
    if (values.out) writeFileSync(values.out, renderMarkdown(diff));
    if (values.comment) writeFileSync(values.comment, comment);
    if (values.summary) {
      if (!process.env.GITHUB_STEP_SUMMARY) throw new Error("--summary needs $GITHUB_STEP_SUMMARY (set by GitHub Actions)");
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, comment);
    }
    process.stdout.write(comment);
  } catch (error) {
    problem = (error as Error).message;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (problem) fail(problem);
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      base: { type: "string" },
      out: { type: "string" },
      comment: { type: "string" },
      "max-chars": { type: "string" },
      summary: { type: "boolean" },
      "full-report": { type: "string" },
    },
  });
}

main();
