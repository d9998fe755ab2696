import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { EcsStack } from "./ecs-stack";
import type { EnvironmentStack } from "./environment-stack";
import { NetworkStack } from "./network-stack";

/** Every layer stack of one environment, in dependency order; main.ts and the tests both build through this. */
export function addEnvironmentStacks(scope: Construct, environment: EnvironmentConfig): EnvironmentStack[] {
  const network = new NetworkStack(scope, { environment });
  const stacks: EnvironmentStack[] = [network];
  if (environment.ecs) stacks.push(new EcsStack(scope, { environment, network: network.outputs }));
  return stacks;
}
