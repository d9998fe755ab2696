import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { assertProps } from "../validation";

// The permission model of ECS task roles: a resource (by ARN, or a queue or topic the stack owns) and
// access levels; each level of each resource type maps to exact actions, never a wildcard action.
// Every action here is scoped to the resource in the Service Authorization Reference, so no level
// needs `Resource: "*"` (https://docs.aws.amazon.com/service-authorization/latest/reference/).

/** The resource types a task may be granted access to, named by the service part of their ARNs. */
export type ResourceType = "s3" | "sqs" | "sns" | "dynamodb" | "secretsmanager";

/** What one access level grants on one resource type. */
export interface AccessLevel {
  /** Actions on the resource itself (bucket, queue, topic, table, secret). */
  readonly actions: readonly string[];
  /** Actions on what the resource contains, and the suffix of their ARN (S3 objects, DynamoDB indexes). */
  readonly contents?: { readonly actions: readonly string[]; readonly arnSuffix: string };
  /** With a customer-managed key: what the level needs of it. Reading decrypts; writing also generates data keys. */
  readonly keyActions: readonly string[];
}

const DECRYPT = ["kms:Decrypt"];
const ENCRYPT = ["kms:Decrypt", "kms:GenerateDataKey"];

/**
 * Access levels per resource type. Sources: the Service Authorization Reference pages of S3, SQS, SNS,
 * DynamoDB and Secrets Manager (resource types per action), SQS's "key management" page (producers need
 * kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt), SNS's "encryption at rest" page (publishers
 * to an encrypted topic need kms:GenerateDataKey and kms:Decrypt).
 */
export const ACCESS_LEVELS: { readonly [T in ResourceType]: Readonly<Record<string, AccessLevel>> } = {
  s3: {
    read: { actions: ["s3:ListBucket"], contents: { actions: ["s3:GetObject"], arnSuffix: "/*" }, keyActions: DECRYPT },
    write: { actions: [], contents: { actions: ["s3:AbortMultipartUpload", "s3:PutObject"], arnSuffix: "/*" }, keyActions: ENCRYPT },
    delete: { actions: [], contents: { actions: ["s3:DeleteObject"], arnSuffix: "/*" }, keyActions: [] },
  },
  sqs: {
    consume: {
      actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      keyActions: DECRYPT,
    },
    send: { actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"], keyActions: ENCRYPT },
  },
  sns: {
    publish: { actions: ["sns:Publish"], keyActions: ENCRYPT },
  },
  dynamodb: {
    read: {
      actions: [
        "dynamodb:BatchGetItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
      ],
      contents: { actions: ["dynamodb:Query", "dynamodb:Scan"], arnSuffix: "/index/*" },
      keyActions: DECRYPT,
    },
    write: {
      actions: ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      keyActions: ENCRYPT,
    },
  },
  secretsmanager: {
    read: { actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], keyActions: DECRYPT },
  },
};

/** Every level name of every type, for the config schema's enum. */
export const ACCESS_LEVEL_NAMES: readonly string[] = [
  ...new Set(Object.values(ACCESS_LEVELS).flatMap((levels) => Object.keys(levels))),
].sort();

/** Every action some level grants: the policy suite holds task roles to these. */
export const TASK_ROLE_ACTIONS: ReadonlySet<string> = new Set(
  Object.values(ACCESS_LEVELS).flatMap((levels) =>
    Object.values(levels).flatMap((level) => [...level.actions, ...(level.contents?.actions ?? []), ...level.keyActions]),
  ),
);

