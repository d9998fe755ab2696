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
  // Write then rename: a concurrent run sees the whole file or none. A cache that cannot be written
  // (read-only checkout) only costs speed.
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  } catch {
    // transpiled again next time
  }
  return code;
}

Module.enableCompileCache?.(path.join(cacheRoot, "v8"));

/** Transpiled code by file, for mapping stack frames back to the .ts lines (maps built on first use). */
const compiled = new Map();
const sourceMaps = new Map();

Module._extensions[".ts"] = (module, filename) => {
  const code = compile(fs.readFileSync(filename, "utf8"), filename);
  compiled.set(filename, code);
  module._compile(code, filename);
};

/** `file:line:column` of a frame in a transpiled file, as the line and column of its .ts source. */
function originalPosition(file, line, column) {
  if (!sourceMaps.has(file)) {
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(compiled.get(file) ?? "");
    sourceMaps.set(file, match ? new Module.SourceMap(JSON.parse(Buffer.from(match[1], "base64").toString("utf8"))) : undefined);
  }
  const entry = sourceMaps.get(file)?.findEntry(line - 1, column - 1);
  return entry && "originalLine" in entry ? `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}` : `${file}:${line}:${column}`;
}

function formatFrame(frame) {
  const file = frame.getFileName();
  const text = String(frame);
  if (!file || !compiled.has(file)) return text;
  const at = `${file}:${frame.getLineNumber()}:${frame.getColumnNumber()}`;
  return text.replace(at, () => originalPosition(file, frame.getLineNumber(), frame.getColumnNumber()));
}

// Errors print Node's format with frames mapped to the .ts lines (the transpiled lines differ). cdktf
// also records a full stack trace (Error.stackTraceLimit lifted to infinity) for every token it creates,
// into a plain object, only to quote it if the token later fails to resolve; formatting those took 23 %
// of a 200-service synth's CPU, so they stay empty unless CDKTF_TOKEN_TRACES=1. With --enable-source-maps
// Node does all of this itself.
if (!process.sourceMapsEnabled) {
  const nodeDefault = Error.prepareStackTrace;
  const tokenTraces = Boolean(process.env.CDKTF_TOKEN_TRACES);
  Error.prepareStackTrace = (error, frames) => {
    if (!(error instanceof Error) && !tokenTraces) return "";
    if (nodeDefault && !frames.some((frame) => compiled.has(frame.getFileName()))) return nodeDefault(error, frames);
    const head = error instanceof Error ? Error.prototype.toString.call(error) : "Trace";
    return `${head}${frames.map((frame) => `\n    at ${formatFrame(frame)}`).join("")}`;
  };
}

module.exports = { compile, cacheRoot, optionsKey };
