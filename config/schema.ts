import { z } from "zod";
import { isTimeZone } from "../lib/ecs/schedule-expression";
import { sameSizeProblem } from "../lib/eks/instance-types";
import { systemCapacityProblem } from "../lib/eks/system-workloads";
import { EXTRA_FLOW_LOG_FIELDS, type FlowLogField } from "../lib/flow-logs/fields";
import { CLOUDWATCH_RETENTION_DAYS } from "../lib/logs/encrypted-log-group";
import { type Cidr, cidrSubnets, contains, overlaps, parseCidr } from "../lib/network/cidr";
import { ciRunnerSection, privateEndpointAccessSection } from "./ci";
import { ciProblems } from "./ci-guards";
import { ecsObject } from "./ecs";
import { ecsProblems } from "./ecs-guards";
import { eksNodeProblems, scheduleBoundsProblems } from "./eks-guards";
import { KUBERNETES_VERSIONS } from "./eks-versions";
import { int } from "./fields";

// One schema is the single source of the config's TypeScript types, its validation, its defaults
// and the generated JSON Schema (config/environment.schema.json) that editors use for completion.

export const SUBNET_TIERS = ["public", "private", "intra"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Tag keys the AWS provider's default_tags set on every resource; an environment cannot override them. */
export const RESERVED_TAG_KEYS = ["environment", "managed-by", "repository"] as const;

/** Interface endpoints the network layer knows how to create (service name suffix after com.amazonaws.<region>.). */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "sts",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "kms",
  "secretsmanager",
  "sqs",
  "elasticloadbalancing",
  "autoscaling",
  "ec2",
  "eks",
] as const;

export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region code such as eu-west-1")
  .describe("AWS region every stack of this environment deploys to, e.g. eu-west-1.");

const zoneName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "must be an availability zone name such as eu-west-1a");

const awsSection = z
  .strictObject({
    region,
    // Required: without allowed_account_ids a copied environment applies into whatever account the caller's credentials reach.
    accountId: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'is required: the 12-digit account this environment deploys to, in quotes (e.g. "123456789012"); the provider refuses every other account'
            : undefined,
      })
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id in quotes, e.g. "123456789012"')
      .describe(
        "Account the environment lives in. The provider and the state backend refuse to run against any other account (allowed_account_ids).",
      ),
    deployRoleArn: z
      .string()
      .regex(
        /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        "must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy",
      )
      .optional()
      .describe("Role the AWS provider assumes for plan and deploy. Leave unset to use the caller's credentials."),
    planRoleArn: z
      .string()
      .regex(
        /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        "must be an IAM role ARN such as arn:aws:iam::123456789012:role/plan",
      )
      .optional()
      .describe(
        "Read-only role pull-request plans run with (docs/ci.md). With an eks section it gets read-only EKS access entries (AmazonEKSViewPolicy and AmazonEKSSecretReaderPolicy in the Helm release namespaces), never cluster-admin. @default - no plan role: no access entry for it",
      ),
  })
  .describe("Where the environment deploys.");

const tagKey = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^(?!aws:)[\p{L}\p{N}\s_.:/=+\-@]+$/u, "may contain letters, digits, spaces and _.:/=+-@, and must not start with aws:");

const tagValue = z
  .string()
  .max(256, "must be at most 256 characters")
  .regex(/^[\p{L}\p{N}\s_.:/=+\-@]*$/u, "may contain letters, digits, spaces and _.:/=+-@");

