import { z } from "zod";
import { ecrTagPatternProblem } from "../lib/ecs/ecr-tag-pattern";
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS } from "../lib/ecs/fargate";
import { secretReferenceProblem } from "../lib/ecs/secret-reference";
import { ALB_IDLE_TIMEOUT, NLB_TCP_IDLE_TIMEOUT } from "../lib/load-balancer/idle-timeouts";
import { ADJUSTABLE_QUOTAS, type AdjustableQuotaKey, AWS_QUOTAS } from "../lib/load-balancer/quotas";
import { ALB_SCHEMES, DEFAULT_ALB_GROUP } from "../lib/load-balancer/shared-alb";
import { CLOUDWATCH_RETENTION_DAYS } from "../lib/logs/encrypted-log-group";
import { parseCidr } from "../lib/network/cidr";
import { permissionsList } from "./ecs-permissions";
import { backlogPerTask, queueSection, topicsSection } from "./ecs-queue";
import { int } from "./fields";

// The `ecs:` section of an environment: the cluster's Fargate services, the shared ALB, the
// downstream dependencies whose connection budgets the services share, and where alarms go.
// Cross-field guards (lessons 1, 4, 7, 8, 10, 13) live in config/ecs-guards.ts.

const name = z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, "must be 1-24 lowercase letters, digits and hyphens, starting with a letter");

const CIDR_SHAPE = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
/** The shape (also the JSON schema's pattern for editors), then the same check as the network's blocks: octets 0-255, prefix 0-32, no host bits. */
const cidr = z
  .string()
  .regex(CIDR_SHAPE, "must be an IPv4 CIDR block such as 10.0.0.0/8")
  .superRefine((text, ctx) => {
    const parsed = CIDR_SHAPE.test(text) ? parseCidr(text) : undefined;
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

const certificateArn = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, "must be an ACM certificate ARN");

const secretArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:(secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+(:[\w-]*:[\w-]*:[\w-]*)?|ssm:[a-z0-9-]+:\d{12}:parameter\/[\w/.-]+)$/,
    "must be a Secrets Manager secret ARN or an SSM parameter ARN; secrets are referenced, never written into the config",
  )
  .superRefine((text, ctx) => {
    const problem = secretReferenceProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name (letters, digits, _)");

const kmsKeyArn = z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, "must be a KMS key ARN");

export const TARGET_HEALTH_CHECK = {
  intervalSeconds: { min: 5, max: 300, default: 15 },
  timeoutSeconds: { min: 2, max: 120, default: 5 },
  threshold: { min: 2, max: 10, default: 3 },
} as const;

const rateLimit = z
  .strictObject({
    requestsPerWindow: int(10, 2000000000).describe("Requests one client IP may send per window before the ALB answers 429."),
    windowSeconds: z
      .literal([60, 120, 300, 600])
      .default(300)
      .describe("Evaluation window of the rate-based rule: 60, 120, 300 or 600 seconds. @default 300"),
  })
  .describe("AWS WAF rate-based rule in front of the ALB that answers 429 Too Many Requests above the rate (lesson 11).");

const albSection = z
  .strictObject({
    internal: z
      .boolean()
      .default(false)
      .describe(
        "The scheme of alb services that do not set alb.scheme: internal (private subnets) instead of internet-facing. @default false",
      ),
    ingressCidrs: z
      .array(cidr)
      .min(1, "must list at least one CIDR block")
      .default(["0.0.0.0/0"])
      .describe(
        "Client CIDR blocks the security group of each internet-facing ALB admits on its listener ports (of each internal ALB too where internal is true and internalIngressCidrs is not set). @default [0.0.0.0/0]",
      ),
    internalIngressCidrs: z
      .array(cidr)
      .min(1, "must list at least one CIDR block")
      .optional()
      .describe(
        "Client CIDR blocks the security group of each internal ALB admits on its listener ports. @default - the VPC's CIDR block (ingressCidrs where internal is true)",
      ),
    idleTimeoutSeconds: int(ALB_IDLE_TIMEOUT.minSeconds, ALB_IDLE_TIMEOUT.maxSeconds)
      .default(ALB_IDLE_TIMEOUT.defaultSeconds)
      .describe(
        "Seconds the ALB keeps an idle connection (client side and target side). Every ALB service's keepAliveTimeoutSeconds must be longer. @default 60",
      ),
    certificateArn: certificateArn
      .optional()
      .describe("ACM certificate for the HTTPS listener (TLS 1.3 policy); port 80 then only redirects. Required in production."),
    internalCertificateArn: certificateArn
      .optional()
      .describe(
        "ACM certificate of the internal ALBs' HTTPS listeners, where their host names are not on certificateArn (e.g. a private CA's). @default certificateArn",
      ),
    allowPlainHttp: z
      .boolean()
      .default(false)
      .describe(
        "Serve plain HTTP on port 80 when there is no certificate. Refused in production. @default false - a certificate is required",
      ),
    desyncMitigationMode: z
      .enum(["defensive", "strictest"])
      .default("defensive")
      .describe("HTTP desync mitigation: defensive (AWS default) or strictest. monitor is not offered. @default defensive"),
    accessLogRetentionDays: int(1, 3650).default(90).describe("Days access-log objects are kept in the ALB's log bucket. @default 90"),
    rateLimit: rateLimit.optional(),
  })
  .describe(
    "Settings of the shared ALBs, one per scheme and group that `alb` services use (alb.scheme, alb.group): listeners, security groups, access logs, optional WAF.",
  );

const targetHealthCheck = z
  .strictObject({
    protocol: z
      .enum(["HTTP", "TCP"])
      .default("HTTP")
      .describe("HTTP (ALB and NLB) or TCP (NLB only: the port accepts a connection). @default HTTP"),
    path: z
      .string()
      .regex(/^\/[\w\-./~%?=&]*$/, "must be an absolute path such as /health")
      .default("/health")
      .describe("Path of the HTTP health check. @default /health"),
    port: int(1, 65535).optional().describe("Port the load balancer checks. @default the container port (traffic-port)"),
    matcher: z
      .string()
      .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, "must be HTTP codes such as 200 or 200-299")
      .default("200")
      .describe("HTTP codes that count as healthy. @default 200"),
    intervalSeconds: int(TARGET_HEALTH_CHECK.intervalSeconds.min, TARGET_HEALTH_CHECK.intervalSeconds.max)
      .default(TARGET_HEALTH_CHECK.intervalSeconds.default)
      .describe("Seconds between checks. @default 15"),
    timeoutSeconds: int(TARGET_HEALTH_CHECK.timeoutSeconds.min, TARGET_HEALTH_CHECK.timeoutSeconds.max)
      .default(TARGET_HEALTH_CHECK.timeoutSeconds.default)
      .describe("Seconds a check may take (the connect+read budget of the probe); must be less than intervalSeconds. @default 5"),
    healthyThreshold: int(TARGET_HEALTH_CHECK.threshold.min, TARGET_HEALTH_CHECK.threshold.max)
      .default(TARGET_HEALTH_CHECK.threshold.default)
      .describe("Consecutive successes before a target receives traffic. @default 3"),
    unhealthyThreshold: int(TARGET_HEALTH_CHECK.threshold.min, TARGET_HEALTH_CHECK.threshold.max)
      .default(TARGET_HEALTH_CHECK.threshold.default)
      .describe("Consecutive failures before a target is taken out. @default 3"),
  })
  .describe("The load balancer's health check of each task.");

