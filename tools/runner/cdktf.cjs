#!/usr/bin/env node
// npm run synth | deploy | diff: the project's pinned cdktf CLI with HashiCorp's call-home check off.
// Without CHECKPOINT_DISABLE every run contacts checkpoint-api.hashicorp.com, and offline prints an
// [ERROR] line after a successful synth. Set CHECKPOINT_DISABLE= (empty) to opt back in.
// A failed deploy or diff ends with this tool's own line naming the cause (no credentials, expired token,
// no network) when it can tell; off a terminal the output is plain text (no colour codes).
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { failureCause, missingCredentialsHint, runShown } = require("../shared/failure-cause.cjs");

const cli = path.join(__dirname, "..", "..", "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
const args = process.argv.slice(2);
const command = args[0] ?? "";
const env = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };

function couldNotStart(error) {
  console.error(`cdktf: could not start the cdktf CLI (${error.message}); run \`npm ci\` first`);
  process.exit(2);
}

function failed(output) {
  const cause = (output && failureCause(output)) || missingCredentialsHint();
  console.error(`${command}: failed${cause ? `: ${cause}` : "; see above"}`);
}

async function main() {
  const talksToAws = command === "deploy" || command === "diff" || command === "destroy";
  // On a terminal the CLI's interactive approval needs the terminal itself, so its output is not captured.
  if (!talksToAws || process.stdout.isTTY) {
    const result = spawnSync(process.execPath, [cli, ...args], { stdio: "inherit", env });
    if (result.error) couldNotStart(result.error);
    if (talksToAws && result.status !== 0) failed();
    process.exit(result.status ?? 1);
  }
  const result = await runShown(process.execPath, [cli, ...args], { env: { ...env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  if (result.error) couldNotStart(result.error);
  if (result.status !== 0) failed(result.output);
  process.exit(result.status ?? 1);
}

main();
