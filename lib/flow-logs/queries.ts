// Troubleshooting queries over flow logs, written once per question for Athena (S3/Parquet) and for
// CloudWatch Logs Insights. Each declares the fields it reads; a query exists only when every one of
// them is in the environment's format, and reading an undeclared field fails at synth.
import { parseCidr } from "../network/cidr";
import { columnName, type FlowLogField } from "./fields";
import { MAX_AGGREGATION_INTERVAL_SECONDS } from "./flow-log-delivery";

/** Partition columns of the Glue table, in the Hive layout AWS writes for Parquet + hive + per-hour. */
export const PARTITION_KEYS = ["year", "month", "day", "hour"] as const;

/** Where the queries run and what they can refer to besides the flow-log fields. */
export interface QueryContext {
  /** Fields of the environment's format, in order. */
  readonly fields: readonly FlowLogField[];
  /** Network interfaces of the NAT gateways (Terraform references); the NAT query needs at least one. */
  readonly natGatewayInterfaceIds?: readonly string[];
  /** The VPC's IPv4 CIDR blocks (literal); top talkers needs them to count traffic inside the VPC once. */
  readonly vpcCidrs?: readonly string[];
}

/** Renders a column reference; throws when the query reads a field it did not declare. */
type Column = (field: FlowLogField) => string;

export interface FlowLogQuerySpec {
  /** Stable id, used in resource names: `<env>-flow-logs-<id>`. */
  readonly id: string;
  /** The question the query answers. */
  readonly description: string;
  /**
   * Athena execution parameters (`?`), in order.
   * @default - year, month and day of the partition to scan
   */
  readonly athenaParameters?: string;
  /** What to edit before running the Logs Insights version. @default - nothing, the console picks the time range */
  readonly insightsNote?: string;
  readonly fields: readonly FlowLogField[];
  /** Extra precondition besides the fields (e.g. the VPC has NAT gateways). */
  readonly applies?: (context: QueryContext) => boolean;
  /** Athena SQL: `table` is `<database>.<table>`; `?` are execution parameters documented in the description. */
  readonly athena: (c: Column, table: string, context: QueryContext) => string;
  /**
   * Logs Insights commands after the generated `parse`; the time range comes from the console/API.
   * @default - no Logs Insights version (Insights cannot join records, e.g. a flow with its reverse)
   */
  readonly insights?: (c: Column, context: QueryContext) => string;
}

const DAY = `"year" = ? AND "month" = ? AND "day" = ?`;
const DAY_PARAMS = "year ('2025'), month ('01'-'12'), day ('01'-'31')";
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");
// tcp-flags is the OR of the flags seen in the aggregation interval: FIN 1, SYN 2, RST 4, SYN-ACK 18.
const athenaHasFlag = (c: Column, bit: number) => `bitwise_and(${c("tcp-flags")}, ${bit}) <> 0`;
const insightsHasFlag = (c: Column, bit: number) => `floor(${c("tcp-flags")} / ${bit}) % 2 = 1`;

/**
 * A time window (`?` start, `?` end, UTC 'YYYY-MM-DD HH:MM:SS'). S3 partitions follow delivery time, minutes
 * after capture, so the hourly partitions are read one hour wider on each side, and the window itself is
 * applied to the records' own `start`/`end` (the second pair of parameters: the same start and end again).
 */
const WINDOW = (c: Column) => `concat("year", "month", "day", "hour")
    BETWEEN format_datetime(CAST(? AS timestamp) - INTERVAL '1' HOUR, 'yyyyMMddHH')
    AND format_datetime(CAST(? AS timestamp) + INTERVAL '1' HOUR, 'yyyyMMddHH')
  AND ${c("end")} >= to_unixtime(CAST(? AS timestamp)) AND ${c("start")} <= to_unixtime(CAST(? AS timestamp))`;
const WINDOW_PARAMS =
  "window start, window end (UTC, 'YYYY-MM-DD HH:MM:SS'), the same start and end again (the first pair picks the hourly partitions, one hour wider on each side; the second filters the records)";

/** An IPv4 address as a number, null for IPv6 (plain SQL, so Athena and the test engine read it alike). */
const ipv4Number = (column: string) =>
  [1, 2, 3, 4]
    .map((octet) => `try_cast(split_part(${column}, '.', ${octet}) AS bigint)${octet < 4 ? ` * ${256 ** (4 - octet)}` : ""}`)
    .join(" + ");
/** The address is in one of the VPC's blocks; bounds come from the CIDRs at synth time. */
const inVpc = (column: string, cidrs: readonly string[]) =>
  `(${cidrs
    .map((cidr) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === "string") throw new Error(`vpcCidrs: ${parsed}`);
      return `${ipv4Number(column)} BETWEEN ${parsed.first} AND ${parsed.last}`;
    })
    .join(" OR ")})`;

