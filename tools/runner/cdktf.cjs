#!/usr/bin/env node
// npm run synth | deploy | diff: the project's pinned cdktf CLI with HashiCorp's call-home check off.
// Without CHECKPOINT_DISABLE every run contacts checkpoint-api.hashicorp.com, and offline prints an
// [ERROR] line after a successful synth. Set CHECKPOINT_DISABLE= (empty) to opt back in.
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const cli = path.join(__dirname, "..", "..", "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" },
});
if (result.error) {
  console.error(`cdktf: could not start the cdktf CLI (${result.error.message}); run \`npm ci\` first`);
  process.exit(2);
}
process.exit(result.status ?? 1);
