// Provider lock files, one per stack, kept in the repository (terraform-locks/<stack>.terraform.lock.hcl) and
// copied next to each stack's cdk.tf.json at synth, where `terraform init` (cdktf deploy, npm run plan, CI)
// reads them: every run installs the provider builds whose hashes were reviewed, not whatever the registry
// serves that day. They are generated on GitHub (.github/workflows/provider-locks.yml, `terraform providers
// lock`), where the registry is reachable. A missing or outdated lock file is a notice, never a failure.
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Where the lock files live, relative to the project root. */
export const LOCK_DIR = "terraform-locks";

/** The platforms every lock file holds hashes for: CI runners and the machines people deploy from. */
export const LOCK_PLATFORMS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"] as const;

export function lockFileName(stack: string): string {
  return `${stack}.terraform.lock.hcl`;
}

/** `aws` -> `registry.terraform.io/hashicorp/aws`, `hashicorp/helm` -> `registry.terraform.io/hashicorp/helm`. */
export function providerAddress(source: string): string {
  const parts = source.split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${source}`;
  if (parts.length === 2) return `registry.terraform.io/${source}`;
  return source;
}

/** The exact provider versions a stack requires (cdktf pins them), by registry address. */
export function requiredProviders(document: { terraform?: Record<string, unknown> }): Record<string, string> {
  const required = (document.terraform?.required_providers ?? {}) as Record<string, { source?: string; version?: string }>;
  return Object.fromEntries(
    Object.entries(required).map(([name, { source, version }]) => [providerAddress(source ?? name), version ?? ""]),
  );
}

/** The provider versions a lock file pins, by registry address. */
export function lockedVersions(lockFile: string): Record<string, string> {
  const locked: Record<string, string> = {};
  for (const block of lockFile.matchAll(/provider\s+"([^"]+)"\s*\{([^}]*)\}/g)) {
    const version = /^\s*version\s*=\s*"([^"]+)"/m.exec(block[2]!)?.[1];
    if (version) locked[block[1]!] = version;
  }
  return locked;
}

/** Why a lock file does not fit a stack (a provider missing, or locked at another version); [] when it fits. */
export function lockProblems(required: Readonly<Record<string, string>>, lockFile: string): string[] {
  const locked = lockedVersions(lockFile);
  return Object.entries(required).flatMap(([address, version]) => {
    if (!(address in locked)) return [`${address} is not in the lock file`];
    return locked[address] === version ? [] : [`${address} is locked at ${locked[address]} but the stack requires ${version}`];
  });
}

export interface LockPlacement {
  readonly stack: string;
  /** placed: copied next to cdk.tf.json; missing: no lock file yet; outdated: it does not fit (see problems), not copied. */
  readonly status: "placed" | "missing" | "outdated";
  readonly problems: readonly string[];
}

/**
 * Copies `<lockDir>/<stack>.terraform.lock.hcl` into each stack folder of the synth output when it fits the
 * stack's required providers. An outdated one is left out: `terraform init` would refuse it (a version bump
 * waits for the lock-file workflow), and without it Terraform resolves the pinned version itself.
 */
export function placeLockFiles(
  lockDir: string,
  outdir: string,
  stacks: Readonly<Record<string, { readonly workingDirectory: string }>>,
): LockPlacement[] {
  return Object.keys(stacks)
    .sort()
    .map((stack) => {
      const source = join(lockDir, lockFileName(stack));
      if (!existsSync(source)) return { stack, status: "missing", problems: [] };
      const folder = join(outdir, stacks[stack]!.workingDirectory);
      const document = JSON.parse(readFileSync(join(folder, "cdk.tf.json"), "utf8")) as { terraform?: Record<string, unknown> };
      const lock = readFileSync(source, "utf8");
      const problems = lockProblems(requiredProviders(document), lock);
      const placed = join(folder, ".terraform.lock.hcl");
      if (problems.length > 0) {
        // A copy from an earlier synth would make `terraform init` refuse the new version; Terraform's own lock stays.
        if (existsSync(placed) && readFileSync(placed, "utf8") === lock) rmSync(placed);
        return { stack, status: "outdated", problems };
      }
      copyFileSync(source, placed);
      return { stack, status: "placed", problems: [] };
    });
}
