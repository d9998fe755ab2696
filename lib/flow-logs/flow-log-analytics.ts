import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Construct } from "constructs";
import { justify } from "../justify";
import { protectFromDestroy } from "../protection";
import { SecureBucket } from "../storage/secure-bucket";
import { assertProps } from "../validation";
import { type FlowLogField, glueColumns } from "./fields";
import { athenaQueries, type GeneratedQuery, PARTITION_KEYS } from "./queries";

export interface FlowLogAnalyticsProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  /** Fields of the flow-log format, in order: the table's columns. */
  readonly fields: readonly FlowLogField[];
  /** Bucket the S3 flow log delivers to (Parquet, hive-compatible, per-hour partitions). */
  readonly flowLogBucketName: string;
  /** Key for the query results. */
  readonly kmsKeyArn: string;
  /** Athena cancels a query after scanning this many MB (minimum 10). */
  readonly bytesScannedCutoffMb: number;
  readonly production: boolean;
  /**
   * Days before query results expire.
   * @default 30
   */
  readonly resultsRetentionDays?: number;
  /**
   * NAT gateway network interfaces, for the NAT traffic query.
   * @default [] - no NAT traffic query
   */
  readonly natGatewayInterfaceIds?: readonly string[];
  /**
   * The VPC's IPv4 CIDR blocks, so that top talkers counts traffic inside the VPC once.
   * @default [] - no top-talkers query
   */
  readonly vpcCidrs?: readonly string[];
}

/** First year the partition projection enumerates; flow logs of this project start after it. */
const FIRST_YEAR = 2025;

/**
 * Athena over the S3 flow logs: a Glue table whose columns come from the field list and whose
 * partitions are projected (no crawler, no MSCK REPAIR), a workgroup that enforces encrypted results
 * and a per-query scan cutoff, and the named troubleshooting queries that the format supports.
 */
export class FlowLogAnalytics extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly table: GlueCatalogTable;
  readonly workgroup: AthenaWorkgroup;
  readonly results: SecureBucket;
  readonly queries: readonly GeneratedQuery[];

  constructor(scope: Construct, id: string, props: FlowLogAnalyticsProps) {
    super(scope, id);
    const resultsDays = props.resultsRetentionDays ?? 30;
    assertProps(this, [
      props.fields.length === 0 && "fields: give the flow-log format's fields",
      (!Number.isInteger(props.bytesScannedCutoffMb) || props.bytesScannedCutoffMb < 10) &&
        `bytesScannedCutoffMb (${props.bytesScannedCutoffMb}) must be a whole number of at least 10 (the Athena minimum)`,
      (!Number.isInteger(resultsDays) || resultsDays < 1) &&
        `resultsRetentionDays (${resultsDays}) must be a whole number of days, at least 1`,
    ]);
    const glueName = `${props.namePrefix.replace(/-/g, "_")}_flow_logs`;

    // The catalog holds no data, but dropping it breaks every saved query and dashboard that names it.
    this.database = protectFromDestroy(
      new GlueCatalogDatabase(this, "database", {
        name: glueName,
        description: `VPC flow logs of ${props.namePrefix}`,
      }),
      props.production,
    );

    // The prefix AWS writes with Parquet + hive-compatible + per-hour partitions:
    // AWSLogs/aws-account-id=<id>/aws-service=vpcflowlogs/aws-region=<region>/year=<yyyy>/month=<mm>/day=<dd>/hour=<hh>/
    const root = `s3://${props.flowLogBucketName}/AWSLogs/aws-account-id=${props.accountId}/aws-service=vpcflowlogs/aws-region=${props.region}/`;
    // `$${...}` keeps Terraform from interpolating; Athena receives `${year}`.
    const template = `${root}${PARTITION_KEYS.map((key) => `${key}=$\${${key}}`).join("/")}/`;
    this.table = new GlueCatalogTable(this, "table", {
      databaseName: this.database.name,
      name: "vpc_flow_logs",
      description: "VPC flow logs (Parquet); columns follow the flow-log format field by field",
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "parquet",
        "projection.enabled": "true",
        "projection.year.type": "integer",
        "projection.year.range": `${FIRST_YEAR},2100`,
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": template,
      },
      partitionKeys: PARTITION_KEYS.map((name) => ({ name, type: "string" })),
      storageDescriptor: {
        location: root,
        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
        columns: glueColumns(props.fields).map((column) => ({ ...column })),
      },
    });

    this.results = new SecureBucket(this, "results", {
      bucketName: `${props.namePrefix}-flow-logs-athena-results-${props.accountId}`,
      kmsKeyArn: props.kmsKeyArn,
      expirationDays: resultsDays,
      noncurrentVersionExpirationDays: 1,
      production: props.production,
      // Query results are re-creatable; outside production the bucket should not block a teardown.
      forceDestroy: !props.production,
    });
    const resultsBucket = this.results.bucket;
    justify(
      resultsBucket,
      "CKV_AWS_18",
      "Holds re-creatable Athena query results; who ran which query is recorded by Athena and CloudTrail, not by S3 access logs.",
    );
    justify(
      resultsBucket,
      "CKV_AWS_144",
      "Athena query results are re-creatable from the flow logs and expire within days; replicating them has no recovery value.",
    );
    justify(
      resultsBucket,
      "CKV2_AWS_62",
      "Nothing consumes object-created events for query results; Athena returns results to the caller directly.",
    );

    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: `${props.namePrefix}-flow-logs`,
      description: "Troubleshooting queries over the VPC flow logs",
      // Once queries have run (or someone saved one by hand) the workgroup is not empty and DeleteWorkGroup
      // fails without RecursiveDeleteOption: outside production `terraform destroy` deletes the contents too.
      forceDestroy: !props.production,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffMb * 1024 * 1024,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucket.bucket}/`,
          expectedBucketOwner: props.accountId,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.kmsKeyArn },
        },
      },
    });

    // Literal names (not references) so the saved SQL reads as it runs.
    const table = `${glueName}.vpc_flow_logs`;
    this.queries = athenaQueries(
      { fields: props.fields, natGatewayInterfaceIds: props.natGatewayInterfaceIds ?? [], vpcCidrs: props.vpcCidrs ?? [] },
      table,
    );
    for (const query of this.queries) {
      new AthenaNamedQuery(this, `query-${query.id}`, {
        name: `${props.namePrefix}-${query.id}`,
        description: query.description,
        database: this.database.name,
        workgroup: this.workgroup.id,
        query: query.query,
      });
    }
  }
}
