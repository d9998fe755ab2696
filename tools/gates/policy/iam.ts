import { describe, isPublic, type PolicyDocument, policyDocuments } from "./documents";
import { defineRule, resourcesOf, strings } from "./terraform";

/**
 * Actions AWS does not let a policy scope to a resource (the Service Authorization Reference lists no
 * resource type for them), so `Resource: "*"` is the only way to grant them. Each entry says who needs it.
 */
export const UNSCOPABLE_ACTIONS: Readonly<Record<string, string>> = {
  "ecr:GetAuthorizationToken": "registry login token for image pulls (ECS task execution role, nodes)",
  "sts:GetCallerIdentity": "identity check; needs no permission but is often listed explicitly",
  "logs:DescribeLogGroups": "listing log groups (flow-log delivery role); no resource-level permission",
  "cloudwatch:PutMetricData": "custom metrics; scope with the cloudwatch:namespace condition instead",
  "xray:PutTraceSegments": "X-Ray tracing from tasks and pods",
  "xray:PutTelemetryRecords": "X-Ray tracing from tasks and pods",
  "ssmmessages:CreateControlChannel": "ECS Exec / Session Manager channels",
  "ssmmessages:CreateDataChannel": "ECS Exec / Session Manager channels",
  "ssmmessages:OpenControlChannel": "ECS Exec / Session Manager channels",
  "ssmmessages:OpenDataChannel": "ECS Exec / Session Manager channels",
  "ec2:DescribeInstances": "EC2 Describe calls take no resource (node termination handler, CNI, autoscaler)",
  "ec2:DescribeInstanceTypes": "EC2 Describe calls take no resource",
  "ec2:DescribeTags": "EC2 Describe calls take no resource",
  "ec2:DescribeAvailabilityZones": "EC2 Describe calls take no resource",
  "ec2:DescribeNetworkInterfaces": "EC2 Describe calls take no resource (VPC CNI, flow-log delivery)",
  "ec2:DescribeSubnets": "EC2 Describe calls take no resource",
  "ec2:DescribeSecurityGroups": "EC2 Describe calls take no resource",
  "ec2:DescribeVpcs": "EC2 Describe calls take no resource",
  "ec2:DescribeRouteTables": "EC2 Describe calls take no resource",
  "ec2:DescribeLaunchTemplateVersions": "EC2 Describe calls take no resource (cluster autoscaler)",
  "autoscaling:DescribeAutoScalingGroups": "Auto Scaling Describe calls take no resource (termination handler, autoscaler)",
  "autoscaling:DescribeAutoScalingInstances": "Auto Scaling Describe calls take no resource",
  "autoscaling:DescribeTags": "Auto Scaling Describe calls take no resource",
  "autoscaling:DescribeScalingActivities": "Auto Scaling Describe calls take no resource",
  "autoscaling:DescribeLaunchConfigurations": "Auto Scaling Describe calls take no resource",
  "autoscaling:DescribeLifecycleHooks": "Auto Scaling Describe calls take no resource (termination handler with heartbeats)",
  "elasticloadbalancing:DescribeLoadBalancers": "ELB Describe calls take no resource (load balancer controller)",
  "elasticloadbalancing:DescribeTargetGroups": "ELB Describe calls take no resource",
  "elasticloadbalancing:DescribeTargetHealth": "ELB Describe calls take no resource",
  "elasticloadbalancing:DescribeListeners": "ELB Describe calls take no resource",
  "elasticloadbalancing:DescribeRules": "ELB Describe calls take no resource",
  "elasticloadbalancing:DescribeTags": "ELB Describe calls take no resource",
  "sqs:ListQueues": "listing queues takes no resource",
};

/**
 * Service principals that send aws:SourceAccount / aws:SourceArn when they assume a role, so a trust
 * policy can pin them to this account (confused-deputy protection, IAM user guide). Services missing
 * here do not document the keys for role assumption; adding a condition for them would break the role.
 */
