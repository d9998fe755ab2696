import { unixCron } from "./cron";
import type { PriceTable } from "./price-table";
import { block, bodies, type Resources, referencedName } from "./stack-resources";
import { type Body, type CostLine, fixed } from "./types";
import { type Capacity, clamp, integrateWeek, type TimedAction } from "./week";

interface Group {
  readonly type: "aws_eks_node_group" | "aws_autoscaling_group";
  readonly address: string;
  readonly name: string;
  readonly size: Capacity;
  readonly instanceTypes: readonly string[];
  /** On-demand instances among `n` (the rest are spot). */
  readonly onDemand: (n: number) => number;
  readonly launchTemplate?: string;
}

/** EKS managed node groups and self-managed Auto Scaling groups of the stack. */
function groupsOf(resources: Resources): Group[] {
  const groups: Group[] = [];
  for (const [name, b] of bodies(resources, "aws_eks_node_group")) {
    const scaling = block(b.scaling_config) ?? {};
    const spot = b.capacity_type === "SPOT";
    groups.push({
      type: "aws_eks_node_group",
      address: name,
      name: String(b.node_group_name ?? name),
      size: { min: Number(scaling.min_size), max: Number(scaling.max_size), desired: Number(scaling.desired_size ?? scaling.min_size) },
      instanceTypes: (b.instance_types as string[] | undefined) ?? ["t3.medium"],
      onDemand: (n) => (spot ? 0 : n),
      launchTemplate: referencedName(block(b.launch_template)?.id, "aws_launch_template"),
    });
  }
  for (const [name, b] of bodies(resources, "aws_autoscaling_group")) {
    const mixed = block(b.mixed_instances_policy);
    const distribution = block(mixed?.instances_distribution) ?? {};
    const template = block(mixed?.launch_template);
    const overrides = ((template?.override as Body[] | undefined) ?? []).map((o) => String(o.instance_type));
    const base = Number(distribution.on_demand_base_capacity ?? 0);
    const above = Number(distribution.on_demand_percentage_above_base_capacity ?? 100) / 100;
    const templateRef = block(template?.launch_template_specification)?.launch_template_id ?? block(b.launch_template)?.id;
    const templateName = referencedName(templateRef, "aws_launch_template");
    const templateType = templateName ? resources.aws_launch_template?.[templateName]?.instance_type : undefined;
    groups.push({
      type: "aws_autoscaling_group",
      address: name,
      name: String(b.name ?? name),
      size: { min: Number(b.min_size), max: Number(b.max_size), desired: Number(b.desired_capacity ?? b.min_size) },
      instanceTypes: overrides.length > 0 ? overrides : templateType ? [String(templateType)] : [],
      onDemand: mixed ? (n) => Math.min(n, base) + (n - Math.min(n, base)) * above : (n) => n,
      launchTemplate: templateName,
    });
  }
  return groups;
}

/**
 * Node groups: instance-hours through the group's scheduled actions (UNIX cron in their time zones), at
 * the desired size (this layer runs no cluster autoscaler, so nodes stay at what the schedule set).
 * On-demand at list price (the first listed type: managed node groups launch them in order), spot as a
 * range of the mean on-demand price of the listed types; gp3 root volumes from the launch template.
 */