const containerHealthCheck = z
  .strictObject({
    command: z
      .array(z.string().min(1, "must not be empty"))
      .min(1, "must list the command, e.g. [CMD-SHELL, curl -f http://localhost:8080/health || exit 1]")
      .describe('Container health check command, as ECS takes it: ["CMD-SHELL", "..."] or ["CMD", "bin", "arg"].'),
    intervalSeconds: int(5, 300).default(30).describe("Seconds between checks. @default 30"),
    timeoutSeconds: int(2, 60).default(5).describe("Seconds a check may take. @default 5"),
    retries: int(1, 10).default(3).describe("Failures before the container is unhealthy and ECS replaces the task. @default 3"),
    startPeriodSeconds: int(0, 300).default(0).describe("Seconds after start during which failures do not count. @default 0"),
  })
  .describe("Health check ECS runs inside the container; an unhealthy container is replaced (lesson 10).");

const imageSection = z
  .strictObject({
    uri: z
      .string()
      .regex(/^[\w.\-/:@]+$/, "must be an image reference such as public.ecr.aws/nginx/nginx:1.27")
      .optional()
      .describe("An external image reference. Omit to pull from the ECR repository this stack creates for the service."),
    tag: z
      .string()
      .regex(/^[\w][\w.-]{0,127}$/, "must be an image tag (letters, digits, _ . -)")
      .optional()
      .describe("Tag deployed from the service's own ECR repository (immutable tags: each release a new tag)."),
    keepLastImages: int(1, 1000)
      .default(30)
      .describe(
        "Images the ECR repository keeps besides the protected tags (older ones expire; rollback needs the recent ones). @default 30",
      ),
    protectedTagPatterns: z
      .array(
        z.string().superRefine((text, ctx) => {
          const problem = ecrTagPatternProblem(text);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
      )
      .min(1, "must list at least one pattern; omit it to protect the deployed tag alone")
      .optional()
      .describe(
        "Tag patterns (* wildcards, at most 4 each) whose images never expire however many CI pushes, e.g. [v*] for every release a rollback may need; one must match tag. @default [tag] - the deployed tag alone",
      ),
  })
  .describe("Where the image comes from: the service's own ECR repository (tag) or an external image (uri), exactly one.");

const targetTracking = (metric: string, defaultTarget: number, max: number) =>
  z
    .strictObject({
      target: z
        .number()
        .min(1, `must be between 1 and ${max}`)
        .max(max, `must be between 1 and ${max}`)
        .default(defaultTarget)
        .describe(`Target value of ${metric}. @default ${defaultTarget}`),
      scaleInCooldownSeconds: int(0, 3600).default(300).describe("Seconds after a scale-in before the next. @default 300"),
      scaleOutCooldownSeconds: int(0, 3600).default(60).describe("Seconds after a scale-out before the next. @default 60"),
    })
    .describe(`Target tracking on ${metric}.`);

const scheduleSection = z
  .strictObject({
    name: name.describe("Name of the scheduled action (unique per service)."),
    schedule: z
      .string()
      .describe("AWS schedule expression: cron(m h dom mon dow year) with one of dom/dow '?', rate(5 minutes) or at(2026-12-24T18:00:00)."),
    timeZone: z
      .string()
      .default("UTC")
      .describe('IANA time zone the expression is read in, e.g. Europe/Berlin ("timezone", the old name, is still accepted). @default UTC'),
    minCapacity: int(0, 5000).optional().describe("Minimum tasks from this time on. @default unchanged"),
    maxCapacity: int(0, 5000).optional().describe("Maximum tasks from this time on (0 stops the service). @default unchanged"),
    widenBounds: z
      .boolean()
      .default(false)
      .describe(
        "The schedule may set capacity outside scaling.minCapacity/maxCapacity on purpose (budgets then count its maximum). @default false",
      ),
  })
  .describe("A scheduled action (lesson 4): from the time the expression names, the service's min and max capacity.");

const scalingSection = z
  .strictObject({
    minCapacity: int(0, 5000).default(1).describe("Fewest tasks. @default 1"),
    maxCapacity: int(1, 5000).describe("Most tasks (required, lesson 7: an unbounded scale-out multiplies load on everything downstream)."),
    cpu: targetTracking("average CPU utilization (%)", 60, 100).optional(),
    memory: targetTracking("average memory utilization (%)", 70, 100).optional(),
    requestsPerTarget: targetTracking("ALB requests per target per minute", 1000, 1000000).optional(),
    backlogPerTask: backlogPerTask.optional(),
    schedules: z.array(scheduleSection).default([]).describe("Scheduled actions, e.g. raise the minimum before a daily peak. @default []"),
  })
  .describe("Application Auto Scaling of the service's task count. ECS desired_count is owned by this after creation.");

const albRouting = z
  .strictObject({
    scheme: z
      .enum(ALB_SCHEMES)
      .optional()
      .describe(
        "internet-facing: on the shared ALB in the public subnets; internal: on the shared internal ALB in the private subnets, reachable only from inside the VPC (and what it routes to it). @default internet-facing (internal where ecs.alb.internal is true)",
      ),
    group: name
      .default(DEFAULT_ALB_GROUP)
      .describe(
        "The shared ALB of this scheme to sit on: one ALB per scheme and group, created only when a service uses it. Spread services over groups when one ALB would exceed an AWS quota (100 target groups, 100 rules). @default main",
      ),
    priority: int(1, 50000).describe("Listener rule priority on its ALB; unique per ALB, lower wins, keep it stable."),
    hosts: z
      .array(z.string().min(1).max(128, "must be at most 128 characters (AWS host-header values)"))
      .default([])
      .describe("Host headers the rule matches (case-insensitive; * and ? wildcards), e.g. [api.example.com]. @default []"),
    paths: z
      .array(z.string().regex(/^\//, "must start with /").max(128, "must be at most 128 characters (AWS path-pattern values)"))
      .default([])
      .describe("Path patterns (case-sensitive; * and ? wildcards), e.g. [/api/*]. @default []"),
  })
  .describe("How the service's shared ALB routes to it (alb services only).");

const nlbSection = z
  .strictObject({
    internal: z.boolean().default(true).describe("An internal NLB (private subnets). @default true"),
    port: int(1, 65535).describe("Listener port."),
    protocol: z.enum(["TCP", "TLS"]).default("TCP").describe("TCP passes bytes through; TLS terminates with certificateArn. @default TCP"),
    certificateArn: certificateArn.optional().describe("ACM certificate of a TLS listener."),
    tcpIdleTimeoutSeconds: int(NLB_TCP_IDLE_TIMEOUT.minSeconds, NLB_TCP_IDLE_TIMEOUT.maxSeconds)
      .default(NLB_TCP_IDLE_TIMEOUT.defaultSeconds)
      .describe(
        "Seconds the NLB remembers an idle flow (TCP listeners; a TLS listener's is fixed at 350). The service's keepAliveTimeoutSeconds must be shorter. @default 350",
      ),
    ingressCidrs: z
      .array(cidr)
      .min(1, "must list at least one CIDR block")
      .describe("Client CIDR blocks the NLB's security group admits on the listener port."),
    crossZone: z.boolean().default(true).describe("Cross-zone load balancing (the NLB's default is off; on spreads evenly). @default true"),
    preserveClientIp: z
      .boolean()
      .default(true)
      .describe(
        "Targets see the client's IP as source (off, they see the NLB's). The service still admits only the NLB's security group. @default true",
      ),
    proxyProtocolV2: z.boolean().default(false).describe("Send a PROXY v2 header (the server must parse it). @default false"),
    connectionTermination: z
      .boolean()
      .default(false)
      .describe(
        "Reset the flows still open when the deregistration delay ends, before the task gets SIGTERM (lesson 1: pooled clients see resets). Off, the task closes its connections itself after SIGTERM. On requires deregistrationDelaySeconds above keepAliveTimeoutSeconds. @default false",
      ),
  })
  .describe("The service's own Network Load Balancer (nlb services only).");

const serviceSection = z
  .strictObject({
    loadBalancer: z
      .enum(["alb", "nlb", "none"])
      .describe(
        "alb: HTTP on the shared ALB; nlb: the service's own NLB (TCP/TLS pass-through); none: a queue worker without a load balancer.",
      ),
    image: imageSection,
    cpu: z.number().int("must be a whole number").describe("Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384."),
    memoryMiB: z.number().int("must be a whole number").describe("Task memory in MiB, one of the sizes Fargate allows for the cpu."),
    cpuArchitecture: z.enum(["X86_64", "ARM64"]).default("X86_64").describe("CPU architecture of the image. @default X86_64"),
    containerPort: int(1, 65535)
      .optional()
      .describe("Port the container listens on (required for alb and nlb services). @default - no port (workers)"),
    command: z.array(z.string()).optional().describe("Overrides the image's CMD. @default the image's"),
    environment: z
      .record(envName, z.string())
      .default({})
      .describe(
        "Plain environment variables, stored in clear text; a secret-looking name or value (DB_PASSWORD, a token) is refused: use secrets. @default {}",
      ),
    secrets: z
      .record(envName, secretArn)
      .default({})
      .describe(
        "Environment variables read from Secrets Manager or SSM at start, by full ARN (a Secrets Manager ARN ends in -AbCdEf; with :json-key:version-stage:version-id if needed); the execution role may read exactly these. @default {}",
      ),
    secretsKmsKeyArn: kmsKeyArn
      .optional()
      .describe("Customer-managed KMS key of the secrets; the execution role may decrypt with it. @default AWS-managed keys"),
    healthCheck: containerHealthCheck.optional(),
    readonlyRootFilesystem: z.boolean().default(true).describe("Mount the root filesystem read-only. @default true"),
    writablePaths: z
      .array(z.string().regex(/^\/[\w.\-/]*$/, "must be an absolute path such as /tmp"))
      .default([])
      .describe("Paths the container may write despite the read-only root (task-local scratch volumes), e.g. [/tmp]. @default []"),
    logRetentionDays: z.literal(CLOUDWATCH_RETENTION_DAYS).default(30).describe("Days the service's log group keeps events. @default 30"),
    keepAliveTimeoutSeconds: int(1, 7200)
      .optional()
      .describe(
        "The server's HTTP keep-alive (idle) timeout, required for alb and nlb services. ALB: must be longer than the ALB idle timeout; NLB: shorter than the TCP idle timeout (lesson 1).",
      ),
    gracefulShutdownSeconds: int(0, 600).describe(
      "Seconds the server needs after SIGTERM to finish in-flight requests and close connections (lesson 8).",
    ),
    stopTimeoutSeconds: int(2, 600)
      .default(30)
      .describe(
        `Seconds ECS waits after SIGTERM before SIGKILL; Fargate allows at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}. Must exceed gracefulShutdownSeconds. @default 30`,
      ),
    deregistrationDelaySeconds: int(0, 3600)
      .optional()
      .describe(
        "Seconds between the task leaving the target group and SIGTERM. ALB (and NLB with connectionTermination): in-flight requests must finish within it, so at least gracefulShutdownSeconds; NLB: at least 120 (new flows may still arrive until then). @default 30 for alb, 120 for nlb",
      ),
    healthCheckGracePeriodSeconds: int(0, 2147483647)
      .default(60)
      .describe("Seconds ECS ignores load-balancer health after a task starts; at least healthyThreshold x intervalSeconds. @default 60"),
    targetHealthCheck: targetHealthCheck.prefault({}),
    deploymentMinimumHealthyPercent: int(0, 100).default(100).describe("Running tasks kept during a deployment. @default 100"),
    deploymentMaximumPercent: int(100, 200).default(200).describe("Tasks allowed during a deployment. @default 200"),
    capacity: z
      .strictObject({
        fargateWeight: int(0, 1000).default(1).describe("Share of tasks on FARGATE. @default 1"),
        fargateSpotWeight: int(0, 1000)
          .default(0)
          .describe("Share of tasks on FARGATE_SPOT (2-minute interruption; X86_64 and ARM64 tasks). @default 0"),
        fargateBase: int(0, 100000).default(0).describe("Tasks always on FARGATE before weights apply. @default 0"),
      })
      .prefault({})
      .describe("Capacity provider strategy."),
    enableExecuteCommand: z
      .boolean()
      .default(false)
      .describe(
        "ECS Exec (sessions encrypted with the cluster key and logged to the cluster's exec log group); with a read-only root the SSM agent's paths get task-local writable volumes. @default false",
      ),
    alb: albRouting.optional(),
    nlb: nlbSection.optional(),
    scaling: scalingSection,
    queue: queueSection.optional(),
    permissions: permissionsList,
    connections: z
      .record(name, int(1, 1000000))
      .default({})
      .describe("Connections each task opens to a dependency of ecs.dependencies, e.g. { redis: 20 }. @default {}"),
  })
  .describe("One Fargate service.");

const quotaOverrides = z
  .strictObject(
    Object.fromEntries(
      ADJUSTABLE_QUOTAS.map((key) => [
        key,
        int(1, 1000000)
          .optional()
          .describe(
            `"${AWS_QUOTAS[key].name}" as AWS granted it to this account and Region (${AWS_QUOTAS[key].page}). @default ${AWS_QUOTAS[key].value}`,
          ),
      ]),
    ) as Record<AdjustableQuotaKey, z.ZodOptional<ReturnType<typeof int>>>,
  )
  .prefault({})
  .describe(
    "AWS quotas this environment's account has raised (adjustable ones only); synth refuses a configuration above a quota. Environments that share an account and Region share its quotas. @default {} - AWS's defaults",
  );

const dependencySection = z
  .strictObject({
    maxConnections: int(1, 100000000).describe("Connections the dependency accepts in total (e.g. Redis maxclients)."),
  })
  .describe("A shared downstream dependency with a connection limit (lesson 7).");

export const ecsObject = z
  .strictObject({
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, "must be an SNS topic ARN")
      .optional()
      .describe("SNS topic the service alarms notify. @default - alarms without notification"),
    alb: albSection.prefault({}),
    quotas: quotaOverrides,
    topics: topicsSection,
    dependencies: z
      .record(name, dependencySection)
      .default({})
      .describe("Shared downstream dependencies with connection limits. @default {}"),
    services: z.record(name, serviceSection).describe("Fargate services by name."),
  })
  .describe("ECS Fargate services behind an ALB or NLB (the <env>-ecs stack). Omit for no ECS layer.");

export type EcsSettings = z.output<typeof ecsObject>;
export type EcsServiceSettings = z.output<typeof serviceSection>;
export type AlbSettings = z.output<typeof albSection>;