export const CONFUSED_DEPUTY_SERVICES: readonly string[] = [
  "ecs-tasks.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
  "delivery.logs.amazonaws.com",
  "logs.amazonaws.com",
  "events.amazonaws.com",
  "scheduler.amazonaws.com",
  "firehose.amazonaws.com",
  "states.amazonaws.com",
  "sns.amazonaws.com",
  "s3.amazonaws.com",
  "glue.amazonaws.com",
  "athena.amazonaws.com",
];

/** AWS-managed policies that grant administration of the account or of IAM itself. */
export const ADMIN_MANAGED_POLICIES: readonly string[] = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AWSOrganizationsFullAccess",
  "AdministratorAccess-Amplify",
  "AdministratorAccess-AWSElasticBeanstalk",
];

/** An account's root principal: `arn:<partition>:iam::<account>:root` (partition and account may be references) or a bare account id. */
const ACCOUNT_ROOT = /^(arn:(aws[a-z-]*|\$\{[^}]+\}):iam::(\d{12}|\$\{[^}]+\}):root|\d{12})$/;

const CONFUSED_DEPUTY_KEYS = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"];

/**
 * KMS's default key policy statement: the key's own account root gets kms:* so that IAM policies can
 * grant use of the key; without it a key becomes unmanageable. It is the one service-wide grant allowed.
 */
function isKeyAdminDelegation(document: PolicyDocument, principals: readonly { type: string; identifiers: readonly string[] }[]): boolean {
  return (
    (document.owner.type === "aws_kms_key" || document.owner.type === "aws_kms_key_policy") &&
    principals.length > 0 &&
    principals.every((p) => p.type === "AWS" && p.identifiers.every((id) => ACCOUNT_ROOT.test(id)))
  );
}

export const iamWildcardActions = defineRule({
  id: "POL-IAM-1",
  title: "No `*` or `service:*` action (and no Allow with NotAction) in any policy document",
  rationale: "Service-wide grants include every future action of the service; least privilege names the actions used.",
  source: "AWS Security Hub IAM.1 / IAM.21; field-notes #3 (least-privilege termination-handler role)",
  check(stack, report) {
    for (const document of policyDocuments(stack).documents) {
      for (const statement of document.statements) {
        if (statement.effect !== "Allow") continue;
        const where = describe(document, statement);
        if (statement.notActions.length > 0) {
          report(
            document.owner.address,
            `${where} allows everything except NotAction [${statement.notActions.join(", ")}]; list the actions instead`,
          );
        }
        const broad = statement.actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
        if (broad.length === 0 || isKeyAdminDelegation(document, statement.principals)) continue;
        report(document.owner.address, `${where} allows ${broad.join(", ")}; list the actions the principal needs`);
      }
    }
  },
});

const UNSCOPABLE = new Set(Object.keys(UNSCOPABLE_ACTIONS).map((a) => a.toLowerCase()));

export const iamWildcardResources = defineRule({
  id: "POL-IAM-2",
  title: '`Resource: "*"` in identity policies only for actions AWS cannot scope (UNSCOPABLE_ACTIONS)',
  rationale: "A grant on every resource of the account reaches data the workload has no business with.",
  source: "AWS Security Hub IAM.21; IAM best practice: grant least privilege",
  check(stack, report) {
    for (const document of policyDocuments(stack).documents) {
      if (document.kind !== "identity") continue;
      for (const statement of document.statements) {
        if (statement.effect !== "Allow" || !statement.resources.includes("*")) continue;
        const scopable = statement.actions.filter((a) => !UNSCOPABLE.has(a.toLowerCase()));
        if (scopable.length === 0 && statement.notActions.length === 0) continue;
        report(
          document.owner.address,
          `${describe(document, statement)} grants ${scopable.join(", ") || "NotAction"} on Resource "*"; name the resources (only actions AWS cannot scope may use "*")`,
        );
      }
    }
  },
});

