/** What the project needs to know about an EC2 instance type: size for kubelet sizing, ENI limit for max pods. */
export interface InstanceTypeFacts {
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly architecture: "x86_64" | "arm64";
  /**
   * Pods per node with the VPC CNI without prefix delegation: ENIs x (IPv4 per ENI - 1) + 2, as in the
   * EKS AMI's eni-max-pods.txt.
   */
  readonly maxPods: number;
}

// Curated: general purpose (m), compute (c) and memory (r) families of the last generations in two sizes,
// Intel, AMD and Graviton. Spot groups pick several of one row-size so any of them can replace another.
// Figures from the EC2 instance type pages and the EKS AMI eni-max-pods.txt; extend the table to allow more.
const LARGE = { maxPods: 29 } as const; // 3 ENIs x 10 IPv4
const XLARGE = { maxPods: 58 } as const; // 4 ENIs x 15 IPv4
const XXLARGE = { maxPods: 58 } as const; // 4 ENIs x 15 IPv4

function family(names: readonly string[], architecture: "x86_64" | "arm64", memoryPerVcpuMiB: number): [string, InstanceTypeFacts][] {
  return names.flatMap((name) => [
    [`${name}.large`, { vcpus: 2, memoryMiB: 2 * memoryPerVcpuMiB, architecture, ...LARGE }],
    [`${name}.xlarge`, { vcpus: 4, memoryMiB: 4 * memoryPerVcpuMiB, architecture, ...XLARGE }],
    [`${name}.2xlarge`, { vcpus: 8, memoryMiB: 8 * memoryPerVcpuMiB, architecture, ...XXLARGE }],
  ]);
}

export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeFacts>> = Object.fromEntries([
  ...family(["m5", "m5a", "m6i", "m6a", "m7i", "m7a"], "x86_64", 4096),
  ...family(["c5", "c5a", "c6i", "c6a", "c7i", "c7a"], "x86_64", 2048),
  ...family(["r5", "r5a", "r6i", "r6a", "r7i", "r7a"], "x86_64", 8192),
  ...family(["m6g", "m7g"], "arm64", 4096),
  ...family(["c6g", "c7g"], "arm64", 2048),
  ...family(["r6g", "r7g"], "arm64", 8192),
]);

export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_TYPES).sort();

/** Facts of a known instance type, or undefined. */
export function instanceTypeFacts(name: string): InstanceTypeFacts | undefined {
  return Object.hasOwn(INSTANCE_TYPES, name) ? INSTANCE_TYPES[name] : undefined;
}

/**
 * Why a list of instance types cannot form one spot group, or undefined if it can: every type known,
 * listed once, and all of the same vCPU count, memory and architecture, so the scheduler's view of a
 * node and the kubelet reservations hold whichever type spot capacity supplies.
 */
export function sameSizeProblem(names: readonly string[]): string | undefined {
  const unknown = names.filter((name) => !instanceTypeFacts(name));
  if (unknown.length > 0) {
    const families = [...new Set(INSTANCE_TYPE_NAMES.map((name) => name.split(".")[0]))].join(", ");
    return `${unknown.join(", ")} not in the curated table of lib/eks/instance-types.ts (${families}; sizes large, xlarge, 2xlarge); add a type there with its vCPUs, memory and max pods`;
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) return `lists ${duplicate} twice; each type once`;
  const facts = names.map((name) => instanceTypeFacts(name)!);
  const shape = (f: InstanceTypeFacts) => `${f.vcpus} vCPU / ${f.memoryMiB / 1024} GiB / ${f.architecture}`;
  const shapes = [...new Set(facts.map(shape))];
  if (shapes.length > 1) {
    return `mixes sizes (${names.map((name, i) => `${name}: ${shape(facts[i]!)}`).join(", ")}); use types of one size and architecture, e.g. m5.large, m5a.large, m6i.large, m7i.large`;
  }
  return undefined;
}
