import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One list price: what it costs, per what, when it was read and where. */
export interface Price {
  readonly price: number;
  /** Not read from AWS's price list for this region (the source says from what): reports mark it. */
  readonly estimated?: boolean;
  readonly unit: string;
  readonly read: string;
  readonly source: string;
}

export type PriceKey =
  | "natGatewayHour"
  | "natGatewayGb"
  | "publicIpv4Hour"
  | "interfaceEndpointAzHour"
  | "interfaceEndpointGb"
  | "albHour"
  | "albLcuHour"
  | "nlbHour"
  | "nlbNlcuHour"
  | "eksClusterHour"
  | "kmsKeyMonth"
  | "kmsRequests10k"
  | "cloudwatchAlarmMonth"
  | "cloudwatchLogsIngestGb"
  | "cloudwatchLogsStorageGbMonth"
  | "vendedLogsS3Gb"
  | "vendedLogsParquetGb"
  | "wafWebAclMonth"
  | "wafRuleMonth"
  | "wafMillionRequests"
  | "fargateVcpuHourX86"
  | "fargateGbHourX86"
  | "fargateVcpuHourArm"
  | "fargateGbHourArm"
  | "ebsGp3GbMonth"
  | "s3StandardGbMonth"
  | "ecrStorageGbMonth"
  | "sqsMillionRequests"
  | "snsMillionPublishes"
  | "athenaTbScanned"
  | "dataTransferOutGb"
  | "dataTransferInterAzGb"
  | "containerInsightsEnhancedMillionObservations";

/** A region's price table: tools/review/cost/prices/<region>.json. */
export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  /** When the table as a whole was last read (the oldest entry decides its age). */
  readonly read: string;
  /** AWS bills a month as 730 hours. */
  readonly hoursPerMonth: number;
  readonly prices: Readonly<Record<PriceKey, Price>>;
  readonly ec2OnDemandHour: {
    readonly read: string;
    readonly source: string;
    readonly types: Readonly<Record<string, number>>;
    /** Types whose price is estimated or derived rather than read (the source says how). */
    readonly estimatedTypes?: readonly string[];
  };
  readonly assumptions: {
    /** Fargate Spot: this share off the on-demand price, low and high (the price floats). */
    readonly fargateSpotDiscount: { readonly value: readonly [number, number]; readonly source: string };
    /** EC2 spot: the price paid as a share of on-demand, low and high. */
    readonly ec2SpotShareOfOnDemand: { readonly value: readonly [number, number]; readonly source: string };
  };
}

export const PRICES_DIR = join(__dirname, "prices");

/** The price table of `region`; throws naming the file to add when there is none. */
export function priceTable(region: string, dir = PRICES_DIR): PriceTable {
  const file = join(dir, `${region}.json`);
  if (!existsSync(file)) {
    const known = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
    throw new Error(
      `no price table for ${region}; copy tools/review/cost/prices/${known[0] ?? "eu-west-1"}.json to ${region}.json and update its prices (docs/cost.md)`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as PriceTable;
}

/** Whole days between the table's oldest reading and `now`. */
export function tableAgeDays(table: PriceTable, now: Date): number {
  const dates = [table.read, table.ec2OnDemandHour.read, ...Object.values(table.prices).map((p) => p.read)];
  const oldest = Math.min(...dates.map((d) => Date.parse(`${d}T00:00:00Z`)));
  return Math.max(0, Math.floor((now.getTime() - oldest) / 86_400_000));
}
