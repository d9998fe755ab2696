import { dependable } from "cdktf";
import { Construct } from "constructs";
import { type FlowLogField, flowLogFields } from "./fields";
import { FlowLogAnalytics } from "./flow-log-analytics";
import { FlowLogBucket } from "./flow-log-bucket";
import { FlowLogDelivery } from "./flow-log-delivery";
import { FlowLogInsightsQueries } from "./flow-log-insights-queries";
import { FlowLogKey } from "./flow-log-key";

/** Where flow logs go, what they record and how long they are kept; the stack maps network.flowLogs onto it. */
export interface FlowLogSettings {
  readonly destinations: readonly ("s3" | "cloudwatch")[];
  /** Fields recorded after the base format, in order. */
  readonly extraFields: readonly FlowLogField[];
  readonly s3RetentionDays: number;
  readonly cloudwatchRetentionDays: number;
  /** Athena cancels a workgroup query after scanning this many MB. */
  readonly athenaBytesScannedCutoffMb: number;
}

export interface VpcFlowLogsProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR blocks (literal): queries tell traffic inside the VPC from traffic from outside. */
  readonly vpcCidrs: readonly string[];
  /** Account id, literal or a reference to aws_caller_identity. */
  readonly accountId: string;
  readonly region: string;
  readonly production: boolean;
  /** The environment's network.flowLogs settings (destinations, extra fields, retention, scan cutoff). */
  readonly settings: FlowLogSettings;
  /**
   * NAT gateway network interfaces, for the NAT traffic queries.
   * @default [] - no NAT traffic queries
   */
  readonly natGatewayInterfaceIds?: readonly string[];
}

/**
 * Lesson 2 of the field notes: flow logs built for troubleshooting. One field list drives the format,
 * the Athena table and every query; S3 gets Athena analytics, CloudWatch gets Logs Insights queries.
 */
export class VpcFlowLogs extends Construct {
  readonly fields: readonly FlowLogField[];
  readonly key: FlowLogKey;
  readonly bucket?: FlowLogBucket;
  readonly delivery: FlowLogDelivery;
  readonly analytics?: FlowLogAnalytics;
  readonly insights?: FlowLogInsightsQueries;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { settings, namePrefix, accountId, region, production } = props;
    const toS3 = settings.destinations.includes("s3");
    const toCloudWatch = settings.destinations.includes("cloudwatch");
    const logGroupName = toCloudWatch ? `${namePrefix}-vpc-flow-logs` : undefined;
    this.fields = flowLogFields(settings.extraFields);

    this.key = new FlowLogKey(this, "key", {
      namePrefix,
      accountId,
      region,
      production,
      allowS3Delivery: toS3,
      cloudwatchLogGroupName: logGroupName,
    });
    const kmsKeyArn = this.key.key.arn;

    if (toS3) {
      this.bucket = new FlowLogBucket(this, "bucket", {
        namePrefix,
        accountId,
        region,
        kmsKeyArn,
        retentionDays: settings.s3RetentionDays,
        production,
      });
    }
    this.delivery = new FlowLogDelivery(this, "delivery", {
      namePrefix,
      vpcId: props.vpcId,
      accountId,
      region,
      fields: this.fields,
      kmsKeyArn,
      production,
      s3BucketArn: this.bucket?.bucketArn,
      cloudwatch: logGroupName ? { logGroupName, retentionDays: settings.cloudwatchRetentionDays } : undefined,
    });
    // The bucket policy must exist before AWS validates delivery permissions when creating the flow log.
    // dependable() renders the bare address Terraform requires in depends_on; a `.fqn` string would be "${...}".
    if (this.bucket && this.delivery.s3FlowLog) this.delivery.s3FlowLog.dependsOn = [dependable(this.bucket.storage.policy)];

    if (this.bucket) {
      this.analytics = new FlowLogAnalytics(this, "analytics", {
        namePrefix,
        accountId,
        region,
        fields: this.fields,
        flowLogBucketName: this.bucket.bucketName,
        kmsKeyArn,
        bytesScannedCutoffMb: settings.athenaBytesScannedCutoffMb,
        production,
        natGatewayInterfaceIds: props.natGatewayInterfaceIds,
        vpcCidrs: props.vpcCidrs,
      });
    }
    if (this.delivery.logGroup) {
      this.insights = new FlowLogInsightsQueries(this, "insights", {
        namePrefix,
        logGroupName: this.delivery.logGroup.name,
        fields: this.fields,
        natGatewayInterfaceIds: props.natGatewayInterfaceIds,
        vpcCidrs: props.vpcCidrs,
      });
    }
  }
}
