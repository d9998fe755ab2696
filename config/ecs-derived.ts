import { DEFAULT_DEREGISTRATION_DELAY_SECONDS } from "../lib/load-balancer/draining";
import type { EcsServiceSettings } from "./ecs";

// Values of a service that follow from several of its settings; the guards and the ecs stack read them here.

/** The service's deregistration delay: its own, or the default of its load balancer kind (0 for a worker: nothing to deregister from). */
export function deregistrationDelaySeconds(service: EcsServiceSettings): number {
  if (service.loadBalancer === "none") return 0;
  return service.deregistrationDelaySeconds ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS[service.loadBalancer];
}

/** The fewest tasks a service can be scaled to: its minimum, or a schedule's smaller minimum or maximum. */
export function minTasks(service: EcsServiceSettings): number {
  const bounds = service.scaling.schedules.flatMap((s) => [s.minCapacity, s.maxCapacity]).filter((b) => b !== undefined);
  return Math.min(service.scaling.minCapacity, ...bounds);
}

/** The most tasks a service can run: its maximum, or a schedule's larger maximum. */
export function maxTasks(service: EcsServiceSettings): number {
  return Math.max(service.scaling.maxCapacity, ...service.scaling.schedules.map((s) => s.maxCapacity ?? 0));
}
