import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import {
  App,
  DefaultTokenResolver,
  Fn,
  Lazy,
  StringConcat,
  TerraformElement,
  TerraformIterator,
  TerraformLocal,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktf";
import type { Construct } from "constructs";
import { addEnvironmentStacks } from "../stacks";
import { FIXTURE_ENVIRONMENTS, fixtureEnvironment } from "./helpers";

// tools/runner/cdktf-patches.cjs edits two cdktf files when the app is bundled. Here: the edits still fit the
// installed cdktf, and the edited resolve() gives exactly what cdktf's own gives, value and error.
const { PATCHES, patchedSource } = require("../tools/runner/cdktf-patches.cjs") as {
  PATCHES: readonly { file: string }[];
  patchedSource: (file: string, source: string) => string | undefined;
};

type Resolve = (obj: unknown, options: object) => unknown;

/** The edited file as a module of its own, requiring the same cdktf modules (one token map) as the original. */
function loadPatched(file: string, requireOf = (id: string) => require(id) as unknown): Record<string, unknown> {
  const filename = require.resolve(file);
  const source = patchedSource(filename, readFileSync(filename, "utf8"));
  if (source === undefined) throw new Error(`${file}: the edits of tools/runner/cdktf-patches.cjs no longer fit`);
  const module = { exports: {} as Record<string, unknown> };
  const localRequire = (id: string) => requireOf(id.startsWith(".") ? join(dirname(filename), id) : id);
  new Function("exports", "require", "module", "__filename", "__dirname", source)(
    module.exports,
    localRequire,
    module,
    filename,
    dirname(filename),
  );
  return module.exports;
}

const stock = require("cdktf/lib/tokens/private/resolve") as { resolve: Resolve };
const patched = loadPatched("cdktf/lib/tokens/private/resolve") as { resolve: Resolve };

/** Either resolve's value, or the message it throws: both must be the same for the two. */
function outcome(resolve: Resolve, value: unknown, scope: Construct, preparing: boolean): { value?: string; error?: string } {
  try {
    const resolved = resolve(value, { scope, prefix: [], preparing, resolver: new DefaultTokenResolver(new StringConcat()) });
    // JSON keeps key order and tells a missing key from an undefined one in arrays (null); strict equality does the rest.
    return { value: JSON.stringify(resolved) ?? "undefined" };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function expectSame(value: unknown, scope: Construct, label: string): void {
  for (const preparing of [true, false]) {
    const expected = outcome(stock.resolve, value, scope, preparing);
    expect({ label, preparing, ...outcome(patched.resolve, value, scope, preparing) }).toEqual({ label, preparing, ...expected });
  }
}

describe("cdktf edits for speed (tools/runner/cdktf-patches.cjs)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-patches-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("every edit still finds its text exactly once in the installed cdktf", () => {
    for (const { file } of PATCHES) {
      const filename = require.resolve(file);
      expect({ file, fits: patchedSource(filename, readFileSync(filename, "utf8")) !== undefined }).toEqual({ file, fits: true });
    }
  });

  it.each(FIXTURE_ENVIRONMENTS)("resolves every element of the %s fixture stacks as cdktf's own resolve does", (name) => {
    const app = new App({ outdir });
    let elements = 0;
    for (const stack of addEnvironmentStacks(app, fixtureEnvironment(name))) {
      for (const element of stack.node.findAll().filter((c): c is TerraformElement => c instanceof TerraformElement)) {
        expectSame(element.toTerraform(), stack, element.node.path);
        elements++;
      }
    }
    expect(elements).toBeGreaterThan(100);
  });

  it("resolves tokens, escapes, encoded numbers, lists and maps, and reports errors at the same path", () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "cases");
    const bucket = new S3Bucket(stack, "bucket", { bucket: "b" });
    const names = new TerraformVariable(stack, "names", { type: "list(string)" });
    const tags = new TerraformVariable(stack, "tags", { type: "map(string)" });
    const size = new TerraformVariable(stack, "size", { type: "number" });
    const iterator = TerraformIterator.fromList(names.listValue);
    new SsmParameter(stack, "each", { forEach: iterator, name: iterator.value, type: "String", value: `${bucket.arn}/${iterator.key}` });
    // A dynamic block: its content's iterator tokens read the iterator context through nested maps and lists.
    new LaunchTemplate(stack, "template", {
      blockDeviceMappings: iterator.dynamic({ deviceName: iterator.value, ebs: { kmsKeyId: iterator.key, volumeSize: 20 } }),
    });
    const local = new TerraformLocal(stack, "local", { a: bucket.id });
    // cdktf refuses paths deeper than 200: literals at the limit must still be refused, inside a map or a list.
    const nested = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : { level: nested(levels - 1, inner) });

    const cases: Record<string, unknown> = {
      plain: { a: "x", b: 1, c: true, d: null, e: undefined, f: [1, undefined, "y", false], g: { h: {} }, i: [] },
      "token values": { arn: bucket.arn, list: names.listValue, size: size.numberValue, tags: tags.value, local: local.expression },
      "token in a key": { [bucket.bucket]: "v", [`${bucket.id}-suffix`]: undefined, plain: undefined },
      "tokens inside strings": { s: `arn:${bucket.arn}:x`, n: `count-${size.numberValue}` },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform interpolation and escapes as literal text are the case
      "escapes and braces": { a: "${var.x}", b: '{"json": true}', c: "}{", d: "$${literal}", e: "${", f: "a}b" },
      "encoded-number look-alikes": { a: "1e5", b: "-e-", c: "2.5E+3", d: "us-east-1", e: 1e21, f: -0, g: Number.NaN },
      "number tokens in lists": [size.numberValue, 1, Token.asNumber(bucket.id)],
      "list tokens": { a: Token.asList(names.listValue), b: Fn.concat([names.listValue, ["z"]]) },
      "map tokens": { a: Token.asStringMap(tags.value), b: Fn.merge([tags.value, { k: "v" }]) },
      functions: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal interpolation inside a function argument
        json: Fn.jsonencode({ arn: bucket.arn, list: [1, "two", undefined], nested: { x: "${literal}" } }),
        format: Fn.format("%s-%s", [bucket.id, "x"]),
        lookup: Fn.lookup(tags.value, "k", "default"),
        join: Fn.join(",", names.listValue),
        // Contexts pass flags (braces, escapes) down to tokens nested in maps and lists inside a function.
        nested: Fn.jsonencode({ a: { b: [Fn.upper(bucket.id), { c: `x-${bucket.arn}`, d: Fn.lower(iterator.value) }] } }),
        inner: Fn.join("-", [Fn.format("%s", [bucket.id]), Fn.element(names.listValue, 0)]),
      },
      lazy: {
        s: Lazy.stringValue({ produce: () => bucket.id }),
        a: Lazy.anyValue({ produce: () => ({ x: undefined, y: [bucket.arn, 2], z: "literal" }) }),
        n: Lazy.numberValue({ produce: () => 3 }),
        // What a token sets on its context reaches the tokens in the maps and lists its value holds.
        flags: Lazy.anyValue({
          produce: (context) => {
            context.suppressBraces = true;
            context.iteratorContext = "FOR_EXPRESSION";
            return { a: { b: [bucket.arn, iterator.value, { c: iterator.key }] }, d: [[bucket.id]] };
          },
        }),
      },
      iterator: { value: iterator.value, key: iterator.key, dynamic: iterator.dynamic({ name: iterator.value }) },
      date: { d: new Date(0) },
      ...Object.fromEntries(
        [198, 199, 200, 205].flatMap((levels) => [
          [`a literal in a map ${levels} levels down`, nested(levels, { key: "x", skipped: undefined })],
          [`a literal in a list ${levels} levels down`, nested(levels, ["x", 1, true])],
        ]),
      ),
      "a function": { f: () => 1 },
      "a construct": { c: bucket },
      "a list token in a string": { s: `${Token.asList(names.listValue)}` },
      "a map token value in a string": { s: Token.STRING_MAP_TOKEN_VALUE },
      "the number map token value": { n: Token.NUMBER_MAP_TOKEN_VALUE },
    };
    for (const [label, value] of Object.entries(cases)) expectSame(value, stack, label);
    // Every element of this stack too: iterators, locals and variables take their own paths through resolve.
    for (const element of stack.node.findAll().filter((c): c is TerraformElement => c instanceof TerraformElement)) {
      expectSame(element.toTerraform(), stack, element.node.path);
    }
  });

  it("loads archiver on the first archive, not with cdktf", () => {
    const required: string[] = [];
    const fsModule = loadPatched("cdktf/lib/private/fs", (id) => {
      required.push(id);
      return require(id) as unknown;
    });
    expect(Object.keys(fsModule).sort()).toEqual(Object.keys(require("cdktf/lib/private/fs") as object).sort());
    expect(required).not.toContain("archiver");
  });
});