export const FLOW_LOG_QUERIES: readonly FlowLogQuerySpec[] = [
  {
    id: "rejected-flows",
    description: `Rejected traffic by source, destination and port: security group or NACL denies.`,
    fields: ["action", "srcaddr", "dstaddr", "dstport", "protocol", "packets"],
    athena: (c, table) => `SELECT ${c("srcaddr")}, ${c("dstaddr")}, ${c("dstport")}, ${c("protocol")},
  count(*) AS flows, sum(${c("packets")}) AS packets
FROM ${table}
WHERE ${DAY} AND ${c("action")} = 'REJECT'
GROUP BY 1, 2, 3, 4
ORDER BY flows DESC
LIMIT 100`,
    insights: (c) => `filter ${c("action")} = "REJECT"
| stats count(*) as flows, sum(${c("packets")}) as packets by ${c("srcaddr")}, ${c("dstaddr")}, ${c("dstport")}, ${c("protocol")}
| sort flows desc
| limit 100`,
  },
  {
    id: "rejected-by-reason",
    description: `Rejected traffic by reject reason (e.g. BPA: VPC Block Public Access).`,
    fields: ["action", "reject-reason", "interface-id", "dstport"],
    athena: (c, table) => `SELECT ${c("reject-reason")}, ${c("interface-id")}, ${c("dstport")}, count(*) AS flows
FROM ${table}
WHERE ${DAY} AND ${c("action")} = 'REJECT'
GROUP BY 1, 2, 3
ORDER BY flows DESC
LIMIT 100`,
    insights: (c) => `filter ${c("action")} = "REJECT"
| stats count(*) as flows by ${c("reject-reason")}, ${c("interface-id")}, ${c("dstport")}
| sort flows desc
| limit 100`,
  },
  {
    id: "top-talkers",
    description: `Top source/destination pairs by bytes (original packet addresses, so NAT and load balancers do not hide the endpoints), each flow counted once.`,
    // Traffic between two interfaces of the VPC is recorded twice, as egress on the sender and ingress on the
    // receiver. Counting every egress record plus the ingress records whose sender is outside the VPC (it has
    // no interface here to record the egress) counts each flow once.
    fields: ["pkt-srcaddr", "pkt-dstaddr", "srcaddr", "flow-direction", "bytes", "packets"],
    applies: (context) => (context.vpcCidrs ?? []).length > 0,
    athena: (
      c,
      table,
      context,
    ) => `SELECT ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}, sum(${c("bytes")}) AS bytes, sum(${c("packets")}) AS packets
FROM ${table}
WHERE ${DAY}
  AND (${c("flow-direction")} = 'egress' OR NOT coalesce(${inVpc(c("srcaddr"), context.vpcCidrs ?? [])}, false))
GROUP BY 1, 2
ORDER BY bytes DESC
LIMIT 50`,
    insights: (
      c,
      context,
    ) => `filter ${c("flow-direction")} = "egress" or not (${(context.vpcCidrs ?? []).map((cidr) => `isIpv4InSubnet(${c("srcaddr")}, "${cidr}")`).join(" or ")})
| stats sum(${c("bytes")}) as total_bytes, sum(${c("packets")}) as total_packets by ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}
| sort total_bytes desc
| limit 50`,
  },
  {
    id: "tcp-resets",
    description: `TCP connections with a RST, per endpoint pair and interface: the "connection closed before response" investigation.`,
    fields: ["protocol", "tcp-flags", "interface-id", "srcaddr", "srcport", "dstaddr", "dstport", "start", "end"],
    athena: (
      c,
      table,
    ) => `SELECT ${c("interface-id")}, ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("tcp-flags")},
  from_unixtime(${c("start")}) AS window_start, from_unixtime(${c("end")}) AS window_end
FROM ${table}
WHERE ${DAY} AND ${c("protocol")} = 6 AND ${athenaHasFlag(c, 4)}
ORDER BY ${c("start")}
LIMIT 500`,
    insights: (c) => `filter ${c("protocol")} = 6 and ${insightsHasFlag(c, 4)}
| fields ${c("interface-id")}, ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("tcp-flags")}, fromMillis(${c("start")} * 1000) as window_start
| sort ${c("start")} asc
| limit 500`,
  },
  {
    id: "tcp-unanswered-syn",
    description: `TCP connection attempts let through that got no answer: an accepted SYN whose reverse 5-tuple shows no SYN-ACK (or RST) in the same or the next aggregation window (rejected attempts: see rejected-flows). Athena only: Logs Insights cannot join a record with its reverse.`,
    // A record covers one direction, so the SYN-ACK is in the reverse record; a SYN near the end of a window is
    // answered in the next one. A connection longer than a window (a lone SYN record, later a FIN record) is
    // answered and not listed. Traffic inside the VPC is seen on both interfaces: attempts count client ports.
    fields: ["protocol", "tcp-flags", "srcaddr", "srcport", "dstaddr", "dstport", "start", "end", "action"],
    athena: (c, table) => `WITH tcp AS (
  SELECT ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("tcp-flags")}, ${c("start")}, ${c("end")}, ${c("action")}
  FROM ${table}
  WHERE ${DAY} AND ${c("protocol")} = 6
)
SELECT syn.${c("srcaddr")}, syn.${c("dstaddr")}, syn.${c("dstport")},
  count(DISTINCT syn.${c("srcport")}) AS attempts,
  from_unixtime(min(syn.${c("start")})) AS first_attempt, from_unixtime(max(syn.${c("end")})) AS last_attempt
FROM tcp syn
WHERE syn.${c("action")} = 'ACCEPT' AND bitwise_and(syn.${c("tcp-flags")}, 2) <> 0 AND bitwise_and(syn.${c("tcp-flags")}, 16) = 0
  AND NOT EXISTS (
    SELECT 1 FROM tcp answer
    WHERE answer.${c("srcaddr")} = syn.${c("dstaddr")} AND answer.${c("srcport")} = syn.${c("dstport")}
      AND answer.${c("dstaddr")} = syn.${c("srcaddr")} AND answer.${c("dstport")} = syn.${c("srcport")}
      AND (bitwise_and(answer.${c("tcp-flags")}, 18) = 18 OR bitwise_and(answer.${c("tcp-flags")}, 4) <> 0)
      AND answer.${c("start")} BETWEEN syn.${c("start")} - ${MAX_AGGREGATION_INTERVAL_SECONDS} AND syn.${c("end")} + ${MAX_AGGREGATION_INTERVAL_SECONDS}
  )
GROUP BY 1, 2, 3
ORDER BY attempts DESC
LIMIT 100`,
  },
  {
    id: "nat-gateway-traffic",
    description: `Bytes through the NAT gateways by original source and destination: who drives NAT data-processing cost.`,
    fields: ["interface-id", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "bytes"],
    applies: (context) => (context.natGatewayInterfaceIds ?? []).length > 0,
    athena: (c, table, context) => `SELECT ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}, ${c("flow-direction")}, sum(${c("bytes")}) AS bytes
FROM ${table}
WHERE ${DAY} AND ${c("interface-id")} IN (${quoted(context.natGatewayInterfaceIds ?? [])})
GROUP BY 1, 2, 3
ORDER BY bytes DESC
LIMIT 50`,
    insights: (c, context) => `filter ${(context.natGatewayInterfaceIds ?? []).map((id) => `${c("interface-id")} = "${id}"`).join(" or ")}
| stats sum(${c("bytes")}) as total_bytes by ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}, ${c("flow-direction")}
| sort total_bytes desc
| limit 50`,
  },
  {
    id: "traffic-by-path",
    description: `Bytes by flow direction, traffic path (1 same VPC, 2 internet or gateway endpoint, 3 VGW, 4/5 peering, 6 local gateway, 7 gateway endpoint, 8 internet gateway) and AWS service.`,
    fields: ["flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service", "bytes"],
    athena: (
      c,
      table,
    ) => `SELECT ${c("flow-direction")}, ${c("traffic-path")}, ${c("pkt-src-aws-service")}, ${c("pkt-dst-aws-service")}, sum(${c("bytes")}) AS bytes
FROM ${table}
WHERE ${DAY}
GROUP BY 1, 2, 3, 4
ORDER BY bytes DESC`,
    insights: (
      c,
    ) => `stats sum(${c("bytes")}) as total_bytes by ${c("flow-direction")}, ${c("traffic-path")}, ${c("pkt-src-aws-service")}, ${c("pkt-dst-aws-service")}
| sort total_bytes desc`,
  },
  {
    id: "flows-for-eni",
    description: "Every flow of one network interface in a time window.",
    athenaParameters: `${WINDOW_PARAMS}, interface id ('eni-...')`,
    insightsNote: "Replace the interface id below; choose the time window in the console.",
    fields: ["interface-id", "start", "end", "srcaddr", "srcport", "dstaddr", "dstport", "protocol", "action", "tcp-flags", "bytes"],
    athena: (c, table) => `SELECT from_unixtime(${c("start")}) AS window_start, from_unixtime(${c("end")}) AS window_end,
  ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("protocol")}, ${c("action")}, ${c("tcp-flags")}, ${c("bytes")}
FROM ${table}
WHERE ${WINDOW(c)}
  AND ${c("interface-id")} = ?
ORDER BY ${c("start")}
LIMIT 1000`,
    insights: (c) => `filter ${c("interface-id")} = "eni-0123456789abcdef0"
| fields fromMillis(${c("start")} * 1000) as window_start, ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("protocol")}, ${c("action")}, ${c("tcp-flags")}, ${c("bytes")}
| sort ${c("start")} asc
| limit 1000`,
  },
  {
    id: "flows-for-ip",
    description: "Every flow to or from one IP address (interface or original packet address) in a time window.",
    athenaParameters: `${WINDOW_PARAMS}, IP address`,
    insightsNote: "Replace the address below; choose the time window in the console.",
    fields: [
      "start",
      "end",
      "interface-id",
      "srcaddr",
      "srcport",
      "dstaddr",
      "dstport",
      "pkt-srcaddr",
      "pkt-dstaddr",
      "action",
      "tcp-flags",
      "bytes",
    ],
    athena: (c, table) => `SELECT from_unixtime(${c("start")}) AS window_start, ${c("interface-id")},
  ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}, ${c("action")}, ${c("tcp-flags")}, ${c("bytes")}
FROM ${table}
WHERE ${WINDOW(c)}
  AND ? IN (${c("srcaddr")}, ${c("dstaddr")}, ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")})
ORDER BY ${c("start")}
LIMIT 1000`,
    insights: (
      c,
    ) => `filter ${c("srcaddr")} = "10.0.0.10" or ${c("dstaddr")} = "10.0.0.10" or ${c("pkt-srcaddr")} = "10.0.0.10" or ${c("pkt-dstaddr")} = "10.0.0.10"
| fields fromMillis(${c("start")} * 1000) as window_start, ${c("interface-id")}, ${c("srcaddr")}, ${c("srcport")}, ${c("dstaddr")}, ${c("dstport")}, ${c("pkt-srcaddr")}, ${c("pkt-dstaddr")}, ${c("action")}, ${c("tcp-flags")}, ${c("bytes")}
| sort ${c("start")} asc
| limit 1000`,
  },
];