const stateSection = z
  .strictObject({
    bucket: z
      .string()
      .regex(
        /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
      )
      .describe("S3 bucket holding the Terraform state of every stack of this environment (see docs/state-bucket.md)."),
    region: region.optional().describe("Region of the state bucket. @default aws.region"),
    keyPrefix: z
      .string()
      .regex(/^[a-zA-Z0-9!_.*'()\-/]+$/, "may contain letters, digits and !_.*'()-/")
      .optional()
      .describe("Prefix of every state key; each stack's key is <keyPrefix>/<stack>.tfstate. @default the environment name"),
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+$/, "must be a KMS key or alias ARN")
      .optional()
      .describe("Customer-managed KMS key for state encryption. @default the bucket's default encryption"),
  })
  .describe("Remote state. Without this section every stack uses the local backend (synth and plan work anywhere).");

const subnetTier = z
  .strictObject({
    prefixLength: int(16, 28, " (AWS subnet sizes)")
      .optional()
      .describe(
        "Size of each subnet of the tier (one per AZ), allocated from the VPC CIDR with Terraform's cidrsubnets() rules. @default 24 (public, intra), 20 (private)",
      ),
    cidrs: z.array(z.string()).optional().describe("Explicit subnet CIDRs, one per availability zone in order. Overrides prefixLength."),
  })
  .describe("One subnet per availability zone.");

export const FLOW_LOG_DESTINATIONS = ["s3", "cloudwatch"] as const;
export type FlowLogDestination = (typeof FLOW_LOG_DESTINATIONS)[number];

const flowLogsSection = z
  .strictObject({
    destinations: z
      .array(z.enum(FLOW_LOG_DESTINATIONS))
      .min(1, "must list at least one destination: s3, cloudwatch or both")
      .default(["s3"])
      .describe(
        "Where VPC flow logs go: s3 (Parquet, hourly Hive partitions, queried with Athena) and/or cloudwatch (a log group, queried with Logs Insights). @default [s3]",
      ),
    extraFields: z
      .array(z.enum(EXTRA_FLOW_LOG_FIELDS as [FlowLogField, ...FlowLogField[]]))
      .default([])
      .describe(
        "Flow-log fields recorded in addition to the base format (the v2 defaults plus vpc-id, subnet-id, instance-id, tcp-flags, type, pkt-srcaddr, pkt-dstaddr, region, az-id, flow-direction, traffic-path, pkt-src-aws-service, pkt-dst-aws-service), appended in this order. @default [] - the base format only",
      ),
    s3RetentionDays: int(1, 3650, " days")
      .default(90)
      .describe("Days before flow-log objects in S3 expire (noncurrent versions expire 7 days later). @default 90"),
    cloudwatchRetentionDays: z
      .literal(CLOUDWATCH_RETENTION_DAYS)
      .default(30)
      .describe("Days CloudWatch Logs keeps flow-log events, one of the values CloudWatch accepts. @default 30"),
    athenaBytesScannedCutoffMb: z
      .number()
      .int("must be a whole number")
      .min(10, "must be between 10 (the Athena minimum) and 1048576 MB (1 TiB)")
      .max(1048576, "must be between 10 (the Athena minimum) and 1048576 MB (1 TiB)")
      .default(10240)
      .describe(
        "Athena cancels a query of the flow-log workgroup once it has scanned this many MB, so a query without a partition filter cannot run up the bill. @default 10240 (10 GiB)",
      ),
  })
  .describe(
    "VPC flow logs for troubleshooting: all traffic, 60-second aggregation, a custom format with TCP flags and packet addresses, and ready queries.",
  );

const roleArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    "must be an IAM role ARN such as arn:aws:iam::123456789012:role/admin",
  );

const addonVersion = (addon: string, example: string) =>
  z
    .string()
    .regex(
      /^v\d+\.\d+\.\d+-eksbuild\.\d+$/,
      `must be an EKS add-on version such as ${example} (aws eks describe-addon-versions --addon-name ${addon})`,
    )
    .describe(
      `Version of the ${addon} add-on, e.g. ${example}; list them with aws eks describe-addon-versions --addon-name ${addon} --kubernetes-version <version>.`,
    );

const nodeCount = (what: string, required = "is required (a number)") =>
  z
    .number({ error: (issue) => (issue.input === undefined ? required : undefined) })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(1000, "must be at most 1000")
    .describe(what);

const SCHEDULE_SIZE_REQUIRED = "is required: the provider sends an unset size as 0, which would scale the group to nothing at that time";

