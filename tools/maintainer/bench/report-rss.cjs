// Preloaded into every node process of a benchmark run (NODE_OPTIONS=--require): appends the process's
// peak resident set size in KiB and its CPU time in microseconds to $BENCH_RSS_FILE at exit, so the
// bench sees children's figures too (the cdktf CLI runs the app as a child).
const { appendFileSync } = require("node:fs");
const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    appendFileSync(target, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}\n`);
  });
}
