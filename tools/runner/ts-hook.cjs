// node --require ./tools/runner/ts-hook.cjs <file.ts>: runs the project's TypeScript with plain node, no loader
// process. Each .ts file is transpiled by @swc/core (the transform jest already uses) once per content
// (tools/runner/transpile.cjs), so an edited file is always recompiled and unchanged ones cost a read and a hash.
// On Node >= 22.1 V8's compile cache is switched on as well (it validates by source hash too).
// Why not tsx: its ESM hooks run in a worker thread; that costs more than synthesizing the app (docs/performance.md).
// TS_HOOK_CACHE_DIR moves the cache (default node_modules/.cache/ts-hook); deleting it is always safe.
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { installStackTraces } = require("./stack-traces.cjs");
const { cacheRoot, transpile } = require("./transpile.cjs");

Module.enableCompileCache?.(path.join(cacheRoot, "v8"));

/** Transpiled code by file, for mapping stack frames back to the .ts lines (tools/runner/stack-traces.cjs). */
const compiled = new Map();

Module._extensions[".ts"] = (module, filename) => {
  const code = transpile(fs.readFileSync(filename, "utf8"), filename);
  compiled.set(filename, code);
  module._compile(code, filename);
};

installStackTraces((file) => {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(compiled.get(file) ?? "");
  return match ? JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) : undefined;
});