export function nodeGroupLines(resources: Resources, table: PriceTable, weekStartMs: number, warnings: string[]): CostLine[] {
  const lines: CostLine[] = [];
  const [spotLow, spotHigh] = table.assumptions.ec2SpotShareOfOnDemand.value;
  for (const group of groupsOf(resources)) {
    const prices = group.instanceTypes.map((t) => table.ec2OnDemandHour.types[t]);
    const missing = group.instanceTypes.filter((_, i) => prices[i] === undefined);
    if (group.instanceTypes.length === 0 || missing.length > 0) {
      const why = `no ${table.region} on-demand price for ${missing.join(", ") || "its instance type"}; add it to tools/review/cost/prices/${table.region}.json`;
      warnings.push(`${group.type}.${group.address}: ${why}`);
      // A line without a price, so a diff reports the group as unknown instead of removed (a false saving).
      lines.push({ kind: nodesKind(group), name: group.name, count: 0, unitPrice: 0, unit: "instance-hour", unpriced: why });
      continue;
    }
    const known = prices as number[];
    const onDemandPrice = known[0]!;
    const spotReference = known.reduce((a, b) => a + b, 0) / known.length;
    const schedules = bodies(resources, "aws_autoscaling_schedule")
      .map(([, s]) => s)
      .filter((s) => referencedName(s.autoscaling_group_name, group.type) === group.address);
    const actions: TimedAction<Capacity>[] = [];
    for (const s of schedules) {
      try {
        actions.push(scheduleAction(s));
      } catch (error) {
        warnings.push(`aws_autoscaling_schedule ${String(s.scheduled_action_name)}: ${(error as Error).message}; left out of the estimate`);
      }
    }
    const initial = { ...group.size, desired: clamp(group.size.desired, group.size.min, group.size.max) };
    const cost = (share: number) => (s: Capacity) =>
      group.onDemand(s.desired) * onDemandPrice + (s.desired - group.onDemand(s.desired)) * spotReference * share;
    const perMonth = (hours: number) => (hours * table.hoursPerMonth) / 168;
    const nodeHours = integrateWeek(initial, actions, (s) => s.desired, weekStartMs);
    const low = perMonth(integrateWeek(initial, actions, cost(spotLow), weekStartMs));
    const high = perMonth(integrateWeek(initial, actions, cost(spotHigh), weekStartMs));
    // The ceiling: every node the maximum in effect allows (the group's, or the one a schedule set); a cluster
    // autoscaler can get there.
    const atMax = (share: number) => perMonth(integrateWeek(initial, actions, (s) => cost(share)({ ...s, desired: s.max }), weekStartMs));
    const ceiling = { low: atMax(spotLow), high: atMax(spotHigh) };
    const estimated = group.instanceTypes.some((t) => table.ec2OnDemandHour.estimatedTypes?.includes(t));
    const allSpot = group.onDemand(100) === 0;
    const averageNodes = Math.round((nodeHours / 168) * 100) / 100;
    lines.push({
      kind: nodesKind(group),
      name: group.name,
      count: averageNodes,
      unitPrice: allSpot ? round4(spotReference) : onDemandPrice,
      unit: allSpot ? "on-demand instance-hour" : "instance-hour",
      monthly: { low, high },
      ceiling,
      ...(estimated ? { estimated } : {}),
      detail: [
        `${group.instanceTypes.join(", ")}; average nodes over the week`,
        allSpot || group.onDemand(100) < 100 ? `spot at ${spotLow * 100}-${spotHigh * 100}% of the mean on-demand price` : "",
        schedules.length > 0 ? `schedules: ${schedules.map((s) => `${s.recurrence} ${s.time_zone ?? "UTC"}`).join("; ")}` : "",
      ]
        .filter(Boolean)
        .join("; "),
      schedules: schedules
        .map((s) => `${s.recurrence} ${s.time_zone ?? "UTC"} ${s.min_size}/${s.desired_capacity}/${s.max_size}`)
        .sort()
        .join("\n"),
    });
    const volume = rootVolumeGb(resources, group.launchTemplate);
    if (volume > 0) {
      const price = volume * table.prices.ebsGp3GbMonth.price;
      lines.push({
        kind: "EBS gp3 root volume",
        name: group.name,
        count: averageNodes,
        unitPrice: round4(price),
        unit: `volume-month (${volume} GB)`,
        monthly: fixed((nodeHours / 168) * price),
      });
    }
  }
  return lines;
}

function nodesKind(group: Group): string {
  const onDemand = group.onDemand(100);
  return onDemand === 0 ? "EC2 spot nodes" : onDemand === 100 ? "EC2 on-demand nodes" : "EC2 nodes (on-demand and spot)";
}

function scheduleAction(s: Body): TimedAction<Capacity> {
  const value = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
  const [min, max, desired] = [value(s.min_size), value(s.max_size), value(s.desired_capacity)];
  return {
    matcher: unixCron(String(s.recurrence)),
    zone: typeof s.time_zone === "string" ? s.time_zone : "UTC",
    apply: (size) => {
      const next = { min: min ?? size.min, max: max ?? size.max, desired: desired ?? size.desired };
      return { ...next, desired: clamp(next.desired, next.min, next.max) };
    },
  };
}

/** gp3 root volume size of a launch template (other volume types are not priced). */
function rootVolumeGb(resources: Resources, template: string | undefined): number {
  const body = template ? resources.aws_launch_template?.[template] : undefined;
  const mappings = (body?.block_device_mappings as Body[] | undefined) ?? [];
  return mappings.reduce((n, m) => {
    const ebs = block(m.ebs);
    return ebs && (ebs.volume_type ?? "gp3") === "gp3" ? n + Number(ebs.volume_size ?? 0) : n;
  }, 0);
}

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;