const scheduleEntry = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and hyphens, starting with a letter")
      .describe("Name of the scheduled action, unique within the node group, e.g. business-hours."),
    schedule: z
      .string()
      .regex(
        /^\s*(\S+\s+){4}\S+\s*$/,
        'must be a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. "0 7 * * MON-FRI"',
      )
      .describe(
        'When the action runs, as a five-field cron expression in timeZone, e.g. "0 7 * * MON-FRI" ("recurrence", the old name, is still accepted).',
      ),
    timeZone: z
      .string()
      .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin or UTC")
      .describe("IANA time zone of the recurrence, e.g. Europe/Berlin (daylight saving time is followed)."),
    // Required: the provider sends an unset min/max/desired as 0, which would scale the group to nothing.
    minSize: nodeCount("Minimum nodes from this time on. Required: an unset value would be sent as 0.", SCHEDULE_SIZE_REQUIRED),
    maxSize: nodeCount("Maximum nodes from this time on. Required: an unset value would be sent as 0.", SCHEDULE_SIZE_REQUIRED),
    desiredSize: nodeCount("Desired nodes at this time. Required: an unset value would be sent as 0.", SCHEDULE_SIZE_REQUIRED),
    widenBounds: z
      .boolean()
      .default(false)
      .describe(
        "The schedule may set sizes outside the group's minSize/maxSize on purpose (budgets then count its maximum). @default false",
      ),
  })
  .describe("An Auto Scaling scheduled action on the node group's Auto Scaling group.");

const sizeFields = {
  minSize: nodeCount("Fewest nodes the group scales to."),
  maxSize: nodeCount("Most nodes the group scales to: an explicit ceiling for every autoscaler (lesson 7)."),
  desiredSize: nodeCount(
    "Nodes at creation. Ignored afterwards: the cluster autoscaler or the schedules own the number (terraform apply does not reset it).",
  ),
  schedules: z
    .array(scheduleEntry)
    .default([])
    .describe("Scheduled scaling (lesson 4): predictable peaks are met before they come. @default []"),
};

const groupName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,29}$/, "must be 1-30 lowercase letters, digits and hyphens, starting with a letter")
  .describe("Name of the node group, unique in the cluster; its resources are named <env>-eks-<name>.");

const instanceTypeList = (minimum: number, why: string, purpose: string) =>
  z
    .array(z.string())
    .min(minimum, why)
    .describe(`Instance types, all of one vCPU count, memory size and architecture (known types: lib/eks/instance-types.ts). ${purpose}`);

const systemNodeGroup = z
  .strictObject({
    instanceTypes: instanceTypeList(1, "must list at least 1 instance type", "On demand; one type is enough."),
    ...sizeFields,
  })
  .describe(
    "The on-demand managed node group for critical add-ons (CoreDNS, the termination handler), tainted CriticalAddonsOnly so ordinary workloads stay off it.",
  );

const spotGroupFields = {
  name: groupName,
  instanceTypes: instanceTypeList(
    3,
    "must list at least 3 instance types of the same size: one type's spot capacity can run out",
    "At least 3, so that one type's spot capacity running out does not stop scaling.",
  ),
  ...sizeFields,
  diskSizeGiB: int(20, 1000, " GiB").default(50).describe("Encrypted gp3 root volume per node, GiB. @default 50"),
  tainted: z
    .boolean()
    .default(true)
    .describe(
      "Taint the nodes node-lifecycle=spot:NoSchedule, so only pods that tolerate losing a node on two minutes' notice run here. false: pods without tolerations (metrics-server, controllers, ordinary Deployments) schedule here too. @default true",
    ),
};

const managedSpotNodeGroup = z
  .strictObject(spotGroupFields)
  .describe("An EKS managed node group on spot capacity. EKS itself drains nodes on spot interruptions and rebalance recommendations.");

const selfManagedSpotNodeGroup = z
  .strictObject({
    ...spotGroupFields,
    onDemandBaseCapacity: z
      .number()
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .default(0)
      .describe("On-demand nodes below the spot capacity (everything above the base is spot). @default 0"),
    metadataHopLimit: int(1, 64)
      .default(1)
      .describe("IMDSv2 response hop limit. 1 keeps pods (which are one hop further) from reading the node role's credentials. @default 1"),
    metadataHopLimitReason: z
      .string()
      .min(20, "write the reason in a sentence (at least 20 characters)")
      .optional()
      .describe("Why pods must reach the instance metadata service; required when metadataHopLimit is above 1."),
  })
  .describe(
    "A self-managed Auto Scaling group on spot capacity (mixed instances, price-capacity-optimized, capacity rebalance). Needs the termination handler, which the eks-addons stack installs.",
  );

