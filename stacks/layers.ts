/** The layers of an environment, in dependency order; stack names are `<env>-<layer>` (design.md contract 1). */
export const LAYERS = ["network", "ecs", "eks", "eks-addons"] as const;

export type Layer = (typeof LAYERS)[number];

/** `<env>-<layer>` split at the longest layer suffix (`dev-eks-addons` is eks-addons, not eks); undefined for other names. */
export function splitStackName(stack: string): { environment: string; layer: Layer } | undefined {
  const byLength = [...LAYERS].sort((a, b) => b.length - a.length);
  const layer = byLength.find((l) => stack.endsWith(`-${l}`) && stack.length > l.length + 1);
  return layer ? { environment: stack.slice(0, -(layer.length + 1)), layer } : undefined;
}

/** Whether `stackName` is one of environment `environmentName`'s stacks (exact, so "dev" never claims "dev-eu-network"). */
export function isStackOf(stackName: string, environmentName: string): boolean {
  return LAYERS.some((layer) => stackName === `${environmentName}-${layer}`);
}
