import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { type FlowLogField, flowLogFields, formatVersion, glueColumns } from "../lib/flow-logs/fields";
import { athenaQueries, PARTITION_KEYS } from "../lib/flow-logs/queries";

// Every generated Athena query runs here, in DuckDB, over hand-written records in the Glue table's columns.
// DuckDB lacks a few Trino (Athena engine v3) functions the queries use; only these are shimmed, as macros
// with Trino's meaning:
//   from_unixtime(seconds)        -> timestamp (Athena sessions are UTC)
//   to_unixtime(timestamp)        -> seconds
//   format_datetime(ts, 'yyyyMMddHH') (Joda pattern) -> strftime
//   bitwise_and(a, b)             -> a & b
const SHIMS = [
  "CREATE MACRO from_unixtime(s) AS make_timestamp(CAST(s AS BIGINT) * 1000000)",
  "CREATE MACRO to_unixtime(ts) AS epoch(ts)",
  "CREATE MACRO format_datetime(ts, fmt) AS strftime(ts, replace(replace(replace(replace(fmt, 'yyyy', '%Y'), 'MM', '%m'), 'dd', '%d'), 'HH', '%H'))",
  "CREATE MACRO bitwise_and(a, b) AS (a & b)",
];

const FIELDS = flowLogFields(["reject-reason"]);
const TABLE = "test_flow_logs.vpc_flow_logs";
const VPC_CIDR = "10.0.0.0/16";
const NAT_ENI = "eni-nat";
/** 2025-03-09 10:00:00 UTC; records are placed in seconds after it. */
const T0 = Date.UTC(2025, 2, 9, 10) / 1000;
/** S3 partitions follow delivery time: a record lands in the hour it was delivered, here 5 minutes after its end. */
const DELIVERY_DELAY_SECONDS = 300;
const DAY = ["2025", "03", "09"];

interface FlowRecord {
  readonly eni: string;
  readonly direction: "ingress" | "egress";
  readonly src: string;
  readonly srcport: number;
  readonly dst: string;
  readonly dstport: number;
  /** Seconds after T0. */
  readonly start: number;
  readonly end: number;
  readonly flags: number;
  readonly bytes: number;
  readonly packets?: number;
  readonly protocol?: number;
  readonly action?: "ACCEPT" | "REJECT";
  readonly rejectReason?: string;
  readonly pktSrc?: string;
  readonly pktDst?: string;
  readonly trafficPath?: number;
}

/** One flow seen on one interface: the record and its reverse, in one aggregation window. */
const both = (record: FlowRecord, reverse: { flags: number; bytes: number }): FlowRecord[] => [
  record,
  {
    ...record,
    direction: record.direction === "egress" ? "ingress" : "egress",
    src: record.dst,
    srcport: record.dstport,
    dst: record.src,
    dstport: record.srcport,
    pktSrc: undefined,
    pktDst: undefined,
    ...reverse,
  },
];
/** The same packets recorded on the receiving interface of the VPC (traffic inside the VPC is seen twice). */
const receivedOn = (eni: string, record: FlowRecord): FlowRecord => ({ ...record, eni, direction: "ingress", trafficPath: undefined });

const CLIENT = "10.0.1.10";
const APP = "10.0.2.20";
const DB = "10.0.2.99";
const ALB = "10.0.0.5";
const INTERNET = "203.0.113.5";

