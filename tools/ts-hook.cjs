// node --require ./tools/ts-hook.cjs <file.ts>: runs the project's TypeScript with plain node, no loader
// process. Each .ts file is transpiled by @swc/core (the transform jest already uses) once per content:
// the cache key is a hash of the transpiler version, its options, the file's path and its current text,
// so an edited file is always recompiled (no stale build) and unchanged ones cost one read and a hash.
// On Node >= 22.1 V8's compile cache is switched on as well (it validates by source hash too).
// Why not tsx: its ESM hooks run in a worker thread; that costs more than synthesizing the app (docs/performance.md).
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

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
  // Write then rename: a concurrent run sees the whole file or none.
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, cached);
  return code;
}

Module.enableCompileCache?.(path.join(cacheRoot, "v8"));

// cdktf records a full stack trace (Error.stackTraceLimit lifted to infinity) for every token it creates,
// into a plain object, only to quote it if that token later fails to resolve. Formatting those traces
// took a quarter of a large synth (docs/performance.md). Real errors keep Node's format; set
// CDKTF_TOKEN_TRACES=1 to get the token traces back, and --enable-source-maps leaves everything as is.
if (!process.env.CDKTF_TOKEN_TRACES && !process.sourceMapsEnabled && Error.prepareStackTrace === undefined) {
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${frame}`).join("")}` : "";
}
Module._extensions[".ts"] = (module, filename) => {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

module.exports = { compile, cacheRoot, optionsKey };
