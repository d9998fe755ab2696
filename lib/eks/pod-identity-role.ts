import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";

export interface PodIdentityRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** The cluster, namespace and service account whose pods may assume the role (Pod Identity session tags). */
  readonly clusterName: string;
  /**
   * ARN of the cluster (names its account and region too), matched against the eks-cluster-arn session tag:
   * the name alone would admit a same-named cluster in another region or account.
   */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity. The trust policy checks the
 * session tags Pod Identity sets on every AssumeRole (EKS user guide, pod-id-role: eks-cluster-arn,
 * eks-cluster-name, kubernetes-namespace, kubernetes-service-account, ...), so no other association,
 * cluster or account can use the role. Only documented tags: a condition on a key Pod Identity does not
 * send (aws:SourceArn, aws:SourceAccount) would fail every assume.
 */
export class PodIdentityRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [
        {
          sid: "EksPodIdentityForOneServiceAccount",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }],
          actions: ["sts:AssumeRole", "sts:TagSession"],
          condition: [
            { test: "StringEquals", variable: "aws:RequestTag/eks-cluster-arn", values: [props.clusterArn] },
            { test: "StringEquals", variable: "aws:RequestTag/eks-cluster-name", values: [props.clusterName] },
            { test: "StringEquals", variable: "aws:RequestTag/kubernetes-namespace", values: [props.namespace] },
            { test: "StringEquals", variable: "aws:RequestTag/kubernetes-service-account", values: [props.serviceAccount] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", { name: props.roleName, description: props.description, assumeRolePolicy: trust.json });
  }
}
