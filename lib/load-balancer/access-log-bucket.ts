import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { justify } from "../justify";
import { SecureBucket } from "../storage/secure-bucket";

/**
 * Elastic Load Balancing's own account per region, the log writer in regions opened before August 2022.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 * (cross-checked entry by entry against amazonka-elb's getAccountId table; newer regions use the service principal).
 */
const ELB_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-south-1": "718504428378",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "eu-south-1": "635631232127",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

export interface AccessLogBucketProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly retentionDays: number;
  readonly production: boolean;
}

/**
 * The S3 bucket load balancers write access logs to: a SecureBucket with SSE-S3 (ELB log delivery
 * cannot write SSE-KMS objects) whose policy lets only ELB's log writer put objects under this
 * account's prefix.
 */
export class AccessLogBucket extends Construct {
  readonly storage: SecureBucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucketName = `${props.namePrefix}-lb-access-logs-${props.accountId}-${props.region}`;
    const partition = arnPartition(props.region);
    const legacyAccount = ELB_ACCOUNTS[props.region];
    this.storage = new SecureBucket(this, "storage", {
      bucketName: this.bucketName,
      expirationDays: props.retentionDays,
      production: props.production,
      forceDestroy: !props.production,
      policyStatements: [
        {
          sid: "ElbAccessLogWrite",
          effect: "Allow",
          principals: legacyAccount
            ? [{ type: "AWS", identifiers: [`arn:${partition}:iam::${legacyAccount}:root`] }]
            : [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`arn:${partition}:s3:::${this.bucketName}/AWSLogs/${props.accountId}/*`],
        },
      ],
    });
    const { bucket } = this.storage;
    justify(bucket, "CKV_AWS_145", "ELB access-log delivery writes only SSE-S3 objects; AWS rejects SSE-KMS as the bucket default for it.");
    justify(
      bucket,
      "CKV_AWS_18",
      "This bucket holds access logs; server access logs of it would need yet another log bucket, and CloudTrail records who reads it.",
    );
    justify(bucket, "CKV_AWS_144", "Access logs are operational data kept for a limited time; a second-region copy is not worth its cost.");
    justify(
      bucket,
      "CKV2_AWS_62",
      "Nothing consumes object-created events of access logs; they are read with Athena or downloaded when needed.",
    );
  }
}
