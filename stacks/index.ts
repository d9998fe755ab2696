import type { Construct } from "constructs";
import type { CredentialsMode } from "../config/credentials";
import type { EnvironmentConfig } from "../config/schema";
import { EcsStack } from "./ecs-stack";
import { EksAddonsStack } from "./eks-addons-stack";
import { EksStack } from "./eks-stack";
import type { EnvironmentStack } from "./environment-stack";
import { NetworkStack } from "./network-stack";

/** Every layer stack of one environment, in dependency order; main.ts and the tests both build through this. */
export function addEnvironmentStacks(
  scope: Construct,
  environment: EnvironmentConfig,
  options: { readonly credentials?: CredentialsMode } = {},
): EnvironmentStack[] {
  const common = { environment, credentials: options.credentials };
  const network = new NetworkStack(scope, common);
  const stacks: EnvironmentStack[] = [network];
  if (environment.ecs) stacks.push(new EcsStack(scope, { ...common, network: network.outputs }));
  if (environment.eks) {
    const eks = new EksStack(scope, { ...common, network: network.outputs });
    stacks.push(eks);
    // The termination handler only where a self-managed spot group needs it (field notes, lesson 3).
    if (environment.eks.selfManagedSpotNodeGroups.length > 0) stacks.push(new EksAddonsStack(scope, { ...common, eks }));
  }
  return stacks;
}
