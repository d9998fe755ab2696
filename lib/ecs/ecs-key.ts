import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { accountAdministersKey, addCustomerManagedKey, cloudWatchLogsMayUseKey } from "../kms/customer-managed-key";

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
    this.key = addCustomerManagedKey(this, {
      description: `${props.namePrefix} ECS: service logs, ECS Exec sessions and logs, ECR images`,
      name: `${props.namePrefix}-ecs`,
      production: props.production,
      statements: [
        // ECR and ECS Exec use the key through IAM (the account statement).
        accountAdministersKey(props.accountId, props.region),
        cloudWatchLogsMayUseKey("CloudWatchLogsEcsLogGroups", { ...props, logGroupNames: props.logGroupNamePatterns }),
      ],
    });
  }
}
