import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { protectFromDestroy } from "../protection";

export interface ClusterKeyProps {
  readonly clusterName: string;
  readonly accountId: string;
  readonly region: string;
  /** Log group the key encrypts (CloudWatch Logs gets use of the key for it only). */
  readonly logGroupName: string;
  /** Production: prevent_destroy and a 30-day deletion window. */
  readonly production: boolean;
}

/**
 * The customer-managed key for the cluster's Kubernetes secrets (envelope encryption) and its
 * control-plane log group. Rotated yearly. EKS uses it through the cluster role's IAM policy (root
 * statement); CloudWatch Logs only for this log group (encryption-context condition).
 */
export class ClusterKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: ClusterKeyProps) {
    super(scope, id);
    const partition = arnPartition(props.region);
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsControlPlaneLogGroup",
          Effect: "Allow",
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
          Resource: "*",
          Condition: {
            ArnEquals: {
              "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:${props.logGroupName}`,
            },
          },
        },
      ],
    };
    this.key = protectFromDestroy(
      new KmsKey(this, "key", {
        description: `${props.clusterName} Kubernetes secrets and control-plane logs`,
        enableKeyRotation: true,
        deletionWindowInDays: props.production ? 30 : 7,
        policy: JSON.stringify(policy),
        tags: { Name: props.clusterName },
      }),
      props.production,
    );
    new KmsAlias(this, "alias", { name: `alias/${props.clusterName}`, targetKeyId: this.key.keyId });
  }
}
