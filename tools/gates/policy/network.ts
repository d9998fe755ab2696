import { blocks, defineRule, isTrue, type Located, refersTo, resourcesOf, strings } from "./terraform";
import type { Stack } from "./types";

// Security-group rules come in three shapes: inline ingress/egress blocks of aws_security_group,
// aws_security_group_rule, and aws_vpc_security_group_ingress_rule / _egress_rule. All are read as one.

const INTERNET = ["0.0.0.0/0", "::/0"];
const GROUP_TYPES = ["aws_security_group", "aws_default_security_group"];

export interface GroupRule {
  /** Where the rule is written: the group for inline blocks, else the rule resource (exceptions go there). */
  readonly address: string;
  readonly label: string;
  readonly group: Located | undefined;
  readonly direction: "ingress" | "egress";
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  readonly cidrs: readonly string[];
  readonly description: unknown;
}

export function groupRules(stack: Stack): GroupRule[] {
  const groups = resourcesOf(stack, ...GROUP_TYPES);
  const groupOf = (ref: unknown) => groups.find((g) => refersTo(ref, g, ["id"]));
  const port = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));
  const rules: GroupRule[] = [];
  for (const group of groups) {
    for (const direction of ["ingress", "egress"] as const) {
      blocks(group.body[direction]).forEach((b, i) => {
        rules.push({
          address: group.address,
          label: `${direction}[${i}]`,
          group,
          direction,
          protocol: String(b.protocol ?? ""),
          fromPort: port(b.from_port),
          toPort: port(b.to_port),
          cidrs: [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)],
          description: b.description,
        });
      });
    }
  }
  for (const rule of resourcesOf(stack, "aws_security_group_rule")) {
    rules.push({
      address: rule.address,
      label: String(rule.body.type),
      group: groupOf(rule.body.security_group_id),
      direction: rule.body.type === "egress" ? "egress" : "ingress",
      protocol: String(rule.body.protocol ?? ""),
      fromPort: port(rule.body.from_port),
      toPort: port(rule.body.to_port),
      cidrs: [...strings(rule.body.cidr_blocks), ...strings(rule.body.ipv6_cidr_blocks)],
      description: rule.body.description,
    });
  }
  for (const direction of ["ingress", "egress"] as const) {
    for (const rule of resourcesOf(stack, `aws_vpc_security_group_${direction}_rule`)) {
      rules.push({
        address: rule.address,
        label: direction,
        group: groupOf(rule.body.security_group_id),
        direction,
        protocol: String(rule.body.ip_protocol ?? ""),
        fromPort: port(rule.body.from_port),
        toPort: port(rule.body.to_port),
        cidrs: [...strings(rule.body.cidr_ipv4), ...strings(rule.body.cidr_ipv6)],
        description: rule.body.description,
      });
    }
  }
  return rules;
}

/** Listener ports of internet-facing load balancers that use `group`. */
function publicListenerPorts(stack: Stack, group: Located): number[] {
  const balancers = resourcesOf(stack, "aws_lb", "aws_alb").filter(
    (lb) => !isTrue(lb.body.internal) && strings(lb.body.security_groups).some((ref) => refersTo(ref, group, ["id"])),
  );
  return resourcesOf(stack, "aws_lb_listener", "aws_alb_listener")
    .filter((l) => balancers.some((lb) => refersTo(l.body.load_balancer_arn, lb, ["arn", "id"])))
    .map((l) => Number(l.body.port))
    .filter((p) => Number.isFinite(p));
}

function isAllTraffic(rule: GroupRule): boolean {
  return rule.protocol === "-1" || rule.protocol === "all" || (rule.fromPort === 0 && rule.toPort === 65535);
}

export const noInternetIngress = defineRule({
  id: "POL-NET-1",
  title: "No ingress from 0.0.0.0/0 or ::/0, except a public load balancer's listener ports",
  rationale: "Only the load balancer faces the internet; everything behind it admits traffic from its security group.",
  source: "AWS Security Hub EC2.18 / EC2.19; field-notes #5 (ALB terminates TCP, security groups apply)",
  check(stack, report) {
    for (const rule of groupRules(stack)) {
      if (rule.direction !== "ingress") continue;
      const open = rule.cidrs.filter((c) => INTERNET.includes(c));
      if (open.length === 0) continue;
      const ports = rule.group ? publicListenerPorts(stack, rule.group) : [];
      const onListener =
        ["tcp", "udp", "6", "17"].includes(rule.protocol) &&
        rule.fromPort === rule.toPort &&
        rule.fromPort !== undefined &&
        ports.includes(rule.fromPort);
      if (onListener) continue;
      const range = isAllTraffic(rule) ? "all traffic" : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
      report(
        rule.address,
        `${rule.label} admits ${range} from ${open.join(", ")}${ports.length ? ` (listener ports: ${ports.join(", ")})` : ""}; only a public load balancer's listener ports may be open to the internet`,
      );
    }
  },
});

export const describedGroups = defineRule({
  id: "POL-NET-2",
  title: "Every security group and security-group rule has a description",
  rationale: "A reviewer (and an incident responder) must see why a port is open without reading the code.",
  source: "AWS Security Hub EC2.x (described rules); field-notes #2 (network faults must be traceable)",
  check(stack, report) {
    for (const group of resourcesOf(stack, "aws_security_group")) {
      const text = group.body.description;
      if (typeof text !== "string" || text.trim() === "" || text === "Managed by Terraform") {
        report(group.address, "has no description; say what the group admits and for whom");
      }
    }
    for (const rule of groupRules(stack)) {
      if (typeof rule.description !== "string" || rule.description.trim() === "") {
        report(rule.address, `${rule.label} has no description; say what the rule admits and why`);
      }
    }
  },
});

export const noEgressAll = defineRule({
  id: "POL-NET-3",
  title: "No egress of all traffic to 0.0.0.0/0 or ::/0 unless justified",
  rationale: "Open egress is how exfiltration and command-and-control traffic leave; groups that need it say why.",
  source: "AWS Security Hub EC2.2; AWS Well-Architected SEC05",
  check(stack, report) {
    for (const rule of groupRules(stack)) {
      if (rule.direction !== "egress" || !isAllTraffic(rule)) continue;
      const open = rule.cidrs.filter((c) => INTERNET.includes(c));
      if (open.length > 0) {
        report(
          rule.address,
          `${rule.label} allows all traffic to ${open.join(", ")}; allow the ports and destinations needed, or justify(POL-NET-3)`,
        );
      }
    }
  },
});

export const NETWORK_RULES = [noInternetIngress, describedGroups, noEgressAll];
