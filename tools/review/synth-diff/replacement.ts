// Which attribute changes make Terraform replace a resource, for every resource type this project
// synthesizes (network, ecs, eks, eks-addons layers). A type listed with no triggers was checked and
// updates every argument in place. Extend it when a stack gains a resource type: the report names
// changed types that are missing here ("replacement not checked").
import type { AttributeChange, Block, ChangedItem } from "./types";

/** An attribute whose change replaces the resource only under a condition (customizeDiff in the provider). */
export interface ConditionalTrigger {
  readonly attribute: string;
  /** True when this change forces replacement. */
  readonly when: (change: AttributeChange, before: Block, after: Block) => boolean;
  /** Why, in plain words, shown in the report. */
  readonly why: string;
}

/**
 * An attribute path with block names joined by dots and no list indices (`vpc_config.subnet_ids`);
 * a change at or below it counts. `*` is any argument except tags.
 */
export type Trigger = string | ConditionalTrigger;

export interface ReplacementEntry {
  readonly triggers: readonly Trigger[];
  /** Arguments that update in place although `*` names every argument. */
  readonly inPlace?: readonly string[];
  /** What the replacement means for this type, when that lowers or raises the stakes. */
  readonly note?: string;
  /** `revision`: the resource is immutable and each change registers a new revision that consumers roll to in place. */
  readonly kind?: "revision";
  /** Where the facts come from. */
  readonly source: string;
  /** The source was read for this table (provider schema or customizeDiff); otherwise from the provider's documentation. */
  readonly verified?: boolean;
}

const AWS_SOURCE = "hashicorp/terraform-provider-aws";
const AWS_DOCS = "registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources";
const source = (file: string) => `${AWS_SOURCE} ${file} (ForceNew in the resource schema)`;
const docs = (page: string) => `${AWS_DOCS}/${page} (arguments documented as forcing a new resource)`;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const count = (block: Block, attribute: string) => list(block[attribute]).length;
const isNetworkLoadBalancer = (block: Block) => block.load_balancer_type === "network";
const json = (value: unknown) => JSON.stringify(value);

/** A security group rule admits exactly one kind of source; switching kinds (CIDR to security group, ...) replaces the rule. */
const RULE_SOURCES = ["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"];
const SOURCE_KIND_CHANGE: ConditionalTrigger = {
  attribute: "",
  when: (change, before, after) =>
    RULE_SOURCES.includes(String(change.path[0])) &&
    RULE_SOURCES.find((k) => before[k] !== undefined) !== RULE_SOURCES.find((k) => after[k] !== undefined),
  why: "the rule's source changes kind (CIDR, prefix list or security group)",
};

/** The provider's customizeDiff for subnet_mapping: additions are in place, anything else replaces (ALB: removals too, if the rest is kept). */
function subnetMappingForcesNew(before: Block, after: Block): boolean {
  const [was, now] = [list(before.subnet_mapping).map(json), list(after.subnet_mapping).map(json)];
  const kept = (from: string[], into: string[]) => from.every((m) => into.includes(m));
  if (now.length === was.length) return true;
  if (now.length > was.length) return !kept(was, now);
  return isNetworkLoadBalancer(after) || !kept(now, was);
}