const terminationHandlerSection = z
  .strictObject({
    chartVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be a chart version such as 0.27.6")
      .default("0.27.6")
      .describe("aws-node-termination-handler Helm chart version (oci://public.ecr.aws/aws-ec2/helm). @default 0.27.6 (handler 1.25.6)"),
    replicas: z
      .number()
      .int("must be a whole number")
      .min(
        2,
        "must be at least 2: with one replica, draining its own node leaves no handler, and the chart adds a disruption budget only above 1",
      )
      .max(5, "must be at most 5")
      .default(2)
      .describe("Handler replicas on the system node group, with a disruption budget of one. @default 2"),
    lifecycleHookTimeoutSeconds: int(30, 7200, " seconds (the Auto Scaling limits)")
      .default(300)
      .describe("Heartbeat timeout of the termination lifecycle hook: how long Auto Scaling waits for the drain. @default 300"),
    heartbeatIntervalSeconds: int(30, 3600, " seconds")
      .optional()
      .describe(
        "Send lifecycle heartbeats this often while draining, extending the hook up to 48 hours; must be shorter than lifecycleHookTimeoutSeconds. @default - no heartbeats",
      ),
  })
  .describe(
    "aws-node-termination-handler in queue-processor mode. Only for self-managed spot node groups; created with defaults when one exists.",
  );

const eksObject = z
  .strictObject({
    version: z
      .enum(KUBERNETES_VERSIONS)
      .describe(
        "Kubernetes version of the control plane and the nodes. EKS moves one minor version per update; npm run eks-support warns 60 days before standard support ends (docs/eks-spot.md).",
      ),
    adminRoleArns: z
      .array(roleArn)
      .min(1, "must list at least one role: the cluster has no other administrator (authentication mode API, no creator admin)")
      .describe(
        "IAM roles given cluster-admin through access entries. Include aws.deployRoleArn: the eks-addons stack's Helm provider authenticates as it.",
      ),
    publicAccessCidrs: z
      .array(z.string())
      .default([])
      .describe("CIDRs allowed to reach the public API endpoint. @default [] - private endpoint only (reach it from the VPC or over VPN)"),
    serviceCidr: z
      .string()
      .default("172.20.0.0/16")
      .describe("Kubernetes service IPv4 range; must not overlap the VPC. @default 172.20.0.0/16"),
    logRetentionDays: z
      .literal(CLOUDWATCH_RETENTION_DAYS)
      .default(90)
      .describe("Days the control-plane log group (all five log types) keeps events. @default 90"),
    addons: z
      .strictObject({
        vpcCni: addonVersion("vpc-cni", "v1.21.1-eksbuild.8"),
        coredns: addonVersion("coredns", "v1.14.2-eksbuild.4"),
        kubeProxy: addonVersion("kube-proxy", "v1.35.3-eksbuild.2"),
        podIdentityAgent: addonVersion("eks-pod-identity-agent", "v1.3.10-eksbuild.2"),
      })
      .describe("EKS managed add-on versions, pinned so an upgrade is a reviewed change."),
    amiReleaseVersion: z
      .string()
      .describe(
        "EKS-optimized Amazon Linux 2023 AMI release of every node group, <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.35.6-20260714, for the cluster's Kubernetes version. Pinned so nodes roll only when it changes (docs/eks-spot.md: bumping the node AMI).",
      ),
    allowAllGroupsTainted: z
      .boolean()
      .default(false)
      .describe(
        "Accept that every node group is tainted (pods without tolerations stay Pending). Without it, some spot group must set tainted: false. @default false",
      ),
    systemNodeGroup,
    managedSpotNodeGroups: z.array(managedSpotNodeGroup).default([]).describe("EKS managed node groups on spot. @default []"),
    selfManagedSpotNodeGroups: z.array(selfManagedSpotNodeGroup).default([]).describe("Self-managed spot Auto Scaling groups. @default []"),
    terminationHandler: terminationHandlerSection.optional(),
    ciRunner: ciRunnerSection.optional(),
    privateEndpointAccess: privateEndpointAccessSection.optional(),
  })
  .describe("The EKS cluster (<env>-eks) and its add-ons (<env>-eks-addons). Omit for an environment without Kubernetes.");

const DEFAULT_TIER_PREFIX: Record<SubnetTier, number> = { public: 24, private: 20, intra: 24 };