/** ARN shapes per type (commercial, China and GovCloud partitions); the name part excludes wildcards. */
const ARN_SHAPES: { readonly [T in ResourceType]: { readonly pattern: RegExp; readonly example: string } } = {
  s3: { pattern: /^arn:aws(-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, example: "arn:aws:s3:::my-bucket" },
  sqs: {
    pattern: /^arn:aws(-cn|-us-gov)?:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/,
    example: "arn:aws:sqs:eu-west-1:111122223333:orders",
  },
  sns: {
    pattern: /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/,
    example: "arn:aws:sns:eu-west-1:111122223333:orders",
  },
  dynamodb: {
    pattern: /^arn:aws(-cn|-us-gov)?:dynamodb:[a-z0-9-]+:\d{12}:table\/[\w.-]{3,255}$/,
    example: "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
  },
  secretsmanager: {
    pattern: /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/,
    example: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-AbCdEf",
  },
};

/** The resource type an ARN names, or undefined for a service outside the model. */
export function resourceTypeOf(arn: string): ResourceType | undefined {
  const service = /^arn:[\w-]+:([\w-]+):/.exec(arn)?.[1];
  return service && service in ACCESS_LEVELS ? (service as ResourceType) : undefined;
}

/** Why an ARN cannot be granted (unknown service, malformed, wildcard), or undefined when it can. */
export function grantArnProblem(arn: string): string | undefined {
  const type = resourceTypeOf(arn);
  if (!type) return `names no resource type the permission model knows; use an ARN of ${Object.keys(ACCESS_LEVELS).join(", ")}`;
  const shape = ARN_SHAPES[type];
  if (arn.includes("*") || arn.includes("?"))
    return `contains a wildcard; name one ${type} resource by its full ARN, e.g. ${shape.example}`;
  if (!shape.pattern.test(arn)) return `is not a well-formed ${type} ARN, e.g. ${shape.example}`;
  return undefined;
}

/** Why a level does not apply to a type, or undefined. */
export function accessLevelProblem(type: ResourceType, level: string): string | undefined {
  const levels = Object.keys(ACCESS_LEVELS[type]);
  return levels.includes(level) ? undefined : `"${level}" is not an access level of ${type}; use ${levels.join(", ")}`;
}

/** One resource a task may use, at the given levels. */
export interface TaskGrant {
  /** Statement id prefix: letters and digits, unique per role, e.g. OwnQueue or S3Uploads. */
  readonly sid: string;
  readonly type: ResourceType;
  /** ARN of the resource (a literal or a reference to a resource of the stack). */
  readonly arn: string;
  readonly levels: readonly string[];
  /** The customer-managed key the resource is encrypted with. @default - AWS-owned or AWS-managed key, no kms grant */
  readonly kmsKeyArn?: string;
}

/** The statements of a set of grants: one per grant for the resource, one for its contents, one for its key. */
export function grantStatements(grants: readonly TaskGrant[]): DataAwsIamPolicyDocumentStatement[] {
  const statements: DataAwsIamPolicyDocumentStatement[] = [];
  for (const grant of grants) {
    const levels = grant.levels.map((name) => ACCESS_LEVELS[grant.type][name]!);
    const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();
    const actions = sorted(levels.flatMap((l) => l.actions));
    if (actions.length) statements.push({ sid: grant.sid, effect: "Allow", actions, resources: [grant.arn] });
    const contents = levels.filter((l) => l.contents);
    for (const suffix of [...new Set(contents.map((l) => l.contents!.arnSuffix))]) {
      const contentActions = sorted(contents.filter((l) => l.contents!.arnSuffix === suffix).flatMap((l) => l.contents!.actions));
      statements.push({ sid: `${grant.sid}Contents`, effect: "Allow", actions: contentActions, resources: [`${grant.arn}${suffix}`] });
    }
    const keyActions = sorted(levels.flatMap((l) => l.keyActions));
    if (grant.kmsKeyArn && keyActions.length) {
      statements.push({ sid: `${grant.sid}Key`, effect: "Allow", actions: keyActions, resources: [grant.kmsKeyArn] });
    }
  }
  return statements;
}

export interface TaskPermissionsProps {
  /** The task role's id (name). */
  readonly roleId: string;
  readonly grants: readonly TaskGrant[];
}

/**
 * The application's own permissions as one inline policy of its task role, built from the permission
 * model only: exact actions per access level, on the named resources, and their keys.
 */
export class TaskPermissions extends Construct {
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TaskPermissionsProps) {
    super(scope, id);
    const sids = props.grants.map((g) => g.sid);
    assertProps(this, [
      props.grants.length === 0 && "grants is empty; create TaskPermissions only for a task that uses AWS resources",
      sids.some((sid) => !/^[A-Za-z0-9]+$/.test(sid)) && `sids (${sids.join(", ")}) must be letters and digits (IAM statement ids)`,
      new Set(sids).size !== sids.length && `sids (${sids.join(", ")}) must be unique`,
      ...props.grants.flatMap((g) => [
        g.levels.length === 0 && `grant ${g.sid}: levels is empty`,
        ...g.levels.map((level) => accessLevelProblem(g.type, level) && `grant ${g.sid}: ${accessLevelProblem(g.type, level)}`),
        !Token.isUnresolved(g.arn) && grantArnProblem(g.arn) && `grant ${g.sid}: ${g.arn} ${grantArnProblem(g.arn)}`,
      ]),
    ]);
    this.policy = new IamRolePolicy(this, "policy", {
      name: "application",
      role: props.roleId,
      policy: new DataAwsIamPolicyDocument(this, "policy-document", { statement: grantStatements(props.grants) }).json,
    });
  }
}
