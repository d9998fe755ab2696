import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksCluster as AwsEksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { justify } from "../justify";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";
import { ClusterKey } from "./cluster-key";
import { ClusterSecurityGroups } from "./cluster-security-groups";

/** Every control-plane log type EKS offers. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EksClusterProps {
  /** Cluster name, also the prefix of its roles, groups and key. */
  readonly clusterName: string;
  /** Kubernetes version, e.g. 1.34. */
  readonly kubernetesVersion: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  /** Subnets of the control plane's network interfaces (private, two zones or more). */
  readonly subnetIds: string[];
  /** Kubernetes service IPv4 range, outside the VPC. */
  readonly serviceIpv4Cidr: string;
  /**
   * CIDRs allowed to the public API endpoint.
   * @default - the public endpoint is off; only the private endpoint answers
   */
  readonly publicAccessCidrs?: string[];
  /** Days the control-plane log group keeps events. */
  readonly logRetentionDays: number;
  /** Production: deletion protection on the cluster, prevent_destroy on the key and log group. */
  readonly production: boolean;
}

/**
 * An EKS control plane: API authentication mode (access entries only, no creator admin), private
 * endpoint, Kubernetes secrets encrypted with its own KMS key, all five log types to an encrypted
 * log group with limited retention, and the control-plane and node security groups.
 */
export class EksCluster extends Construct {
  readonly cluster: AwsEksCluster;
  readonly key: ClusterKey;
  readonly securityGroups: ClusterSecurityGroups;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicCidrs = props.publicAccessCidrs ?? [];
    assertProps(this, [
      props.subnetIds.length < 2 && "subnetIds: give subnets in at least two availability zones (EKS requires it)",
      publicCidrs.includes("0.0.0.0/0") && "publicAccessCidrs: 0.0.0.0/0 opens the API to the internet; list specific CIDRs or none",
    ]);
    const partition = arnPartition(props.region);
    const logGroupName = `/aws/eks/${props.clusterName}/cluster`;

    this.key = new ClusterKey(this, "key", {
      clusterName: props.clusterName,
      accountId: props.accountId,
      region: props.region,
      logGroupName,
      production: props.production,
    });
    // Created before the cluster so EKS does not create it without retention or encryption.
    this.logGroup = addEncryptedLogGroup(this, "log-group", {
      name: logGroupName,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: this.key.key.arn,
      production: props.production,
      shortRetentionReason: `Control-plane logs serve troubleshooting and audit for ${props.logRetentionDays} days (eks.logRetentionDays); export them elsewhere for a longer record.`,
    });

    this.securityGroups = new ClusterSecurityGroups(this, "security-groups", { clusterName: props.clusterName, vpcId: props.vpcId });

    const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [
        {
          sid: "EksControlPlane",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }],
          actions: ["sts:AssumeRole", "sts:TagSession"],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.clusterName}-cluster`,
      description: `EKS control plane of ${props.clusterName}`,
      assumeRolePolicy: trust.json,
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, "cluster-policy", {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });
    const keyUse = new DataAwsIamPolicyDocument(this, "key-policy-document", {
      statement: [
        {
          sid: "EnvelopeEncryptionOfSecrets",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants"],
          resources: [this.key.key.arn],
        },
      ],
    });
    const keyPolicy = new IamRolePolicy(this, "key-policy", { name: "secrets-encryption", role: this.role.id, policy: keyUse.json });

    // prevent_destroy too: a replacing change (subnets, service range) would otherwise delete the cluster.
    this.cluster = protectFromDestroy(
      new AwsEksCluster(this, "cluster", {
        name: props.clusterName,
        version: props.kubernetesVersion,
        roleArn: this.role.arn,
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        // Add-ons come from aws_eks_addon with pinned versions, not the unmanaged defaults.
        bootstrapSelfManagedAddons: false,
        deletionProtection: props.production,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.key.key.arn } },
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: props.serviceIpv4Cidr },
        // No extended-support charges: at the end of standard support EKS upgrades the control plane itself.
        upgradePolicy: { supportType: "STANDARD" },
        vpcConfig: {
          subnetIds: props.subnetIds,
          securityGroupIds: [this.securityGroups.cluster.id],
          endpointPrivateAccess: true,
          endpointPublicAccess: publicCidrs.length > 0,
          publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
        },
        tags: { Name: props.clusterName },
        dependsOn: [this.logGroup, clusterPolicy, keyPolicy],
      }),
      props.production,
    );
    if (publicCidrs.length > 0) {
      justify(
        this.cluster,
        "CKV_AWS_39",
        `The public endpoint is open only to the configured CIDRs (${publicCidrs.join(", ")}, eks.publicAccessCidrs) for operators outside the VPC.`,
      );
    }
  }
}
