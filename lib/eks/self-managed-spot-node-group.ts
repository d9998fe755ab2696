import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { assertProps, PropsError } from "../validation";
import { kubeletReservations } from "./kubelet-reservations";
import type { NodeTaint } from "./managed-node-group";
import { type NodeGroupScheduleEntry, NodeGroupSchedules, scheduleOwnedSizes } from "./node-group-schedules";
import { type NodeImageRelease, nodeImageParameterName, nodeImageReleaseProblem, parseNodeImageRelease } from "./node-image";
import { NodeLaunchTemplate } from "./node-launch-template";
import { groupSize } from "./node-sizing";
import { type NodeClusterDetails, nodeConfig } from "./node-user-data";

/** Tag aws-node-termination-handler checks on an instance before it drains the node (its managedTag default). */
export const TERMINATION_HANDLER_MANAGED_TAG = "aws-node-termination-handler/managed";

export interface SelfManagedSpotNodeGroupProps {
  /** Group name; names the Auto Scaling group, its launch template and scheduled actions. */
  readonly groupName: string;
  readonly kubernetesVersion: string;
  /** EKS-optimized AL2023 AMI release, e.g. 1.34.9-20260714; the group launches that release's AMI until it changes. */
  readonly amiReleaseVersion: string;
  readonly cluster: NodeClusterDetails;
  readonly instanceProfileArn: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** At least 3, all of one size (lib/eks/instance-types.ts). */
  readonly instanceTypes: string[];
  readonly minSize: number;
  readonly maxSize: number;
  /** Size at creation; ignored afterwards (autoscaler and schedules own it). */
  readonly desiredSize: number;
  /** On-demand nodes below the spot capacity. */
  readonly onDemandBaseCapacity: number;
  readonly diskSizeGiB: number;
  /** IMDSv2 hop limit; above 1 only with a reason. */
  readonly metadataHopLimit: number;
  /**
   * Why pods need the instance metadata service; required when metadataHopLimit is above 1.
   * @default - none
   */
  readonly metadataHopLimitReason?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** @default - no taints */
  readonly taints?: readonly NodeTaint[];
  /** Seconds Auto Scaling waits in Terminating:Wait for the handler to drain the node and complete the action. */
  readonly lifecycleHookTimeoutSeconds: number;
  /** @default - no scheduled scaling */
  readonly schedules?: readonly NodeGroupScheduleEntry[];
  /**
   * Tags the group propagates to its instances besides its own, also set on their volumes and network
   * interfaces by the launch template (the provider's default_tags do not reach them).
   * @default {}
   */
  readonly propagatedTags?: Readonly<Record<string, string>>;
  /** Resources the nodes need before they can join (access entry, VPC CNI add-on). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A self-managed spot Auto Scaling group of EKS nodes (the seed write-up's setup): mixed instances with
 * price-capacity-optimized spot and 0 % on-demand above the base, capacity rebalance, a launch template
 * whose AL2023 nodeadm NodeConfig joins the cluster, a termination lifecycle hook that holds the instance
 * until aws-node-termination-handler has drained it, and the handler's managed tag propagated at launch.
 */
export class SelfManagedSpotNodeGroup extends Construct {
  readonly autoscalingGroup: AutoscalingGroup;
  readonly launchTemplate: NodeLaunchTemplate;
  readonly schedules?: NodeGroupSchedules;
  /** Name of the termination lifecycle hook. */
  readonly lifecycleHookName: string;

