import { TerraformStack, Testing } from "cdktf";
import { EksCluster } from "../lib/eks/eks-cluster";
import { ManagedNodeGroup } from "../lib/eks/managed-node-group";
import { nodeImageParameterName, nodeImageReleaseProblem, parseNodeImageRelease } from "../lib/eks/node-image";
import { SelfManagedSpotNodeGroup } from "../lib/eks/self-managed-spot-node-group";
import { ForgottenResource } from "../lib/forgotten-resource";
import { SpotInterruptionQueue } from "../lib/spot-interruption/spot-interruption-queue";
import { TerminationHandlerRelease } from "../lib/spot-interruption/termination-handler-release";

// The constructs validate their own props (lib never relies on config validation); messages name the path.
const scope = () => new TerraformStack(Testing.app(), "t");

const selfManagedProps = {
  groupName: "t-workers",
  kubernetesVersion: "1.34",
  amiReleaseVersion: "1.34.9-20260714",
  cluster: { name: "t", apiServerEndpoint: "https://x", certificateAuthority: "Q0E=", serviceCidr: "172.20.0.0/16" },
  instanceProfileArn: "arn:aws:iam::111122223333:instance-profile/t",
  subnetIds: ["subnet-1", "subnet-2"],
  securityGroupIds: ["sg-1"],
  instanceTypes: ["m5.large", "m5a.large", "m6i.large"],
  minSize: 0,
  maxSize: 3,
  desiredSize: 1,
  onDemandBaseCapacity: 0,
  diskSizeGiB: 50,
  metadataHopLimit: 1,
  labels: {},
  lifecycleHookTimeoutSeconds: 300,
};

