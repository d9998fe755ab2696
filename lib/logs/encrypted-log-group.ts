import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { Construct } from "constructs";
import { justify } from "../justify";
import { protectFromDestroy } from "../protection";

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days; "never expire" is not offered. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** checkov CKV_AWS_338 asks for a year of retention; shorter needs a written reason. */
const CHECKOV_MIN_RETENTION_DAYS = 365;

export interface EncryptedLogGroupProps {
  readonly name: string;
  /** Days CloudWatch keeps events (a value CloudWatch accepts). */
  readonly retentionDays: number;
  readonly kmsKeyArn: string;
  /** Production: prevent_destroy and deletion protection. */
  readonly production: boolean;
  /** Why a retention under a year is enough; recorded as the CKV_AWS_338 justification when it applies. */
  readonly shortRetentionReason: string;
}

/**
 * A KMS-encrypted log group with explicit retention, created as `id` in `scope` (the addresses of
 * existing groups stay put); protected from destroy and deletion in production.
 */
export function addEncryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): CloudwatchLogGroup {
  const group = protectFromDestroy(
    new CloudwatchLogGroup(scope, id, {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
      deletionProtectionEnabled: props.production ? true : undefined,
    }),
    props.production,
  );
  if (props.retentionDays < CHECKOV_MIN_RETENTION_DAYS) justify(group, "CKV_AWS_338", props.shortRetentionReason);
  return group;
}
