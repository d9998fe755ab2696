// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): appends the process's
// peak resident set size in KiB to $BENCH_RSS_FILE at exit, so the bench sees children's peaks too.
const { appendFileSync } = require("node:fs");
const target = process.env.BENCH_RSS_FILE;
if (target) process.on("exit", () => appendFileSync(target, `${process.resourceUsage().maxRSS}\n`));
