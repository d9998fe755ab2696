import { z } from "zod";
import { CLOUDWATCH_RETENTION_DAYS } from "../lib/logs/encrypted-log-group";
import { int } from "./fields";

// The `eks:` settings of issue #18 item 3: the in-VPC CI runner the cluster-facing jobs run on, and who
// else may reach the private API endpoint. Cross-field guards are in config/ci-guards.ts.

/** CodeBuild compute types offered for the runner (Linux containers; the API's ComputeType enum). */
export const CI_RUNNER_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"] as const;

export const ciRunnerSection = z
  .strictObject({
    connectionArn: z
      .string()
      .regex(
        /^arn:aws(-cn|-us-gov)?:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
        "must be a CodeConnections connection ARN such as arn:aws:codeconnections:eu-west-1:123456789012:connection/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 (docs/ci-runners.md)",
      )
      .describe(
        "AWS CodeConnections connection to GitHub, created once by a person in the console (docs/ci-runners.md); CodeBuild creates the repository webhook through it.",
      ),
    repositoryUrl: z
      .string()
      .regex(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/, "must be a GitHub repository URL such as https://github.com/acme/platform-infra")
      .optional()
      .describe(
        "Repository whose workflow jobs the runner takes. @default https://<repository> when repository is github.com/<owner>/<name>",
      ),
    computeType: z
      .enum(CI_RUNNER_COMPUTE_TYPES)
      .default("BUILD_GENERAL1_SMALL")
      .describe("CodeBuild compute type of each runner (SMALL: 2 vCPU, 3 GB; plenty for terraform plan). @default BUILD_GENERAL1_SMALL"),
    buildTimeoutMinutes: int(5, 2160, " minutes (the CodeBuild limits)")
      .default(120)
      .describe("CodeBuild stops a runner after this long; keep it at least the longest timeout-minutes of a job it runs. @default 120"),
    logRetentionDays: z
      .literal(CLOUDWATCH_RETENTION_DAYS)
      .default(30)
      .describe("Days the runner log group keeps events (the jobs' own logs stay in GitHub). @default 30"),
  })
  .describe(
    "A CodeBuild-hosted GitHub Actions runner in the private subnets (<env>-eks), for the jobs that talk to the Kubernetes API: eks-addons plan and apply (docs/ci-runners.md). The cluster admits it on 443.",
  );

export const privateEndpointAccessSection = z
  .strictObject({
    cidrs: z
      .array(z.string())
      .default([])
      .describe(
        "Address ranges (VPN client pools, office networks over Direct Connect) allowed to the private API endpoint on 443. @default []",
      ),
    securityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group ID such as sg-0123456789abcdef0"))
      .default([])
      .describe(
        "Security groups in the VPC (a bastion, a VPN endpoint) whose members may reach the private API endpoint on 443. @default []",
      ),
  })
  .describe(
    "Who, besides the nodes and the CI runner, may reach the private API endpoint (443). The public endpoint stays off unless publicAccessCidrs lists ranges.",
  );
