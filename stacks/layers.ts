/** The layers of an environment, in dependency order; stack names are `<env>-<layer>` (design.md contract 1). */
export const LAYERS = ["network", "ecs", "eks", "eks-addons"] as const;

export type Layer = (typeof LAYERS)[number];

/** Whether `stackName` is one of environment `environmentName`'s stacks (exact, so "dev" never claims "dev-eu-network"). */
export function isStackOf(stackName: string, environmentName: string): boolean {
  return LAYERS.some((layer) => stackName === `${environmentName}-${layer}`);
}
