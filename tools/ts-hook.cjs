// node --require ./tools/ts-hook.cjs <file.ts>: runs the project's TypeScript with plain node, no loader
// process. Each .ts file is transpiled by @swc/core (the transform jest already uses) once per content:
// the cache key is a hash of the transpiler version, its options, the file's path and its current text,
// so an edited file is always recompiled (no stale build) and unchanged ones cost one read and a hash.
// On Node >= 22.1 V8's compile cache is switched on as well (it validates by source hash too).
// Why not tsx: its ESM hooks run in a worker thread; that costs more than synthesizing the app (docs/performance.md).
// TS_HOOK_CACHE_DIR moves the cache (default node_modules/.cache/ts-hook); deleting it is always safe.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const { writeCacheFile } = require("./cache-file.cjs");
const { installStackTraces } = require("./stack-traces.cjs");

const cacheRoot = process.env.TS_HOOK_CACHE_DIR || path.join(__dirname, "..", "node_modules", ".cache", "ts-hook");
const swcVersion = require("@swc/core/package.json").version;
/** The transform of jest.config.js (tests and app run the same code), plus CommonJS modules for require(). */
const options = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};
const optionsKey = `${swcVersion}\0${JSON.stringify(options)}`;
let swc;

/** The CommonJS JavaScript for `source` of `filename`, from the cache or freshly transpiled (and cached). */
function compile(source, filename) {
  const key = createHash("sha256").update(optionsKey).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheRoot, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet (or the cache was cleared): transpile below
  }
  swc ??= require("@swc/core");
  const { code } = swc.transformSync(source, { ...options, filename, swcrc: false, configFile: false });
  writeCacheFile(cached, code);
  return code;
}

Module.enableCompileCache?.(path.join(cacheRoot, "v8"));

/** Transpiled code by file, for mapping stack frames back to the .ts lines (tools/stack-traces.cjs). */
const compiled = new Map();

Module._extensions[".ts"] = (module, filename) => {
  const code = compile(fs.readFileSync(filename, "utf8"), filename);
  compiled.set(filename, code);
  module._compile(code, filename);
};

installStackTraces((file) => {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(compiled.get(file) ?? "");
  return match ? JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) : undefined;
});

module.exports = { compile, cacheRoot, optionsKey };
