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
