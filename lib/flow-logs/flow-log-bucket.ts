import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { justify } from "../justify";
import { SecureBucket } from "../storage/secure-bucket";
import { assertProps } from "../validation";

export interface FlowLogBucketProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly kmsKeyArn: string;
  /** Days before flow-log objects expire. */
  readonly retentionDays: number;
  readonly production: boolean;
}

/**
 * The S3 destination of the flow logs: a SecureBucket whose policy lets only the log delivery service
 * write, only under AWSLogs/<this account>/, and only for deliveries of this account and region.
 */
export class FlowLogBucket extends Construct {
  readonly storage: SecureBucket;

  constructor(scope: Construct, id: string, props: FlowLogBucketProps) {
    super(scope, id);
    assertProps(this, [
      (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) &&
        `retentionDays (${props.retentionDays}) must be a whole number of days, at least 1`,
    ]);
    const partition = arnPartition(props.region);
    const arn = `arn:${partition}:s3:::${bucketName(props)}`;
    const fromThisAccount = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${partition}:logs:${props.region}:${props.accountId}:*`] },
    ];
    const logDelivery = [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }];
    this.storage = new SecureBucket(this, "storage", {
      bucketName: bucketName(props),
      kmsKeyArn: props.kmsKeyArn,
      expirationDays: props.retentionDays,
      production: props.production,
      // Outside production `terraform destroy` must be able to empty the bucket (versions included).
      forceDestroy: !props.production,
      policyStatements: [
        {
          sid: "LogDeliveryWrite",
          effect: "Allow",
          principals: logDelivery,
          actions: ["s3:PutObject"],
          resources: [`${arn}/AWSLogs/aws-account-id=${props.accountId}/*`],
          // No `s3:x-amz-acl = bucket-owner-full-control` condition, although AWS's example policy has one
          // (VPC user guide, "Amazon S3 bucket permissions for flow logs"). SecureBucket enforces
          // BucketOwnerEnforced: S3 itself refuses any PUT whose ACL is not bucket-owner-full-control
          // (S3 user guide, "Object Ownership error responses") and owns every object, so the condition adds
          // no protection; AWS recommends it only where ACLs are on (S3 user guide, "Disabling ACLs for all
          // new buckets and enforcing Object Ownership": bucket owner preferred). It can only cost deliveries:
          // a PUT without the header matches no Allow, and cloudposse/terraform-aws-vpc-flow-logs-s3-bucket#101
          // reports exactly that for ACL-disabled buckets. Restore it if ownership ever enables ACLs.
          condition: fromThisAccount,
        },
        {
          sid: "LogDeliveryAclCheck",
          effect: "Allow",
          principals: logDelivery,
          // Both as AWS documents them: without ListBucket the delivery service's checks show up as
          // AccessDenied in CloudTrail (CloudWatch Logs user guide, "Logs sent to Amazon S3").
          actions: ["s3:GetBucketAcl", "s3:ListBucket"],
          resources: [arn],
          condition: fromThisAccount,
        },
      ],
    });
    const { bucket } = this.storage;
    justify(
      bucket,
      "CKV_AWS_18",
      "This bucket holds logs; server access logs of it would need yet another log bucket, and CloudTrail records who reads it.",
    );
    justify(
      bucket,
      "CKV_AWS_144",
      "Flow logs are troubleshooting data that expire after the retention period; a cross-region replica doubles cost with no recovery value.",
    );
    justify(
      bucket,
      "CKV2_AWS_62",
      "Nothing consumes object-created events: Athena finds new hourly partitions through partition projection.",
    );
  }

  get bucketName(): string {
    return this.storage.bucket.bucket;
  }

  get bucketArn(): string {
    return this.storage.bucket.arn;
  }
}

/** `<env>-vpc-flow-logs-<account>`: bucket names are global, the account id keeps them unique. */
export function bucketName(props: { readonly namePrefix: string; readonly accountId: string }): string {
  return `${props.namePrefix}-vpc-flow-logs-${props.accountId}`;
}