export const iamTrustPolicies = defineRule({
  id: "POL-IAM-3",
  title: "Trust policies name specific principals, pinned with aws:SourceAccount/aws:SourceArn where the service supports it",
  rationale: "A role any principal (or any account's service) can assume is a confused-deputy path into the account.",
  source: "IAM user guide: the confused deputy problem; AWS Security Hub IAM.1",
  check(stack, report) {
    for (const document of policyDocuments(stack).documents) {
      if (document.kind !== "trust") continue;
      for (const statement of document.statements) {
        if (statement.effect !== "Allow") continue;
        const where = describe(document, statement);
        const conditionKeys = statement.conditions.map((c) => c.variable.toLowerCase());
        if (statement.principals.length === 0) {
          report(
            document.owner.address,
            `${where} names no principal; name the service, account role or identity provider that assumes the role`,
          );
        }
        if (isPublic(statement.principals)) {
          report(document.owner.address, `${where} lets any principal ("*") assume the role; name the principal`);
        }
        for (const principal of statement.principals) {
          for (const id of principal.identifiers) {
            if (principal.type === "Service" && id.includes("*")) {
              report(document.owner.address, `${where} trusts service principal "${id}"; name the service exactly`);
            } else if (
              principal.type === "Service" &&
              CONFUSED_DEPUTY_SERVICES.includes(id) &&
              !conditionKeys.some((k) => CONFUSED_DEPUTY_KEYS.includes(k))
            ) {
              report(
                document.owner.address,
                `${where} trusts ${id} without an aws:SourceAccount or aws:SourceArn condition; pin it to this account`,
              );
            } else if (principal.type === "Federated" && !conditionKeys.some((k) => /:(sub|aud)$/.test(k))) {
              report(
                document.owner.address,
                `${where} trusts identity provider ${id} without a :sub or :aud condition; any identity of the provider could assume the role`,
              );
            }
          }
        }
      }
    }
  },
});

export const iamAdminPolicies = defineRule({
  id: "POL-IAM-4",
  title: "No AWS-managed administrator policies attached",
  rationale: "AdministratorAccess and friends turn any compromise of the role into a compromise of the account.",
  source: "AWS Security Hub IAM.1; CIS AWS Foundations 1.16",
  check(stack, report) {
    for (const resource of resourcesOf(stack)) {
      for (const attribute of ["policy_arn", "policy_arns", "managed_policy_arns"]) {
        for (const arn of strings(resource.body[attribute])) {
          const name = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
          if (name && ADMIN_MANAGED_POLICIES.includes(name)) {
            report(resource.address, `${attribute} attaches the AWS-managed ${name}; attach a policy with the actions the role needs`);
          }
        }
      }
    }
  },
});

export const publicResourcePolicies = defineRule({
  id: "POL-IAM-5",
  title: 'Resource policies (other than KMS, see POL-KMS-3) allow `Principal: "*"` only with a condition',
  rationale: "An unconditioned public grant on a bucket, queue or topic opens it to every AWS account and anonymous callers.",
  source: "AWS Security Hub S3.2/S3.3, SQS.3, SNS.4",
  check(stack, report) {
    for (const document of policyDocuments(stack).documents) {
      if (document.kind !== "resource" || document.owner.type === "aws_kms_key" || document.owner.type === "aws_kms_key_policy") continue;
      for (const statement of document.statements) {
        if (statement.effect === "Allow" && isPublic(statement.principals) && statement.conditions.length === 0) {
          report(
            document.owner.address,
            `${describe(document, statement)} allows Principal "*" without a condition; name the principals or add a condition`,
          );
        }
      }
    }
  },
});

export const checkablePolicies = defineRule({
  id: "POL-IAM-6",
  title: "Every policy document can be checked: literal JSON or a data.aws_iam_policy_document in the same stack",
  rationale: "A document the suite cannot read (jsonencode(), another stack's output) would pass every rule unchecked.",
  source: "This suite: checkov's terraform_json checks skip JSON-string documents",
  check(stack, report) {
    for (const { owner, attribute, reason } of policyDocuments(stack).uncheckable) report(owner.address, `${attribute} ${reason}`);
  },
});

export const IAM_RULES = [
  iamWildcardActions,
  iamWildcardResources,
  iamTrustPolicies,
  iamAdminPolicies,
  publicResourcePolicies,
  checkablePolicies,
];
