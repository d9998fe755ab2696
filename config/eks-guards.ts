import { nodeImageReleaseProblem } from "../lib/eks/node-image";

// Cross-field guards of the `eks:` node groups that issue #17 added (items 12 and 13). Pure functions
// from settings to problems (path relative to `eks`), reported by the schema's superRefine in the
// contract format and table-tested directly.

export interface EksProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** What the guards read of the `eks:` section. */
export interface EksNodeSettings {
  readonly version: string;
  readonly amiReleaseVersion: string;
  readonly allowAllGroupsTainted: boolean;
  readonly managedSpotNodeGroups: readonly { readonly name: string; readonly tainted: boolean }[];
  readonly selfManagedSpotNodeGroups: readonly { readonly name: string; readonly tainted: boolean }[];
}

/** The AMI release must parse and be built for the cluster's Kubernetes minor version (kubelet skew). */
export function amiReleaseProblems(eks: EksNodeSettings): EksProblem[] {
  const problem = nodeImageReleaseProblem(eks.amiReleaseVersion, eks.version);
  return problem ? [{ path: ["amiReleaseVersion"], message: problem }] : [];
}

/**
 * A pod without tolerations (metrics-server, a load balancer controller, most applications) schedules only
 * on an untainted node. The system group is always tainted, so some spot group must be untainted, or the
 * configuration says on purpose that every workload tolerates a taint.
 */
export function untaintedGroupProblems(eks: EksNodeSettings): EksProblem[] {
  const groups = [...eks.managedSpotNodeGroups, ...eks.selfManagedSpotNodeGroups];
  if (eks.allowAllGroupsTainted || groups.some((g) => !g.tainted)) return [];
  const names = ["system (CriticalAddonsOnly)", ...groups.map((g) => `${g.name} (node-lifecycle=spot)`)].join(", ");
  return [
    {
      path: ["allowAllGroupsTainted"],
      message: `every node group is tainted (${names}), so a pod without tolerations stays Pending; set tainted: false on a spot group (managedSpotNodeGroups first: EKS drains those itself), or set allowAllGroupsTainted: true if every workload tolerates a taint on purpose`,
    },
  ];
}

export function eksNodeProblems(eks: EksNodeSettings): EksProblem[] {
  return [...amiReleaseProblems(eks), ...untaintedGroupProblems(eks)];
}
