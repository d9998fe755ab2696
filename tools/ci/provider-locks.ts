// npm run provider-locks -- status [--github] | generate | commands
//   status:   which stacks of the synth output have their lock file from terraform-locks/ (a notice for each that
//             has none or an outdated one; never a failure: Terraform then resolves the pinned versions itself)
//   generate: `terraform providers lock` in every stack folder of the synth output, for every platform in
//             LOCK_PLATFORMS, copied into terraform-locks/ (lock files of stacks that no longer exist removed).
//             Needs the Terraform registry: .github/workflows/provider-locks.yml runs it and opens a pull request.
//   commands: the same as shell commands, for a person with registry access.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { LOCK_DIR, LOCK_PLATFORMS, type LockPlacement, lockFileName, lockProblems, requiredProviders } from "../../stacks/provider-locks";
import { type Manifest, readManifest, readStackDocuments } from "../shared/manifest";

export interface LockCommand {
  readonly stack: string;
  /** The stack folder, relative to the project root. */
  readonly directory: string;
  readonly args: readonly string[];
}

/** One `terraform providers lock` per stack, with every platform; starts from no lock so versions follow the stack. */
export function lockCommands(manifest: Manifest, outdir: string): LockCommand[] {
  return Object.keys(manifest.stacks)
    .sort()
    .map((stack) => ({
      stack,
      directory: join(outdir, manifest.stacks[stack]!.workingDirectory),
      args: ["providers", "lock", ...LOCK_PLATFORMS.map((platform) => `-platform=${platform}`)],
    }));
}

/** What `status` reports per stack: is the repository's lock file there and does it fit the stack's providers? */
export function lockStatus(
  manifest: Manifest,
  documents: Readonly<Record<string, { terraform?: Record<string, unknown> }>>,
  lockFiles: Readonly<Record<string, string>>,
): LockPlacement[] {
  return Object.keys(manifest.stacks)
    .sort()
    .map((stack) => {
      const lock = lockFiles[stack];
      if (lock === undefined) return { stack, status: "missing", problems: [] };
      const problems = lockProblems(requiredProviders(documents[stack] ?? {}), lock);
      return { stack, status: problems.length > 0 ? "outdated" : "placed", problems };
    });
}

/** The notice lines for stacks without a fitting lock file ([] when every stack has one). */
export function lockNotices(status: readonly LockPlacement[]): string[] {
  const missing = status.filter((s) => s.status === "missing").map((s) => s.stack);
  const outdated = status.filter((s) => s.status === "outdated");
  return [
    ...(missing.length > 0
      ? [
          `no provider lock file for ${missing.join(", ")}: providers are resolved from the registry on every run; run the provider-locks workflow (docs/ci.md#provider-lock-files)`,
        ]
      : []),
    ...outdated.map(
      (s) => `${s.stack}: the lock file is outdated (${s.problems.join("; ")}), not used; run the provider-locks workflow to refresh it`,
    ),
  ];
}

if (require.main === module) {
  const root = join(__dirname, "..", "..");
  const outdir = process.env.CDKTF_OUTDIR ?? join(root, "cdktf.out");
  const lockDir = join(root, LOCK_DIR);
  const [command, ...args] = process.argv.slice(2);
  try {
    const manifest = readManifest(outdir);
    if (command === "status") {
      const lockFiles = Object.fromEntries(
        Object.keys(manifest.stacks)
          .filter((stack) => existsSync(join(lockDir, lockFileName(stack))))
          .map((stack) => [stack, readFileSync(join(lockDir, lockFileName(stack)), "utf8")]),
      );
      const status = lockStatus(manifest, readStackDocuments(outdir, manifest), lockFiles);
      for (const s of status) console.log(`${s.stack}: ${s.status}${s.problems.length > 0 ? ` (${s.problems.join("; ")})` : ""}`);
      for (const notice of lockNotices(status))
        console.log(args.includes("--github") ? `::notice title=provider lock files::${notice}` : `notice: ${notice}`);
    } else if (command === "commands") {
      for (const { directory, args: tfArgs } of lockCommands(manifest, relative(process.cwd(), outdir) || ".")) {
        console.log(`(cd ${directory} && rm -f .terraform.lock.hcl && terraform ${tfArgs.join(" ")})`);
      }
      console.log(`# then copy each cdktf.out/stacks/<stack>/.terraform.lock.hcl to ${LOCK_DIR}/<stack>.terraform.lock.hcl`);
    } else if (command === "generate") {
      mkdirSync(lockDir, { recursive: true });
      const commands = lockCommands(manifest, outdir);
      for (const { stack, directory, args: tfArgs } of commands) {
        rmSync(join(directory, ".terraform.lock.hcl"), { force: true });
        console.log(`${stack}: terraform ${tfArgs.join(" ")}`);
        const result = spawnSync("terraform", [...tfArgs], { cwd: directory, stdio: "inherit" });
        if (result.error) throw new Error(`could not run terraform (${result.error.message}); install Terraform >= 1.10`);
        if (result.status !== 0) throw new Error(`terraform providers lock failed for ${stack}; see above`);
        copyFileSync(join(directory, ".terraform.lock.hcl"), join(lockDir, lockFileName(stack)));
      }
      const current = new Set(commands.map((c) => lockFileName(c.stack)));
      for (const file of readdirSync(lockDir).filter((f) => f.endsWith(".terraform.lock.hcl") && !current.has(f))) {
        console.log(`${file}: its stack is no longer synthesized, removed`);
        rmSync(join(lockDir, file));
      }
    } else {
      throw new Error("usage: npm run provider-locks -- status [--github] | generate | commands");
    }
  } catch (error) {
    process.stderr.write(`provider-locks: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
