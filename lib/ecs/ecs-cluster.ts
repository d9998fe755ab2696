import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster as Cluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";

export interface EcsClusterProps {
  readonly namePrefix: string;
  /** KMS key of ECS Exec sessions and of the Exec log group. */
  readonly kmsKeyArn: string;
  /** Days the ECS Exec session log group keeps events. */
  readonly execLogRetentionDays: number;
  readonly production: boolean;
}

/**
 * The Fargate cluster: Container Insights with enhanced observability, FARGATE and FARGATE_SPOT
 * capacity providers, and ECS Exec sessions encrypted with the layer's key and logged.
 */
export class EcsCluster extends Construct {
  readonly cluster: Cluster;
  readonly execLogGroup: CloudwatchLogGroup;
  /** FARGATE and FARGATE_SPOT associated with the cluster; services with a capacity-provider strategy depend on it. */
  readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    this.execLogGroup = addEncryptedLogGroup(this, "exec-log-group", {
      name: `/ecs/${props.namePrefix}/exec`,
      retentionDays: props.execLogRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
      production: props.production,
      shortRetentionReason: `ECS Exec session logs are kept ${props.execLogRetentionDays} days (ecs.execLogRetentionDays); CloudTrail keeps the record of who started a session.`,
    });
    this.cluster = new Cluster(this, "cluster", {
      name: props.namePrefix,
      setting: [{ name: "containerInsights", value: "enhanced" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: props.kmsKeyArn,
          logging: "OVERRIDE",
          logConfiguration: { cloudWatchLogGroupName: this.execLogGroup.name, cloudWatchEncryptionEnabled: true },
        },
      },
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
    });
  }
}
