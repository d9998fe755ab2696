/** The cause of a failed terraform or cdktf run from its output, or undefined when none of the known ones. */
export function failureCause(output: string): string | undefined;
export function stripAnsi(text: string): string;
/** Runs a command with its output shown (plain text unless on a terminal) and kept. */
export function runShown(
  command: string,
  args: readonly string[],
  options?: import("node:child_process").SpawnOptions,
): Promise<{ status: number | null; output: string; error?: Error }>;
/** "likely no AWS credentials" when no credential source is configured at all; undefined otherwise. */
export function missingCredentialsHint(env?: NodeJS.ProcessEnv, home?: string): string | undefined;