const networkObject = z
  .strictObject({
    cidr: z.string().describe("VPC IPv4 CIDR block, /16 to /28, e.g. 10.20.0.0/16."),
    availabilityZones: z
      .array(zoneName)
      .min(2, "must list at least 2 zones: load balancers and EKS need subnets in two or more")
      .max(6, "must list at most 6 zones")
      .describe("Availability zones, by name, in a fixed order (subnets are allocated in this order)."),
    natGateways: z
      .enum(["none", "single", "per-az"])
      .default("single")
      .describe(
        "none: private subnets have no internet route; single: one NAT gateway (cheap, one AZ's failure cuts egress); per-az: one per zone (production). @default single",
      ),
    subnets: z
      .strictObject({
        public: subnetTier.default({}),
        private: subnetTier.default({}),
        intra: subnetTier.default({}),
      })
      .default({ public: {}, private: {}, intra: {} })
      .describe(
        "Subnet tiers: public (load balancers, NAT), private (workloads, egress via NAT), intra (no internet route). @default public /24, private /20, intra /24 per zone",
      ),
    gatewayEndpoints: z
      .array(z.enum(GATEWAY_ENDPOINT_SERVICES))
      .default(["s3", "dynamodb"])
      .describe("Gateway endpoints (free) on every route table. @default [s3, dynamodb]"),
    interfaceEndpoints: z
      .array(z.enum(INTERFACE_ENDPOINT_SERVICES))
      .default([])
      .describe("Interface endpoints in the private subnets, reachable on 443 from the VPC only. @default []"),
    flowLogs: flowLogsSection.prefault({}),
  })
  .describe("The VPC and its subnets.");

const networkSection = networkObject.superRefine(validateNetwork);

