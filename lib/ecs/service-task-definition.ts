import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";
import { assertProps } from "../validation";
import { containerDefinitionsJson } from "./container-definition";
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS, fargateSizeProblem } from "./fargate";
import { secretReferenceProblem, secretsManagerArn } from "./secret-reference";

/**
 * Paths the ECS Exec agent writes inside the container: its binaries' directory (ECS agent execcmd:
 * /managed-agents/execute-command), its state (SSM agent appconfig: /var/lib/amazon/ssm) and its logs
 * (ContainerLogDir: /var/log/amazon/ssm). With a read-only root they are task-local volumes.
 */
export const ECS_EXEC_AGENT_PATHS: readonly { readonly name: string; readonly path: string }[] = [
  { name: "ecs-exec-managed-agents", path: "/managed-agents" },
  { name: "ecs-exec-ssm-state", path: "/var/lib/amazon/ssm" },
  { name: "ecs-exec-ssm-logs", path: "/var/log/amazon/ssm" },
];

/** What ECS Exec needs of the task role besides the application's own grants (the policy suite allows these too). */
export const ECS_EXEC_TASK_ROLE_ACTIONS: readonly string[] = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "logs:DescribeLogGroups",
  "logs:CreateLogStream",
  "logs:DescribeLogStreams",
  "logs:PutLogEvents",
  "kms:Decrypt",
  "kms:GenerateDataKey",
];

export interface ContainerHealthCheck {
  readonly command: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

export interface ServiceTaskDefinitionProps {
  /** Task family and log-group name part, e.g. prod-api. */
  readonly family: string;
  /** Container name (the load balancer forwards to it). */
  readonly containerName: string;
  readonly image: string;
  /** ECR repository the image comes from; the execution role may pull from it only. @default - an external image, no ECR pull grant */
  readonly ecrRepositoryArn?: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: "X86_64" | "ARM64";
  /** @default - no port mapping (a queue worker nothing connects to) */
  readonly containerPort?: number;
  /** @default the image's CMD */
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** Variable name -> Secrets Manager secret or SSM parameter ARN (valueFrom); the execution role may read exactly these. */
  readonly secrets: Readonly<Record<string, string>>;
  /** @default - secrets use AWS-managed keys; no kms:Decrypt grant */
  readonly secretsKmsKeyArn?: string;
  /** @default - no container health check */
  readonly healthCheck?: ContainerHealthCheck;
  readonly readonlyRootFilesystem: boolean;
  /** Paths writable through task-local scratch volumes (the root stays read-only). @default [] */
  readonly writablePaths?: readonly string[];
  /** Seconds between SIGTERM and SIGKILL, at most 120 on Fargate. */
  readonly stopTimeoutSeconds: number;
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** KMS key of the log group (and of ECS Exec sessions). */
  readonly kmsKeyArn: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * ECS Exec: the task role gets the Session Manager channels, the Exec log group and the key, and a read-only
   * root gets writable volumes at ECS_EXEC_AGENT_PATHS. @default - no Exec
   */
  readonly execLogGroupArn?: string;
  readonly production: boolean;
}

/**
 * A Fargate task definition with one container: awslogs to its own encrypted log group, read-only
 * root, non-privileged, init process for signal forwarding (graceful shutdown), secrets by reference
 * only. The execution role (start-up: pull, logs, the named secrets) is distinct from the task role.
 */
export class ServiceTaskDefinition extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ServiceTaskDefinitionProps) {
    super(scope, id);
    const secretArns = Object.values(props.secrets);
    assertProps(this, [
      fargateSizeProblem(props.cpu, props.memoryMiB),
      (props.stopTimeoutSeconds < 2 || props.stopTimeoutSeconds > FARGATE_MAX_STOP_TIMEOUT_SECONDS) &&
        `stopTimeoutSeconds (${props.stopTimeoutSeconds}) must be between 2 and ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} on Fargate`,
      secretArns.some((arn) => !/^arn:[\w-]+:(secretsmanager|ssm):/.test(arn)) &&
        "secrets must be Secrets Manager or SSM parameter ARNs (valueFrom); never pass secret values",
      ...Object.entries(props.secrets).map(([name, arn]) => {
        const problem = secretReferenceProblem(arn);
        return problem && `secrets.${name} ${problem}`;
      }),
      props.healthCheck &&
        props.healthCheck.timeoutSeconds >= props.healthCheck.intervalSeconds &&
        `healthCheck.timeoutSeconds (${props.healthCheck.timeoutSeconds}) must be less than intervalSeconds (${props.healthCheck.intervalSeconds})`,
    ]);

    this.logGroup = addEncryptedLogGroup(this, "log-group", {
      name: props.logGroupName,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
      production: props.production,
      shortRetentionReason: `Application logs are kept ${props.logRetentionDays} days, the service's logRetentionDays in the environment config; audit trails live elsewhere.`,
    });

