import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeApp } from "./app-command";

/** Runs a command; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run ${command} (${result.error.message})`);
  if (result.status !== 0) {
    const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`\`${command} ${args.join(" ")}\` failed in ${cwd}:\n${output}`);
  }
  return result.stdout;
}

/** Synthesizes the app in `root` (the working tree as it is) into `outdir`. */
export function synthesizeCheckout(root: string, outdir: string): void {
  const result = synthesizeApp(root, outdir, "pipe");
  if (result.error) throw new Error(`could not run the app command of ${root}/cdktf.json (${result.error.message})`);
  if (result.status !== 0) {
    const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`the app command of ${root}/cdktf.json failed:\n${output}`);
  }
}

/**
 * Synthesizes git ref `ref` of the repository at `root` into `outdir`, in a temporary detached worktree
 * that is always removed. Reuses this checkout's node_modules through a symlink when the ref's
 * package-lock.json is identical (no install); runs `npm ci` in the worktree only otherwise.
 */
export function synthesizeRef(root: string, ref: string, outdir: string, log: (line: string) => void = () => {}): void {
  const resolved = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: root, encoding: "utf8" });
  if (resolved.status !== 0)
    throw new Error(`${ref} names no commit in ${root}; give a branch, tag or commit (fetch it first in a shallow CI checkout)`);
  const commit = resolved.stdout.trim();
  const worktree = join(mkdtempSync(join(tmpdir(), "synth-diff-base-")), "checkout");
  run("git", ["worktree", "add", "--detach", "--quiet", worktree, commit], root);
  try {
    const lockHere = join(root, "package-lock.json");
    const lockThere = join(worktree, "package-lock.json");
    const sameLock = existsSync(lockHere) && existsSync(lockThere) && readFileSync(lockHere).equals(readFileSync(lockThere));
    if (sameLock && existsSync(join(root, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(worktree, "node_modules"), "dir");
    } else if (!existsSync(join(worktree, "node_modules"))) {
      log(`synth-diff: ${ref} has a different package-lock.json; running npm ci in its worktree`);
      run("npm", ["ci", "--no-audit", "--no-fund"], worktree);
    }
    log(`synth-diff: synthesizing ${ref} (${commit.slice(0, 12)})`);
    synthesizeCheckout(worktree, outdir);
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", worktree], { cwd: root });
    rmSync(join(worktree, ".."), { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: root });
  }
}
