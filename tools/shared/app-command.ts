import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The app command of `<root>/cdktf.json` as [command, ...args] (it has no shell syntax), so tools
 * synthesize exactly the way `cdktf synth` does, including an older checkout's own command.
 */
export function appCommand(root: string): [string, ...string[]] {
  const { app } = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string };
  const [command, ...args] = app.trim().split(/\s+/);
  if (!command) throw new Error(`${join(root, "cdktf.json")} has no app command`);
  // `node` means this Node: the one running the tool (PATH may hold another).
  return [command === "node" ? process.execPath : command, ...args];
}

/**
 * Synthesizes the app of `root` into `outdir` with its app command, HashiCorp's call-home off, as every
 * tool that needs a fresh synth does. `stdio: "pipe"` returns the output for the caller to report.
 */
export function synthesizeApp(root: string, outdir: string, stdio: "inherit" | "pipe" = "inherit"): SpawnSyncReturns<string> {
  const [command, ...args] = appCommand(root);
  return spawnSync(command, args, {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    stdio: ["ignore", stdio, stdio],
    maxBuffer: 256 * 1024 * 1024,
  });
}
