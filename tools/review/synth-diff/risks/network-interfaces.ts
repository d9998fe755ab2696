import type { RiskRule } from "./context";

/** Resources that put network interfaces into the subnets they name (so they hold the subnet while they exist). */
const INTERFACE_HOLDERS: Readonly<Record<string, string>> = {
  aws_nat_gateway: "NAT gateway",
  aws_lb: "load balancer",
  aws_vpc_endpoint: "VPC endpoint",
  aws_ecs_service: "ECS tasks",
  aws_eks_cluster: "EKS control-plane interfaces",
  aws_eks_node_group: "EKS nodes",
  aws_autoscaling_group: "EC2 instances",
  aws_launch_template: "EC2 instances",
  aws_lambda_function: "Lambda interfaces",
};

const REFERENCE = /\$\{([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.id\}/g;

/**
 * EC2 refuses to delete a subnet or security group while a network interface uses it (DependencyViolation);
 * the provider retries the delete until its timeout and then fails the apply. A replaced subnet whose
 * interfaces belong to another stack (tasks, nodes, the NLB) stays in use until that stack is deployed,
 * which runs after this one.
 */
export const networkInterfaces: RiskRule = (stack, note, { replacements, downstream }) => {
  const replaced = replacements.filter((r) => r.stack === stack.name && r.kind !== "revision");
  const risks = [];
  for (const replacement of replaced) {
    const type = replacement.address.split(".")[0];
    if (type === "aws_subnet") {
      const holders = stack.newItems
        .filter(
          (i) => INTERFACE_HOLDERS[i.type] && [...JSON.stringify(i.body).matchAll(REFERENCE)].some((m) => m[1] === replacement.address),
        )
        .map((i) => `${INTERFACE_HOLDERS[i.type]} \`${i.address}\``);
      const elsewhere = downstream
        .filter((d) => d.sources.includes(`${stack.name} ${replacement.address}`) && INTERFACE_HOLDERS[d.address.split(".")[0]!])
        .map((d) => `${INTERFACE_HOLDERS[d.address.split(".")[0]!]} of \`${d.stack}\``);
      const named = [...new Set([...holders, ...elsewhere])];
      risks.push(
        note(
          replacement.address,
          `subnet replaced while network interfaces may live in it${named.length > 0 ? ` (${named.join(", ")})` : ""}: EC2 refuses to delete a subnet with interfaces in use (DependencyViolation), the provider retries until its delete timeout (20 minutes) and the apply fails${elsewhere.length > 0 ? "; the other stacks move their interfaces only when they are deployed, after this one" : ""}; add the new subnets beside the old ones, move their users, then remove the old ones`,
        ),
      );
    } else if (type === "aws_security_group") {
      risks.push(
        note(
          replacement.address,
          "security group replaced: EC2 refuses to delete it while a network interface (task, node, load balancer, endpoint) still uses it (DependencyViolation), so the apply waits until the users have moved to the new group or fails at the delete timeout",
        ),
      );
    }
  }
  return risks;
};
