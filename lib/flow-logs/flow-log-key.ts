import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import {
  accountAdministersKey,
  addCustomerManagedKey,
  cloudWatchLogsMayUseKey,
  type KeyPolicyStatement,
  LOG_SERVICE_KEY_ACTIONS,
} from "../kms/customer-managed-key";
import { assertProps } from "../validation";

export interface FlowLogKeyProps {
  readonly namePrefix: string;
  /** Account that owns the key and the flow logs (a literal or a reference to aws_caller_identity). */
  readonly accountId: string;
  readonly region: string;
  /** Production: prevent_destroy and a 30-day deletion window. */
  readonly production: boolean;
  /** Grant the log delivery service (flow logs to S3, SSE-KMS) use of the key for this account's log deliveries. */
  readonly allowS3Delivery: boolean;
  /**
   * Grant CloudWatch Logs use of the key, for this log group only.
   * @default - CloudWatch Logs gets no access
   */
  readonly cloudwatchLogGroupName?: string;
}

/**
 * The customer-managed key for flow-log data: the S3 objects, the CloudWatch log group and the Athena
 * results. Rotated yearly; the key policy names exactly the services that write with it, each scoped
 * to this account's resources (confused-deputy protection). People use it through IAM (root statement).
 */
export class FlowLogKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: FlowLogKeyProps) {
    super(scope, id);
    assertProps(this, [
      !props.allowS3Delivery &&
        !props.cloudwatchLogGroupName &&
        "grant at least one service (allowS3Delivery or cloudwatchLogGroupName); a key nobody writes with is waste",
    ]);
    const partition = arnPartition(props.region);
    const statements: KeyPolicyStatement[] = [accountAdministersKey(props.accountId, props.region)];
    if (props.allowS3Delivery) {
      statements.push({
        Sid: "FlowLogDeliveryToS3",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: LOG_SERVICE_KEY_ACTIONS,
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": props.accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:logs:${props.region}:${props.accountId}:*` },
        },
      });
    }
    if (props.cloudwatchLogGroupName) {
      statements.push(cloudWatchLogsMayUseKey("CloudWatchLogsFlowLogGroup", { ...props, logGroupNames: [props.cloudwatchLogGroupName] }));
    }
    this.key = addCustomerManagedKey(this, {
      description: `${props.namePrefix} VPC flow logs, their Athena results and log group`,
      name: `${props.namePrefix}-flow-logs`,
      production: props.production,
      statements,
    });
  }
}