    const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
      statement: [
        {
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
          // Confused-deputy protection: only ECS tasks of this account assume the roles.
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:${arnPartition(props.region)}:ecs:${props.region}:${props.accountId}:*`],
            },
          ],
        },
      ],
    });

    this.executionRole = new IamRole(this, "execution-role", {
      name: `${props.family}-execution`,
      description: `ECS starts ${props.family} tasks with this role: image pull, logs, the named secrets`,
      assumeRolePolicy: trust.json,
    });
    const execution: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "Logs", effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] },
    ];
    if (props.ecrRepositoryArn) {
      execution.push(
        { sid: "RegistryLogin", effect: "Allow", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "PullImage",
          effect: "Allow",
          actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          resources: [props.ecrRepositoryArn],
        },
      );
    }
    // A secret's valueFrom may name a JSON key (arn:...:secret:name-AbCdEf:key::); IAM scopes to the secret itself,
    // by its full ARN (the assertion above refuses a partial one).
    const secretResources = [...new Set(secretArns.map(secretsManagerArn).filter((a) => a !== undefined))].sort();
    const parameterResources = [...new Set(secretArns.filter((a) => a.includes(":ssm:")))].sort();
    if (secretResources.length) {
      execution.push({ sid: "ReadSecrets", effect: "Allow", actions: ["secretsmanager:GetSecretValue"], resources: secretResources });
    }
    if (parameterResources.length) {
      execution.push({ sid: "ReadParameters", effect: "Allow", actions: ["ssm:GetParameters"], resources: parameterResources });
    }
    if (secretArns.length && props.secretsKmsKeyArn) {
      execution.push({ sid: "DecryptSecrets", effect: "Allow", actions: ["kms:Decrypt"], resources: [props.secretsKmsKeyArn] });
    }
    new IamRolePolicy(this, "execution-policy", {
      name: "start-tasks",
      role: this.executionRole.id,
      policy: new DataAwsIamPolicyDocument(this, "execution-policy-document", { statement: execution }).json,
    });

    this.taskRole = new IamRole(this, "task-role", {
      name: `${props.family}-task`,
      description: `The ${props.family} application's own AWS permissions`,
      assumeRolePolicy: trust.json,
    });
    if (props.execLogGroupArn) {
      new IamRolePolicy(this, "exec-policy", {
        name: "ecs-exec",
        role: this.taskRole.id,
        policy: new DataAwsIamPolicyDocument(this, "exec-policy-document", {
          statement: [
            {
              sid: "SessionChannels",
              effect: "Allow",
              actions: [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
              ],
              resources: ["*"],
            },
            { sid: "SessionLogs", effect: "Allow", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
            {
              sid: "SessionLogEvents",
              effect: "Allow",
              actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
              resources: [`${props.execLogGroupArn}:*`],
            },
            { sid: "SessionKey", effect: "Allow", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.kmsKeyArn] },
          ],
        }).json,
      });
    }

    const health = props.healthCheck;
    // One task-local volume per writable path: scratch space that lives and dies with the task.
    const writable = props.writablePaths ?? [];
    const scratch = writable.map((path, i) => ({ name: `scratch-${i}`, path }));
    // ECS Exec's SSM agent writes these paths and crashes on a read-only root (aws/containers-roadmap#1359);
    // task-local volumes there keep the root read-only and Exec working.
    if (props.execLogGroupArn && props.readonlyRootFilesystem) {
      scratch.push(...ECS_EXEC_AGENT_PATHS.filter((p) => !writable.includes(p.path)));
    }
    const containerDefinitions = containerDefinitionsJson([
      {
        name: props.containerName,
        image: props.image,
        essential: true,
        command: props.command,
        portMappings: props.containerPort === undefined ? [] : [{ containerPort: props.containerPort, protocol: "tcp" }],
        environment: Object.entries(props.environment).map(([name, value]) => ({ name, value })),
        secrets: Object.entries(props.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
        readonlyRootFilesystem: props.readonlyRootFilesystem,
        mountPoints: scratch.map((v) => ({ sourceVolume: v.name, containerPath: v.path, readOnly: false })),
        privileged: false,
        stopTimeout: props.stopTimeoutSeconds,
        healthCheck: health && {
          command: health.command,
          interval: health.intervalSeconds,
          timeout: health.timeoutSeconds,
          retries: health.retries,
          startPeriod: health.startPeriodSeconds,
        },
        // An init process forwards SIGTERM to the server and reaps zombies, so graceful shutdown starts on time.
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": props.logGroupName, "awslogs-region": props.region, "awslogs-stream-prefix": props.containerName },
        },
      },
    ]);

    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: props.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions,
      volume: scratch.length ? scratch.map((v) => ({ name: v.name })) : undefined,
    });
  }
}