describe("eks and spot-interruption constructs refuse contradictory props", () => {
  it("self-managed spot group: fewer than 3 types, mixed sizes, hop limit without a reason", () => {
    expect(() => new SelfManagedSpotNodeGroup(scope(), "g", { ...selfManagedProps, instanceTypes: ["m5.large", "m6i.large"] })).toThrow(
      "t/g: instanceTypes: give at least 3 types of one size; a single type's spot capacity can run out",
    );
    expect(
      () => new SelfManagedSpotNodeGroup(scope(), "g", { ...selfManagedProps, instanceTypes: ["m5.large", "m5.xlarge", "m6i.large"] }),
    ).toThrow(/^t\/g: instanceTypes: mixes sizes/);
    expect(() => new SelfManagedSpotNodeGroup(scope(), "g", { ...selfManagedProps, metadataHopLimit: 2 })).toThrow(
      "t/g: metadataHopLimit 2 lets every pod read the node role's credentials; give metadataHopLimitReason or use 1",
    );
  });

  it("self-managed spot group: an AMI release of another Kubernetes minor", () => {
    expect(() => new SelfManagedSpotNodeGroup(scope(), "g", { ...selfManagedProps, amiReleaseVersion: "1.33.13-20260714" })).toThrow(
      "t/g: amiReleaseVersion: 1.33.13-20260714 is built for Kubernetes 1.33; use a release of the cluster version 1.34 (its AMIs carry kubelet 1.34)",
    );
  });

  it("managed node group: an AMI release that is not a release version", () => {
    expect(
      () =>
        new ManagedNodeGroup(scope(), "m", {
          clusterName: "t",
          nodeGroupName: "t-m",
          kubernetesVersion: "1.34",
          releaseVersion: "recommended",
          nodeRoleArn: "arn:aws:iam::111122223333:role/n",
          subnetIds: ["subnet-1"],
          securityGroupIds: ["sg-1"],
          instanceTypes: ["m6i.large"],
          capacityType: "ON_DEMAND",
          minSize: 2,
          maxSize: 2,
          desiredSize: 2,
          diskSizeGiB: 50,
          labels: {},
        }),
    ).toThrow('t/m: releaseVersion: "recommended" is not an EKS AL2023 AMI release version');
  });

  it("forgotten resource: something that is not a resource address", () => {
    expect(() => new ForgottenResource(scope(), "f", { address: "module.x", reason: "r" })).toThrow(
      't/f: address: "module.x" is not a resource address such as aws_iam_role.name_1234ABCD',
    );
  });

  it("managed node group: unknown instance type", () => {
    expect(
      () =>
        new ManagedNodeGroup(scope(), "m", {
          clusterName: "t",
          nodeGroupName: "t-m",
          kubernetesVersion: "1.34",
          releaseVersion: "1.34.9-20260714",
          nodeRoleArn: "arn:aws:iam::111122223333:role/n",
          subnetIds: ["subnet-1"],
          securityGroupIds: ["sg-1"],
          instanceTypes: ["t2.micro"],
          capacityType: "ON_DEMAND",
          minSize: 2,
          maxSize: 2,
          desiredSize: 2,
          diskSizeGiB: 50,
          labels: {},
        }),
    ).toThrow(/^t\/m: instanceTypes: t2.micro not in the curated table/);
  });

  it("cluster: one subnet, a public endpoint open to the internet", () => {
    expect(
      () =>
        new EksCluster(scope(), "c", {
          clusterName: "t",
          kubernetesVersion: "1.34",
          accountId: "111122223333",
          region: "eu-west-1",
          vpcId: "vpc-1",
          subnetIds: ["subnet-1"],
          serviceIpv4Cidr: "172.20.0.0/16",
          publicAccessCidrs: ["0.0.0.0/0"],
          logRetentionDays: 90,
          production: false,
        }),
    ).toThrow(
      "t/c: subnetIds: give subnets in at least two availability zones (EKS requires it)\nt/c: publicAccessCidrs: 0.0.0.0/0 opens the API to the internet; list specific CIDRs or none",
    );
  });

  it("interruption queue: no self-managed group, rule names over 64 characters", () => {
    const base = { queueName: "q", ruleNamePrefix: "t-eks-nth", accountId: "111122223333", region: "eu-west-1", capacityRebalance: false };
    expect(() => new SpotInterruptionQueue(scope(), "q", { ...base, autoscalingGroupNames: [] })).toThrow(
      /^t\/q: autoscalingGroupNames: give the self-managed groups; without one the handler has nothing to do/,
    );
    expect(
      () => new SpotInterruptionQueue(scope(), "q", { ...base, ruleNamePrefix: "x".repeat(45), autoscalingGroupNames: ["g"] }),
    ).toThrow(/makes rule names of 70 characters; EventBridge allows 64/);
  });

  it("handler release: one replica, a floating chart version", () => {
    const props = {
      chartVersion: "0.27.6",
      namespace: "kube-system",
      serviceAccount: "aws-node-termination-handler",
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/q",
      region: "eu-west-1",
      replicas: 2,
      managedTag: "aws-node-termination-handler/managed",
      nodeSelector: {},
      tolerations: [],
    };
    expect(() => new TerminationHandlerRelease(scope(), "h", { ...props, replicas: 1 })).toThrow(/^t\/h: replicas 1: use 2 or more/);
    expect(() => new TerminationHandlerRelease(scope(), "h", { ...props, chartVersion: "0.27" })).toThrow(
      't/h: chartVersion "0.27": pin an exact version such as 0.27.6',
    );
  });
});

describe("EKS-optimized AMI releases", () => {
  it.each([
    ["1.34.9-20260714", "1.34", undefined],
    ["1.35.6-20260714", "1.35", undefined],
    [
      "1.34.9-20260714",
      "1.35",
      "1.34.9-20260714 is built for Kubernetes 1.34; use a release of the cluster version 1.35 (its AMIs carry kubelet 1.35)",
    ],
    [
      "v20260714",
      "1.34",
      '"v20260714" is not an EKS AL2023 AMI release version; use <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.34.9-20260714',
    ],
    [
      "1.34-20260714",
      "1.34",
      '"1.34-20260714" is not an EKS AL2023 AMI release version; use <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.34.9-20260714',
    ],
    [
      "1.34.9-2026071",
      "1.34",
      '"1.34.9-2026071" is not an EKS AL2023 AMI release version; use <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.34.9-20260714',
    ],
  ])("%s on Kubernetes %s", (release, version, problem) => {
    expect(nodeImageReleaseProblem(release, version)).toBe(problem);
  });

  it("names the SSM parameter of one release and architecture, as AWS publishes it", () => {
    const release = parseNodeImageRelease("1.34.9-20260714");
    if (typeof release === "string") throw new Error(release);
    expect(nodeImageParameterName(release, "x86_64")).toBe(
      "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-v20260714/image_id",
    );
    expect(nodeImageParameterName(release, "arm64")).toBe(
      "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.34-v20260714/image_id",
    );
  });
});
