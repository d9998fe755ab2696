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
  /**
   * Read-only role of pull-request plans: AmazonEKSViewPolicy and AmazonEKSSecretReaderPolicy, both scoped to
   * `planNamespaces`. Never cluster-admin, and never listed in adminRoleArns (one entry per principal).
   * @default - no entry for a plan role
   */
  readonly planRoleArn?: string;
  /**
   * Namespaces whose Helm release records (Secrets of type helm.sh/release.v1) the plan reads; the plan role's
   * policies are scoped to them. Without any, the plan role gets no entry: no plan of this cluster talks to it.
   * @default []
   */
  readonly planNamespaces?: string[];
}

/**
 * What a plan of Helm releases reads in the cluster: the release record (Helm's storage driver lists and
 * gets Secrets labelled owner=helm in the release namespace; AmazonEKSViewPolicy grants no Secrets), and the
 * release's namespaced objects for a reviewer's or a future diff's read. Both read-only, namespace-scoped.
 */
export const PLAN_ACCESS_POLICIES = ["AmazonEKSViewPolicy", "AmazonEKSSecretReaderPolicy"] as const;

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
    const planNamespaces = props.planNamespaces ?? [];
    if (props.planRoleArn && planNamespaces.length > 0) {
      assertProps(this, [props.adminRoleArns.includes(props.planRoleArn) && "planRoleArn: the plan role must not be a cluster admin"]);
      const entry = new EksAccessEntry(this, "plan", { clusterName: props.clusterName, principalArn: props.planRoleArn, type: "STANDARD" });
      for (const policy of PLAN_ACCESS_POLICIES) {
        new EksAccessPolicyAssociation(this, `plan-${policy}`, {
          clusterName: props.clusterName,
          principalArn: entry.principalArn,
          policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${policy}`,
          accessScope: { type: "namespace", namespaces: [...planNamespaces].sort() },
        });
      }
    }
    if (props.selfManagedNodeRoleArn) {
      this.selfManagedNodeEntry = new EksAccessEntry(this, "self-managed-nodes", {
        clusterName: props.clusterName,
        principalArn: props.selfManagedNodeRoleArn,
        type: "EC2_LINUX",
      });
    }
  }
}
