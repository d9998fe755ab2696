// node tools/runner/app.cjs [environment ...]: the app command of cdktf.json and `npm run synth`. Runs main.ts on
// plain node from one bundle of the app (esbuild: main.ts, its sources and its node_modules in one
// script) compiled through V8's code cache, so a run neither resolves and reads some 700 module files nor
// parses and compiles them again: that was most of the app's time (docs/performance.md).
// Never stale: every run hashes the project files that went into the bundle (and tsconfig.json), checks
// the size and modification time of the node_modules files in it, and rebuilds the bundle first when any
// of them changed or is gone. An edit to a .ts file is always synthesized; the run after it takes about 1.2 s.
// APP_CACHE_DIR moves the cache (default node_modules/.cache/app); deleting it is always safe.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const { installStackTraces } = require("./stack-traces.cjs");
const { writeCacheFile } = require("./transpile.cjs");

const root = path.join(__dirname, "..", "..");
const entry = path.join(root, "main.ts");
const cacheDir = process.env.APP_CACHE_DIR || path.join(root, "node_modules", ".cache", "app");
/** How the bundle is built; with the bundler's version, everything besides the inputs that decides its bytes. */
const buildOptions = {
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "es2022",
  // No comments or indentation: ASCII output (esbuild escapes non-ASCII code, not comments), read 3x faster.
  minifyWhitespace: true,
  sourcemap: "external",
  sourcesContent: false,
};
const buildKey = JSON.stringify({ esbuild: require("esbuild/package.json").version, buildOptions });
/** One record per project folder: copies of the project can share a node_modules (and so this cache). */
const recordFile = path.join(cacheDir, `app-${sha256(root).slice(0, 16)}.json`);

function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}

/** The identity of a node_modules file: packages are replaced, not edited, so size and mtime tell a change. */
function stamp(file) {
  const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : "missing";
}

/** The content hash of a project file (its text decides the bundle, whatever its mtime says). */
function hashOf(file) {
  try {
    return sha256(fs.readFileSync(path.join(root, file)));
  } catch {
    return "missing";
  }
}

const isDependency = (input) => input.split(/[\\/]/).includes("node_modules");

/**
 * `text` of `file` with the file's own `__dirname` and `__filename` declared, if it uses them and does not
 * declare them itself. Put on the first line (after a `#!` line), so the source map's lines stay the file's.
 */
function withOwnPaths(file, text) {
  if (!/\b__(dirname|filename)\b/.test(text) || /\b(const|let|var)\s+__(dirname|filename)\b/.test(text)) return text;
  const own = `const __dirname = ${JSON.stringify(path.dirname(file))}, __filename = ${JSON.stringify(file)}; `;
  const shebang = text.startsWith("#!") ? text.indexOf("\n") + 1 : 0;
  return text.slice(0, shebang) + own + text.slice(shebang);
}

/** The bundle recorded for this project folder and its code, if every input it was built from is unchanged. */
function currentBundle() {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, "utf8"));
  } catch {
    return undefined;
  }
  if (record.buildKey !== buildKey) return undefined;
  for (const [file, hash] of Object.entries(record.sources)) if (hashOf(file) !== hash) return undefined;
  for (const [file, identity] of Object.entries(record.dependencies)) if (stamp(file) !== identity) return undefined;
  const bundle = path.join(cacheDir, record.bundle);
  try {
    // A latin1 read of ASCII is exact and 3x faster than utf8.
    return { bundle, code: fs.readFileSync(bundle, record.encoding) };
  } catch {
    return undefined;
  }
}

/**
 * Bundles main.ts with esbuild and records its inputs. The only file-relative values code uses,
 * `__dirname` and `__filename`, are each file's own (withOwnPaths), as when it runs unbundled.
 * (Bundling the CommonJS that swc makes of each file, as jest runs it, was measured too: one run in
 * three at 200 services took 1.5x the time and memory; test/synth-path.test.ts checks the bundle writes
 * the bytes the unbundled sources write.)
 */
