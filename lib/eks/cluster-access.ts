import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { assertProps } from "../validation";

export interface ClusterAccessProps {
  readonly clusterName: string;
  readonly region: string;
  /** IAM roles that get the AmazonEKSClusterAdminPolicy on the whole cluster. */
  readonly adminRoleArns: string[];
  /**
   * Node role of the self-managed groups, given an EC2_LINUX entry. Never a managed node group's role:
   * EKS creates that entry itself when it creates the group (EKS user guide, "Create access entries"),
   * so a second one fails with 409 ResourceInUseException, or, created first, is deleted with the last
   * self-managed group while the managed nodes still authenticate through it.
   * @default - no node entry: no self-managed groups
   */
  readonly selfManagedNodeRoleArn?: string;
}

/** Who may use the cluster, as EKS access entries (authentication mode API: no aws-auth ConfigMap). */
export class ClusterAccess extends Construct {
  /** EC2_LINUX entry of the self-managed node role; nodes launched before it cannot join. */
  readonly selfManagedNodeEntry?: EksAccessEntry;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    assertProps(this, [props.adminRoleArns.length === 0 && "adminRoleArns: give at least one role, or nobody can administer the cluster"]);
    const partition = arnPartition(props.region);
    props.adminRoleArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: props.clusterName, principalArn, type: "STANDARD" });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: props.clusterName,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      });
    });
    if (props.selfManagedNodeRoleArn) {
      this.selfManagedNodeEntry = new EksAccessEntry(this, "self-managed-nodes", {
        clusterName: props.clusterName,
        principalArn: props.selfManagedNodeRoleArn,
        type: "EC2_LINUX",
      });
    }
  }
}
