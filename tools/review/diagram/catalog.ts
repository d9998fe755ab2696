import type { Resource } from "./terraform";

/** A line a resource adds to the label of the node it is drawn in: plain, or one item of a named list. */
export type Fact = string | { readonly list: string; readonly item: string };

/** What facts and titles may look up: the resources a resource refers to and those that refer to it. */
export interface Lookup {
  /** Resources `resource` refers to through `attribute` (any attribute when omitted). */
  referenced(resource: Resource, attribute?: string): Resource[];
  /** Resources of `type` that refer to `resource`. */
  referrers(resource: Resource, type: string): Resource[];
}

/** Colour family of a node. */
export type Category = "network" | "traffic" | "compute" | "data" | "security" | "observability" | "other";

/** How the diagram draws one resource type. Types without an entry are drawn as a plain node each. */
export interface TypeView {
  /** Not drawn; references to and from it draw no edge (IAM, security groups, route tables, ...). */
  readonly hide?: boolean;
  /**
   * Drawn inside another node, as label lines: the first resource of these types that this one refers
   * to (`references`), that refers to it (`referrers`), or that shares its construct scope (`siblings`).
   */
  readonly foldInto?: {
    readonly references?: readonly string[];
    readonly referrers?: readonly string[];
    readonly siblings?: readonly string[];
  };
  /** Resources of the type in one stack with the same key are one node (subnets by tier, NAT gateways). */
  readonly group?: (resource: Resource) => string;
  readonly category?: Category;
  /** First label line of the node, from its resources (one unless grouped). */
  readonly title?: (members: readonly Resource[], lookup: Lookup) => string;
  readonly facts?: (resource: Resource, lookup: Lookup) => Fact[];
  /** Attributes whose references point the edge from this resource to the referenced one (traffic, log delivery). */
  readonly flowsTo?: readonly string[];
  /** Label of an edge drawn through `flowsTo`. */
  readonly edgeLabel?: (resource: Resource, attribute: string) => string | undefined;
  /** Only references from these types draw an edge to this resource (the VPC: everything else is in a subnet). */
  readonly edgesOnlyFrom?: readonly string[];
  /** Attributes whose references draw no edge (a query's text naming NAT interfaces); `true`: none of its references do. */
  readonly noEdges?: readonly string[] | true;
}

const a = (resource: Resource) => resource.attributes;
const str = (value: unknown) => (value === undefined || value === null ? "" : String(value));
const tag = (resource: Resource, key: string) => str((a(resource).tags as Record<string, unknown> | undefined)?.[key]);
/** The Name tag, else the name attribute, else the construct id. */
export const displayName = (resource: Resource) =>
  tag(resource, "Name") || str(a(resource).name) || str(a(resource).bucket) || resource.path.split("/").pop()!;
const lastSegment = (resource: Resource) => resource.path.split("/").pop()!;
const blocks = (value: unknown): Record<string, unknown>[] =>
  (Array.isArray(value) ? value : value && typeof value === "object" ? [value] : []) as Record<string, unknown>[];
const count = (members: readonly unknown[], word: string) => (members.length > 1 ? `${members.length} ${word}` : word);

/** CIDR ingress of the security groups a resource uses: `in 0.0.0.0/0 tcp/443`, the rules a reviewer must see. */
function ingressFacts(resource: Resource, lookup: Lookup, attribute: string): Fact[] {
  const facts: Fact[] = [];
  for (const group of lookup.referenced(resource, attribute)) {
    for (const rule of lookup.referrers(group, "aws_vpc_security_group_ingress_rule")) {
      const source = str(a(rule).cidr_ipv4 || a(rule).cidr_ipv6 || a(rule).prefix_list_id);
      if (!source) continue;
      const ports = a(rule).from_port === a(rule).to_port ? str(a(rule).from_port) : `${str(a(rule).from_port)}-${str(a(rule).to_port)}`;
      facts.push({ list: `ingress from ${source}`, item: `${str(a(rule).ip_protocol)}/${ports}` });
    }
  }
  return facts;
}

