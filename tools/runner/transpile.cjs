// TypeScript to CommonJS with @swc/core, the transform jest uses (jest.config.js), cached per content in
// node_modules/.cache/ts-hook (TS_HOOK_CACHE_DIR moves it; deleting it is always safe). The cache key is a
// hash of the transpiler version, its options, the file's path and its current text, so an edited file is
// always transpiled again and an unchanged one costs a read and a hash. Used by tools/runner/ts-hook.cjs for each
// file it loads; writeCacheFile also writes tools/runner/app.cjs's bundle cache.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const cacheRoot = process.env.TS_HOOK_CACHE_DIR || path.join(__dirname, "..", "..", "node_modules", ".cache", "ts-hook");
/** The transform of jest.config.js, plus CommonJS modules for require(). */
const options = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};
let optionsKey;
let swc;

/** Write then rename: a concurrent run sees the whole file or none. An unwritable cache only costs speed. */
function writeCacheFile(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, file);
  } catch {
    // rebuilt next time
  }
}

/** The CommonJS JavaScript (with an inline source map) for `source` of `filename`, cached or freshly transpiled. */
function transpile(source, filename) {
  optionsKey ??= `${require("@swc/core/package.json").version}\0${JSON.stringify(options)}`;
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

module.exports = { transpile, writeCacheFile, cacheRoot };
