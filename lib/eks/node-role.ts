import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";

export interface NodeRoleProps {
  /** Role name, e.g. prod-eks-node. */
  readonly roleName: string;
  readonly accountId: string;
  readonly region: string;
  /** Also create an instance profile (self-managed groups launch instances with it). */
  readonly instanceProfile: boolean;
  /**
   * Role description.
   * @default "EKS worker nodes: join the cluster, pull images"
   */
  readonly description?: string;
}

/**
 * The IAM role of the nodes: join the cluster and pull images. The VPC CNI gets its permissions from
 * its own Pod Identity role, so no pod on the node inherits network-interface rights. Managed and
 * self-managed groups each get their own: EKS creates and owns the access entry of a managed group's
 * role, Terraform the one of the self-managed role (lib/eks/cluster-access.ts).
 */
export class NodeRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile?: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    const partition = arnPartition(props.region);
    const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [
        {
          sid: "Ec2Instances",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description ?? "EKS worker nodes: join the cluster, pull images",
      assumeRolePolicy: trust.json,
    });
    for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"]) {
      new IamRolePolicyAttachment(this, policy, { role: this.role.name, policyArn: `arn:${partition}:iam::aws:policy/${policy}` });
    }
    if (props.instanceProfile) {
      this.instanceProfile = new IamInstanceProfile(this, "instance-profile", { name: props.roleName, role: this.role.name });
    }
  }
}
