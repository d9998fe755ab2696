import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";

// Every action a log service needs to encrypt with the key, spelled out instead of kms:ReEncrypt* / kms:GenerateDataKey*.
const LOG_SERVICE_KEY_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
];

interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string };
  readonly Action: string | readonly string[];
  readonly Resource: "*";
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

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
    // A key policy is a resource policy: "Resource": "*" means "this key". It is built here as JSON on
    // the key rather than as an aws_iam_policy_document, whose identity-policy checks (resource "*") do not apply.
    const statements: KeyPolicyStatement[] = [
      {
        // The default key policy: the account (through IAM policies) administers and uses the key.
        // Without it the key becomes unmanageable if the service statements are ever wrong.
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${props.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ];
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
      statements.push({
        Sid: "CloudWatchLogsFlowLogGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${props.region}.amazonaws.com` },
        Action: LOG_SERVICE_KEY_ACTIONS,
        Resource: "*",
        Condition: {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:${props.cloudwatchLogGroupName}`,
          },
        },
      });
    }

    this.key = protectFromDestroy(
      new KmsKey(this, "key", {
        description: `${props.namePrefix} VPC flow logs, their Athena results and log group`,
        enableKeyRotation: true,
        deletionWindowInDays: props.production ? 30 : 7,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
        tags: { Name: `${props.namePrefix}-flow-logs` },
      }),
      props.production,
    );
    new KmsAlias(this, "alias", { name: `alias/${props.namePrefix}-flow-logs`, targetKeyId: this.key.keyId });
  }
}