export const environmentSchema = z
  .strictObject({
    repository: z
      .string()
      .min(1, "must not be empty")
      .describe("Repository that owns this infrastructure; set as the `repository` default tag on every resource."),
    production: z
      .boolean()
      .default(false)
      .describe(
        "Production safety: prevent_destroy on stateful resources, deletion protection, no force_destroy, maximum KMS deletion windows. @default false",
      ),
    aws: awsSection,
    tags: z
      .record(tagKey, tagValue)
      .default({})
      .describe("Extra default tags for every resource. environment, managed-by and repository are set for you."),
    state: stateSection.optional(),
    network: networkSection,
    ecs: ecsObject.optional(),
    eks: eksObject.optional(),
  })
  .superRefine((env, ctx) => {
    for (const key of Object.keys(env.tags)) {
      if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["tags", key],
          message: `is set by the project on every resource; remove it (reserved: ${RESERVED_TAG_KEYS.join(", ")})`,
        });
      }
    }
    // Cross-field checks only compare values that are valid on their own, so one typo reports once.
    const valid = (schema: z.ZodType, value: unknown) => value !== undefined && schema.safeParse(value).success;
    const roleAccount = env.aws.deployRoleArn?.split(":")[4];
    if (
      valid(awsSection.shape.accountId, env.aws.accountId) &&
      valid(awsSection.shape.deployRoleArn, env.aws.deployRoleArn) &&
      roleAccount !== env.aws.accountId
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["aws", "deployRoleArn"],
        message: `is in account ${roleAccount} but aws.accountId is ${env.aws.accountId}; the deploy role must be in the environment's account`,
      });
    }
    env.network.availabilityZones.forEach((zone, i) => {
      if (valid(region, env.aws.region) && valid(zoneName, zone) && !zone.startsWith(env.aws.region)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", "availabilityZones", i],
          message: `"${zone}" is not in region ${env.aws.region}; use zones such as ${env.aws.region}a`,
        });
      }
    });
    // The ecs guards compare fields across services and with `production`: only once the section parsed
    // without issues, so every value is valid alone (its issues are already in ctx; no second parse).
    if (env.ecs && !ctx.issues.some((issue) => issue.path?.[0] === "ecs")) {
      for (const problem of ecsProblems(env.ecs, env.production)) {
        ctx.addIssue({ code: "custom", path: ["ecs", ...problem.path], message: problem.message });
      }
    }
    if (env.eks) validateEks(env, env.eks, ctx);
    // The CI guards split ARNs: only once the values they read are valid alone.
    const eksValues = env.eks ? [env.eks.ciRunner === undefined || valid(ciRunnerSection, env.eks.ciRunner)] : [];
    if (valid(awsSection, env.aws) && typeof env.repository === "string" && eksValues.every(Boolean)) {
      for (const problem of ciProblems(env)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
    }
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentSettings = z.output<typeof environmentSchema>;
export type NetworkSettings = z.output<typeof networkObject>;
export type EksSettings = z.output<typeof eksObject>;
export type NodeGroupSchedule = z.output<typeof scheduleEntry>;
export type ManagedSpotNodeGroupSettings = z.output<typeof managedSpotNodeGroup>;
export type TerminationHandlerSettings = z.output<typeof terminationHandlerSection>;

/** A validated environment: its settings plus where it came from. */
export interface EnvironmentConfig extends EnvironmentSettings {
  /** Environment name = file name without .yaml; prefixes every stack name (`<name>-network`). */
  readonly name: string;
  /** The YAML file, for messages. */
  readonly file: string;
  /** Subnet CIDRs per tier, one per availability zone, resolved from prefixLength or cidrs. */
  readonly subnetCidrs: Readonly<Record<SubnetTier, readonly string[]>>;
}

/**
 * The subnet CIDRs of every tier, in AZ order: explicit cidrs, or Terraform cidrsubnets() over all computed
 * tiers at once, placed around the explicit blocks of the other tiers.
 */
export function resolveSubnetCidrs(network: NetworkSettings): Record<SubnetTier, string[]> | undefined {
  const vpc = parseCidr(network.cidr);
  if (typeof vpc === "string") return undefined;
  const zones = network.availabilityZones.length;
  // Largest tier first keeps cidrsubnets() from wasting space on alignment; stable for a given config.
  const computed = SUBNET_TIERS.filter((tier) => !network.subnets[tier].cidrs).sort(
    (a, b) => tierPrefix(network, a) - tierPrefix(network, b) || SUBNET_TIERS.indexOf(a) - SUBNET_TIERS.indexOf(b),
  );
  const newbits = computed.flatMap((tier) => Array<number>(zones).fill(tierPrefix(network, tier) - vpc.prefix));
  const explicit = SUBNET_TIERS.flatMap((tier) => network.subnets[tier].cidrs ?? [])
    .map(parseCidr)
    .filter((block): block is Cidr => typeof block !== "string");
  const allocated = cidrSubnets(vpc, newbits, explicit);
  if (!allocated) return undefined;
  const result = {} as Record<SubnetTier, string[]>;
  for (const tier of computed) result[tier] = allocated.splice(0, zones);
  for (const tier of SUBNET_TIERS) result[tier] ??= [...(network.subnets[tier].cidrs ?? [])];
  return result;
}

function tierPrefix(network: NetworkSettings, tier: SubnetTier): number {
  return network.subnets[tier].prefixLength ?? DEFAULT_TIER_PREFIX[tier];
}

function validateNetwork(network: NetworkSettings, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const vpc = parseCidr(network.cidr);
  if (typeof vpc === "string") {
    issue(["cidr"], `${vpc}; VPCs take /16 to /28`);
    return;
  }
  if (vpc.prefix < 16 || vpc.prefix > 28) {
    issue(["cidr"], `/${vpc.prefix} is outside what AWS allows for a VPC (/16 to /28)`);
    return;
  }

  const zones = network.availabilityZones;
  const duplicateZone = zones.find((zone, i) => zones.indexOf(zone) !== i);
  if (duplicateZone) issue(["availabilityZones"], `lists ${duplicateZone} twice; each zone once`);
  for (const list of ["gatewayEndpoints", "interfaceEndpoints"] as const) {
    const names: readonly string[] = network[list];
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) issue([list], `lists ${duplicate} twice; each service once`);
  }
  const { destinations, extraFields } = network.flowLogs;
  const duplicateDestination = destinations.find((name, i) => destinations.indexOf(name) !== i);
  if (duplicateDestination) issue(["flowLogs", "destinations"], `lists ${duplicateDestination} twice; each destination once`);
  const duplicateField = extraFields.find((name, i) => extraFields.indexOf(name) !== i);
  if (duplicateField) issue(["flowLogs", "extraFields"], `lists ${duplicateField} twice; each field once`);

  const explicit: { path: (string | number)[]; block: Cidr }[] = [];
  let explicitValid = true;
  for (const tier of SUBNET_TIERS) {
    const { cidrs, prefixLength } = network.subnets[tier];
    if (cidrs && prefixLength !== undefined) issue(["subnets", tier], "sets both cidrs and prefixLength; use one");
    if (!cidrs) {
      if (tierPrefix(network, tier) <= vpc.prefix) {
        issue(
          ["subnets", tier, "prefixLength"],
          `/${tierPrefix(network, tier)} is not smaller than the VPC (/${vpc.prefix}); use a prefix between ${vpc.prefix + 1} and 28`,
        );
        explicitValid = false;
      }
      continue;
    }
    if (cidrs.length !== zones.length) {
      issue(["subnets", tier, "cidrs"], `has ${cidrs.length} blocks but there are ${zones.length} availability zones; give one per zone`);
    }
    for (const [i, text] of cidrs.entries()) {
      const path = ["subnets", tier, "cidrs", i];
      const block = parseCidr(text);
      if (typeof block === "string") {
        explicitValid = false;
        issue(path, block);
        continue;
      }
      if (block.prefix < 16 || block.prefix > 28) issue(path, `/${block.prefix} is outside what AWS allows for a subnet (/16 to /28)`);
      if (!contains(vpc, block)) issue(path, `${text} is outside the VPC ${network.cidr}`);
      const clash = explicit.find((other) => overlaps(other.block, block));
      if (clash) issue(path, `${text} overlaps ${clash.path.join(".")} (${clash.block.cidr}); subnets must not overlap`);
      explicit.push({ path, block });
    }
  }
  if (!explicitValid) return;

  const resolved = resolveSubnetCidrs(network);
  if (!resolved) {
    const tiers = SUBNET_TIERS.map((t) => `${t} ${network.subnets[t].cidrs ? "explicit" : `/${tierPrefix(network, t)}`}`).join(", ");
    issue(
      ["subnets"],
      `the tiers (${tiers} x ${zones.length} zones) do not fit in ${network.cidr}; use a larger VPC, smaller subnets or fewer zones`,
    );
  }
}