  constructor(scope: Construct, id: string, props: SelfManagedSpotNodeGroupProps) {
    super(scope, id);
    const size = groupSize(props.instanceTypes);
    if (typeof size === "string") throw new PropsError(this, size);
    const releaseProblem = nodeImageReleaseProblem(props.amiReleaseVersion, props.kubernetesVersion);
    assertProps(this, [
      props.instanceTypes.length < 3 && "instanceTypes: give at least 3 types of one size; a single type's spot capacity can run out",
      props.metadataHopLimit > 1 &&
        !props.metadataHopLimitReason &&
        `metadataHopLimit ${props.metadataHopLimit} lets every pod read the node role's credentials; give metadataHopLimitReason or use 1`,
      props.minSize > props.maxSize && `minSize ${props.minSize} exceeds maxSize ${props.maxSize}`,
      (props.lifecycleHookTimeoutSeconds < 30 || props.lifecycleHookTimeoutSeconds > 7200) &&
        `lifecycleHookTimeoutSeconds ${props.lifecycleHookTimeoutSeconds} is outside 30..7200`,
      releaseProblem && `amiReleaseVersion: ${releaseProblem}`,
    ]);

    // The AMI of the pinned release, not ".../recommended": that one moves with every AWS release and
    // would roll every node on an unrelated apply. The parameter of one release never changes.
    const arch = size.architecture === "arm64" ? "arm64" : "x86_64";
    const ami = new DataAwsSsmParameter(this, "ami", {
      // A release that does not parse was refused above.
      name: nodeImageParameterName(parseNodeImageRelease(props.amiReleaseVersion) as NodeImageRelease, arch),
    });
    const reservations = kubeletReservations(size);
    this.launchTemplate = new NodeLaunchTemplate(this, "launch-template", {
      name: props.groupName,
      imageId: ami.insecureValue,
      instanceProfileArn: props.instanceProfileArn,
      userData: nodeConfig({ reservations, maxPods: size.maxPods, labels: props.labels, taints: props.taints }, props.cluster),
      securityGroupIds: props.securityGroupIds,
      diskSizeGiB: props.diskSizeGiB,
      metadataHopLimit: props.metadataHopLimit,
      instanceTags: { ...props.propagatedTags, Name: props.groupName },
    });

    this.lifecycleHookName = `${props.groupName}-drain`;
    const tags: Record<string, string> = {
      ...props.propagatedTags,
      Name: props.groupName,
      // The handler drains only instances carrying this tag (checkTagBeforeDraining); the value is not read.
      [TERMINATION_HANDLER_MANAGED_TAG]: "true",
      [`kubernetes.io/cluster/${props.cluster.name}`]: "owned",
      "k8s.io/cluster-autoscaler/enabled": "true",
      [`k8s.io/cluster-autoscaler/${props.cluster.name}`]: "owned",
    };
    this.autoscalingGroup = new AutoscalingGroup(this, "group", {
      name: props.groupName,
      vpcZoneIdentifier: props.subnetIds,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredSize,
      // Replace a spot instance as soon as EC2 recommends rebalancing, before the 2-minute interruption notice.
      capacityRebalance: true,
      healthCheckType: "EC2",
      healthCheckGracePeriod: 300,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: props.onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: "price-capacity-optimized",
        },
        launchTemplate: {
          launchTemplateSpecification: {
            launchTemplateId: this.launchTemplate.template.id,
            version: this.launchTemplate.template.latestVersion.toString(),
          },
          override: props.instanceTypes.map((instanceType) => ({ instanceType })),
        },
      },
      // A new launch template (AMI, kubelet settings) rolls the nodes; each replaced node goes through
      // the lifecycle hook, so the handler drains it first. Launch before terminate keeps capacity.
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 150, skipMatching: true, instanceWarmup: "120" },
      },
      // In place before the first instance launches, so every termination waits for the drain.
      initialLifecycleHook: [
        {
          name: this.lifecycleHookName,
          lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
          defaultResult: "CONTINUE",
          heartbeatTimeout: props.lifecycleHookTimeoutSeconds,
        },
      ],
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      // Desired is the size at creation: schedules and a cluster autoscaler (the discovery tags above) own it afterwards.
      // A bound stays managed unless a schedule sets it (lesson 4: the next apply must not undo the schedule).
      lifecycle: { ignoreChanges: ["desired_capacity", ...scheduleOwnedSizes(props.schedules ?? [])] },
      dependsOn: props.dependsOn,
    });
    if (props.schedules && props.schedules.length > 0) {
      this.schedules = new NodeGroupSchedules(this, "schedules", {
        namePrefix: props.groupName,
        autoscalingGroupName: this.autoscalingGroup.name,
        schedules: props.schedules,
      });
    }
  }
}
