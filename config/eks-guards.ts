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

/** What the bounds guard reads of a node group: its bounds and its schedules' sizes. */
export interface ScheduledNodeGroup {
  readonly minSize: number;
  readonly maxSize: number;
  readonly schedules: readonly { readonly minSize: number; readonly maxSize: number; readonly widenBounds?: boolean }[];
}

/**
 * A schedule stays inside its group's minSize..maxSize unless it says otherwise (widenBounds), like an ECS
 * service's schedules (config/ecs-guards.ts): the group's maximum is the ceiling budgets and quotas count
 * (lesson 7), and a lower floor must not arrive by accident. Paths are relative to the group.
 */
export function scheduleBoundsProblems(group: ScheduledNodeGroup): EksProblem[] {
  const problems: EksProblem[] = [];
  group.schedules.forEach((schedule, i) => {
    if (schedule.widenBounds) return;
    if (schedule.minSize < group.minSize) {
      problems.push({
        path: ["schedules", i, "minSize"],
        message: `${schedule.minSize} is below the group's minSize (${group.minSize}); set widenBounds: true if the schedule lowers the floor on purpose`,
      });
    }
    if (schedule.maxSize > group.maxSize) {
      problems.push({
        path: ["schedules", i, "maxSize"],
        message: `${schedule.maxSize} is above the group's maxSize (${group.maxSize}); raise maxSize or set widenBounds: true if the schedule raises the ceiling on purpose (budgets count it)`,
      });
    }
  });
  return problems;
}

export function eksNodeProblems(eks: EksNodeSettings): EksProblem[] {
  return [...amiReleaseProblems(eks), ...untaintedGroupProblems(eks)];
}
