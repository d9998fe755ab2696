import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";
import { assertProps } from "../validation";
import { type FlowLogField, logFormat } from "./fields";

/** 60 s instead of AWS's 10-minute default: a reset shows up within a minute of when it happened. */
export const MAX_AGGREGATION_INTERVAL_SECONDS = 60;

export interface FlowLogCloudWatchDestination {
  /** Log group to create, e.g. `prod-vpc-flow-logs`. */
  readonly logGroupName: string;
  /** Days CloudWatch keeps events (a value CloudWatch accepts). */
  readonly retentionDays: number;
}

export interface FlowLogDeliveryProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly accountId: string;
  readonly region: string;
  /** Fields of the custom format, in order (see fields.ts). */
  readonly fields: readonly FlowLogField[];
  /** KMS key of the log group. */
  readonly kmsKeyArn: string;
  readonly production: boolean;
  /**
   * ARN of the S3 bucket to deliver Parquet files to.
   * @default - no S3 flow log
   */
  readonly s3BucketArn?: string;
  /**
   * CloudWatch Logs destination.
   * @default - no CloudWatch flow log, log group or role
   */
  readonly cloudwatch?: FlowLogCloudWatchDestination;
}

/**
 * The VPC's flow logs (ALL traffic, 60 s aggregation, the project's custom format) to S3 and/or a
 * CloudWatch log group, with the role CloudWatch delivery needs: assumable only by the flow-logs
 * service for this account's flow logs, allowed to write only to that log group.
 */
export class FlowLogDelivery extends Construct {
  readonly s3FlowLog?: FlowLog;
  readonly cloudwatchFlowLog?: FlowLog;
  readonly logGroup?: CloudwatchLogGroup;
  readonly role?: IamRole;

  constructor(scope: Construct, id: string, props: FlowLogDeliveryProps) {
    super(scope, id);
    assertProps(this, [
      !props.s3BucketArn && !props.cloudwatch && "give s3BucketArn, cloudwatch or both; a flow log needs a destination",
      props.fields.length === 0 && "fields: give at least one flow-log field",
      new Set(props.fields).size !== props.fields.length && "fields: list each field once; the format maps fields to columns by position",
    ]);
    const common = {
      vpcId: props.vpcId,
      trafficType: "ALL",
      maxAggregationInterval: MAX_AGGREGATION_INTERVAL_SECONDS,
      logFormat: logFormat(props.fields),
    };

    if (props.s3BucketArn) {
      this.s3FlowLog = new FlowLog(this, "s3", {
        ...common,
        logDestinationType: "s3",
        logDestination: props.s3BucketArn,
        // Parquet: 10-100x faster Athena queries; hive + per-hour partitions let queries scan one hour.
        destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: true, perHourPartition: true },
        tags: { Name: `${props.namePrefix}-vpc-flow-logs-s3` },
      });
    }

    if (props.cloudwatch) {
      const partition = arnPartition(props.region);
      this.logGroup = addEncryptedLogGroup(this, "log-group", {
        name: props.cloudwatch.logGroupName,
        retentionDays: props.cloudwatch.retentionDays,
        kmsKeyArn: props.kmsKeyArn,
        production: props.production,
        shortRetentionReason: props.s3BucketArn
          ? `The log group is the short-lived copy for Logs Insights during an incident (${props.cloudwatch.retentionDays} days); the S3 flow log keeps the long-term record.`
          : `Retention is the environment's choice (network.flowLogs.cloudwatchRetentionDays = ${props.cloudwatch.retentionDays}); add the s3 destination for a long-term record.`,
      });
      const trust = new DataAwsIamPolicyDocument(this, "assume-role-policy", {
        statement: [
          {
            sid: "VpcFlowLogsOfThisAccount",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
            actions: ["sts:AssumeRole"],
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
              {
                test: "ArnLike",
                variable: "aws:SourceArn",
                values: [`arn:${partition}:ec2:${props.region}:${props.accountId}:vpc-flow-log/*`],
              },
            ],
          },
        ],
      });
      this.role = new IamRole(this, "role", {
        name: `${props.namePrefix}-vpc-flow-logs-cloudwatch`,
        description: "VPC flow logs delivery to the flow-log CloudWatch log group",
        assumeRolePolicy: trust.json,
      });
      // The actions AWS's flow-logs role documentation lists (VPC user guide, "IAM role for publishing flow
      // logs to CloudWatch Logs"), each on the narrowest resource AWS accepts for it.
      // `<group arn>:*` is the form IAM matches for group actions and covers the group's streams.
      const groupAndStreams = `${this.logGroup.arn}:*`;
      const permissions = new DataAwsIamPolicyDocument(this, "role-policy-document", {
        statement: [
          {
            sid: "WriteFlowLogGroup",
            effect: "Allow",
            // CreateLogGroup: listed by AWS; Terraform creates the group (KMS, retention), so the grant is
            // limited to this one name and only ever re-creates it.
            actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            resources: [groupAndStreams],
          },
          {
            sid: "FindFlowLogGroup",
            effect: "Allow",
            // DescribeLogGroups is a list call: IAM evaluates it on `log-group::log-stream:`, not on a named
            // group, so it cannot be scoped to one group; this account and region is as narrow as AWS allows.
            actions: ["logs:DescribeLogGroups"],
            resources: [`arn:${partition}:logs:${props.region}:${props.accountId}:log-group:*`],
          },
        ],
      });
      const rolePolicy = new IamRolePolicy(this, "role-policy", {
        name: "write-flow-log-group",
        role: this.role.id,
        policy: permissions.json,
      });
      this.cloudwatchFlowLog = new FlowLog(this, "cloudwatch", {
        ...common,
        logDestinationType: "cloud-watch-logs",
        logDestination: this.logGroup.arn,
        iamRoleArn: this.role.arn,
        tags: { Name: `${props.namePrefix}-vpc-flow-logs-cloudwatch` },
        // On the policy, not only the role: the first deliveries would otherwise race the policy's creation
        // (and IAM propagation) and fail until the next retry. A construct object synthesizes a bare address.
        dependsOn: [rolePolicy],
      });
    }
  }
}
