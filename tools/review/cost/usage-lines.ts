import type { PriceKey, PriceTable } from "./price-table";
import { bodies, type Resources } from "./stack-resources";
import type { CostLine } from "./types";

/** Usage-dependent lines: the unit price, no monthly figure (traffic and log volume are unknown offline). */
export function usageLines(resources: Resources, table: PriceTable): CostLine[] {
  const lines: CostLine[] = [];
  const line = (kind: string, count: number, key: PriceKey) => {
    const price = table.prices[key];
    if (count > 0) lines.push({ kind, count, unitPrice: price.price, unit: price.unit, ...(price.estimated ? { estimated: true } : {}) });
  };
  const count = (type: string) => bodies(resources, type).length;
  line("NAT gateway data processed", count("aws_nat_gateway"), "natGatewayGb");
  line(
    "Interface endpoint data processed",
    bodies(resources, "aws_vpc_endpoint").filter(([, b]) => b.vpc_endpoint_type === "Interface").length,
    "interfaceEndpointGb",
  );
  const lbs = bodies(resources, "aws_lb").map(([, b]) => b);
  line("ALB LCU", lbs.filter((b) => (b.load_balancer_type ?? "application") === "application").length, "albLcuHour");
  line("NLB NLCU", lbs.filter((b) => b.load_balancer_type === "network").length, "nlbNlcuHour");
  const flowLogs = bodies(resources, "aws_flow_log").map(([, b]) => b);
  const toS3 = flowLogs.filter((b) => b.log_destination_type === "s3");
  line("Flow-log delivery to S3", toS3.length, "vendedLogsS3Gb");
  line(
    "Flow-log Parquet conversion",
    toS3.filter((b) => (b.destination_options as Record<string, unknown> | undefined)?.file_format === "parquet").length,
    "vendedLogsParquetGb",
  );
  line("CloudWatch Logs ingestion", count("aws_cloudwatch_log_group"), "cloudwatchLogsIngestGb");
  line("CloudWatch Logs storage", count("aws_cloudwatch_log_group"), "cloudwatchLogsStorageGbMonth");
  line("WAF requests", count("aws_wafv2_web_acl"), "wafMillionRequests");
  line("S3 storage", count("aws_s3_bucket"), "s3StandardGbMonth");
  line("ECR storage", count("aws_ecr_repository"), "ecrStorageGbMonth");
  line("SQS requests", count("aws_sqs_queue"), "sqsMillionRequests");
  line("SNS publishes", count("aws_sns_topic"), "snsMillionPublishes");
  line("Athena data scanned", count("aws_athena_workgroup"), "athenaTbScanned");
  line("KMS requests", count("aws_kms_key"), "kmsRequests10k");
  const enhanced = bodies(resources, "aws_ecs_cluster").filter(([, b]) =>
    ((b.setting as Record<string, unknown>[] | undefined) ?? []).some((s) => s.name === "containerInsights" && s.value === "enhanced"),
  );
  line("Container Insights enhanced observability", enhanced.length, "containerInsightsEnhancedMillionObservations");
  // Data transfer: out to the internet through a NAT gateway or an internet-facing load balancer, and between zones.
  const outbound = count("aws_nat_gateway") + lbs.filter((b) => b.internal !== true).length;
  line("Data transfer out to the internet", outbound > 0 ? 1 : 0, "dataTransferOutGb");
  line("Data transfer between zones", count("aws_subnet") > 1 || lbs.length > 0 ? 1 : 0, "dataTransferInterAzGb");
  return lines;
}