const SCENARIOS: Record<string, FlowRecord[]> = {
  // 3 windows: SYN (2) then SYN-ACK (18) in the reverse record, data (0), FIN (1) both ways.
  "long connection to the internet": [
    ...both(
      {
        eni: "eni-client",
        direction: "egress",
        src: CLIENT,
        srcport: 50000,
        dst: INTERNET,
        dstport: 443,
        start: 0,
        end: 59,
        flags: 2,
        bytes: 1000,
        trafficPath: 8,
      },
      { flags: 18, bytes: 40000 },
    ),
    ...both(
      {
        eni: "eni-client",
        direction: "egress",
        src: CLIENT,
        srcport: 50000,
        dst: INTERNET,
        dstport: 443,
        start: 60,
        end: 119,
        flags: 0,
        bytes: 1000,
        trafficPath: 8,
      },
      { flags: 0, bytes: 40000 },
    ),
    ...both(
      {
        eni: "eni-client",
        direction: "egress",
        src: CLIENT,
        srcport: 50000,
        dst: INTERNET,
        dstport: 443,
        start: 120,
        end: 179,
        flags: 1,
        bytes: 500,
        trafficPath: 8,
      },
      { flags: 1, bytes: 20000 },
    ),
  ],
  // Two attempts (client ports 50001, 50004) to a database that never answers, seen on both interfaces.
  "unanswered SYN inside the VPC": [50001, 50004].flatMap((port, i) => {
    const syn: FlowRecord = {
      eni: "eni-client",
      direction: "egress",
      src: CLIENT,
      srcport: port,
      dst: DB,
      dstport: 5432,
      start: 10 + 60 * i,
      end: 40 + 60 * i,
      flags: 2,
      bytes: 180,
      packets: 3,
      trafficPath: 1,
    };
    return [syn, receivedOn("eni-db", syn)];
  }),
  // Established connection inside the VPC (both interfaces record both directions), then the server resets it.
  "reset inside the VPC": [
    ...[
      { start: 5, end: 50, client: { flags: 2, bytes: 2000 }, server: { flags: 18, bytes: 3000 } },
      { start: 65, end: 70, client: { flags: 0, bytes: 500 }, server: { flags: 4, bytes: 40 } },
    ].flatMap(({ start, end, client, server }) => {
      const up: FlowRecord = {
        eni: "eni-client",
        direction: "egress",
        src: CLIENT,
        srcport: 50002,
        dst: APP,
        dstport: 8080,
        start,
        end,
        ...client,
        trafficPath: 1,
      };
      const down: FlowRecord = {
        eni: "eni-app",
        direction: "egress",
        src: APP,
        srcport: 8080,
        dst: CLIENT,
        dstport: 50002,
        start,
        end,
        ...server,
        trafficPath: 1,
      };
      return [up, receivedOn("eni-app", up), down, receivedOn("eni-client", down)];
    }),
  ],
  // Connection refused: the SYN is answered with a RST, so it is not an unanswered attempt.
  "refused connection": (() => {
    const syn: FlowRecord = {
      eni: "eni-client",
      direction: "egress",
      src: CLIENT,
      srcport: 50003,
      dst: APP,
      dstport: 9999,
      start: 20,
      end: 20,
      flags: 2,
      bytes: 60,
      trafficPath: 1,
    };
    const rst: FlowRecord = {
      eni: "eni-app",
      direction: "egress",
      src: APP,
      srcport: 9999,
      dst: CLIENT,
      dstport: 50003,
      start: 20,
      end: 20,
      flags: 4,
      bytes: 40,
      trafficPath: 1,
    };
    return [syn, receivedOn("eni-app", syn), rst, receivedOn("eni-client", rst)];
  })(),
  // SYN in the last seconds of 10:59, SYN-ACK in the next window at 11:00; the SYN record is delivered at 11:05
  // and so sits in the hour=11 partition although it was captured at 10:59.
  "near an hour boundary": [
    {
      eni: "eni-client2",
      direction: "egress",
      src: "10.0.1.11",
      srcport: 40000,
      dst: "198.51.100.7",
      dstport: 443,
      start: 3590,
      end: 3599,
      flags: 2,
      bytes: 100,
      trafficPath: 8,
    },
    {
      eni: "eni-client2",
      direction: "ingress",
      src: "198.51.100.7",
      srcport: 443,
      dst: "10.0.1.11",
      dstport: 40000,
      start: 3600,
      end: 3601,
      flags: 18,
      bytes: 200,
    },
    // Earlier traffic of the same host, in the widened partition range but outside the window asked for.
    {
      eni: "eni-client2",
      direction: "egress",
      src: "10.0.1.11",
      srcport: 39000,
      dst: "198.51.100.7",
      dstport: 443,
      start: -2400,
      end: -2390,
      flags: 0,
      bytes: 100,
      trafficPath: 8,
    },
  ],
  // A client on the internet talking to the load balancer: only ingress records exist for its packets.
  "internet client to the load balancer": both(
    {
      eni: "eni-alb",
      direction: "ingress",
      src: "192.0.2.50",
      srcport: 60000,
      dst: ALB,
      dstport: 443,
      start: 200,
      end: 250,
      flags: 2,
      bytes: 7000,
    },
    { flags: 18, bytes: 300000 },
  ),
  rejected: [
    {
      eni: "eni-client",
      direction: "ingress",
      src: "198.51.100.9",
      srcport: 55555,
      dst: CLIENT,
      dstport: 22,
      start: 30,
      end: 40,
      flags: 2,
      bytes: 180,
      packets: 3,
      action: "REJECT",
    },
    {
      eni: "eni-alb",
      direction: "ingress",
      src: "198.51.100.10",
      srcport: 55556,
      dst: ALB,
      dstport: 80,
      start: 30,
      end: 40,
      flags: 2,
      bytes: 60,
      packets: 1,
      action: "REJECT",
      rejectReason: "BPA",
    },
  ],
  // The NAT gateway's interface: the client's packets in (original addresses), then out with the NAT address.
  "through the NAT gateway": [
    {
      eni: NAT_ENI,
      direction: "ingress",
      src: CLIENT,
      srcport: 50010,
      dst: INTERNET,
      dstport: 443,
      start: 300,
      end: 330,
      flags: 0,
      bytes: 2500,
    },
    {
      eni: NAT_ENI,
      direction: "egress",
      src: "10.0.0.9",
      srcport: 1024,
      dst: INTERNET,
      dstport: 443,
      start: 300,
      end: 330,
      flags: 0,
      bytes: 2500,
      trafficPath: 8,
    },
  ],
};
const RECORDS = Object.values(SCENARIOS).flat();

