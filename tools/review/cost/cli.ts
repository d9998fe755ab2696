// npm run cost [-- <env>...] [--dir <cdktf-outdir>]
// Monthly cost estimate per environment and stack from synthesized Terraform, offline. Synthesizes the
// working tree into a temporary folder unless --dir names an existing synth output. docs/cost.md
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readStacks } from "../../shared/synth-output";
import { synthesizeCheckout } from "../../shared/synthesize-ref";
import { environmentOf, estimateStacks } from "./estimate";
import { priceTable, tableAgeDays } from "./price-table";
import { renderReport } from "./report";

const ROOT = join(__dirname, "..", "..", "..");

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { dir: { type: "string" } } });
  const work = values.dir ? undefined : mkdtempSync(join(tmpdir(), "cost-"));
  try {
    const dir = values.dir ?? join(work!, "out");
    if (!values.dir) {
      process.stderr.write("cost: synthesizing the working tree\n");
      synthesizeCheckout(ROOT, dir);
    }
    const all = readStacks(dir);
    const wanted = new Set(positionals);
    const stacks = new Map([...all].filter(([name]) => wanted.size === 0 || wanted.has(environmentOf(name))));
    const unknown = positionals.filter((env) => ![...all.keys()].some((name) => environmentOf(name) === env));
    if (unknown.length > 0)
      throw new Error(
        `no stacks of ${unknown.join(", ")} in ${dir}; environments: ${[...new Set([...all.keys()].map(environmentOf))].join(", ")}`,
      );
    const costs = estimateStacks(stacks);
    const regions = [...new Set(costs.map((c) => c.region))].sort();
    const now = new Date();
    const tables = regions.map((region) => {
      const table = priceTable(region);
      return { table, ageDays: tableAgeDays(table, now) };
    });
    process.stdout.write(renderReport(costs, tables));
  } catch (error) {
    process.stderr.write(`cost: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

main();
