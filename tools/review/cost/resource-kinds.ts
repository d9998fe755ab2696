// Every resource type the stacks create, and how the estimate treats it. A type missing here is reported
// as unclassified (and fails test/cost.test.ts), so a new kind of resource cannot silently cost nothing.

export type Treatment = "priced" | "usage" | "free";

export interface Classification {
  readonly treatment: Treatment;
  /** For usage-only and free types: why (what it would be billed for, or that AWS does not bill it). */
  readonly why: string;
}

const priced = (why: string): Classification => ({ treatment: "priced", why });
const usage = (why: string): Classification => ({ treatment: "usage", why });
const free = (why: string): Classification => ({ treatment: "free", why });

export const RESOURCE_KINDS: Readonly<Record<string, Classification>> = {
  // Priced: hourly or monthly whether used or not.
  aws_nat_gateway: priced("hourly per gateway; data processed per GB is usage"),
  aws_eip: priced("public IPv4 address-hours"),
  aws_lb: priced("ALB/NLB hours; internet-facing: a public IPv4 address per zone; LCU/NLCU usage not estimated"),
  aws_vpc_endpoint: priced("interface endpoints per zone-hour (gateway endpoints are free); data processed per GB is usage"),
  aws_eks_cluster: priced("control plane per cluster-hour"),
  aws_kms_key: priced("per key-month; requests are usage"),
  aws_cloudwatch_metric_alarm: priced("per alarm metric-month"),
  aws_wafv2_web_acl: priced("per web ACL-month plus per rule-month; requests are usage"),
  aws_ecs_service: priced("Fargate vCPU and memory per task-hour, through its schedules"),
  aws_eks_node_group: priced("EC2 instance-hours and root volumes, through its schedules"),
  aws_autoscaling_group: priced("EC2 instance-hours and root volumes, through its schedules"),
  // Usage-only: a price per unit, the quantity unknown offline.
  aws_cloudwatch_log_group: usage("log ingestion per GB and storage per GB-month"),
  aws_cloudwatch_log_subscription_filter: free("configuration; the events it forwards are billed by their destination"),
  aws_flow_log: usage("vended log delivery per GB (S3, plus Parquet conversion) or log ingestion (CloudWatch)"),
  aws_wafv2_web_acl_logging_configuration: usage("WAF logs ingested by the log group it names (priced there)"),
  aws_s3_bucket: usage("storage per GB-month and requests"),
  aws_ecr_repository: usage("image storage per GB-month"),
  aws_sqs_queue: usage("requests per million (the first million a month free)"),
  aws_athena_workgroup: usage("per TB scanned by queries"),
  // Free: AWS does not bill the resource itself (its traffic or the resource it configures is priced elsewhere).
  aws_appautoscaling_policy: free("configuration of Application Auto Scaling"),
  aws_appautoscaling_scheduled_action: free("configuration; its effect is integrated into the service's task-hours"),
  aws_appautoscaling_target: free("configuration; its bounds are integrated into the service's task-hours"),
  aws_athena_named_query: free("a saved query; running it is billed per TB scanned"),
  aws_autoscaling_schedule: free("configuration; its effect is integrated into the node group's instance-hours"),
  aws_cloudwatch_event_rule: free("rules on AWS service events of the default event bus are not billed"),
  aws_cloudwatch_event_target: free("delivery of AWS service events to SQS: billed as SQS requests"),
  aws_cloudwatch_query_definition: free("a saved Logs Insights query; running it is billed per GB scanned"),
  aws_default_security_group: free("VPC configuration"),
  aws_ecr_lifecycle_policy: free("configuration"),
  aws_ecs_cluster: free("Fargate clusters are not billed; tasks are"),
  aws_ecs_cluster_capacity_providers: free("configuration"),
  aws_ecs_task_definition: free("a revision; the service's running tasks are billed"),
  aws_eks_access_entry: free("EKS configuration"),
  aws_eks_access_policy_association: free("EKS configuration"),
  aws_eks_addon: free("EKS managed add-ons are not billed; they run on the priced nodes"),
  aws_eks_pod_identity_association: free("EKS configuration"),
  aws_glue_catalog_database: free("the first million Data Catalog objects are free"),
  aws_glue_catalog_table: free("the first million Data Catalog objects are free"),
  aws_iam_instance_profile: free("IAM is not billed"),
  aws_iam_role: free("IAM is not billed"),
  aws_iam_role_policy: free("IAM is not billed"),
  aws_iam_role_policy_attachment: free("IAM is not billed"),
  aws_internet_gateway: free("not billed (data transfer out is)"),
  aws_kms_alias: free("aliases are not billed"),
  aws_launch_template: free("configuration; its volumes are priced with the node group"),
  aws_lb_listener: free("included in the load balancer's hours and LCUs"),
  aws_lb_listener_rule: free("included in the load balancer's LCUs (rule evaluations beyond 10 rules)"),
  aws_lb_target_group: free("included in the load balancer's hours and LCUs"),
  aws_route: free("VPC configuration"),
  aws_route_table: free("VPC configuration"),
  aws_route_table_association: free("VPC configuration"),
  aws_s3_bucket_lifecycle_configuration: free("configuration (transitions are billed as requests)"),
  aws_s3_bucket_ownership_controls: free("configuration"),
  aws_s3_bucket_policy: free("configuration"),
  aws_s3_bucket_public_access_block: free("configuration"),
  aws_s3_bucket_server_side_encryption_configuration: free("configuration (SSE-KMS requests are billed by KMS)"),
  aws_s3_bucket_versioning: free("configuration (old versions are billed as storage)"),
  aws_security_group: free("VPC configuration"),
  aws_sqs_queue_policy: free("configuration"),
  aws_subnet: free("VPC configuration"),
  aws_vpc: free("the VPC itself is not billed"),
  aws_vpc_security_group_egress_rule: free("VPC configuration"),
  aws_vpc_security_group_ingress_rule: free("VPC configuration"),
  aws_wafv2_web_acl_association: free("configuration"),
  helm_release: free("a Kubernetes release; it runs on the priced nodes"),
};
