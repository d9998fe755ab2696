import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { accountAdministersKey, addCustomerManagedKey, cloudWatchLogsMayUseKey } from "../kms/customer-managed-key";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";
import { assertProps } from "../validation";

/** The webhook event CodeBuild answers with a runner (CodeBuild API WebhookFilter: GitHub only). */
export const RUNNER_WEBHOOK_EVENT = "WORKFLOW_JOB_QUEUED";
/** AWS-managed image with git, Node.js, Python and the AWS CLI (the Helm provider's `aws eks get-token`). */
export const RUNNER_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

/**
 * The `runs-on` label that routes a job to the project's runner (CodeBuild user guide, "Label overrides
 * supported with the CodeBuild-hosted GitHub Actions runner"), with the GitHub expressions as text. Two jobs
 * of one run on the same project also need a label of their own each, or a job may take the other's runner.
 */
export function runnerLabel(projectName: string): string {
  return `codebuild-${projectName}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
}

export interface CodeBuildRunnerProps {
  /** CodeBuild project name; also names its role, security group, key and log group. */
  readonly projectName: string;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  /** Private subnets (routed through NAT): the runner reaches GitHub, AWS APIs and the cluster from there. */
  readonly subnetIds: string[];
  /** https://github.com/<owner>/<name>: the repository whose queued jobs start a runner. */
  readonly repositoryUrl: string;
  /** CodeConnections (or CodeStar Connections) connection to GitHub, created by a person once. */
  readonly connectionArn: string;
  /** @default BUILD_GENERAL1_SMALL */
  readonly computeType?: string;
  /** CodeBuild stops the runner after this many minutes; at least the longest job timeout. */
  readonly buildTimeoutMinutes: number;
  readonly logRetentionDays: number;
  /** Production: prevent_destroy on the key and log group. */
  readonly production: boolean;
}

/**
 * A CodeBuild-hosted GitHub Actions runner inside the VPC: a project whose GitHub webhook answers every
 * queued workflow job that asks for its label with an ephemeral runner in the private subnets. Its security
 * group opens egress on 443 only and nothing inbound; its service role can only write its own logs and
 * attach its network interfaces in those subnets (the jobs take their AWS credentials from GitHub OIDC).
 */
export class CodeBuildRunner extends Construct {
  readonly project: CodebuildProject;
  readonly webhook: CodebuildWebhook;
  readonly securityGroup: SecurityGroup;
  readonly role: IamRole;
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  /** The `runs-on` label of the jobs this runner takes. */
  readonly label: string;

  constructor(scope: Construct, id: string, props: CodeBuildRunnerProps) {
    super(scope, id);
    assertProps(this, [
      !/^[A-Za-z0-9][A-Za-z0-9_-]{1,149}$/.test(props.projectName) &&
        `projectName: "${props.projectName}" must be 2-150 letters, digits, - and _ (CodeBuild project names)`,
      props.subnetIds.length === 0 && "subnetIds: give the private subnets the runner starts in",
      (props.buildTimeoutMinutes < 5 || props.buildTimeoutMinutes > 2160) &&
        `buildTimeoutMinutes: ${props.buildTimeoutMinutes} is outside what CodeBuild accepts (5-2160)`,
    ]);
    const { projectName, accountId, region } = props;
    const partition = arnPartition(region);
    const logGroupName = `/aws/codebuild/${projectName}`;
    const projectArn = `arn:${partition}:codebuild:${region}:${accountId}:project/${projectName}`;
    this.label = runnerLabel(projectName);

    this.key = addCustomerManagedKey(this, {
      description: `${projectName} GitHub Actions runner logs`,
      name: projectName,
      production: props.production,
      statements: [
        accountAdministersKey(accountId, region),
        cloudWatchLogsMayUseKey("CloudWatchLogsRunnerLogGroup", { accountId, region, logGroupNames: [logGroupName] }),
      ],
    });
    this.logGroup = addEncryptedLogGroup(this, "log-group", {
      name: logGroupName,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: this.key.arn,
      production: props.production,
      shortRetentionReason: `The runner log holds start-up and teardown of ephemeral runners for ${props.logRetentionDays} days; the jobs' own logs stay in GitHub Actions.`,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: projectName,
      description: `GitHub Actions runner ${projectName}: no inbound, HTTPS out to GitHub, AWS APIs and the cluster endpoint`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: projectName },
    });
    // 443 is every destination a job has (GitHub, the Terraform registry, AWS APIs, chart registries, the
    // Kubernetes API); DNS to the VPC resolver is not filtered by security groups.
    new VpcSecurityGroupEgressRule(this, "egress-443", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to GitHub, the Terraform registry, AWS APIs and the Kubernetes API (through NAT or endpoints)",
    });

    const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [
        {
          sid: "CodeBuildRunsThisProject",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            { test: "ArnEquals", variable: "aws:SourceArn", values: [projectArn] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${projectName}-service`,
      description: `CodeBuild service role of the GitHub Actions runner ${projectName}: logs and VPC network interfaces only`,
      assumeRolePolicy: trust.json,
    });

    const ec2 = (type: string, resourceId: string) => `arn:${partition}:ec2:${region}:${accountId}:${type}/${resourceId}`;
    const subnetArns = props.subnetIds.map((subnet) => ec2("subnet", subnet));
    const connectionService = props.connectionArn.split(":")[2];
    const permissions = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "WriteRunnerLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}:*`],
        },
        {
          // CodeBuild's VPC builds (CodeBuild user guide, "Allow CodeBuild access to AWS services required to
          // create a VPC network interface"), scoped to this VPC's subnets and the runner's group.
          sid: "DescribeVpcForNetworkInterfaces",
          effect: "Allow",
          actions: [
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          resources: ["*"],
        },
        {
          sid: "RunnerNetworkInterfaces",
          effect: "Allow",
          actions: ["ec2:CreateNetworkInterface"],
          resources: [ec2("network-interface", "*"), ...subnetArns, ec2("security-group", this.securityGroup.id)],
        },
        {
          sid: "RemoveRunnerNetworkInterfaces",
          effect: "Allow",
          actions: ["ec2:DeleteNetworkInterface"],
          resources: [ec2("network-interface", "*")],
        },
        {
          sid: "AttachNetworkInterfacesForCodeBuild",
          effect: "Allow",
          actions: ["ec2:CreateNetworkInterfacePermission"],
          resources: [ec2("network-interface", "*")],
          condition: [
            { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
            { test: "ArnEquals", variable: "ec2:Subnet", values: subnetArns },
          ],
        },
        {
          // The webhook and the runner's registration go through the GitHub connection.
          sid: "UseGitHubConnection",
          effect: "Allow",
          actions: [`${connectionService}:GetConnection`, `${connectionService}:GetConnectionToken`],
          resources: [props.connectionArn],
        },
      ],
    });
    const policy = new IamRolePolicy(this, "policy", { name: "runner", role: this.role.id, policy: permissions.json });

    this.project = new CodebuildProject(this, "project", {
      name: projectName,
      description: `GitHub Actions runner in the VPC for ${props.repositoryUrl}`,
      serviceRole: this.role.arn,
      buildTimeout: props.buildTimeoutMinutes,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: props.computeType ?? "BUILD_GENERAL1_SMALL",
        image: RUNNER_IMAGE,
        privilegedMode: false,
      },
      source: {
        type: "GITHUB",
        location: props.repositoryUrl,
        gitCloneDepth: 1,
        auth: { type: "CODECONNECTIONS", resource: props.connectionArn },
      },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroupName }, s3Logs: { status: "DISABLED" } },
      vpcConfig: { vpcId: props.vpcId, subnets: props.subnetIds, securityGroupIds: [this.securityGroup.id] },
      tags: { Name: projectName },
      // CodeBuild checks the role's VPC permissions when the project is created (aws-cdk#2652), and the
      // log group must exist with its key and retention before the first runner writes to it.
      dependsOn: [policy, this.logGroup],
    });

    this.webhook = new CodebuildWebhook(this, "webhook", {
      projectName: this.project.name,
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: RUNNER_WEBHOOK_EVENT }] }],
    });
  }
}
