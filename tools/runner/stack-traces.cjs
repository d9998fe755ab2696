// Error stack traces for code the project runs transpiled (tools/runner/ts-hook.cjs) or bundled (tools/runner/app.cjs):
// frames are mapped back to the .ts lines through the source maps, only when an error is formatted.
// cdktf also records a full stack trace (Error.stackTraceLimit lifted to infinity) for every token it
// creates, into a plain object, only to quote it if the token later fails to resolve; formatting those took
// 23 % of a 200-service synth's CPU, so they stay empty unless CDKTF_TOKEN_TRACES=1, and since an empty
// trace is all such a capture can yield, the frames are not even collected (about 5 % of the app's time).
// With --enable-source-maps Node does all of this itself and nothing is installed.
const Module = require("node:module");
const path = require("node:path");

/**
 * Installs Error.prepareStackTrace. `sourceMapOf(file)` returns the source map (as JSON) of a file the
 * caller compiled, or undefined for any other file; it is called once per file, on first use.
 */
function installStackTraces(sourceMapOf) {
  if (process.sourceMapsEnabled) return;
  const maps = new Map();
  const mapOf = (file) => {
    if (!maps.has(file)) {
      const json = file ? sourceMapOf(file) : undefined;
      maps.set(file, json ? new Module.SourceMap(json) : undefined);
    }
    return maps.get(file);
  };
  const formatFrame = (frame) => {
    const text = String(frame);
    const file = frame.getFileName();
    const entry = mapOf(file)?.findEntry(frame.getLineNumber() - 1, frame.getColumnNumber() - 1);
    if (!entry || !("originalLine" in entry)) return text;
    const source = entry.originalSource ? path.resolve(path.dirname(file), entry.originalSource) : file;
    const at = `${file}:${frame.getLineNumber()}:${frame.getColumnNumber()}`;
    return text.replace(at, () => `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  };
  const nodeDefault = Error.prepareStackTrace;
  const tokenTraces = Boolean(process.env.CDKTF_TOKEN_TRACES);
  const prepare = (error, frames) => {
    if (!(error instanceof Error) && !tokenTraces) return "";
    if (nodeDefault && !frames.some((frame) => mapOf(frame.getFileName()))) return nodeDefault(error, frames);
    const head = error instanceof Error ? Error.prototype.toString.call(error) : "Trace";
    return `${head}${frames.map((frame) => `\n    at ${formatFrame(frame)}`).join("")}`;
  };
  Error.prepareStackTrace = prepare;
  if (tokenTraces) return;
  const capture = Error.captureStackTrace;
  // Only while `prepare` formats: code that swaps in its own Error.prepareStackTrace to read frames gets them.
  Error.captureStackTrace = function captureStackTrace(target, below) {
    if (!(target instanceof Error) && Error.prepareStackTrace === prepare) {
      target.stack = "";
      return;
    }
    capture(target, below ?? captureStackTrace);
  };
}

module.exports = { installStackTraces };