function listenerLine(listener: Resource): string {
  const l = a(listener);
  const action = blocks(l.default_action)[0] ?? {};
  const then =
    action.type === "redirect"
      ? `redirect to ${str(blocks(action.redirect)[0]?.protocol)} :${str(blocks(action.redirect)[0]?.port)}`
      : action.type === "fixed-response"
        ? `else ${str(blocks(action.fixed_response)[0]?.status_code)}`
        : str(action.type);
  const extra = [
    l.ssl_policy ? str(l.ssl_policy).replace(/^ELBSecurityPolicy-/, "") : "",
    l.tcp_idle_timeout_seconds ? `idle ${str(l.tcp_idle_timeout_seconds)} s` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${str(l.protocol)} :${str(l.port)}${extra ? ` (${extra})` : ""} ${then === "forward" ? "" : `→ ${then}`}`.trim();
}

function ruleLabel(rule: Resource): string {
  const conditions = blocks(a(rule).condition).flatMap((condition) =>
    Object.entries(condition).flatMap(([kind, body]) =>
      blocks(body).map((b) => `${kind.replace(/_header$|_pattern$/, "")} ${((b.values as unknown[]) ?? []).map(str).join(" ")}`),
    ),
  );
  return [...conditions, `priority ${str(a(rule).priority)}`].join("\n");
}

const S3_PARTS = [
  "aws_s3_bucket_policy",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_logging",
  "aws_s3_bucket_notification",
];
const HIDDEN = [
  "aws_eip",
  "aws_default_security_group",
  "aws_security_group",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_security_group_rule",
  "aws_route_table",
  "aws_route_table_association",
  "aws_route",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_iam_policy",
  "aws_iam_instance_profile",
  "aws_eks_access_entry",
  "aws_eks_access_policy_association",
];

/** How each resource type this project uses is drawn. */
export const TYPE_VIEWS: Readonly<Record<string, TypeView>> = {
  ...Object.fromEntries(HIDDEN.map((type) => [type, { hide: true }])),
  ...Object.fromEntries(
    S3_PARTS.map((type) => [
      type,
      {
        foldInto: { references: ["aws_s3_bucket"] },
        facts: (r: Resource): Fact[] =>
          type === "aws_s3_bucket_server_side_encryption_configuration"
            ? blocks(a(r).rule).map((rule) => `encrypted ${str(blocks(rule.apply_server_side_encryption_by_default)[0]?.sse_algorithm)}`)
            : type === "aws_s3_bucket_versioning"
              ? [`versioning ${str(blocks(a(r).versioning_configuration)[0]?.status).toLowerCase()}`]
              : [],
      } satisfies TypeView,
    ]),
  ),

  // network
  aws_vpc: {
    category: "network",
    title: ([vpc]) => `VPC ${displayName(vpc!)}`,
    facts: (r) => [str(a(r).cidr_block)],
    edgesOnlyFrom: ["aws_subnet", "aws_internet_gateway", "aws_vpc_endpoint", "aws_flow_log", "aws_egress_only_internet_gateway"],
  },
  aws_subnet: {
    category: "network",
    // One node per tier: the route-table associations and per-zone copies are what makes a VPC unreadable.
    group: (r) => tag(r, "tier") || lastSegment(r).replace(/-[a-z]{2}-[a-z]+-\d[a-z]$/, ""),
    title: (members) => `${tag(members[0]!, "tier") || "other"} subnets`,
    facts: (r) => [`${str(a(r).availability_zone)}  ${str(a(r).cidr_block)}${a(r).map_public_ip_on_launch ? "  public IPs" : ""}`],
  },
  aws_internet_gateway: { category: "network", title: () => "Internet gateway" },
  aws_nat_gateway: {
    category: "network",
    group: () => "nat",
    title: (members) => (members.length > 1 ? `${members.length} NAT gateways` : "NAT gateway"),
    facts: (r, lookup) => lookup.referenced(r, "subnet_id").map((subnet) => ({ list: "in", item: str(a(subnet).availability_zone) })),
  },
  aws_vpc_endpoint: {
    category: "network",
    group: (r) => str(a(r).vpc_endpoint_type || "Gateway"),
    title: (members) => `${str(a(members[0]!).vpc_endpoint_type || "Gateway")} endpoints`,
    facts: (r, lookup) => [
      { list: "", item: str(a(r).service_name).replace(/^com\.amazonaws\.[a-z0-9-]+\./, "") },
      ...ingressFacts(r, lookup, "security_group_ids"),
    ],
  },
  aws_flow_log: {
    category: "observability",
    group: () => "flow-logs",
    title: () => "VPC flow logs",
    facts: (r) => [`${str(a(r).traffic_type)} traffic, ${str(a(r).max_aggregation_interval)} s aggregation`],
    flowsTo: ["log_destination"],
    edgeLabel: (r) =>
      a(r).log_destination_type === "s3"
        ? `${str(blocks(a(r).destination_options)[0]?.file_format || "text")} files`
        : str(a(r).log_destination_type),
  },

  // load balancing
  aws_lb: {
    category: "traffic",
    title: ([lb]) =>
      `${a(lb!).load_balancer_type === "network" ? "NLB" : a(lb!).load_balancer_type === "gateway" ? "GWLB" : "ALB"} ${displayName(lb!)}`,
    facts: (r, lookup) => [
      a(r).internal ? "internal" : "internet-facing",
      ...(a(r).idle_timeout ? [`idle timeout ${str(a(r).idle_timeout)} s`] : []),
      ...(a(r).enable_cross_zone_load_balancing ? ["cross-zone"] : []),
      ...(a(r).enable_deletion_protection ? ["deletion protection"] : []),
      ...ingressFacts(r, lookup, "security_groups"),
    ],
    flowsTo: ["access_logs", "depends_on"],
    edgeLabel: () => "access logs",
  },
  aws_lb_listener: {
    foldInto: { references: ["aws_lb"] },
    facts: (r) => [{ list: "listeners", item: listenerLine(r) }],
    flowsTo: ["default_action"],
    edgeLabel: (r) => `${str(a(r).protocol)} :${str(a(r).port)}`,
  },
  aws_lb_listener_rule: {
    foldInto: { references: ["aws_lb_listener"] },
    flowsTo: ["action"],
    edgeLabel: (r) => ruleLabel(r),
  },
  aws_lb_target_group: {
    category: "traffic",
    title: ([tg]) => `Target group ${displayName(tg!)}`,
    facts: (r) => {
      const hc = blocks(a(r).health_check)[0] ?? {};
      return [
        `${str(a(r).protocol)} :${str(a(r).port)} to ${str(a(r).target_type)} targets`,
        `health ${str(hc.protocol)}${hc.path ? ` ${str(hc.path)}` : ""} every ${str(hc.interval)} s, timeout ${str(hc.timeout)} s`,
        `deregistration delay ${str(a(r).deregistration_delay)} s`,
        ...(a(r).preserve_client_ip === "true" ? ["client IP preserved"] : []),
        ...(a(r).proxy_protocol_v2 === true ? ["PROXY protocol v2"] : []),
      ];
    },
  },
  aws_wafv2_web_acl: {
    category: "security",
    title: ([acl]) => `WAF web ACL ${displayName(acl!)}`,
    facts: (r) =>
      blocks(a(r).rule).map((rule) => {
        const rate = blocks(blocks(rule.statement)[0]?.rate_based_statement)[0];
        const code = blocks(blocks(blocks(rule.action)[0]?.block)[0]?.custom_response)[0]?.response_code;
        return rate
          ? `> ${str(rate.limit)} requests / ${str(rate.evaluation_window_sec || 300)} s per ${str(rate.aggregate_key_type)}${code ? ` → ${str(code)}` : ""}`
          : str(rule.name);
      }),
  },
  aws_wafv2_web_acl_association: { foldInto: { references: ["aws_wafv2_web_acl"] }, flowsTo: ["resource_arn"], edgeLabel: () => "filters" },
  aws_wafv2_web_acl_logging_configuration: { foldInto: { references: ["aws_wafv2_web_acl"] }, facts: () => ["logged"] },

  // ECS
  aws_ecs_cluster: { category: "compute", title: ([c]) => `ECS cluster ${displayName(c!)}` },
  aws_ecs_cluster_capacity_providers: {
    foldInto: { references: ["aws_ecs_cluster"] },
    facts: (r) => ((a(r).capacity_providers as unknown[]) ?? []).map((p) => ({ list: "capacity", item: str(p) })),
  },
  aws_ecs_service: {
    category: "compute",
    title: ([s]) => `ECS service ${displayName(s!)}`,
    facts: (r) => {
      const strategy = blocks(a(r).capacity_provider_strategy)
        .map((s) => `${str(s.capacity_provider)}${s.base ? ` (base ${str(s.base)})` : ""}`)
        .join(" + ");
      const breaker = blocks(a(r).deployment_circuit_breaker)[0];
      return [
        strategy || str(a(r).launch_type),
        `deploy ${str(a(r).deployment_minimum_healthy_percent)}-${str(a(r).deployment_maximum_percent)} %${breaker?.enable ? `, circuit breaker${breaker.rollback ? " + rollback" : ""}` : ""}`,
      ];
    },
  },
  aws_ecs_task_definition: {
    foldInto: { referrers: ["aws_ecs_service"] },
    facts: (r) => [
      `task ${str(a(r).cpu)} CPU / ${str(a(r).memory)} MiB${blocks(a(r).runtime_platform)[0]?.cpu_architecture ? `, ${str(blocks(a(r).runtime_platform)[0]?.cpu_architecture)}` : ""}`,
    ],
  },
  aws_ecr_repository: { category: "compute", title: ([r]) => `ECR ${displayName(r!)}` },
  aws_ecr_lifecycle_policy: { foldInto: { references: ["aws_ecr_repository"] } },
  aws_appautoscaling_target: {
    foldInto: { references: ["aws_ecs_service"] },
    facts: (r) => [`scales ${str(a(r).min_capacity)}-${str(a(r).max_capacity)} tasks`],
  },
  aws_appautoscaling_policy: {
    foldInto: { references: ["aws_appautoscaling_target"] },
    // The request-count metric names the load balancer and target group; the service already has those edges.
    noEdges: true,
    facts: (r) => {
      const tracking = blocks(a(r).target_tracking_scaling_policy_configuration)[0];
      const metric = str(blocks(tracking?.predefined_metric_specification)[0]?.predefined_metric_type).replace(/^ECSService(Average)?/, "");
      return [{ list: "target tracking", item: tracking ? `${metric || "custom"} ${str(tracking.target_value)}` : lastSegment(r) }];
    },
  },
  aws_appautoscaling_scheduled_action: {
    foldInto: { references: ["aws_appautoscaling_target"] },
    facts: (r) => [{ list: "schedules", item: lastSegment(r).replace(/^schedule-/, "") }],
  },
  aws_cloudwatch_metric_alarm: {
    foldInto: {
      references: ["aws_ecs_service", "aws_lb_target_group", "aws_lb", "aws_autoscaling_group", "aws_eks_cluster", "aws_sqs_queue"],
    },
    noEdges: true,
    facts: (r) => [{ list: "alarms", item: lastSegment(r) }],
  },

  // EKS
  aws_eks_cluster: {
    category: "compute",
    title: ([c]) => `EKS cluster ${displayName(c!)}`,
    facts: (r) => {
      const vpc = blocks(a(r).vpc_config)[0] ?? {};
      return [
        ...(a(r).version ? [`Kubernetes ${str(a(r).version)}`] : []),
        `endpoint ${[vpc.endpoint_private_access ? "private" : "", vpc.endpoint_public_access ? "public" : ""].filter(Boolean).join(" + ") || "default"}`,
      ];
    },
  },
  aws_eks_addon: { foldInto: { references: ["aws_eks_cluster"] }, facts: (r) => [{ list: "add-ons", item: str(a(r).addon_name) }] },
  aws_eks_pod_identity_association: {
    foldInto: { references: ["aws_eks_cluster"] },
    facts: (r) => [{ list: "pod identities", item: `${str(a(r).namespace)}/${str(a(r).service_account)}` }],
  },
  aws_eks_node_group: {
    category: "compute",
    title: ([g]) => `Managed node group ${str(a(g!).node_group_name) || displayName(g!)}`,
    facts: (r) => {
      const scaling = blocks(a(r).scaling_config)[0] ?? {};
      return [
        `${str(a(r).capacity_type || "ON_DEMAND")
          .toLowerCase()
          .replace("_", "-")}, ${str(scaling.min_size)}-${str(scaling.max_size)} nodes`,
        ...((a(r).instance_types as unknown[]) ?? []).map((t) => ({ list: "instance types", item: str(t) })),
      ];
    },
  },
  aws_launch_template: { foldInto: { referrers: ["aws_eks_node_group", "aws_autoscaling_group"] } },
  aws_autoscaling_group: {
    category: "compute",
    title: ([g]) => `Auto Scaling group ${displayName(g!)}`,
    facts: (r) => {
      const distribution = blocks(blocks(a(r).mixed_instances_policy)[0]?.instances_distribution)[0];
      return [
        `${str(a(r).min_size)}-${str(a(r).max_size)} nodes`,
        ...(distribution ? [`${100 - Number(distribution.on_demand_percentage_above_base_capacity ?? 100)} % spot above base`] : []),
        ...(a(r).capacity_rebalance ? ["capacity rebalance"] : []),
        ...blocks(a(r).initial_lifecycle_hook).map((hook) => ({
          list: "lifecycle hooks",
          item: str(hook.lifecycle_transition).replace(/^autoscaling:/, ""),
        })),
      ];
    },
  },
  aws_autoscaling_schedule: {
    foldInto: { references: ["aws_autoscaling_group", "aws_eks_node_group"] },
    facts: (r) => [{ list: "schedules", item: lastSegment(r) }],
  },
  aws_sqs_queue: { category: "observability", title: ([q]) => `SQS queue ${displayName(q!)}` },
  aws_sqs_queue_policy: { foldInto: { references: ["aws_sqs_queue"] } },
  aws_cloudwatch_event_rule: {
    category: "observability",
    group: () => "event-rules",
    title: (members) => count(members, "EventBridge rules").replace(/^EventBridge rules$/, "EventBridge rule"),
    facts: (r) => [{ list: "", item: lastSegment(r) }],
  },
  aws_cloudwatch_event_target: {
    foldInto: { references: ["aws_cloudwatch_event_rule"] },
    flowsTo: ["arn"],
    edgeLabel: () => "events",
  },
  helm_release: {
    category: "compute",
    title: ([h]) => `Helm release ${displayName(h!)}`,
    facts: (r) => [
      `chart ${str(a(r).chart)}${a(r).version ? ` ${str(a(r).version)}` : ""}`,
      `namespace ${str(a(r).namespace || "default")}`,
    ],
  },

  // storage, keys, logs, analytics
  aws_s3_bucket: {
    category: "data",
    foldInto: { referrers: ["aws_athena_workgroup"] },
    title: ([b]) => `S3 bucket ${displayName(b!)}`,
  },
  aws_kms_key: { category: "security", title: () => "KMS key", edgesOnlyFrom: [] },
  aws_kms_alias: { foldInto: { references: ["aws_kms_key"] }, facts: (r) => [str(a(r).name)] },
  aws_cloudwatch_log_group: {
    category: "observability",
    foldInto: {
      referrers: ["aws_ecs_cluster", "aws_eks_cluster", "aws_wafv2_web_acl_logging_configuration"],
      siblings: ["aws_ecs_task_definition"],
    },
    title: ([g]) => `Log group ${displayName(g!)}`,
    facts: (r) => (a(r).retention_in_days ? [`logs kept ${str(a(r).retention_in_days)} days`] : []),
  },
  aws_cloudwatch_query_definition: {
    foldInto: { references: ["aws_cloudwatch_log_group"] },
    noEdges: ["query_string"],
    facts: (r) => [{ list: "Logs Insights queries", item: str(a(r).name).split("/").pop()! }],
  },
  aws_glue_catalog_database: { category: "data", title: ([d]) => `Glue database ${displayName(d!)}` },
  aws_glue_catalog_table: { foldInto: { references: ["aws_glue_catalog_database"] }, facts: (r) => [`table ${str(a(r).name)}`] },
  aws_athena_workgroup: { category: "data", title: ([w]) => `Athena workgroup ${displayName(w!)}` },
  aws_athena_named_query: {
    foldInto: { references: ["aws_athena_workgroup"] },
    noEdges: ["query"],
    facts: (r) => [{ list: "queries", item: lastSegment(r).replace(/^query-/, "") }],
  },
};

/** How a type is drawn: its entry, else hidden for data sources (lookups, not architecture), else a plain node. */
export function viewOf(type: string): TypeView {
  return TYPE_VIEWS[type] ?? (type.startsWith("data.") ? { hide: true } : {});
}

/** `aws_lb_target_group` -> `lb target group`: the label of a type the catalog does not know. */
export function typeWords(type: string): string {
  return type
    .replace(/^data\./, "")
    .replace(/^aws_/, "")
    .replace(/_/g, " ");
}
