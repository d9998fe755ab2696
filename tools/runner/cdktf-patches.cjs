// Edits to two files of cdktf 0.21.0 that tools/runner/app.cjs applies when it bundles the app; node_modules is
// never written. They change how fast cdktf works, never what it writes. cdktf is archived (no 0.21.x
// will follow), so the edits are pinned to exact text: if any edit of a file does not find its text
// exactly once (another cdktf version), the file is bundled unchanged and test/cdktf-patches.test.ts
// fails until the edits are checked again. That test compares the edited resolve with cdktf's own over
// every element of the fixture stacks and a set of token cases. The edited files stay under cdktf's
// MPL-2.0, and so do the edits below.

/** Appended to resolve.js (before isConstruct): which values resolve() returns unchanged, with no side effect. */
const LITERAL_HELPERS = `
// tools/runner/cdktf-patches.cjs: values resolve() returns as they are, with no side effect: strings without
// token markers (every marker contains "{") or encoded numbers, booleans, and numbers that encode no token.
function isLiteralString(s) {
    if (s.includes("{") || s === token_1.Token.STRING_MAP_TOKEN_VALUE || s === token_1.Token.ANY_MAP_TOKEN_VALUE) return false;
    return !encoding_1.TokenString.forNumbers(s).test();
}
function isLiteral(x) {
    switch (typeof x) {
        case "string": return isLiteralString(x);
        case "boolean": return true;
        case "number": return x !== token_1.Token.NUMBER_MAP_TOKEN_VALUE && (0, encoding_1.extractTokenDouble)(x, false) === undefined;
        default: return false;
    }
}
function isConstruct(x) {`;

/**
 * Per file under node_modules: why, and [text, replacement] pairs. Each text must occur exactly once.
 * @type {readonly { file: string, why: string, edits: readonly (readonly [string, string])[] }[]}
 */
const PATCHES = [
  {
    file: "cdktf/lib/tokens/private/resolve.js",
    why:
      "resolve() made a context (two closures, a path array, an options copy) for every key and every value " +
      "it visits, undefined attributes included, and joined the path into a string on every call; it runs " +
      "twice over every element. Now literal keys and values take no context, a value under a literal key " +
      "or an index is resolved with its parent's flags directly (a context of its own would only copy them), " +
      "and the path is joined only for an error message. docs/performance.md has the figures.",
    edits: [
      [
        '    const pathName = "/" + prefix.join("/");',
        '    const pathName = () => "/" + prefix.join("/");\n' +
          "    // tools/runner/cdktf-patches.cjs: a value under a literal key or an index, resolved as makeContext(segment)[0].resolve\n" +
          "    // would, minus the context: that context's flags are copies of options.previousContext's.\n" +
          "    const resolveChild = (x, segment) => resolve(x, { ...options, prefix: prefix.concat([segment]), previousContext: options.previousContext });",
      ],
      ["unableToResolveCircularReference)(pathName)", "unableToResolveCircularReference)(pathName())"],
      ["cannotResolveFunction)(pathName, obj)", "cannotResolveFunction)(pathName(), obj)"],
      ["constructsCannotBeResolved)(pathName)", "constructsCannotBeResolved)(pathName())"],
      ["mapKeyMustResolveToString)(pathName, key, resolvedKey)", "mapKeyMustResolveToString)(pathName(), key, resolvedKey)"],
      // A child deeper than 200 levels must still reach the depth check, so the shortcuts stop above it.
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: cdktf's source text, which has a template literal
        "            .map((x, i) => makeContext(`${i}`)[0].resolve(x))",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the same template literal, kept
        "            .map((x, i) => (prefix.length >= 200 ? makeContext(`${i}`)[0].resolve(x) : isLiteral(x) ? x : resolveChild(x, `${i}`)))",
      ],
      [
        "    for (const key of Object.keys(obj)) {\n        const resolvedKey",
        "    for (const key of Object.keys(obj)) {\n" +
          "        if (prefix.length < 200 && isLiteralString(key)) {\n" +
          "            const raw = obj[key];\n" +
          "            if (raw === undefined) continue;\n" +
          "            const value = isLiteral(raw) ? raw : resolveChild(raw, key);\n" +
          "            if (value !== undefined) result[key] = value;\n" +
          "            continue;\n" +
          "        }\n" +
          "        const resolvedKey",
      ],
      ["function isConstruct(x) {", LITERAL_HELPERS],
    ],
  },
  {
    file: "cdktf/lib/private/fs.js",
    why:
      "archiver (zip for assets, which this project has none of) and its dependencies were loaded and set " +
      "up on every run; it is now required on the first archive.",
    edits: [['const archiver = require("archiver");', 'const archiver = (...args) => require("archiver")(...args);']],
  },
];

/**
 * `source` with the edits for `file` (a path ending in one of PATCHES' files) applied, or undefined when
 * the file has no edits or any edit's text is not found exactly once (then the file stays as it is).
 */
function patchedSource(file, source) {
  const patch = PATCHES.find((p) => file.replaceAll("\\", "/").endsWith(`/node_modules/${p.file}`));
  if (!patch) return undefined;
  let text = source;
  for (const [from, to] of patch.edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + from.length) >= 0) return undefined;
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

module.exports = { PATCHES, patchedSource };
