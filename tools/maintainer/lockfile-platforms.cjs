#!/usr/bin/env node
// Run after any dependency change made on a machine whose npm registry mirror serves only this
// platform's optional binaries (swc, biome, unrs-resolver): npm then leaves the other platforms
// out of package-lock.json and `npm ci` refuses the lock everywhere. This adds their entries
// (version, os, cpu, libc from the parent's optionalDependencies); npm fetches them only on those platforms.
// Usage: node tools/maintainer/lockfile-platforms.cjs package-lock.json
const fs = require("node:fs");
const file = process.argv[2];
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const pkgs = lock.packages;
const OS = ["android", "darwin", "linux", "win32", "freebsd", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "mips64el", "wasm32"];
let added = 0;
for (const [path, meta] of Object.entries({ ...pkgs })) {
  for (const [name, version] of Object.entries(meta.optionalDependencies || {})) {
    const key = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (pkgs[key] || pkgs[hoisted]) continue;
    const tail = name.split("/").pop();
    const os = OS.find((o) => tail.includes(`-${o}-`) || tail.endsWith(`-${o}`));
    const cpu = CPU.find((c) => tail.includes(`-${c}`));
    if (!os && !cpu) {
      console.error("cannot place", name);
      continue;
    }
    const entry = { version, dev: meta.dev || undefined, optional: true };
    if (cpu) entry.cpu = [cpu];
    if (os) entry.os = [os];
    if (/musl/.test(tail)) entry.libc = ["musl"];
    else if (/gnu/.test(tail)) entry.libc = ["glibc"];
    pkgs[hoisted] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log("added", added);
