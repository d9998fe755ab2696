import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { protectFromDestroy } from "../protection";

// A key policy is a resource policy: "Resource": "*" means "this key". Policies are built as JSON on
// the key rather than as an aws_iam_policy_document, whose identity-policy checks (resource "*") do not apply.

/** Every action a log service needs to encrypt with the key, spelled out instead of kms:ReEncrypt* / kms:GenerateDataKey*. */
export const LOG_SERVICE_KEY_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
];

export interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly AWS: string } | { readonly Service: string };
  readonly Action: string | readonly string[];
  readonly Resource: "*";
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * The default key policy statement: the account administers and uses the key through IAM policies.
 * Without it the key becomes unmanageable if a service statement is ever wrong.
 */
export function accountAdministersKey(accountId: string, region: string): KeyPolicyStatement {
  return {
    Sid: "AccountAdministersKeyThroughIam",
    Effect: "Allow",
    Principal: { AWS: `arn:${arnPartition(region)}:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}

/** CloudWatch Logs may encrypt with the key, only for these log groups (names, or patterns with `*`). */
export function cloudWatchLogsMayUseKey(
  sid: string,
  props: { readonly accountId: string; readonly region: string; readonly logGroupNames: readonly string[] },
): KeyPolicyStatement {
  const arns = props.logGroupNames.map(
    (name) => `arn:${arnPartition(props.region)}:logs:${props.region}:${props.accountId}:log-group:${name}`,
  );
  const wildcard = props.logGroupNames.some((name) => name.includes("*"));
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: `logs.${props.region}.amazonaws.com` },
    Action: LOG_SERVICE_KEY_ACTIONS,
    Resource: "*",
    Condition: {
      [wildcard ? "ArnLike" : "ArnEquals"]: { "kms:EncryptionContext:aws:logs:arn": arns.length === 1 ? arns[0]! : arns },
    },
  };
}

/** SNS may encrypt with the key, only on behalf of these topics (names, or patterns with `*`): delivery to encrypted queues. */
export function snsMayUseKey(
  sid: string,
  props: { readonly accountId: string; readonly region: string; readonly topicNames: readonly string[] },
): KeyPolicyStatement {
  const arns = props.topicNames.map((name) => `arn:${arnPartition(props.region)}:sns:${props.region}:${props.accountId}:${name}`);
  const wildcard = props.topicNames.some((name) => name.includes("*"));
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: "sns.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: "*",
    Condition: {
      [wildcard ? "ArnLike" : "ArnEquals"]: { "aws:SourceArn": arns.length === 1 ? arns[0]! : arns },
      StringEquals: { "aws:SourceAccount": props.accountId },
    },
  };
}

export interface CustomerManagedKeyProps {
  readonly description: string;
  /** Alias and Name tag, e.g. `prod-ecs` for alias/prod-ecs. */
  readonly name: string;
  /** Production: prevent_destroy and the maximum 30-day deletion window. */
  readonly production: boolean;
  readonly statements: readonly KeyPolicyStatement[];
}

/**
 * A rotating customer-managed key with its alias, created as `key` and `alias` in `scope` (the
 * addresses of existing keys stay put). Production keys cannot be destroyed by Terraform and wait 30 days.
 */
export function addCustomerManagedKey(scope: Construct, props: CustomerManagedKeyProps): KmsKey {
  const key = protectFromDestroy(
    new KmsKey(scope, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.production ? 30 : 7,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: props.statements }),
      tags: { Name: props.name },
    }),
    props.production,
  );
  new KmsAlias(scope, "alias", { name: `alias/${props.name}`, targetKeyId: key.keyId });
  return key;
}
