import { scheduleMatcher } from "./cron";
import type { PriceTable } from "./price-table";
import { block, bodies, type Resources, referencedName } from "./stack-resources";
import type { Body, CostLine } from "./types";
import { type Capacity, clamp, integrateWeek, type TimedAction } from "./week";

/**
 * Fargate services: vCPU and memory per task x tasks over the week. Tasks follow the service's
 * Application Auto Scaling target through its scheduled actions (in their time zones): an action sets the
 * bounds and the desired count is clamped into them. A service with scaling policies is assumed at its
 * minimum (baseline load: the estimate is the floor, scale-out costs more); without policies the desired
 * count only moves when a bound pushes it.
 */
export function fargateLines(resources: Resources, table: PriceTable, weekStartMs: number, warnings: string[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const [name, service] of bodies(resources, "aws_ecs_service")) {
    if (service.launch_type === "EC2" || service.launch_type === "EXTERNAL") {
      warnings.push(
        `aws_ecs_service.${name}: launch type ${String(service.launch_type)}: its tasks run on instances priced elsewhere, if at all`,
      );
      continue;
    }
    const taskName = referencedName(service.task_definition, "aws_ecs_task_definition");
    const task = taskName ? resources.aws_ecs_task_definition?.[taskName] : undefined;
    if (!task) {
      warnings.push(`aws_ecs_service.${name}: task definition not in the stack, not priced`);
      continue;
    }
    const vcpu = Number(task.cpu) / 1024;
    const gb = Number(task.memory) / 1024;
    const arm = block(task.runtime_platform)?.cpu_architecture === "ARM64";
    const p = table.prices;
    const perTaskHour =
      vcpu * (arm ? p.fargateVcpuHourArm : p.fargateVcpuHourX86).price + gb * (arm ? p.fargateGbHourArm : p.fargateGbHourX86).price;
    const [discountLow, discountHigh] = table.assumptions.fargateSpotDiscount.value;

    const [targetName, target] =
      bodies(resources, "aws_appautoscaling_target").find(([, t]) => referencedName(t.resource_id, "aws_ecs_service") === name) ?? [];
    const ofTarget = (type: string) =>
      targetName
        ? bodies(resources, type).filter(([, b]) => referencedName(b.resource_id, "aws_appautoscaling_target") === targetName)
        : [];
    const policies = ofTarget("aws_appautoscaling_policy").length > 0;
    const scheduled = ofTarget("aws_appautoscaling_scheduled_action").map(([, b]) => b);

    const desiredCount = Number(service.desired_count ?? 0);
    const min = target ? Number(target.min_capacity) : desiredCount;
    const max = target ? Number(target.max_capacity) : desiredCount;
    const initial: Capacity = { min, max, desired: policies ? min : clamp(desiredCount, min, max) };
    const actions: TimedAction<Capacity>[] = [];
    for (const action of scheduled) {
      try {
        actions.push(scheduledAction(action, policies));
      } catch (error) {
        warnings.push(`aws_appautoscaling_scheduled_action ${String(action.name)}: ${(error as Error).message}; left out of the estimate`);
      }
    }
    const split = spotSplit(service);
    // A larger discount is the lower cost: the range runs from the deepest discount to the shallowest.
    const costPerHour = (discount: number) => (c: Capacity) => {
      const spot = split(c.desired);
      return (c.desired - spot) * perTaskHour + spot * perTaskHour * (1 - discount);
    };
    const weekHours = 168;
    const taskHours = integrateWeek(initial, actions, (c) => c.desired, weekStartMs);
    const month = (discount: number) =>
      (integrateWeek(initial, actions, costPerHour(discount), weekStartMs) * table.hoursPerMonth) / weekHours;
    const monthly = { low: month(discountHigh), high: month(discountLow) };
    // The ceiling: the maximum in effect at each hour (the target's, or the one a schedule set), what scale-out
    // can reach; a maximum that a schedule owns follows the schedule, as it does in AWS (ignore_changes).
    const atMax = (discount: number) =>
      (integrateWeek(initial, actions, (c) => costPerHour(discount)({ ...c, desired: c.max }), weekStartMs) * table.hoursPerMonth) /
      weekHours;
    const ceiling = { low: atMax(discountHigh), high: atMax(discountLow) };
    const spotShare = split(1000) / 1000;
    lines.push({
      kind: "Fargate service",
      name: String(service.name ?? name),
      count: round2(taskHours / weekHours),
      unitPrice: round6(perTaskHour),
      unit: "task-hour",
      monthly,
      ceiling,
      detail: [
        `${vcpu} vCPU, ${gb} GB, ${arm ? "ARM64" : "x86"}; average tasks over the week`,
        spotShare > 0 ? `FARGATE_SPOT share at -${Math.round(discountLow * 100)}% to -${Math.round(discountHigh * 100)}%` : "",
        scheduled.length > 0 ? `schedules: ${scheduled.map((s) => `${s.schedule} ${s.timezone ?? "UTC"}`).join("; ")}` : "",
        policies ? "at the minimum between schedules (scaling policies, baseline load)" : "",
      ]
        .filter(Boolean)
        .join("; "),
      schedules: scheduled
        .map((s) => `${s.schedule} ${s.timezone ?? "UTC"} ${JSON.stringify(s.scalable_target_action)}`)
        .sort()
        .join("\n"),
    });
  }
  return lines;
}

function scheduledAction(action: Body, policies: boolean): TimedAction<Capacity> {
  const bounds = block(action.scalable_target_action) ?? {};
  const setMin = bounds.min_capacity === undefined ? undefined : Number(bounds.min_capacity);
  const setMax = bounds.max_capacity === undefined ? undefined : Number(bounds.max_capacity);
  return {
    matcher: scheduleMatcher(String(action.schedule)),
    zone: typeof action.timezone === "string" ? action.timezone : "UTC",
    apply: (c) => {
      const min = setMin ?? c.min;
      const max = setMax ?? c.max;
      return { min, max, desired: policies ? min : clamp(c.desired, min, max) };
    },
  };
}

/** How many of `tasks` run on FARGATE_SPOT: the base goes first (to the provider that has it), the rest by weight. */
function spotSplit(service: Body): (tasks: number) => number {
  const strategy = (Array.isArray(service.capacity_provider_strategy) ? service.capacity_provider_strategy : []) as Body[];
  if (strategy.length === 0) return () => 0;
  const weight = (p: Body) => Number(p.weight ?? 0);
  const total = strategy.reduce((n, p) => n + weight(p), 0);
  const spot = strategy.filter((p) => p.capacity_provider === "FARGATE_SPOT");
  const spotWeight = spot.reduce((n, p) => n + weight(p), 0);
  const base = strategy.reduce((n, p) => n + Number(p.base ?? 0), 0);
  const spotBase = spot.reduce((n, p) => n + Number(p.base ?? 0), 0);
  return (tasks) => {
    const inBase = Math.min(tasks, base);
    const spotInBase = Math.min(inBase, spotBase);
    return spotInBase + (total > 0 ? ((tasks - inBase) * spotWeight) / total : 0);
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
