import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { configuredEnvironments, runApp, synthEnvironment } from "./helpers";

// Contract 5: two synths of the same input give identical bytes, through the real entry point.

/** Every file under `dir`, as sorted paths relative to it. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path)];
    })
    .sort();
}

describe("synth determinism", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "determinism-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("two runs of main.ts into different folders write the same files, byte for byte", async () => {
    const outdirs = [join(dir, "first"), join(dir, "second")];
    // Both runs at once: the comparison also catches output that depends on timing.
    await Promise.all(
      outdirs.map((outdir) =>
        runApp([], { CDKTF_OUTDIR: outdir, INFRA_CONFIG_DIR: "" }).then((result) => expect(result).toMatchObject({ code: 0 })),
      ),
    );
    const [first, second] = outdirs.map((outdir) => filesUnder(outdir)) as [string[], string[]];
    expect(second).toEqual(first);
    for (const file of first) {
      expect({ file, same: readFileSync(join(outdirs[0]!, file)).equals(readFileSync(join(outdirs[1]!, file))) }).toEqual({
        file,
        same: true,
      });
    }
    // The tests (snapshots, policy suite) read the same bytes main.ts writes, justifications included,
    // and main.ts writes exactly the stacks of the configured environments.
    const stacks = configuredEnvironments().flatMap((environment) => synthEnvironment(environment));
    expect(readdirSync(join(outdirs[0]!, "stacks")).sort()).toEqual(stacks.map((stack) => stack.name).sort());
    for (const stack of stacks) {
      expect(stack.json).toBe(readFileSync(join(outdirs[0]!, "stacks", stack.name, "cdk.tf.json"), "utf8"));
    }
  }, 60_000);
});
