import type { InstanceTypeFacts } from "./instance-types";

/** Kubelet resource reservations and hard eviction thresholds for one node size (lesson 6 of the field notes). */
export interface KubeletReservations {
  /** For the kubelet and the container runtime. */
  readonly kubeReserved: { readonly cpu: string; readonly memory: string; readonly "ephemeral-storage": string };
  /** For the OS daemons (systemd, journald, sshd, the SSM agent). */
  readonly systemReserved: { readonly cpu: string; readonly memory: string; readonly "ephemeral-storage": string };
  /** The kubelet evicts pods before the node itself runs out. */
  readonly evictionHard: Readonly<Record<string, string>>;
  /** What the scheduler can place on the node: capacity minus both reservations minus the eviction threshold. */
  readonly allocatable: { readonly cpuMillicores: number; readonly memoryMiB: number };
}

/** Flat reservation for the OS daemons, as the Kubernetes "Reserve Compute Resources" page sizes it. */
export const SYSTEM_RESERVED = { cpuMillicores: 100, memoryMiB: 100, ephemeralStorage: "1Gi" } as const;
/** Hard eviction thresholds of the kubelet's own defaults and GKE, made explicit so no AMI change moves them. */
export const EVICTION_HARD = {
  "memory.available": "100Mi",
  "nodefs.available": "10%",
  "nodefs.inodesFree": "5%",
  "imagefs.available": "15%",
} as const;
const EVICTION_MEMORY_MIB = 100;

/**
 * kube-reserved CPU as the EKS AMI (and GKE) compute it: 6 % of the first core, 1 % of the second,
 * 0.5 % of the third and fourth, 0.25 % of every core above four.
 */
export function kubeReservedCpuMillicores(vcpus: number): number {
  const tiers: [cores: number, share: number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Number.POSITIVE_INFINITY, 0.0025],
  ];
  let remaining = vcpus;
  let millicores = 0;
  for (const [cores, share] of tiers) {
    const used = Math.min(remaining, cores);
    millicores += used * 1000 * share;
    remaining -= used;
    if (remaining <= 0) break;
  }
  return Math.round(millicores);
}

/**
 * kube-reserved memory as the EKS AMI computes it: 255 MiB plus 11 MiB per pod the node can run, so
 * it grows with pod density (the kubelet's and the runtime's per-pod overhead), not with RAM.
 */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 255 + 11 * maxPods;
}

/** Reservations and eviction thresholds for a node of this size. Pure: same input, same output. */
export function kubeletReservations(instance: Pick<InstanceTypeFacts, "vcpus" | "memoryMiB" | "maxPods">): KubeletReservations {
  const kubeCpu = kubeReservedCpuMillicores(instance.vcpus);
  const kubeMemory = kubeReservedMemoryMiB(instance.maxPods);
  return {
    kubeReserved: { cpu: `${kubeCpu}m`, memory: `${kubeMemory}Mi`, "ephemeral-storage": "1Gi" },
    systemReserved: {
      cpu: `${SYSTEM_RESERVED.cpuMillicores}m`,
      memory: `${SYSTEM_RESERVED.memoryMiB}Mi`,
      "ephemeral-storage": SYSTEM_RESERVED.ephemeralStorage,
    },
    evictionHard: { ...EVICTION_HARD },
    allocatable: {
      cpuMillicores: instance.vcpus * 1000 - kubeCpu - SYSTEM_RESERVED.cpuMillicores,
      memoryMiB: instance.memoryMiB - kubeMemory - SYSTEM_RESERVED.memoryMiB - EVICTION_MEMORY_MIB,
    },
  };
}
