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
   * Node roles of self-managed groups (EC2_LINUX entries; managed node groups create their own).
   * @default []
   */
  readonly selfManagedNodeRoleArns?: string[];
}

/** Who may use the cluster, as EKS access entries (authentication mode API: no aws-auth ConfigMap). */
export class ClusterAccess extends Construct {
  /** EC2_LINUX entries of the self-managed node roles; nodes launched before them cannot join. */
  readonly nodeEntries: EksAccessEntry[];

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
    this.nodeEntries = (props.selfManagedNodeRoleArns ?? []).map(
      (principalArn, i) => new EksAccessEntry(this, `node-${i}`, { clusterName: props.clusterName, principalArn, type: "EC2_LINUX" }),
    );
  }
}
