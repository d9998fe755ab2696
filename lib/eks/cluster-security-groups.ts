import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { justify } from "../justify";

export interface ClusterSecurityGroupsProps {
  /** Cluster name; names the groups and tags the node group for the AWS load balancer controller. */
  readonly clusterName: string;
  readonly vpcId: string;
}

/**
 * The control plane's additional security group and the one every node carries, with only the rules
 * EKS needs (the EKS "security group requirements" page), each described. Rules are separate
 * resources so a rule change never replaces a group that ENIs use. Descriptions use only the characters
 * EC2 accepts (a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*; no apostrophes: EC2 API IpRange).
 */
export class ClusterSecurityGroups extends Construct {
  readonly cluster: SecurityGroup;
  /** Carried by every node. */
  readonly nodes: SecurityGroup;

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupsProps) {
    super(scope, id);
    this.cluster = new SecurityGroup(this, "cluster", {
      name: `${props.clusterName}-cluster`,
      description: `EKS control plane of ${props.clusterName}: API from the nodes, to the kubelets and webhooks`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${props.clusterName}-cluster` },
    });
    this.nodes = new SecurityGroup(this, "node", {
      name: `${props.clusterName}-node`,
      description: `Every node of ${props.clusterName}: kubelet and webhooks from the control plane, node to node`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      // The AWS load balancer controller finds the node group to open for targets by this tag.
      tags: { Name: `${props.clusterName}-node`, [`kubernetes.io/cluster/${props.clusterName}`]: "owned" },
    });

    const tcp = (from: number, to = from) => ({ ipProtocol: "tcp", fromPort: from, toPort: to });
    new VpcSecurityGroupIngressRule(this, "cluster-from-nodes-443", {
      securityGroupId: this.cluster.id,
      referencedSecurityGroupId: this.nodes.id,
      ...tcp(443),
      description: "Kubelets and pods on the nodes call the Kubernetes API server",
    });
    new VpcSecurityGroupEgressRule(this, "cluster-to-nodes-10250", {
      securityGroupId: this.cluster.id,
      referencedSecurityGroupId: this.nodes.id,
      ...tcp(10250),
      description: "API server to kubelets: logs, exec, port-forward, metrics",
    });
    new VpcSecurityGroupEgressRule(this, "cluster-to-nodes-443", {
      securityGroupId: this.cluster.id,
      referencedSecurityGroupId: this.nodes.id,
      ...tcp(443),
      description: "API server to admission webhooks and aggregated APIs served by pods",
    });
    new VpcSecurityGroupIngressRule(this, "nodes-from-cluster-10250", {
      securityGroupId: this.nodes.id,
      referencedSecurityGroupId: this.cluster.id,
      ...tcp(10250),
      description: "API server to kubelets: logs, exec, port-forward, metrics",
    });
    new VpcSecurityGroupIngressRule(this, "nodes-from-cluster-443", {
      securityGroupId: this.nodes.id,
      referencedSecurityGroupId: this.cluster.id,
      ...tcp(443),
      description: "API server to admission webhooks and aggregated APIs served by pods",
    });
    // AWS's recommended control plane -> node rule (EKS node security group guidance, the node CloudFormation
    // template's 1025-65535): webhooks and aggregated APIs listen on pod ports such as 8443 or 9443, which
    // 443 and 10250 alone leave unreachable (admission calls time out, the API rejects the writes).
    new VpcSecurityGroupEgressRule(this, "cluster-to-nodes-1025-65535", {
      securityGroupId: this.cluster.id,
      referencedSecurityGroupId: this.nodes.id,
      ...tcp(1025, 65535),
      description: "API server to admission webhooks, metrics and aggregated APIs on the ports pods listen on (AWS recommended range)",
    });
    const fromControlPlane = new VpcSecurityGroupIngressRule(this, "nodes-from-cluster-1025-65535", {
      securityGroupId: this.nodes.id,
      referencedSecurityGroupId: this.cluster.id,
      ...tcp(1025, 65535),
      description: "API server to admission webhooks, metrics and aggregated APIs on the ports pods listen on (AWS recommended range)",
    });
    justify(
      fromControlPlane,
      "CKV_AWS_25",
      "The range includes 3389, but only the control plane's security group may use it (referenced_security_group_id), never an address range; no node listens for RDP.",
    );
    new VpcSecurityGroupIngressRule(this, "nodes-from-nodes", {
      securityGroupId: this.nodes.id,
      referencedSecurityGroupId: this.nodes.id,
      ipProtocol: "-1",
      description: "Pod to pod and node to node (VPC CNI pods use node-subnet addresses): DNS, services, workloads",
    });
    const egress = new VpcSecurityGroupEgressRule(this, "nodes-egress", {
      securityGroupId: this.nodes.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "-1",
      description: "Nodes reach the API server, ECR, AWS APIs and the dependencies of workloads (through NAT or endpoints)",
    });
    const reason =
      "Nodes pull images, join the cluster through the public AWS APIs and run arbitrary workloads whose egress is governed by Kubernetes network policy, not by the node group.";
    justify(egress, "POL-NET-3", reason);
  }

  /**
   * Admits a client of the Kubernetes API (a security group in the VPC, or an address range reaching it over
   * VPN or Direct Connect) to the private endpoint on 443: the endpoint's network interfaces carry this group.
   */
  admitApiClient(
    id: string,
    source: { readonly securityGroupId: string } | { readonly cidr: string },
    description: string,
  ): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `cluster-from-${id}-443`, {
      securityGroupId: this.cluster.id,
      ...("cidr" in source ? { cidrIpv4: source.cidr } : { referencedSecurityGroupId: source.securityGroupId }),
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description,
    });
  }
}