export interface GeneratedQuery {
  readonly id: string;
  readonly description: string;
  readonly fields: readonly FlowLogField[];
  readonly query: string;
}

/** The queries whose fields are all in the format (and whose precondition holds). */
export function applicableQueries(context: QueryContext, specs: readonly FlowLogQuerySpec[] = FLOW_LOG_QUERIES): FlowLogQuerySpec[] {
  return specs.filter((spec) => spec.fields.every((f) => context.fields.includes(f)) && (spec.applies?.(context) ?? true));
}

function columnFor(spec: FlowLogQuerySpec, quote: boolean): Column {
  return (field) => {
    if (!spec.fields.includes(field)) throw new Error(`query ${spec.id} reads ${field} but does not declare it in fields`);
    return quote ? `"${columnName(field)}"` : columnName(field);
  };
}

/** Athena named queries for the format; `table` is `<database>.<table>`. */
export function athenaQueries(context: QueryContext, table: string, specs?: readonly FlowLogQuerySpec[]): GeneratedQuery[] {
  return applicableQueries(context, specs).map((spec) => ({
    id: spec.id,
    description: `${spec.description} Parameters: ${spec.athenaParameters ?? DAY_PARAMS}.`,
    fields: spec.fields,
    query: spec.athena(columnFor(spec, true), table, context),
  }));
}

/**
 * Logs Insights parses a custom-format record itself: `parse` splits the space-separated message into
 * the fields in format order, so the names match the Athena columns.
 */
export function insightsParse(fields: readonly FlowLogField[]): string {
  return `parse @message "${fields.map(() => "*").join(" ")}" as ${fields.map(columnName).join(", ")}`;
}

/** Logs Insights query definitions for the format. */
export function insightsQueries(context: QueryContext, specs?: readonly FlowLogQuerySpec[]): GeneratedQuery[] {
  return applicableQueries(context, specs).flatMap((spec) => {
    if (!spec.insights) return [];
    return [
      {
        id: spec.id,
        description: spec.description,
        fields: spec.fields,
        query: [
          `# ${spec.description}`,
          ...(spec.insightsNote ? [`# ${spec.insightsNote}`] : []),
          insightsParse(context.fields),
          `| ${spec.insights(columnFor(spec, false), context)}`,
        ].join("\n"),
      },
    ];
  });
}
