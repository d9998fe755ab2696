import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { accountAdministersKey, addCustomerManagedKey, cloudWatchLogsMayUseKey, snsMayUseKey } from "../kms/customer-managed-key";

export interface EcsKeyProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** Production: prevent_destroy and a 30-day deletion window. */
  readonly production: boolean;
  /** Log groups CloudWatch Logs may encrypt with the key, as name patterns such as /ecs/prod/*. */
  readonly logGroupNamePatterns: readonly string[];
  /**
   * SNS topics (names, or patterns with `*`) that deliver to queues encrypted with the key: SNS then needs
   * kms:GenerateDataKey and kms:Decrypt in the key policy (SQS "key management": SNS as a producer).
   * @default - no SNS statement
   */
  readonly snsTopicNamePatterns?: readonly string[];
}

/**
 * The customer-managed key of the ECS layer: service and ECS Exec log groups, ECR images and Exec
 * sessions. CloudWatch Logs may use it only for the layer's log groups; everyone else goes through IAM.
 */
export class EcsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EcsKeyProps) {
    super(scope, id);
    this.key = addCustomerManagedKey(this, {
      description: props.snsTopicNamePatterns?.length
        ? `${props.namePrefix} ECS: service logs, ECS Exec sessions and logs, ECR images, topics and worker queues`
        : `${props.namePrefix} ECS: service logs, ECS Exec sessions and logs, ECR images`,
      name: `${props.namePrefix}-ecs`,
      production: props.production,
      statements: [
        // ECR, ECS Exec, SQS and SNS for the tasks use the key through IAM (the account statement).
        accountAdministersKey(props.accountId, props.region),
        cloudWatchLogsMayUseKey("CloudWatchLogsEcsLogGroups", { ...props, logGroupNames: props.logGroupNamePatterns }),
        ...(props.snsTopicNamePatterns?.length
          ? [snsMayUseKey("SnsDeliversToEncryptedQueues", { ...props, topicNames: props.snsTopicNamePatterns })]
          : []),
      ],
    });
  }
}
