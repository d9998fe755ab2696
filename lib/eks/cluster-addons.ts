import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { PodIdentityRole } from "./pod-identity-role";
import { COREDNS } from "./system-workloads";

export interface ClusterAddonVersions {
  readonly vpcCni: string;
  readonly coredns: string;
  readonly kubeProxy: string;
  readonly podIdentityAgent: string;
}

export interface ClusterAddonsProps {
  readonly clusterName: string;
  /** Cluster ARN; scopes the add-on roles' trust to this cluster (its account and region included). */
  readonly clusterArn: string;
  readonly region: string;
  readonly versions: ClusterAddonVersions;
}

export interface CoreDnsPlacement {
  /** Node label and taint of the system node group, where CoreDNS runs. */
  readonly nodeLabel: { readonly key: string; readonly value: string };
  readonly taintKey: string;
  /** CoreDNS waits for nodes it can run on (the system node group). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The EKS managed add-ons at pinned versions: the VPC CNI (with its own Pod Identity role instead of
 * node-role permissions), kube-proxy and the Pod Identity agent before any node (nodes are not Ready
 * without a CNI), and CoreDNS on the system node group once it exists (addCoreDns).
 */
export class ClusterAddons extends Construct {
  readonly vpcCni: EksAddon;
  readonly kubeProxy: EksAddon;
  readonly podIdentityAgent: EksAddon;
  coredns?: EksAddon;
  private readonly props: ClusterAddonsProps;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    this.props = props;
    const partition = arnPartition(props.region);
    const common = this.common();

    this.podIdentityAgent = new EksAddon(this, "eks-pod-identity-agent", {
      ...common,
      addonName: "eks-pod-identity-agent",
      addonVersion: props.versions.podIdentityAgent,
    });
    const cniRole = new PodIdentityRole(this, "vpc-cni-role", {
      roleName: `${props.clusterName}-vpc-cni`,
      description: `VPC CNI (aws-node) of ${props.clusterName}: manage pod network interfaces`,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      namespace: "kube-system",
      serviceAccount: "aws-node",
    });
    const cniPolicy = new IamRolePolicyAttachment(this, "vpc-cni-policy", {
      role: cniRole.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonEKS_CNI_Policy`,
    });
    this.vpcCni = new EksAddon(this, "vpc-cni", {
      ...common,
      addonName: "vpc-cni",
      addonVersion: props.versions.vpcCni,
      podIdentityAssociation: [{ roleArn: cniRole.role.arn, serviceAccount: "aws-node" }],
      // The role ARN orders the add-on after the role, not after its policy: without the attachment the
      // first aws-node pods get credentials that cannot assign addresses, and no node becomes Ready.
      dependsOn: [this.podIdentityAgent, cniPolicy],
    });
    this.kubeProxy = new EksAddon(this, "kube-proxy", { ...common, addonName: "kube-proxy", addonVersion: props.versions.kubeProxy });
  }

  /** CoreDNS (COREDNS.replicas, which the system group's sizing counts) on the system node group: it tolerates the group's taint and selects its label. */
  addCoreDns(placement: CoreDnsPlacement): EksAddon {
    this.coredns = new EksAddon(this, "coredns", {
      ...this.common(),
      addonName: "coredns",
      addonVersion: this.props.versions.coredns,
      configurationValues: JSON.stringify({
        replicaCount: COREDNS.replicas,
        nodeSelector: { [placement.nodeLabel.key]: placement.nodeLabel.value },
        tolerations: [{ key: placement.taintKey, operator: "Exists", effect: "NoSchedule" }],
      }),
      dependsOn: placement.dependsOn,
    });
    return this.coredns;
  }

  // OVERWRITE takes over fields changed in the cluster by hand, so the config stays the truth.
  private common() {
    return { clusterName: this.props.clusterName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" };
  }
}
