import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Every temporary folder of a test run (the tests' own, cdktf's Testing.app outdirs, child processes')
// goes into one folder that is removed when jest ends: a test run leaves nothing behind. Set in the
// parent process before the workers start, so they and their children inherit TMPDIR.
const PREVIOUS = "JEST_SYSTEM_TMPDIR";

export async function setup(): Promise<void> {
  process.env[PREVIOUS] = process.env.TMPDIR ?? "";
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), "jest-run-"));
}

export async function teardown(): Promise<void> {
  const runTmp = process.env.TMPDIR;
  process.env.TMPDIR = process.env[PREVIOUS] || undefined;
  if (runTmp?.includes("jest-run-")) rmSync(runTmp, { recursive: true, force: true });
}
