// Fargate's allowed task sizes (Linux, platform 1.4.0): each CPU value takes memory from a fixed range.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size

interface MemoryRange {
  readonly minMiB: number;
  readonly maxMiB: number;
  readonly stepMiB: number;
  /** Explicit list where the range is not a regular step (256 CPU units). */
  readonly values?: readonly number[];
}

/** CPU units -> allowed memory (MiB). */
export const FARGATE_TASK_SIZES: Readonly<Record<number, MemoryRange>> = {
  256: { minMiB: 512, maxMiB: 2048, stepMiB: 1024, values: [512, 1024, 2048] },
  512: { minMiB: 1024, maxMiB: 4096, stepMiB: 1024 },
  1024: { minMiB: 2048, maxMiB: 8192, stepMiB: 1024 },
  2048: { minMiB: 4096, maxMiB: 16384, stepMiB: 1024 },
  4096: { minMiB: 8192, maxMiB: 30720, stepMiB: 1024 },
  8192: { minMiB: 16384, maxMiB: 61440, stepMiB: 4096 },
  16384: { minMiB: 32768, maxMiB: 122880, stepMiB: 8192 },
};

export const FARGATE_CPU_UNITS = Object.keys(FARGATE_TASK_SIZES).map(Number);

/** Platform version every service runs: LATEST resolves to 1.4.0 for Linux tasks. */
export const FARGATE_PLATFORM_VERSION = "LATEST";
const FARGATE_LATEST_LINUX_PLATFORM = "1.4.0";

/**
 * Oldest Linux platform version on which FARGATE_SPOT runs each architecture (ECS API model,
 * CapacityProviderStrategyItem: X86_64 on 1.3.0 or later, ARM64 on 1.4.0 or later since September 2024).
 */
export const FARGATE_SPOT_MIN_PLATFORM: Readonly<Record<"X86_64" | "ARM64", string>> = { X86_64: "1.3.0", ARM64: "1.4.0" };

function platformAtLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => (v === "LATEST" ? FARGATE_LATEST_LINUX_PLATFORM : v).split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
}

/** Why FARGATE_SPOT cannot run this architecture on this platform version, or undefined when it can. */
export function fargateSpotProblem(cpuArchitecture: "X86_64" | "ARM64", platformVersion: string): string | undefined {
  const minimum = FARGATE_SPOT_MIN_PLATFORM[cpuArchitecture];
  if (platformAtLeast(platformVersion, minimum)) return undefined;
  return `FARGATE_SPOT runs ${cpuArchitecture} tasks on platform version ${minimum} or later, and the service runs ${platformVersion}; use platform version ${minimum} or LATEST, or give FARGATE_SPOT no weight`;
}

/** Fargate stops a task with SIGKILL at most this long after SIGTERM (the container stopTimeout maximum). */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

function memoryValues(range: MemoryRange): number[] {
  if (range.values) return [...range.values];
  const values: number[] = [];
  for (let m = range.minMiB; m <= range.maxMiB; m += range.stepMiB) values.push(m);
  return values;
}

/** Human summary of the memory a CPU size takes: "512, 1024 or 2048" or "2048 to 8192 in steps of 1024". */
export function allowedMemoryText(cpu: number): string {
  const range = FARGATE_TASK_SIZES[cpu];
  if (!range) return `none (cpu must be one of ${FARGATE_CPU_UNITS.join(", ")})`;
  if (range.values) return `${range.values.slice(0, -1).join(", ")} or ${range.values.at(-1)}`;
  return `${range.minMiB} to ${range.maxMiB} in steps of ${range.stepMiB}`;
}

/** Why a cpu/memory pair is not a Fargate task size, or undefined when it is. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const range = FARGATE_TASK_SIZES[cpu];
  if (!range) return `cpu ${cpu} is not a Fargate size; use one of ${FARGATE_CPU_UNITS.join(", ")} CPU units`;
  if (memoryValues(range).includes(memoryMiB)) return undefined;
  return `${memoryMiB} MiB is not a Fargate size for cpu ${cpu}, and ECS rejects the task definition; with cpu ${cpu} use ${allowedMemoryText(cpu)} MiB`;
}
