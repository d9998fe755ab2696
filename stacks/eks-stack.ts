import { type ITerraformDependable, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { ciRunnerRepositoryUrl } from "../config/ci-guards";
import { type EksSettings, type ManagedSpotNodeGroupSettings, terminationHandlerOf } from "../config/schema";
import { arnPartition } from "../lib/aws-partition";
import { CodeBuildRunner } from "../lib/ci/codebuild-runner";
import { ClusterAccess } from "../lib/eks/cluster-access";
import { ClusterAddons } from "../lib/eks/cluster-addons";
import { EksCluster } from "../lib/eks/eks-cluster";
import { ManagedNodeGroup, type NodeTaint } from "../lib/eks/managed-node-group";
import type { NodeGroupScheduleEntry } from "../lib/eks/node-group-schedules";
import { NodeRole } from "../lib/eks/node-role";
import { SelfManagedSpotNodeGroup } from "../lib/eks/self-managed-spot-node-group";
import { ForgottenResource } from "../lib/forgotten-resource";
import { SpotInterruptionQueue } from "../lib/spot-interruption/spot-interruption-queue";
import { TerminationHandlerRole } from "../lib/spot-interruption/termination-handler-role";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import type { NetworkOutputs } from "./network-stack";

/** Labels and taints the node groups carry; workloads select and tolerate them. */
export const SYSTEM_NODE_LABEL = { key: "workload-class", value: "system" } as const;
/** The conventional taint for critical add-ons; CoreDNS tolerates it out of the box. */
export const SYSTEM_NODE_TAINT: NodeTaint = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" };
export const SPOT_NODE_LABEL = { key: "node-lifecycle", value: "spot" } as const;
/** Only workloads that accept losing a node on two minutes' notice tolerate spot (groups with `tainted: false` take every pod). */
export const SPOT_NODE_TAINT: NodeTaint = { key: "node-lifecycle", value: "spot", effect: "NoSchedule" };

/** Where aws-node-termination-handler runs and is bound to its role. */
export const TERMINATION_HANDLER_NAMESPACE = "kube-system";
export const TERMINATION_HANDLER_SERVICE_ACCOUNT = "aws-node-termination-handler";

/**
 * Name of the environment's CodeBuild runner project; jobs reach it with
 * `runs-on: codebuild-<name>-${{ github.run_id }}-${{ github.run_attempt }}` (lib/ci/codebuild-runner.ts).
 */
export function ciRunnerProjectName(environmentName: string): string {
  return `${environmentName}-eks-ci-runner`;
}

export interface EksStackProps extends EnvironmentStackProps {
  readonly network: NetworkOutputs;
}

/** What `<env>-eks-addons` needs from `<env>-eks`: plain strings, known at plan time. */
export interface EksOutputs {
  readonly clusterName: string;
  /**
   * URL of the interruption queue.
   * @default - no queue: the environment has no self-managed spot group
   */
  readonly interruptionQueueUrl?: string;
}

/** `<env>-eks`: the cluster, its access and add-ons, the node groups, and the spot interruption plumbing where needed. */
export class EksStack extends EnvironmentStack {
  readonly cluster: EksCluster;
  readonly addons: ClusterAddons;
  readonly systemNodeGroup: ManagedNodeGroup;
  readonly managedSpotNodeGroups: ManagedNodeGroup[];
  readonly selfManagedSpotNodeGroups: SelfManagedSpotNodeGroup[];
  /** Role of the managed node groups; EKS creates and owns its access entry. */
  readonly nodeRole: NodeRole;
  /** Role and instance profile of the self-managed groups, with a Terraform-managed EC2_LINUX access entry. */
  readonly selfManagedNodeRole?: NodeRole;
  readonly interruptionQueue?: SpotInterruptionQueue;
  readonly terminationHandlerRole?: TerminationHandlerRole;
  /** The in-VPC GitHub Actions runner of the cluster-facing CI jobs (eks.ciRunner). */
  readonly ciRunner?: CodeBuildRunner;
  readonly outputs: EksOutputs;

  constructor(scope: Construct, props: EksStackProps) {
    super(scope, "eks", props);
    const { aws, production } = this.environment;
    const eks = this.environment.eks as EksSettings;
    const clusterName = `${this.namePrefix}-eks`;
    const subnetIds = props.network.privateSubnetIds;

    this.cluster = new EksCluster(this, "cluster", {
      clusterName,
      kubernetesVersion: eks.version,
      accountId: aws.accountId,
      region: aws.region,
      vpcId: props.network.vpcId,
      subnetIds,
      serviceIpv4Cidr: eks.serviceCidr,
      publicAccessCidrs: eks.publicAccessCidrs,
      logRetentionDays: eks.logRetentionDays,
      production,
    });
    const cluster = this.cluster.cluster;
    const nodeSecurityGroupIds = [this.cluster.securityGroups.nodes.id];
    const selfManaged = eks.selfManagedSpotNodeGroups;
    const handler = terminationHandlerOf(eks);

    // Managed and self-managed groups have separate roles (issue #17): EKS owns the access entry of the
    // managed role, Terraform the one of the self-managed role. The managed role keeps the state it had.
    this.nodeRole = new NodeRole(this, "node-role", {
      roleName: `${clusterName}-node`,
      accountId: aws.accountId,
      region: aws.region,
      instanceProfile: false,
    });
    if (selfManaged.length > 0) {
      this.selfManagedNodeRole = new NodeRole(this, "self-managed-node-role", {
        roleName: `${clusterName}-self-managed-node`,
        description: "EKS self-managed worker nodes: join the cluster, pull images",
        accountId: aws.accountId,
        region: aws.region,
        instanceProfile: true,
      });
    }
    const access = new ClusterAccess(this, "access", {
      clusterName: cluster.name,
      region: aws.region,
      adminRoleArns: eks.adminRoleArns,
      selfManagedNodeRoleArn: this.selfManagedNodeRole?.role.arn,
      // Plans of <env>-eks-addons read the Helm release records in the namespaces its releases use.
      planRoleArn: aws.planRoleArn,
      planNamespaces: selfManaged.length > 0 ? [TERMINATION_HANDLER_NAMESPACE] : [],
    });
    this.ciRunner = this.addApiClients(eks, clusterName, props.network);
    forgetSharedNodeRoleState(this);
    this.addons = new ClusterAddons(this, "addons", {
      clusterName: cluster.name,
      clusterArn: cluster.arn,
      region: aws.region,
      versions: eks.addons,
    });
    // Nodes become Ready only once the CNI is there; kube-proxy and the Pod Identity agent come first too.
    const beforeNodes = [this.addons.vpcCni, this.addons.kubeProxy, this.addons.podIdentityAgent];

    const spotTaints = (group: { tainted: boolean }) => (group.tainted ? [SPOT_NODE_TAINT] : []);
    const managed = (
      name: string,
      capacityType: "ON_DEMAND" | "SPOT",
      group: ManagedSpotNodeGroupSettings,
      system: boolean,
      after: ITerraformDependable[],
    ) =>
      new ManagedNodeGroup(this, `node-group-${name}`, {
        clusterName: cluster.name,
        nodeGroupName: `${clusterName}-${name}`,
        kubernetesVersion: eks.version,
        releaseVersion: eks.amiReleaseVersion,
        nodeRoleArn: this.nodeRole.role.arn,
        subnetIds,
        securityGroupIds: nodeSecurityGroupIds,
        instanceTypes: group.instanceTypes,
        capacityType,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredSize: group.desiredSize,
        diskSizeGiB: group.diskSizeGiB,
        labels: system ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : { [SPOT_NODE_LABEL.key]: SPOT_NODE_LABEL.value },
        taints: system ? [SYSTEM_NODE_TAINT] : spotTaints(group),
        schedules: asAutoscalingSchedules(group.schedules),
        propagatedTags: this.defaultTags,
        dependsOn: [...beforeNodes, ...after],
      });
    const systemSettings = { ...eks.systemNodeGroup, name: "system", diskSizeGiB: 50, tainted: true };
    this.systemNodeGroup = managed("system", "ON_DEMAND", systemSettings, true, []);
    this.addons.addCoreDns({ nodeLabel: SYSTEM_NODE_LABEL, taintKey: SYSTEM_NODE_TAINT.key, dependsOn: [this.systemNodeGroup.nodeGroup] });
    // Every other group after the system group: an AMI bump rolls the system nodes (CoreDNS, the handler)
    // first, and only then the spot groups, so the drains of spot nodes always have a handler and DNS.
    const afterSystem = [this.systemNodeGroup.nodeGroup];
    this.managedSpotNodeGroups = eks.managedSpotNodeGroups.map((group) => managed(group.name, "SPOT", group, false, afterSystem));

    this.selfManagedSpotNodeGroups = selfManaged.map(
      (group) =>
        new SelfManagedSpotNodeGroup(this, `self-managed-${group.name}`, {
          groupName: `${clusterName}-${group.name}`,
          kubernetesVersion: eks.version,
          amiReleaseVersion: eks.amiReleaseVersion,
          cluster: {
            // A plain name keeps tag keys readable; endpoint and CA still order the group after the cluster.
            name: clusterName,
            apiServerEndpoint: cluster.endpoint,
            certificateAuthority: cluster.certificateAuthority.get(0).data,
            serviceCidr: eks.serviceCidr,
          },
          instanceProfileArn: this.selfManagedNodeRole!.instanceProfile!.arn,
          subnetIds,
          securityGroupIds: nodeSecurityGroupIds,
          instanceTypes: group.instanceTypes,
          minSize: group.minSize,
          maxSize: group.maxSize,
          desiredSize: group.desiredSize,
          onDemandBaseCapacity: group.onDemandBaseCapacity,
          diskSizeGiB: group.diskSizeGiB,
          metadataHopLimit: group.metadataHopLimit,
          metadataHopLimitReason: group.metadataHopLimitReason,
          labels: { [SPOT_NODE_LABEL.key]: SPOT_NODE_LABEL.value },
          taints: spotTaints(group),
          lifecycleHookTimeoutSeconds: handler.lifecycleHookTimeoutSeconds,
          schedules: asAutoscalingSchedules(group.schedules),
          propagatedTags: this.defaultTags,
          dependsOn: [access.selfManagedNodeEntry!, ...beforeNodes, ...afterSystem],
        }),
    );

    let interruptionQueueUrl: string | undefined;
    if (selfManaged.length > 0) {
      const groupNames = selfManaged.map((group) => `${clusterName}-${group.name}`);
      const queueName = `${clusterName}-spot-interruptions`;
      this.interruptionQueue = new SpotInterruptionQueue(this, "spot-interruptions", {
        queueName,
        ruleNamePrefix: `${clusterName}-nth`,
        accountId: aws.accountId,
        region: aws.region,
        autoscalingGroupNames: groupNames,
        // SelfManagedSpotNodeGroup always sets capacity_rebalance (test/spot-interruption.test.ts ties the two).
        capacityRebalance: true,
      });
      this.terminationHandlerRole = new TerminationHandlerRole(this, "termination-handler", {
        clusterName: cluster.name,
        clusterArn: cluster.arn,
        accountId: aws.accountId,
        region: aws.region,
        queueArn: this.interruptionQueue.queue.arn,
        autoscalingGroupNames: groupNames,
        heartbeats: handler.heartbeatIntervalSeconds !== undefined,
        namespace: TERMINATION_HANDLER_NAMESPACE,
        serviceAccount: TERMINATION_HANDLER_SERVICE_ACCOUNT,
      });
      interruptionQueueUrl = queueUrl(aws.region, aws.accountId, queueName);
    }

    this.outputs = { clusterName, interruptionQueueUrl };
    new TerraformOutput(this, "cluster_name", { value: cluster.name, description: "EKS cluster name" });
    new TerraformOutput(this, "cluster_endpoint", { value: cluster.endpoint, description: "Kubernetes API endpoint" });
    new TerraformOutput(this, "node_security_group_id", {
      value: this.cluster.securityGroups.nodes.id,
      description: "Security group every node carries",
    });
    if (this.interruptionQueue) {
      new TerraformOutput(this, "interruption_queue_url", {
        value: this.interruptionQueue.queue.url,
        description: "Queue aws-node-termination-handler reads",
      });
    }
    if (this.ciRunner) {
      new TerraformOutput(this, "ci_runner_project_name", {
        value: this.ciRunner.project.name,
        description: "CodeBuild project of the in-VPC GitHub Actions runner",
      });
      // "$${" keeps Terraform from reading the GitHub expressions as its own interpolation.
      new TerraformOutput(this, "ci_runner_label", {
        value: this.ciRunner.label.replaceAll("${", () => "$${"),
        description: "runs-on label of the cluster-facing jobs (add a label of the job's own when a run has two of them)",
      });
    }
  }

  /**
   * The private endpoint admits, besides the nodes: the CI runner (created here when eks.ciRunner is set)
   * and the security groups and address ranges of eks.privateEndpointAccess, each on 443 only.
   */
  private addApiClients(eks: EksSettings, clusterName: string, network: NetworkOutputs): CodeBuildRunner | undefined {
    const { aws, production } = this.environment;
    const groups = this.cluster.securityGroups;
    let ciRunner: CodeBuildRunner | undefined;
    if (eks.ciRunner) {
      const runner = eks.ciRunner;
      ciRunner = new CodeBuildRunner(this, "ci-runner", {
        projectName: ciRunnerProjectName(this.environment.name),
        accountId: aws.accountId,
        region: aws.region,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        repositoryUrl: ciRunnerRepositoryUrl(this.environment, runner.repositoryUrl)!,
        connectionArn: runner.connectionArn,
        computeType: runner.computeType,
        buildTimeoutMinutes: runner.buildTimeoutMinutes,
        logRetentionDays: runner.logRetentionDays,
        production,
      });
      groups.admitApiClient(
        "ci-runner",
        { securityGroupId: ciRunner.securityGroup.id },
        `CI jobs of ${clusterName} (eks-addons plan and apply) on the in-VPC runner`,
      );
    }
    const access = eks.privateEndpointAccess;
    access?.securityGroupIds.forEach((securityGroupId, i) => {
      groups.admitApiClient(
        `client-group-${i}`,
        { securityGroupId },
        `Operators outside CI: security group ${securityGroupId} (eks.privateEndpointAccess)`,
      );
    });
    access?.cidrs.forEach((cidr, i) => {
      groups.admitApiClient(
        `client-cidr-${i}`,
        { cidr },
        `Operators outside CI: ${cidr} over VPN or Direct Connect (eks.privateEndpointAccess)`,
      );
    });
    return ciRunner;
  }
}

/**
 * Until issue #17 one role served managed and self-managed groups, with a Terraform access entry and
 * instance profile. The role stays the managed groups' (node_role_arn forces a new node group); its
 * entry and profile leave the state without being deleted: the managed nodes authenticate through that
 * entry (EKS would have created it), and running self-managed instances use the profile until the
 * instance refresh to the new profile replaces them (IAM DeleteInstanceProfile breaks running instances).
 * No-ops where the state never held them. Cleanup of the leftover profile: docs/eks-spot.md.
 */
function forgetSharedNodeRoleState(stack: EksStack): void {
  new ForgottenResource(stack, "shared-node-role-access-entry", {
    address: "aws_eks_access_entry.access_node-0_17885E8B",
    reason: "EC2_LINUX entry of the managed node role: managed nodes authenticate through it, and EKS creates it for managed groups",
  });
  new ForgottenResource(stack, "shared-node-role-instance-profile", {
    address: "aws_iam_instance_profile.node-role_instance-profile_4213DA67",
    reason: "Old self-managed instance profile; running instances use it until the instance refresh replaces them",
  });
}

/** An SQS queue URL, known before the queue exists (the format GetQueueUrl returns). */
export function queueUrl(region: string, accountId: string, queueName: string): string {
  const domain = arnPartition(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${domain}/${accountId}/${queueName}`;
}

/** The config's schedule vocabulary (schedule, timeZone) to the Auto Scaling scheduled action's (recurrence). */
function asAutoscalingSchedules(schedules: readonly ({ readonly schedule: string } & Omit<NodeGroupScheduleEntry, "recurrence">)[]) {
  return schedules.map(({ schedule, ...rest }) => ({ ...rest, recurrence: schedule }));
}
