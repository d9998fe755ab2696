import type { PriceTable } from "./price-table";
import { bodies, listLength, type Resources } from "./stack-resources";
import { type CostLine, fixed } from "./types";

/** A line for `count` units billed per hour around the clock. */
function hourly(table: PriceTable, kind: string, count: number, price: number, detail?: string): CostLine {
  const monthly = count * price * table.hoursPerMonth;
  return { kind, count, unitPrice: price, unit: "hour", monthly: fixed(monthly), ...(detail ? { detail } : {}) };
}

function monthlyLine(kind: string, count: number, price: number, detail?: string): CostLine {
  return {
    kind,
    count,
    unitPrice: price,
    unit: "month",
    monthly: fixed(count * price),
    ...(detail ? { detail } : {}),
  };
}

/** Fixed lines: resources billed every hour (or month) whether they carry traffic or not. */
export function fixedLines(resources: Resources, table: PriceTable): CostLine[] {
  const p = table.prices;
  const lines: CostLine[] = [];
  const push = (count: number, make: () => CostLine) => {
    if (count > 0) lines.push(make());
  };

  const nats = bodies(resources, "aws_nat_gateway");
  push(nats.length, () => hourly(table, "NAT gateway", nats.length, p.natGatewayHour.price));

  const lbs = bodies(resources, "aws_lb").map(([, b]) => b);
  const albs = lbs.filter((b) => (b.load_balancer_type ?? "application") === "application");
  const nlbs = lbs.filter((b) => b.load_balancer_type === "network");
  push(albs.length, () => hourly(table, "Application Load Balancer", albs.length, p.albHour.price, "LCU usage not estimated"));
  push(nlbs.length, () => ({
    ...hourly(table, "Network Load Balancer", nlbs.length, p.nlbHour.price, "NLCU usage not estimated"),
    ...(p.nlbHour.estimated ? { estimated: true } : {}),
  }));

  // Public IPv4: every Elastic IP (the NAT gateways'), and an internet-facing load balancer's node in each zone.
  const eips = bodies(resources, "aws_eip").length;
  const lbZones = lbs
    .filter((b) => b.internal !== true)
    .reduce((n, b) => n + Math.max(listLength(b.subnets), listLength(b.subnet_mapping)), 0);
  const detail = [
    eips > 0 ? `${eips} Elastic IP${eips === 1 ? "" : "s"}` : "",
    lbZones > 0 ? `${lbZones} internet-facing load balancer zone${lbZones === 1 ? "" : "s"}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  push(eips + lbZones, () => hourly(table, "Public IPv4 address", eips + lbZones, p.publicIpv4Hour.price, detail));

  const endpointZones = bodies(resources, "aws_vpc_endpoint")
    .filter(([, b]) => b.vpc_endpoint_type === "Interface")
    .reduce((n, [, b]) => n + Math.max(1, listLength(b.subnet_ids)), 0);
  push(endpointZones, () =>
    hourly(table, "Interface endpoint zone", endpointZones, p.interfaceEndpointAzHour.price, "per endpoint per zone"),
  );

  const clusters = bodies(resources, "aws_eks_cluster");
  // Extended support ($0.60/hour) starts when the version leaves standard support: not known offline.
  const extended = clusters.some(([, b]) => (b.upgrade_policy as Record<string, unknown> | undefined)?.support_type !== "STANDARD");
  push(clusters.length, () =>
    hourly(
      table,
      "EKS control plane",
      clusters.length,
      p.eksClusterHour.price,
      extended
        ? "standard support; extended support (allowed by upgrade_policy) costs $0.60/hour once the version leaves standard support"
        : "standard support",
    ),
  );

  const keys = bodies(resources, "aws_kms_key");
  push(keys.length, () =>
    monthlyLine("KMS key", keys.length, p.kmsKeyMonth.price, "first year; each yearly rotation adds $1/month, twice at most"),
  );

  const alarms = bodies(resources, "aws_cloudwatch_metric_alarm").reduce((n, [, b]) => n + Math.max(1, metricsOf(b)), 0);
  push(alarms, () => monthlyLine("CloudWatch alarm metric", alarms, p.cloudwatchAlarmMonth.price));

  const acls = bodies(resources, "aws_wafv2_web_acl");
  push(acls.length, () => monthlyLine("WAF web ACL", acls.length, p.wafWebAclMonth.price));
  const rules = acls.reduce((n, [, b]) => n + listLength(b.rule), 0);
  push(rules, () => monthlyLine("WAF rule", rules, p.wafRuleMonth.price));
  return lines;
}

/** An alarm over metric math is billed per metric it reads. */
function metricsOf(alarm: Record<string, unknown>): number {
  const queries = alarm.metric_query;
  return Array.isArray(queries) ? queries.filter((q) => (q as Record<string, unknown>).metric !== undefined).length : 1;
}
