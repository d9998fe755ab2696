import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";

export interface SecureBucketProps {
  /** Globally unique bucket name (3-63 lowercase letters, digits, dots, hyphens); may contain the account id as a reference. */
  readonly bucketName: string;
  /**
   * KMS key that encrypts every object (SSE-KMS with an S3 Bucket Key).
   * @default - SSE-S3 (AES256), only for writers that cannot use KMS (ELB access logs)
   */
  readonly kmsKeyArn?: string;
  /** Days after which current objects expire. */
  readonly expirationDays: number;
  /**
   * Days after which overwritten or deleted object versions are removed.
   * @default 7
   */
  readonly noncurrentVersionExpirationDays?: number;
  /** Production: prevent_destroy on the bucket, and forceDestroy is refused. */
  readonly production: boolean;
  /**
   * Let `terraform destroy` delete a bucket that still holds objects.
   * @default false - destroy fails while the bucket has objects
   */
  readonly forceDestroy?: boolean;
  /**
   * Allow statements added to the bucket policy, next to the deny of non-TLS requests.
   * @default [] - only the account's IAM policies grant access
   */
  readonly policyStatements?: readonly DataAwsIamPolicyDocumentStatement[];
}

/**
 * An S3 bucket hardened the same way wherever the project stores data: SSE-KMS, versioning, every
 * public-access block, bucket-owner-enforced ownership (ACLs off), TLS-only policy, and a lifecycle
 * that expires data, then its noncurrent versions and the delete markers left behind, and aborts
 * abandoned multipart uploads (they are billed but invisible).
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 7;
    assertProps(this, [
      !Token.isUnresolved(props.bucketName) &&
        !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName) &&
        `bucketName "${props.bucketName}" is not a valid S3 bucket name; use 3-63 lowercase letters, digits, dots and hyphens`,
      (!Number.isInteger(props.expirationDays) || props.expirationDays < 1) &&
        `expirationDays (${props.expirationDays}) must be a whole number of days, at least 1`,
      (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) &&
        `noncurrentVersionExpirationDays (${noncurrentDays}) must be a whole number of days, at least 1`,
      props.production &&
        props.forceDestroy === true &&
        "forceDestroy: production buckets are never force-destroyed; remove forceDestroy or set production to false",
    ]);

    this.bucket = protectFromDestroy(
      new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false }),
      props.production,
    );
    const bucket = this.bucket.id;

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership-controls", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-and-clean-up",
          status: "Enabled",
          filter: [{}],
          expiration: [{ days: props.expirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
        {
          // Expiring a current version in a versioned bucket leaves a delete marker; once the noncurrent
          // version expires too, the marker is all that is left and still gets listed and counted.
          // A rule of its own: AWS rejects ExpiredObjectDeleteMarker next to Days in one expiration.
          id: "remove-expired-delete-markers",
          status: "Enabled",
          filter: [{}],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
      // AWS rejects a lifecycle with noncurrent-version rules until versioning exists.
      dependsOn: [versioning],
    });

    const document = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(props.policyStatements ?? []),
      ],
    });
    // After the public-access block, so AWS evaluates the policy with every block already in place.
    this.policy = new S3BucketPolicy(this, "policy", { bucket, policy: document.json, dependsOn: [publicAccess] });
  }
}