async function buildBundle() {
  const esbuild = require("esbuild");
  // Every file keeps its own `__dirname` and `__filename` (a bundle has one of each; cdktf zips an asset
  // by running its own fs.js as a command). Dependencies are bundled as published, never edited.
  const perFile = {
    name: "per-file",
    setup(build) {
      build.onLoad({ filter: /\.(ts|js|cjs)$/ }, (args) => {
        const text = fs.readFileSync(args.path, "utf8");
        return { contents: withOwnPaths(args.path, text), loader: args.path.endsWith(".ts") ? "ts" : "js" };
      });
    },
  };
  const result = await esbuild.build({
    ...buildOptions,
    absWorkingDir: root,
    outfile: path.join(cacheDir, "app.js"),
    metafile: true,
    write: false,
    logLevel: "silent",
    plugins: [perFile],
  });
  await esbuild.stop();
  const code = result.outputFiles.find((file) => file.path.endsWith(".js")).contents;
  const map = result.outputFiles.find((file) => file.path.endsWith(".map")).contents;
  // esbuild escapes non-ASCII characters in code, not in the legal comments it keeps.
  const encoding = code.some((byte) => byte > 0x7f) ? "utf8" : "latin1";
  const name = `app-${sha256(code).slice(0, 32)}.js`;
  const bundle = path.join(cacheDir, name);
  writeCacheFile(`${bundle}.map`, map);
  writeCacheFile(bundle, code);
  const inputs = Object.keys(result.metafile.inputs);
  const record = {
    root,
    buildKey,
    bundle: name,
    encoding,
    sources: Object.fromEntries(["tsconfig.json", ...inputs.filter((input) => !isDependency(input))].map((f) => [f, hashOf(f)])),
    dependencies: Object.fromEntries(inputs.filter(isDependency).map((file) => [file, stamp(file)])),
  };
  writeCacheFile(recordFile, JSON.stringify(record));
  pruneCache();
  return { bundle, code: Buffer.from(code).toString(encoding) };
}

/**
 * Every edit leaves a bundle behind (13 MB with its map and code cache): after a build, removes the
 * records of project folders that no longer exist (temporary worktrees) and bundles no record uses that
 * are over ten minutes old (younger ones may belong to a build running in parallel).
 */
function pruneCache() {
  const inUse = new Set();
  const names = fs.readdirSync(cacheDir);
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    try {
      const other = JSON.parse(fs.readFileSync(path.join(cacheDir, name), "utf8"));
      if (fs.existsSync(other.root)) inUse.add(other.bundle.slice(0, -3));
      else fs.rmSync(path.join(cacheDir, name), { force: true });
    } catch {
      // written by a concurrent run, or not a record: left alone
    }
  }
  const cutoff = Date.now() - 10 * 60 * 1000;
  for (const name of names.filter((n) => !n.endsWith(".json") && !inUse.has(n.split(".")[0]))) {
    try {
      if (fs.statSync(path.join(cacheDir, name)).mtimeMs < cutoff) fs.rmSync(path.join(cacheDir, name), { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
}

/**
 * Runs the bundle as the module main.ts would be. V8's code cache sits next to it, named by the bundle's
 * content and the V8 version (V8 checks little more than the source length, so the name must be exact);
 * it is written after the first run, so it holds the functions that run compiled too.
 */
function runBundle(bundle, code) {
  const cacheFile = `${bundle.slice(0, -3)}.v8-${process.versions.v8}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run of this bundle on this V8
  }
  const script = new vm.Script(Module.wrap(code), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCacheFile(cacheFile, script.createCachedData()));
  installStackTraces((file) => {
    if (file !== bundle) return undefined;
    try {
      return JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8"));
    } catch {
      return undefined; // map pruned meanwhile: frames keep the bundle's positions
    }
  });
  const main = new Module(entry, null);
  main.filename = entry;
  process.argv.splice(1, 1, entry);
  try {
    script.runInThisContext()(main.exports, Module.createRequire(entry), main, entry, root);
  } catch (error) {
    // As Node reports an uncaught error, without quoting the failing line: a bundle's line is a whole module.
    console.error(error);
    process.exitCode = 1;
  }
}

const fresh = currentBundle();
if (fresh) runBundle(fresh.bundle, fresh.code);
else {
  // The app runs outside the promise, so its errors end the process as in a run of a fresh bundle. A
  // build error (a syntax error in a source) is esbuild's own message: file, line, column, what is wrong.
  buildBundle().then(
    (built) => setImmediate(() => runBundle(built.bundle, built.code)),
    (error) => {
      process.stderr.write(`${error.errors ? error.message : error.stack}\n`);
      process.exitCode = 1;
    },
  );
}
