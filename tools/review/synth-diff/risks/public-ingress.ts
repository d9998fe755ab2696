import type { Item } from "../types";
import { listAt, valueAt } from "../values";
import { pairs, type RiskRule } from "./context";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The internet-wide sources an item admits: security group rules and inline ingress blocks. */
function openSources(item: Item | undefined): string[] {
  if (!item) return [];
  const body = item.body;
  switch (item.type) {
    case "aws_vpc_security_group_ingress_rule":
      return [valueAt(body, "cidr_ipv4"), valueAt(body, "cidr_ipv6")].filter((c): c is string => ANYWHERE.includes(c as string));
    case "aws_security_group_rule":
      if (body.type !== "ingress") return [];
      return [...listAt(body, "cidr_blocks"), ...listAt(body, "ipv6_cidr_blocks")].filter((c): c is string =>
        ANYWHERE.includes(c as string),
      );
    case "aws_security_group":
    case "aws_default_security_group":
      return listAt(body, "ingress")
        .flatMap((rule) => [...listAt(rule as never, "cidr_blocks"), ...listAt(rule as never, "ipv6_cidr_blocks")])
        .filter((c): c is string => ANYWHERE.includes(c as string));
    default:
      return [];
  }
}

/** New ways in from the internet: open security group rules, internet-facing load balancers, public IPs, a public EKS endpoint. */
export const publicIngress: RiskRule = (stack, note) =>
  pairs(stack).flatMap(({ before, after }) => {
    const body = after.body;
    const was = before?.body;
    const opened = openSources(after).filter((c) => !openSources(before).includes(c));
    const notes: string[] = opened.map((cidr) => `new public ingress: admits traffic from ${cidr} (anywhere on the internet)`);
    if (after.type === "aws_lb" && body.internal !== true && (!was || was.internal === true)) {
      notes.push("internet-facing load balancer (`internal` is not true): reachable from the internet");
    }
    if (after.type === "aws_subnet" && body.map_public_ip_on_launch === true && was?.map_public_ip_on_launch !== true) {
      notes.push("`map_public_ip_on_launch` turned on: every instance launched here gets a public IP address");
    }
    if (after.type === "aws_ecs_service" && valueAt(body, "network_configuration.assign_public_ip") === true) {
      if (valueAt(was, "network_configuration.assign_public_ip") !== true)
        notes.push("`assign_public_ip` turned on: tasks get public IP addresses");
    }
    if (after.type === "aws_eks_cluster") {
      // endpoint_public_access defaults to true in the provider.
      const isPublic = (b: typeof body | undefined) => b !== undefined && valueAt(b, "vpc_config.endpoint_public_access") !== false;
      if (isPublic(body) && !isPublic(was)) {
        const cidrs = listAt(body, "vpc_config.public_access_cidrs");
        notes.push(
          `public EKS API endpoint (\`endpoint_public_access\`): reachable from ${cidrs.length > 0 ? cidrs.join(", ") : "0.0.0.0/0 (the default)"}`,
        );
      }
    }
    return notes.map((message) => note(after.address, message));
  });
