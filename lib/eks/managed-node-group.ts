import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropsError } from "../validation";
import { kubeletReservations } from "./kubelet-reservations";
import { type NodeGroupScheduleEntry, NodeGroupSchedules, scheduleOwnedSizes } from "./node-group-schedules";
import { nodeImageReleaseProblem } from "./node-image";
import { NodeLaunchTemplate } from "./node-launch-template";
import { groupSize } from "./node-sizing";
import { mimeUserData, nodeConfig } from "./node-user-data";

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface ManagedNodeGroupProps {
  readonly clusterName: string;
  /** Node group name; also names its launch template and scheduled actions. */
  readonly nodeGroupName: string;
  readonly kubernetesVersion: string;
  /**
   * EKS-optimized AL2023 AMI release, e.g. 1.34.9-20260714 (lib/eks/node-image.ts). Pinned: unset, EKS
   * picks the newest release at creation and never moves the group again.
   */
  readonly releaseVersion: string;
  readonly nodeRoleArn: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** All of one size (see lib/eks/instance-types.ts). */
  readonly instanceTypes: string[];
  readonly capacityType: "ON_DEMAND" | "SPOT";
  readonly minSize: number;
  readonly maxSize: number;
  /** Size at creation; ignored afterwards (autoscaler and schedules own it). */
  readonly desiredSize: number;
  readonly diskSizeGiB: number;
  readonly labels: Readonly<Record<string, string>>;
  /** @default - no taints */
  readonly taints?: readonly NodeTaint[];
  /** @default - no scheduled scaling */
  readonly schedules?: readonly NodeGroupScheduleEntry[];
  /**
   * Tags for the instances, volumes and network interfaces besides Name (the provider's default_tags
   * reach only resources Terraform creates, not what EKS's Auto Scaling group launches).
   * @default {}
   */
  readonly propagatedTags?: Readonly<Record<string, string>>;
  /** Resources the nodes need before they can become Ready (the VPC CNI add-on), or that roll first. */
  readonly dependsOn?: ITerraformDependable[];
}

const TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

/**
 * An EKS managed node group with its own launch template (IMDSv2 hop limit 1, encrypted gp3, kubelet
 * reservations sized for the instance through a nodeadm NodeConfig). EKS drains nodes on spot
 * interruption and rebalance recommendations itself, so no termination handler is involved.
 */
export class ManagedNodeGroup extends Construct {
  readonly nodeGroup: EksNodeGroup;
  readonly launchTemplate: NodeLaunchTemplate;
  readonly schedules?: NodeGroupSchedules;

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    const size = groupSize(props.instanceTypes);
    if (typeof size === "string") throw new PropsError(this, size);
    const release = nodeImageReleaseProblem(props.releaseVersion, props.kubernetesVersion);
    if (release) throw new PropsError(this, `releaseVersion: ${release}`);
    const reservations = kubeletReservations(size);
    this.launchTemplate = new NodeLaunchTemplate(this, "launch-template", {
      name: props.nodeGroupName,
      userData: mimeUserData(nodeConfig({ reservations, maxPods: size.maxPods })),
      securityGroupIds: props.securityGroupIds,
      diskSizeGiB: props.diskSizeGiB,
      instanceTags: { ...props.propagatedTags, Name: props.nodeGroupName },
    });
    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      nodeGroupName: props.nodeGroupName,
      version: props.kubernetesVersion,
      // A new release rolls the group (UpdateNodegroupVersion: new nodes first, drained old ones, PDBs honoured).
      releaseVersion: props.releaseVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: size.architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      capacityType: props.capacityType,
      instanceTypes: props.instanceTypes,
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize: props.desiredSize },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: this.launchTemplate.template.id, version: this.launchTemplate.template.latestVersion.toString() },
      labels: { ...props.labels },
      taint: (props.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECT[t.effect] })),
      tags: { Name: props.nodeGroupName },
      // The cluster autoscaler and the schedules own the size after creation. EKS reports the sizes of the Auto Scaling
      // group it runs, so the bounds a schedule sets there come back as drift: ignore those, manage the others.
      lifecycle: {
        ignoreChanges: [
          "scaling_config[0].desired_size",
          ...scheduleOwnedSizes(props.schedules ?? []).map((b) => `scaling_config[0].${b}`),
        ],
      },
      dependsOn: props.dependsOn,
    });
    if (props.schedules && props.schedules.length > 0) {
      this.schedules = new NodeGroupSchedules(this, "schedules", {
        namePrefix: props.nodeGroupName,
        autoscalingGroupName: this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name,
        schedules: props.schedules,
      });
    }
  }
}
