import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { protectFromDestroy } from "../protection";

export interface EcsKeyProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** Production: prevent_destroy and a 30-day deletion window. */
  readonly production: boolean;
  /** Log groups CloudWatch Logs may encrypt with the key, as name patterns such as /ecs/prod/*. */
  readonly logGroupNamePatterns: readonly string[];
}

/**
 * The customer-managed key of the ECS layer: service and ECS Exec log groups, ECR images and Exec
 * sessions. CloudWatch Logs may use it only for the layer's log groups; everyone else goes through IAM.
 */
export class EcsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EcsKeyProps) {
    super(scope, id);
    const partition = arnPartition(props.region);
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          // The default key policy: the account administers and uses the key through IAM (ECR and ECS Exec use it this way).
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsEcsLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
          Resource: "*",
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": props.logGroupNamePatterns.map(
                (pattern) => `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:${pattern}`,
              ),
            },
          },
        },
      ],
    };
    this.key = protectFromDestroy(
      new KmsKey(this, "key", {
        description: `${props.namePrefix} ECS: service logs, ECS Exec sessions and logs, ECR images`,
        enableKeyRotation: true,
        deletionWindowInDays: props.production ? 30 : 7,
        policy: JSON.stringify(policy),
        tags: { Name: `${props.namePrefix}-ecs` },
      }),
      props.production,
    );
    new KmsAlias(this, "alias", { name: `alias/${props.namePrefix}-ecs`, targetKeyId: this.key.keyId });
  }
}