function validateEks(env: EnvironmentSettings, eks: EksSettings, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: ["eks", ...path], message });

  const kubeProxyMinor = /^v(\d+\.\d+)\./.exec(eks.addons.kubeProxy)?.[1];
  if (kubeProxyMinor && kubeProxyMinor !== eks.version) {
    issue(
      ["addons", "kubeProxy"],
      `${eks.addons.kubeProxy} is for Kubernetes ${kubeProxyMinor}; kube-proxy must match the cluster version ${eks.version}`,
    );
  }
  eks.adminRoleArns.forEach((arn, i) => {
    const account = arn.split(":")[4];
    if (account !== env.aws.accountId)
      issue(
        ["adminRoleArns", i],
        `is in account ${account} but aws.accountId is ${env.aws.accountId}; access entries take roles of the cluster's account`,
      );
  });
  if (env.aws.deployRoleArn && !eks.adminRoleArns.includes(env.aws.deployRoleArn)) {
    issue(
      ["adminRoleArns"],
      `must include aws.deployRoleArn (${env.aws.deployRoleArn}): the eks-addons stack's Helm provider authenticates as the deploy role`,
    );
  }

  const vpc = parseCidr(env.network.cidr);
  const service = parseCidr(eks.serviceCidr);
  if (typeof service === "string") issue(["serviceCidr"], service);
  else if (service.prefix < 12 || service.prefix > 24)
    issue(["serviceCidr"], `/${service.prefix} is outside what EKS allows for the service range (/12 to /24)`);
  else if (typeof vpc !== "string" && overlaps(vpc, service))
    issue(["serviceCidr"], `${eks.serviceCidr} overlaps the VPC ${env.network.cidr}; pick a range outside it`);
  eks.publicAccessCidrs.forEach((text, i) => {
    const block = parseCidr(text);
    if (typeof block === "string") issue(["publicAccessCidrs", i], block);
    else if (block.prefix === 0)
      issue(
        ["publicAccessCidrs", i],
        "opens the API endpoint to the whole internet; list your offices' or VPN's CIDRs, or none for a private endpoint",
      );
  });

  const checkSizes = (
    path: (string | number)[],
    group: { minSize: number; maxSize: number; desiredSize: number; schedules: NodeGroupSchedule[] },
  ) => {
    if (group.minSize > group.maxSize) issue([...path, "minSize"], `${group.minSize} exceeds maxSize ${group.maxSize}`);
    else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
      issue([...path, "desiredSize"], `${group.desiredSize} is outside minSize..maxSize (${group.minSize}..${group.maxSize})`);
    }
    if (group.maxSize === 0) issue([...path, "maxSize"], "must be at least 1");
    const names = group.schedules.map((s) => s.name);
    group.schedules.forEach((schedule, i) => {
      if (names.indexOf(schedule.name) !== i)
        issue([...path, "schedules", i, "name"], `"${schedule.name}" is used twice; names are unique per node group`);
      if (schedule.minSize > schedule.maxSize)
        issue([...path, "schedules", i, "minSize"], `${schedule.minSize} exceeds maxSize ${schedule.maxSize}`);
      else if (schedule.desiredSize < schedule.minSize || schedule.desiredSize > schedule.maxSize) {
        issue(
          [...path, "schedules", i, "desiredSize"],
          `${schedule.desiredSize} is outside minSize..maxSize (${schedule.minSize}..${schedule.maxSize})`,
        );
      }
    });
    for (const problem of scheduleBoundsProblems(group)) issue([...path, ...problem.path], problem.message);
  };
  const checkTypes = (path: (string | number)[], types: readonly string[]) => {
    const problem = types.length > 0 ? sameSizeProblem(types) : undefined;
    if (problem) issue([...path, "instanceTypes"], problem);
    return !problem;
  };

  const system = eks.systemNodeGroup;
  checkSizes(["systemNodeGroup"], system);
  if (checkTypes(["systemNodeGroup"], system.instanceTypes) && system.instanceTypes.length > 0) {
    const capacity = systemCapacityProblem(system.instanceTypes[0]!, system.minSize);
    if (capacity) issue(["systemNodeGroup", "minSize"], capacity);
    system.schedules.forEach((schedule, i) => {
      const scheduled = systemCapacityProblem(system.instanceTypes[0]!, schedule.minSize);
      if (scheduled) issue(["systemNodeGroup", "schedules", i, "minSize"], scheduled);
    });
  }

  const seen = new Map<string, string>([["system", "systemNodeGroup"]]);
  for (const list of ["managedSpotNodeGroups", "selfManagedSpotNodeGroups"] as const) {
    eks[list].forEach((group, i) => {
      const where = `${list}.${i}`;
      const previous = seen.get(group.name);
      if (previous) issue([list, i, "name"], `"${group.name}" is already used by ${previous}; node group names are unique in the cluster`);
      seen.set(group.name, where);
      checkSizes([list, i], group);
      checkTypes([list, i], group.instanceTypes);
    });
  }
  eks.selfManagedSpotNodeGroups.forEach((group, i) => {
    if (group.metadataHopLimit > 1 && !group.metadataHopLimitReason) {
      issue(
        ["selfManagedSpotNodeGroups", i, "metadataHopLimitReason"],
        `is required with metadataHopLimit ${group.metadataHopLimit}: above 1, every pod can read the node role's credentials; say why pods need IMDS`,
      );
    }
    if (group.onDemandBaseCapacity > group.maxSize)
      issue(["selfManagedSpotNodeGroups", i, "onDemandBaseCapacity"], `${group.onDemandBaseCapacity} exceeds maxSize ${group.maxSize}`);
  });

  for (const problem of eksNodeProblems(eks)) issue(problem.path, problem.message);

  const handler = eks.terminationHandler;
  if (handler && eks.selfManagedSpotNodeGroups.length === 0) {
    issue(
      ["terminationHandler"],
      "is set but there is no self-managed spot node group; EKS managed node groups drain spot interruptions and rebalance recommendations themselves, so the handler would only duplicate that. Remove terminationHandler, or add selfManagedSpotNodeGroups",
    );
  }
  if (handler?.heartbeatIntervalSeconds !== undefined && handler.heartbeatIntervalSeconds >= handler.lifecycleHookTimeoutSeconds) {
    issue(
      ["terminationHandler", "heartbeatIntervalSeconds"],
      `${handler.heartbeatIntervalSeconds} must be shorter than lifecycleHookTimeoutSeconds (${handler.lifecycleHookTimeoutSeconds}), or the hook times out before the first heartbeat`,
    );
  }
}

/** The termination handler settings of an environment with self-managed spot groups: its section, or the schema defaults. */
export function terminationHandlerOf(eks: EksSettings): TerminationHandlerSettings {
  handlerDefaults ??= terminationHandlerSection.parse({}, { jitless: true });
  return eks.terminationHandler ?? handlerDefaults;
}

let handlerDefaults: TerminationHandlerSettings | undefined;