export const REPLACEMENT: Readonly<Record<string, ReplacementEntry>> = {
  // network layer
  aws_vpc: {
    triggers: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
    source: source("internal/service/ec2/vpc_.go"),
    verified: true,
  },
  aws_subnet: {
    triggers: [
      "vpc_id",
      "cidr_block",
      "availability_zone",
      "availability_zone_id",
      "outpost_arn",
      "ipv4_ipam_pool_id",
      "ipv4_netmask_length",
      "ipv6_ipam_pool_id",
      "ipv6_native",
      "ipv6_netmask_length",
    ],
    source: source("internal/service/ec2/vpc_subnet.go"),
    verified: true,
  },
  aws_internet_gateway: { triggers: [], source: docs("internet_gateway") },
  aws_eip: {
    triggers: ["domain", "address", "network_border_group", "public_ipv4_pool", "ipam_pool_id"],
    source: source("internal/service/ec2/ec2_eip.go"),
    verified: true,
  },
  aws_nat_gateway: {
    triggers: ["allocation_id", "subnet_id", "connectivity_type", "private_ip", "secondary_private_ip_address_count"],
    source: source("internal/service/ec2/vpc_nat_gateway.go"),
    verified: true,
  },
  aws_route_table: { triggers: ["vpc_id"], source: docs("route_table") },
  aws_route: {
    triggers: ["route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"],
    source: source("internal/service/ec2/vpc_route.go"),
    verified: true,
  },
  // route_table_id is updated in place (ReplaceRouteTableAssociation); the subnet or gateway is the identity.
  aws_route_table_association: {
    triggers: ["subnet_id", "gateway_id"],
    source: source("internal/service/ec2/vpc_route_table_association.go"),
    verified: true,
  },
  aws_default_security_group: { triggers: ["vpc_id"], source: docs("default_security_group") },
  aws_security_group: {
    triggers: ["name", "name_prefix", "description", "vpc_id"],
    source: source("internal/service/ec2/vpc_security_group.go"),
    verified: true,
  },
  aws_vpc_security_group_ingress_rule: {
    triggers: ["security_group_id", SOURCE_KIND_CHANGE],
    source: `${AWS_SOURCE} internal/service/ec2/vpc_security_group_ingress_rule.go (RequiresReplace; ModifyPlan replaces when the source kind changes)`,
    verified: true,
  },
  aws_vpc_security_group_egress_rule: {
    triggers: ["security_group_id", SOURCE_KIND_CHANGE],
    source: `${AWS_DOCS}/vpc_security_group_egress_rule (the same rule model as the ingress rule)`,
  },
  aws_vpc_endpoint: {
    triggers: [
      "vpc_id",
      "service_name",
      "vpc_endpoint_type",
      "service_region",
      "resource_configuration_arn",
      "service_network_arn",
      "dns_options.private_dns_preference",
      "dns_options.private_dns_specified_domains",
      {
        attribute: "private_dns_enabled",
        when: (_change, _before, after) => after.vpc_endpoint_type !== "Interface",
        why: "private DNS can only be switched in place on interface endpoints",
      },
    ],
    source: `${AWS_SOURCE} internal/service/ec2/vpc_endpoint.go (schema ForceNew; CustomizeDiff for private_dns_enabled)`,
    verified: true,
  },
  // Flow logs cannot be modified: only tags update in place (the format or destination replaces it).
  aws_flow_log: {
    triggers: ["*"],
    note: "flows are not recorded between the delete and the create",
    source: `${AWS_SOURCE} internal/service/ec2/vpc_flow_log.go (every argument ForceNew; the update handles tags only)`,
    verified: true,
  },
  // A fixed `bucket` name replaced destroy-first cannot be deleted while it holds objects unless force_destroy (replacement-order.ts).
  aws_s3_bucket: {
    triggers: ["bucket", "bucket_prefix", "object_lock_enabled"],
    source: source("internal/service/s3/bucket.go"),
    verified: true,
  },
  aws_s3_bucket_lifecycle_configuration: {
    triggers: ["bucket", "expected_bucket_owner"],
    source: docs("s3_bucket_lifecycle_configuration"),
  },
  aws_s3_bucket_ownership_controls: { triggers: ["bucket"], source: docs("s3_bucket_ownership_controls") },
  aws_s3_bucket_policy: { triggers: ["bucket"], source: docs("s3_bucket_policy") },
  aws_s3_bucket_public_access_block: { triggers: ["bucket"], source: docs("s3_bucket_public_access_block") },
  aws_s3_bucket_server_side_encryption_configuration: {
    triggers: ["bucket", "expected_bucket_owner"],
    source: docs("s3_bucket_server_side_encryption_configuration"),
  },
  aws_s3_bucket_versioning: { triggers: ["bucket", "expected_bucket_owner"], source: docs("s3_bucket_versioning") },
  aws_kms_key: {
    triggers: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
    source: source("internal/service/kms/key.go"),
    verified: true,
  },
  aws_kms_alias: { triggers: ["name", "name_prefix"], source: docs("kms_alias") },
  aws_glue_catalog_database: { triggers: ["name", "catalog_id"], source: docs("glue_catalog_database") },
  aws_glue_catalog_table: { triggers: ["name", "database_name", "catalog_id"], source: docs("glue_catalog_table") },
  aws_athena_workgroup: { triggers: ["name"], source: docs("athena_workgroup") },
  // Named queries have no update API: every change deletes and recreates them (harmless, they hold no data).
  aws_athena_named_query: { triggers: ["*"], note: "harmless: a saved query holds no data", source: docs("athena_named_query") },
  aws_cloudwatch_log_group: {
    triggers: ["name", "name_prefix", "log_group_class"],
    source: source("internal/service/logs/group.go"),
    verified: true,
  },
  aws_cloudwatch_query_definition: { triggers: [], source: docs("cloudwatch_query_definition") },
  aws_iam_role: { triggers: ["name", "name_prefix", "path"], source: source("internal/service/iam/role.go"), verified: true },
  aws_iam_role_policy: { triggers: ["name", "name_prefix", "role"], source: docs("iam_role_policy") },
  aws_iam_role_policy_attachment: { triggers: ["role", "policy_arn"], source: docs("iam_role_policy_attachment") },
  aws_iam_instance_profile: { triggers: ["name", "name_prefix", "path"], source: docs("iam_instance_profile") },
  aws_iam_openid_connect_provider: {
    triggers: ["url"],
    source: `${AWS_SOURCE} internal/service/iam/openid_connect_provider.go (url ForceNew; client_id_list and thumbprint_list update in place)`,
    verified: true,
  },

  // ecs layer
  aws_ecs_cluster: { triggers: ["name"], source: docs("ecs_cluster") },
  aws_ecs_cluster_capacity_providers: { triggers: ["cluster_name"], source: docs("ecs_cluster_capacity_providers") },
  // capacity_provider_strategy updates in place since the provider's pull request 43533 (6.x): with
  // force_new_deployment = true it rolls the tasks onto the new strategy, without it the plan fails (PLAN_ERRORS).
  aws_ecs_service: {
    triggers: ["name", "cluster", "iam_role", "launch_type", "scheduling_strategy", "deployment_controller.type"],
    source: `${AWS_SOURCE} internal/service/ecs/service.go (schema ForceNew; capacityProviderStrategyCustomizeDiff errors instead of replacing)`,
    verified: true,
  },
  // Task definitions are immutable: Terraform registers a new revision (shown as a replacement) and the
  // service rolls to it with a normal deployment; the service itself is not replaced.
  aws_ecs_task_definition: {
    triggers: ["*"],
    inPlace: ["skip_destroy"],
    kind: "revision",
    source: source("internal/service/ecs/task_definition.go"),
    verified: true,
  },
  aws_ecr_repository: {
    triggers: ["name", "encryption_configuration"],
    source: source("internal/service/ecr/repository.go"),
    verified: true,
  },
  aws_ecr_lifecycle_policy: { triggers: ["repository"], source: docs("ecr_lifecycle_policy") },
  aws_lb: {
    triggers: [
      "name",
      "name_prefix",
      "internal",
      "load_balancer_type",
      "customer_owned_ipv4_pool",
      {
        attribute: "security_groups",
        when: (_change, before, after) =>
          isNetworkLoadBalancer(after) && (count(before, "security_groups") === 0) !== (count(after, "security_groups") === 0),
        why: "a network load balancer created without security groups cannot get them later, and one created with them cannot drop them all",
      },
      {
        attribute: "subnets",
        when: (_change, before, after) => isNetworkLoadBalancer(after) && count(after, "subnets") <= count(before, "subnets"),
        why: "a network load balancer can only gain subnets in place; removing or swapping one replaces it",
      },
      {
        attribute: "subnet_mapping",
        when: (_change, before, after) => subnetMappingForcesNew(before, after),
        why: "subnet mappings can only be added in place; changing one (or, on a network load balancer, removing one) replaces the load balancer",
      },
    ],
    source: `${AWS_SOURCE} internal/service/elbv2/load_balancer.go (schema ForceNew; customizeDiffLoadBalancerNLB/ALB for subnets and security groups)`,
    verified: true,
  },
  aws_lb_target_group: {
    triggers: ["name", "name_prefix", "port", "protocol", "protocol_version", "target_type", "vpc_id", "ip_address_type"],
    note: "the listener (rule) and the ECS service switch to the new group in the same apply; until the new group's first task is healthy the listener forwards to an empty group",
    source: source("internal/service/elbv2/target_group.go"),
    verified: true,
  },
  aws_lb_listener: { triggers: ["load_balancer_arn"], source: source("internal/service/elbv2/listener.go"), verified: true },
  aws_lb_listener_rule: { triggers: ["listener_arn"], source: docs("lb_listener_rule") },
  aws_appautoscaling_target: {
    triggers: ["resource_id", "scalable_dimension", "service_namespace"],
    source: source("internal/service/appautoscaling/target.go"),
    verified: true,
  },
  aws_appautoscaling_policy: {
    triggers: ["name", "resource_id", "scalable_dimension", "service_namespace"],
    source: docs("appautoscaling_policy"),
  },
  aws_appautoscaling_scheduled_action: {
    triggers: ["name", "resource_id", "scalable_dimension", "service_namespace"],
    source: docs("appautoscaling_scheduled_action"),
  },
  aws_cloudwatch_metric_alarm: {
    triggers: ["alarm_name"],
    source: source("internal/service/cloudwatch/metric_alarm.go"),
    verified: true,
  },
  aws_wafv2_web_acl: {
    triggers: ["name", "name_prefix", "scope"],
    source: source("internal/service/wafv2/web_acl.go"),
    verified: true,
  },
  aws_wafv2_web_acl_association: { triggers: ["resource_arn", "web_acl_arn"], source: docs("wafv2_web_acl_association") },
  aws_wafv2_web_acl_logging_configuration: { triggers: ["resource_arn"], source: docs("wafv2_web_acl_logging_configuration") },

  // eks and eks-addons layers
  aws_eks_cluster: {
    // vpc_config.subnet_ids and security_group_ids update in place since provider 5.25 (pull request 34209).
    triggers: [
      "name",
      "role_arn",
      "bootstrap_self_managed_addons",
      "access_config.bootstrap_cluster_creator_admin_permissions",
      "kubernetes_network_config.ip_family",
      "kubernetes_network_config.service_ipv4_cidr",
      "outpost_config",
      "remote_network_config",
      {
        attribute: "encryption_config",
        when: (_change, before, after) => count(before, "encryption_config") > 0 && count(after, "encryption_config") === 0,
        why: "envelope encryption cannot be turned off once on",
      },
    ],
    source: source("internal/service/eks/cluster.go"),
    verified: true,
  },
  aws_eks_node_group: {
    triggers: [
      "cluster_name",
      "node_group_name",
      "node_group_name_prefix",
      "node_role_arn",
      "subnet_ids",
      "instance_types",
      "capacity_type",
      "ami_type",
      "disk_size",
      "remote_access",
      "launch_template.id",
      "launch_template.name",
    ],
    source: source("internal/service/eks/node_group.go"),
    verified: true,
  },
  aws_eks_addon: { triggers: ["cluster_name", "addon_name"], source: source("internal/service/eks/addon.go"), verified: true },
  aws_eks_access_entry: {
    triggers: ["cluster_name", "principal_arn", "type"],
    source: source("internal/service/eks/access_entry.go"),
    verified: true,
  },
  aws_eks_access_policy_association: {
    triggers: ["cluster_name", "principal_arn", "policy_arn", "access_scope"],
    source: docs("eks_access_policy_association"),
  },
  aws_eks_pod_identity_association: {
    triggers: ["cluster_name", "namespace", "service_account"],
    source: docs("eks_pod_identity_association"),
  },
  // Other changes create a new launch template version in place; node groups and ASGs roll to it.
  aws_launch_template: { triggers: ["name", "name_prefix"], source: docs("launch_template") },
  aws_autoscaling_group: { triggers: ["name", "name_prefix"], source: docs("autoscaling_group") },
  aws_autoscaling_schedule: { triggers: ["scheduled_action_name", "autoscaling_group_name"], source: docs("autoscaling_schedule") },
  aws_autoscaling_lifecycle_hook: { triggers: ["name", "autoscaling_group_name"], source: docs("autoscaling_lifecycle_hook") },
  aws_sqs_queue: { triggers: ["name", "name_prefix", "fifo_queue"], source: source("internal/service/sqs/queue.go"), verified: true },
  aws_sqs_queue_policy: { triggers: ["queue_url"], source: docs("sqs_queue_policy") },
  aws_sqs_queue_redrive_allow_policy: {
    triggers: ["queue_url"],
    source: source("internal/service/sqs/queue_redrive_allow_policy.go"),
    verified: true,
  },
  aws_sns_topic: {
    triggers: ["name", "name_prefix", "fifo_topic"],
    note: "a new topic has no subscriptions until they are recreated in the same apply; messages published in between reach no queue",
    source: source("internal/service/sns/topic.go"),
    verified: true,
  },
  aws_sns_topic_subscription: {
    triggers: ["topic_arn", "endpoint", "protocol"],
    note: "the queue receives nothing between the old subscription's deletion and the new one's creation; filter_policy and raw_message_delivery change in place",
    source: source("internal/service/sns/topic_subscription.go"),
    verified: true,
  },
  aws_cloudwatch_event_rule: {
    triggers: ["name", "name_prefix", "event_bus_name"],
    source: source("internal/service/events/rule.go"),
    verified: true,
  },
  aws_cloudwatch_event_target: { triggers: ["rule", "target_id", "event_bus_name"], source: docs("cloudwatch_event_target") },
  helm_release: {
    triggers: ["name", "namespace"],
    source:
      "hashicorp/terraform-provider-helm helm/resource_helm_release.go (RequiresReplace on name and namespace; chart, version and values upgrade in place)",
    verified: true,
  },
};

/** A change the provider refuses at plan time (CustomizeDiff returns an error), so nothing is applied. */
export interface PlanError {
  readonly type: string;
  readonly when: (item: ChangedItem) => boolean;
  readonly why: string;
  readonly source: string;
}

export const PLAN_ERRORS: readonly PlanError[] = [
  {
    type: "aws_ecs_service",
    when: (item) => item.changes.some((c) => c.path[0] === "capacity_provider_strategy") && item.new.body.force_new_deployment !== true,
    why: '`capacity_provider_strategy` changes on an existing service without `force_new_deployment = true`: the AWS provider refuses it ("force_new_deployment should be true when capacity_provider_strategy is being updated"); with it, the strategy updates in place and the tasks roll onto it (no replacement)',
    source: `${AWS_SOURCE} internal/service/ecs/service.go capacityProviderStrategyCustomizeDiff (pull request 43533)`,
  },
];
