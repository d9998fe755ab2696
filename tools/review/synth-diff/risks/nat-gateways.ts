import type { RiskRule } from "./context";

const count = (items: readonly { type: string; data: boolean }[]) => items.filter((i) => i.type === "aws_nat_gateway" && !i.data).length;

/** Fewer NAT gateways: zones that lose their own NAT route egress through another zone, and lose it when that zone fails. */
export const natGateways: RiskRule = (stack, note) => {
  if (stack.status !== "changed") return [];
  const [was, now] = [count(stack.oldItems), count(stack.newItems)];
  if (now >= was) return [];
  return [
    note(
      "aws_nat_gateway",
      `NAT gateways reduced from ${was} to ${now}: private subnets ${now === 0 ? "lose internet egress" : "in zones without their own NAT gateway lose internet egress when the zone holding it fails"}`,
    ),
  ];
};