const pad = (n: number) => String(n).padStart(2, "0");

/** The record as a Glue row: every column of the format, partitions from the delivery time. */
function row(record: FlowRecord): Record<string, string | number | null> {
  const start = T0 + record.start;
  const end = T0 + record.end;
  const delivered = new Date((end + DELIVERY_DELAY_SECONDS) * 1000);
  const values: Partial<Record<FlowLogField, string | number | null>> = {
    version: formatVersion(FIELDS),
    "account-id": "111122223333",
    "interface-id": record.eni,
    srcaddr: record.src,
    dstaddr: record.dst,
    srcport: record.srcport,
    dstport: record.dstport,
    protocol: record.protocol ?? 6,
    packets: record.packets ?? Math.ceil(record.bytes / 1000),
    bytes: record.bytes,
    start,
    end,
    action: record.action ?? "ACCEPT",
    "log-status": "OK",
    "vpc-id": "vpc-0123",
    "subnet-id": "subnet-0123",
    "instance-id": "-",
    "tcp-flags": record.flags,
    type: "IPv4",
    "pkt-srcaddr": record.pktSrc ?? record.src,
    "pkt-dstaddr": record.pktDst ?? record.dst,
    region: "eu-west-1",
    "az-id": "euw1-az1",
    "flow-direction": record.direction,
    "traffic-path": record.direction === "egress" ? (record.trafficPath ?? 1) : null,
    "pkt-src-aws-service": "-",
    "pkt-dst-aws-service": "-",
    "reject-reason": record.rejectReason ?? "-",
  };
  return {
    ...Object.fromEntries(FIELDS.map((field) => [field, values[field] ?? null])),
    year: String(delivered.getUTCFullYear()),
    month: pad(delivered.getUTCMonth() + 1),
    day: pad(delivered.getUTCDate()),
    hour: pad(delivered.getUTCHours()),
  };
}

