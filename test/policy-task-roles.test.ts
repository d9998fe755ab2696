// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { runPolicySuite } from "../tools/gates/policy";
import { taskRolePermissions } from "../tools/gates/policy/iam";

// POL-IAM-7 on small stacks: a task role (task_role_arn of a task definition) with one inline policy.

type Statement = { sid: string; actions: string[]; resources: string[] };

function stack(statements: Statement[], extra: Record<string, Record<string, unknown>> = {}) {
  return {
    name: "fx-ecs",
    terraform: {
      resource: {
        aws_sqs_queue: { jobs: { name: "fx-jobs" } },
        aws_kms_key: { key: { description: "fx" } },
        aws_iam_role: { task: { name: "fx-task" }, other: { name: "fx-other" } },
        aws_ecs_task_definition: {
          app: { family: "fx", task_role_arn: "${aws_iam_role.task.arn}", execution_role_arn: "${aws_iam_role.other.arn}" },
        },
        aws_iam_role_policy: { app: { role: "${aws_iam_role.task.id}", policy: "${data.aws_iam_policy_document.app.json}" } },
        ...extra,
      },
      data: { aws_iam_policy_document: { app: { statement: statements } } },
    },
  };
}
const findings = (s: ReturnType<typeof stack>) =>
  runPolicySuite([s], [taskRolePermissions]).violations.map((v) => `${v.address}: ${v.message}`);
const P = "aws_iam_role_policy.app: policy (data.aws_iam_policy_document.app)";

describe("POL-IAM-7 task roles hold only the permission model", () => {
  it.each<[string, Statement[], string[]]>([
    [
      "the model's grants: own queue, key, bucket contents, a full ARN",
      [
        { sid: "OwnQueue", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: ["${aws_sqs_queue.jobs.arn}"] },
        { sid: "OwnQueueKey", actions: ["kms:Decrypt"], resources: ["${aws_kms_key.key.arn}"] },
        { sid: "Grant0Resource", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::acme-invoices"] },
        { sid: "Grant0ResourceContents", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-invoices/*"] },
        { sid: "SessionChannels", actions: ["ssmmessages:CreateControlChannel"], resources: ["*"] },
      ],
      [],
    ],
    [
      "an action outside the model and a service-wide action",
      [{ sid: "Admin", actions: ["iam:PassRole", "s3:*"], resources: ["arn:aws:s3:::acme-invoices"] }],
      [
        `${P} statement "Admin" grants iam:PassRole, s3:*, outside the permission model's access levels; declare the resource and level in the service's permissions`,
      ],
    ],
    [
      "a scopable action on every resource",
      [{ sid: "Send", actions: ["sqs:SendMessage"], resources: ["*"] }],
      [`${P} statement "Send" grants sqs:SendMessage on "*"; AWS scopes these to a resource, name it`],
    ],
    [
      "wildcard ARNs and a reference to something the stack does not declare",
      [
        { sid: "Buckets", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-*"] },
        { sid: "Gone", actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.gone.arn}", "${aws_sqs_queue.jobs.arn}/extra"] },
      ],
      [
        `${P} statement "Buckets" grants on "arn:aws:s3:::acme-*", a wildcard ARN; name each resource by its full ARN`,
        `${P} statement "Gone" names aws_sqs_queue.gone, which this stack does not declare`,
        `${P} statement "Gone" appends "/extra" to aws_sqs_queue.jobs; only the model's content suffixes are allowed`,
      ],
    ],
  ])("%s", (_, statements, expected) => {
    expect(findings(stack(statements))).toEqual(expected);
  });

  it("refuses managed policies on a task role, and leaves other roles to POL-IAM-1/2", () => {
    const s = stack([], {
      aws_iam_role_policy_attachment: {
        task: { role: "${aws_iam_role.task.name}", policy_arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" },
        execution: {
          role: "${aws_iam_role.other.name}",
          policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        },
      },
    });
    expect(findings(s)).toEqual([
      "aws_iam_role_policy_attachment.task: attaches a managed policy to an ECS task role; grant through the service's permissions (exact actions per level) instead",
    ]);
  });
});
