// The one list of VPC flow-log fields. The log_format string, the Glue/Athena columns, the Logs Insights
// parse pattern and the choice of which queries exist are all derived from it, so they cannot drift apart.
// Names, versions and Parquet types: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

/** Athena (Hive DDL) type of a column, from the field's Parquet type: INT_32 -> int, INT_64 -> bigint, STRING -> string. */
export type AthenaType = "int" | "bigint" | "string";

export interface FlowLogFieldSpec {
  /** Flow-log version that introduced the field. */
  readonly version: number;
  readonly type: AthenaType;
}

/** Every field AWS offers for VPC flow logs, versions 2 to 8, in the order of the AWS field table. */
export const FLOW_LOG_FIELD_SPECS = {
  version: { version: 2, type: "int" },
  "account-id": { version: 2, type: "string" },
  "interface-id": { version: 2, type: "string" },
  srcaddr: { version: 2, type: "string" },
  dstaddr: { version: 2, type: "string" },
  srcport: { version: 2, type: "int" },
  dstport: { version: 2, type: "int" },
  protocol: { version: 2, type: "int" },
  packets: { version: 2, type: "bigint" },
  bytes: { version: 2, type: "bigint" },
  start: { version: 2, type: "bigint" },
  end: { version: 2, type: "bigint" },
  action: { version: 2, type: "string" },
  "log-status": { version: 2, type: "string" },
  "vpc-id": { version: 3, type: "string" },
  "subnet-id": { version: 3, type: "string" },
  "instance-id": { version: 3, type: "string" },
  "tcp-flags": { version: 3, type: "int" },
  type: { version: 3, type: "string" },
  "pkt-srcaddr": { version: 3, type: "string" },
  "pkt-dstaddr": { version: 3, type: "string" },
  region: { version: 4, type: "string" },
  "az-id": { version: 4, type: "string" },
  "sublocation-type": { version: 4, type: "string" },
  "sublocation-id": { version: 4, type: "string" },
  "pkt-src-aws-service": { version: 5, type: "string" },
  "pkt-dst-aws-service": { version: 5, type: "string" },
  "flow-direction": { version: 5, type: "string" },
  "traffic-path": { version: 5, type: "int" },
  "ecs-cluster-arn": { version: 7, type: "string" },
  "ecs-cluster-name": { version: 7, type: "string" },
  "ecs-container-instance-arn": { version: 7, type: "string" },
  "ecs-container-instance-id": { version: 7, type: "string" },
  "ecs-container-id": { version: 7, type: "string" },
  "ecs-second-container-id": { version: 7, type: "string" },
  "ecs-service-name": { version: 7, type: "string" },
  "ecs-task-definition-arn": { version: 7, type: "string" },
  "ecs-task-arn": { version: 7, type: "string" },
  "ecs-task-id": { version: 7, type: "string" },
  "reject-reason": { version: 8, type: "string" },
} as const satisfies Record<string, FlowLogFieldSpec>;

export type FlowLogField = keyof typeof FLOW_LOG_FIELD_SPECS;

export const FLOW_LOG_FIELDS = Object.keys(FLOW_LOG_FIELD_SPECS) as FlowLogField[];

/**
 * Fields every environment records: the default (v2) format plus what troubleshooting needs: which
 * VPC/subnet/instance/ENI, TCP flags (resets, half-closed connections), the original packet addresses
 * behind NAT and load balancers, zone, direction, path out of the VPC and the AWS service on either side.
 */
export const BASE_FLOW_LOG_FIELDS = [
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
  "vpc-id",
  "subnet-id",
  "instance-id",
  "tcp-flags",
  "type",
  "pkt-srcaddr",
  "pkt-dstaddr",
  "region",
  "az-id",
  "flow-direction",
  "traffic-path",
  "pkt-src-aws-service",
  "pkt-dst-aws-service",
] as const satisfies readonly FlowLogField[];

/** Fields an environment may add to the base list (network.flowLogs.extraFields). */
export const EXTRA_FLOW_LOG_FIELDS = FLOW_LOG_FIELDS.filter((f) => !(BASE_FLOW_LOG_FIELDS as readonly string[]).includes(f));

/** The fields of an environment's flow logs, in format order: the base list, then the extras as configured. */
export function flowLogFields(extraFields: readonly FlowLogField[] = []): FlowLogField[] {
  return [...BASE_FLOW_LOG_FIELDS, ...extraFields.filter((f) => !(BASE_FLOW_LOG_FIELDS as readonly string[]).includes(f))];
}

/** The Glue/Parquet column of a field: AWS writes Parquet columns with hyphens turned into underscores. */
export function columnName(field: FlowLogField): string {
  return field.replace(/-/g, "_");
}

/**
 * The aws_flow_log `log_format` value: `${version} ${account-id} ...`. The `$$` escapes Terraform
 * interpolation in the synthesized JSON, so AWS receives the literal `${field}` placeholders.
 */
export function logFormat(fields: readonly FlowLogField[]): string {
  return fields.map((f) => `$\${${f}}`).join(" ");
}

/** The same format as AWS receives it, without Terraform's escaping (for tests and docs). */
export function logFormatAsDelivered(fields: readonly FlowLogField[]): string {
  return fields.map((f) => `\${${f}}`).join(" ");
}

export interface GlueColumn {
  readonly name: string;
  readonly type: AthenaType;
  readonly comment: string;
}

/** Glue table columns for the Parquet files, one per field, in format order. */
export function glueColumns(fields: readonly FlowLogField[]): GlueColumn[] {
  return fields.map((f) => ({
    name: columnName(f),
    type: FLOW_LOG_FIELD_SPECS[f].type,
    comment: `flow-log field ${f} (v${FLOW_LOG_FIELD_SPECS[f].version})`,
  }));
}

/** The highest version among the fields; AWS writes it into every record's `version` field. */
export function formatVersion(fields: readonly FlowLogField[]): number {
  return Math.max(...fields.map((f) => FLOW_LOG_FIELD_SPECS[f].version));
}