const sqlValue = (value: string | number | null) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`;
const SQL_TYPE = { int: "INTEGER", bigint: "BIGINT", string: "VARCHAR" } as const;

let instance: DuckDBInstance;
let db: DuckDBConnection;
const queries = athenaQueries({ fields: FIELDS, natGatewayInterfaceIds: [NAT_ENI], vpcCidrs: [VPC_CIDR] }, TABLE);

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  db = await instance.connect();
  for (const shim of SHIMS) await db.run(shim);
  // The Glue table's columns, derived from the same field list, then the partition keys.
  const columns = [
    ...glueColumns(FIELDS).map((c) => `"${c.name}" ${SQL_TYPE[c.type]}`),
    ...PARTITION_KEYS.map((key) => `"${key}" VARCHAR`),
  ];
  await db.run("CREATE SCHEMA test_flow_logs");
  await db.run(`CREATE TABLE ${TABLE} (${columns.join(", ")})`);
  const rows = RECORDS.map((record) => `(${Object.values(row(record)).map(sqlValue).join(", ")})`);
  await db.run(`INSERT INTO ${TABLE} VALUES ${rows.join(",\n")}`);
});

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
});

/** Runs a generated query with its `?` parameters bound, as Athena's EXECUTE ... USING does. */
async function run(id: string, parameters: string[]): Promise<Record<string, unknown>[]> {
  const query = queries.find((q) => q.id === id);
  if (!query) throw new Error(`no generated query ${id}`);
  expect(query.query.split("?").length - 1).toBe(parameters.length);
  return (await db.runAndReadAll(query.query, parameters)).getRowObjectsJson();
}

it("the records land in the partition of their delivery hour", async () => {
  const hours = (await db.runAndReadAll(`SELECT DISTINCT "hour" FROM ${TABLE} ORDER BY 1`)).getRowObjectsJson();
  expect(hours.map((h) => h.hour)).toEqual(["09", "10", "11"]);
});

it("every generated Athena query is exercised below", () => {
  expect(queries.map((q) => q.id).sort()).toEqual(
    [
      "flows-for-eni",
      "flows-for-ip",
      "nat-gateway-traffic",
      "rejected-by-reason",
      "rejected-flows",
      "tcp-resets",
      "tcp-unanswered-syn",
      "top-talkers",
      "traffic-by-path",
    ].sort(),
  );
});

describe("tcp-unanswered-syn", () => {
  it("lists only the attempts no SYN-ACK or RST answered, each attempt once although two interfaces saw it", async () => {
    const rows = await run("tcp-unanswered-syn", DAY);
    expect(rows).toEqual([
      {
        srcaddr: CLIENT,
        dstaddr: DB,
        dstport: 5432,
        attempts: "2",
        first_attempt: "2025-03-09 10:00:10",
        last_attempt: "2025-03-09 10:01:40",
      },
    ]);
    // Not listed: the long connection (a lone SYN record, answered in the reverse record), the reset and the
    // refused connection (answered), the SYN at 10:59:59 answered in the next window at 11:00:00, and the
    // rejected SYNs (action REJECT: rejected-flows lists those).
  });
});

describe("tcp-resets", () => {
  it("finds the RST records of the reset and the refused connection on both interfaces", async () => {
    const rows = await run("tcp-resets", DAY);
    const resets = rows.map((r) => [r.window_start, r.interface_id, r.srcaddr, r.srcport, r.dstaddr, r.dstport, r.tcp_flags]);
    // Ordered by start; records of the same start come in any order.
    expect(resets.map(([start]) => start)).toEqual([...resets.map(([start]) => start)].sort());
    expect(resets.map((r) => r.slice(1)).sort()).toEqual([
      ["eni-app", APP, 8080, CLIENT, 50002, 4],
      ["eni-app", APP, 9999, CLIENT, 50003, 4],
      ["eni-client", APP, 8080, CLIENT, 50002, 4],
      ["eni-client", APP, 9999, CLIENT, 50003, 4],
    ]);
    expect(resets.map(([start]) => start)).toEqual([
      "2025-03-09 10:00:20",
      "2025-03-09 10:00:20",
      "2025-03-09 10:01:05",
      "2025-03-09 10:01:05",
    ]);
  });
});

describe("top-talkers", () => {
  it("counts traffic inside the VPC once and keeps traffic from outside", async () => {
    const rows = await run("top-talkers", DAY);
    const bytes = Object.fromEntries(rows.map((r) => [`${r.pkt_srcaddr} -> ${r.pkt_dstaddr}`, Number(r.bytes)]));
    expect(bytes).toEqual({
      [`${ALB} -> 192.0.2.50`]: 300000,
      [`${INTERNET} -> ${CLIENT}`]: 100000,
      [`192.0.2.50 -> ${ALB}`]: 7000,
      // Inside the VPC: seen on both interfaces, counted once (the sender's egress record).
      [`${APP} -> ${CLIENT}`]: 3000 + 40 + 40,
      [`${CLIENT} -> ${APP}`]: 2000 + 500 + 60,
      [`${CLIENT} -> ${DB}`]: 180 * 2,
      [`${CLIENT} -> ${INTERNET}`]: 1000 + 1000 + 500,
      [`10.0.0.9 -> ${INTERNET}`]: 2500,
      // The NAT gateway's ingress copy of the client's packets is not counted again.
      "10.0.1.11 -> 198.51.100.7": 100 + 100,
      "198.51.100.7 -> 10.0.1.11": 200,
      [`198.51.100.9 -> ${CLIENT}`]: 180,
      [`198.51.100.10 -> ${ALB}`]: 60,
    });
    expect(rows[0]).toMatchObject({ pkt_srcaddr: ALB, pkt_dstaddr: "192.0.2.50" });
  });
});

describe("time-window queries", () => {
  const window = ["2025-03-09 10:30:00", "2025-03-09 10:59:59"];

  it("flows-for-ip finds a record captured in the window but delivered into the next hour's partition, and nothing outside the window", async () => {
    const rows = await run("flows-for-ip", [...window, ...window, "10.0.1.11"]);
    expect(rows.map((r) => [r.window_start, r.srcport, r.dstaddr, r.tcp_flags])).toEqual([
      ["2025-03-09 10:59:50", 40000, "198.51.100.7", 2],
    ]);
  });

  it("flows-for-eni keeps every flow of the interface that overlaps the window", async () => {
    const rows = await run("flows-for-eni", [
      "2025-03-09 10:00:00",
      "2025-03-09 10:00:59",
      "2025-03-09 10:00:00",
      "2025-03-09 10:00:59",
      "eni-db",
    ]);
    expect(rows.map((r) => [r.window_start, r.window_end, r.srcaddr, r.srcport, r.dstport, r.tcp_flags])).toEqual([
      ["2025-03-09 10:00:10", "2025-03-09 10:00:40", CLIENT, 50001, 5432, 2],
    ]);
  });
});

describe("the other queries", () => {
  it("rejected-flows and rejected-by-reason", async () => {
    const bySource = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.srcaddr).localeCompare(String(b.srcaddr)));
    expect(bySource(await run("rejected-flows", DAY))).toEqual([
      { srcaddr: "198.51.100.10", dstaddr: ALB, dstport: 80, protocol: 6, flows: "1", packets: "1" },
      { srcaddr: "198.51.100.9", dstaddr: CLIENT, dstport: 22, protocol: 6, flows: "1", packets: "3" },
    ]);
    const byReason = await run("rejected-by-reason", DAY);
    expect(byReason.map((r) => [r.reject_reason, r.interface_id, r.dstport, r.flows]).sort()).toEqual(
      [
        ["-", "eni-client", 22, "1"],
        ["BPA", "eni-alb", 80, "1"],
      ].sort(),
    );
  });

  it("nat-gateway-traffic", async () => {
    const rows = await run("nat-gateway-traffic", DAY);
    expect([...rows].sort((a, b) => String(a.flow_direction).localeCompare(String(b.flow_direction)))).toEqual([
      { pkt_srcaddr: "10.0.0.9", pkt_dstaddr: INTERNET, flow_direction: "egress", bytes: "2500" },
      { pkt_srcaddr: CLIENT, pkt_dstaddr: INTERNET, flow_direction: "ingress", bytes: "2500" },
    ]);
  });

  it("traffic-by-path sums bytes per direction and path", async () => {
    const rows = await run("traffic-by-path", DAY);
    const expected = new Map<string, number>();
    for (const record of RECORDS) {
      const path = record.direction === "egress" ? (record.trafficPath ?? 1) : null;
      const key = `${record.direction} ${path}`;
      expected.set(key, (expected.get(key) ?? 0) + record.bytes);
    }
    expect(Object.fromEntries(rows.map((r) => [`${r.flow_direction} ${r.traffic_path}`, Number(r.bytes)]))).toEqual(
      Object.fromEntries(expected),
    );
  });
});
