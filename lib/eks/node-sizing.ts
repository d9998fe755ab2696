import { type InstanceTypeFacts, instanceTypeFacts, sameSizeProblem } from "./instance-types";

/**
 * The one size all instance types of a group share, or a problem to report. Kubelet reservations
 * and max pods are written once per launch template, so every type must agree on them.
 */
export function groupSize(instanceTypes: readonly string[]): InstanceTypeFacts | string {
  if (instanceTypes.length === 0) return "instanceTypes: give at least one instance type";
  const problem = sameSizeProblem(instanceTypes);
  if (problem) return `instanceTypes: ${problem}`;
  return instanceTypeFacts(instanceTypes[0]!)!;
}
