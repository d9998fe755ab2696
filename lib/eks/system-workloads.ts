import { instanceTypeFacts } from "./instance-types";
import { kubeletReservations } from "./kubelet-reservations";

/** Requests of one workload that runs on the system node group. */
export interface SystemWorkload {
  readonly name: string;
  readonly kind: "Deployment" | "DaemonSet";
  readonly replicas: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/**
 * What runs on the system node group and what it requests (per replica), from the add-ons' default
 * manifests and the termination handler values this project sets. DaemonSets take their share of every node.
 */
export const COREDNS: SystemWorkload = { name: "coredns", kind: "Deployment", replicas: 2, cpuMillicores: 100, memoryMiB: 70 };
/**
 * Counted at its default 2 replicas whether or not a handler runs; eks.terminationHandler.replicas (up
 * to 5) adds at most 150m and 192 MiB, which every instance type in lib/eks/instance-types.ts holds.
 */
export const TERMINATION_HANDLER: SystemWorkload = {
  name: "aws-node-termination-handler",
  kind: "Deployment",
  replicas: 2,
  cpuMillicores: 50,
  memoryMiB: 64,
};

export const SYSTEM_WORKLOADS: readonly SystemWorkload[] = [
  COREDNS,
  TERMINATION_HANDLER,
  { name: "aws-node (vpc-cni)", kind: "DaemonSet", replicas: 1, cpuMillicores: 25, memoryMiB: 0 },
  { name: "kube-proxy", kind: "DaemonSet", replicas: 1, cpuMillicores: 100, memoryMiB: 0 },
  { name: "eks-pod-identity-agent", kind: "DaemonSet", replicas: 1, cpuMillicores: 25, memoryMiB: 64 },
];

/**
 * Why `minSize` nodes of `instanceType` cannot carry the system workloads after losing one node, or
 * undefined if they can. Two nodes at least: one node is a single point of failure for cluster DNS.
 */
export function systemCapacityProblem(instanceType: string, minSize: number): string | undefined {
  if (minSize < 2) return `must be at least 2: with one system node, losing it stops cluster DNS and the termination handler`;
  const facts = instanceTypeFacts(instanceType);
  if (!facts) return undefined;
  const { allocatable } = kubeletReservations(facts);
  const daemonSets = SYSTEM_WORKLOADS.filter((w) => w.kind === "DaemonSet");
  const deployments = SYSTEM_WORKLOADS.filter((w) => w.kind === "Deployment");
  const perNodeCpu = allocatable.cpuMillicores - daemonSets.reduce((sum, w) => sum + w.cpuMillicores, 0);
  const perNodeMemory = allocatable.memoryMiB - daemonSets.reduce((sum, w) => sum + w.memoryMiB, 0);
  const needCpu = deployments.reduce((sum, w) => sum + w.replicas * w.cpuMillicores, 0);
  const needMemory = deployments.reduce((sum, w) => sum + w.replicas * w.memoryMiB, 0);
  const survivors = minSize - 1;
  if (survivors * perNodeCpu < needCpu || survivors * perNodeMemory < needMemory) {
    return `${minSize} x ${instanceType} cannot hold the system workloads (${needCpu}m CPU, ${needMemory} MiB) after losing one node; raise minSize or use a larger type`;
  }
  return undefined;
}
