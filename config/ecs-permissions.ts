import { z } from "zod";
import { ACCESS_LEVEL_NAMES, grantArnProblem } from "../lib/iam/task-permissions";

// A service's own AWS permissions (the task role): each entry names one resource, by ARN or by a queue or
// topic this stack owns, and the access levels it needs. Levels map to exact actions in lib/iam/task-permissions.ts;
// which levels apply to which resource type is a guard (config/ecs-worker-guards.ts).

const resourceArn = z
  .string()
  .superRefine((text, ctx) => {
    const problem = grantArnProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("ARN of an S3 bucket, SQS queue, SNS topic, DynamoDB table or Secrets Manager secret (full ARN, no wildcards).");

const stackName = z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, "must be 1-24 lowercase letters, digits and hyphens, starting with a letter");

const kmsKeyArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, "must be a KMS key ARN");

export const permissionEntry = z
  .strictObject({
    resource: resourceArn.optional(),
    topic: stackName.optional().describe("A topic of ecs.topics (the stack's own, encrypted with its key)."),
    queue: stackName.optional().describe("The queue of a worker service of this environment (loadBalancer: none)."),
    access: z
      .array(z.enum(ACCESS_LEVEL_NAMES as [string, ...string[]]))
      .min(1, "must list at least one access level")
      .describe(
        "Access levels: s3 read/write/delete, sqs consume/send, sns publish, dynamodb read/write, secretsmanager read. Each maps to exact actions (docs/ecs-services.md, Permissions).",
      ),
    kmsKeyArn: kmsKeyArn
      .optional()
      .describe(
        "Customer-managed key the resource is encrypted with; the task may decrypt (and, to write, generate data keys). @default AWS-managed encryption, no kms grant",
      ),
  })
  .describe("One resource the service's tasks may use: exactly one of resource, topic or queue, and the access levels.");

export const permissionsList = z
  .array(permissionEntry)
  .default([])
  .describe("What the service's task role may touch (least privilege: exact actions per level, only these resources). @default []");

export type PermissionSettings = z.output<typeof permissionEntry>;
