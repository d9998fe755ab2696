import { INSTANCE_TYPES, instanceTypeFacts, sameSizeProblem } from "../lib/eks/instance-types";
import { kubeletReservations, kubeReservedCpuMillicores, kubeReservedMemoryMiB } from "../lib/eks/kubelet-reservations";
import { mimeUserData, nodeConfig } from "../lib/eks/node-user-data";
import { SYSTEM_WORKLOADS, systemCapacityProblem } from "../lib/eks/system-workloads";

describe("kube-reserved CPU (EKS AMI / GKE tiers: 6 %, 1 %, 0.5 % x 2, 0.25 % above 4 cores)", () => {
  it.each([
    [1, 60],
    [2, 70],
    [4, 80],
    [8, 90],
    [16, 110],
    [64, 230],
  ])("%i vCPU -> %i millicores", (vcpus, millicores) => {
    expect(kubeReservedCpuMillicores(vcpus)).toBe(millicores);
  });
});

describe("kube-reserved memory (EKS AMI: 255 MiB + 11 MiB per pod)", () => {
  it.each([
    [17, 442],
    [29, 574],
    [58, 893],
    [110, 1465],
  ])("max pods %i -> %i MiB", (maxPods, mib) => {
    expect(kubeReservedMemoryMiB(maxPods)).toBe(mib);
  });
});

describe("kubeletReservations", () => {
  it("sizes an m5.large: reservations, eviction thresholds and what is left for pods", () => {
    expect(kubeletReservations(instanceTypeFacts("m5.large")!)).toEqual({
      kubeReserved: { cpu: "70m", memory: "574Mi", "ephemeral-storage": "1Gi" },
      systemReserved: { cpu: "100m", memory: "100Mi", "ephemeral-storage": "1Gi" },
      evictionHard: { "memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%", "imagefs.available": "15%" },
      allocatable: { cpuMillicores: 1830, memoryMiB: 7418 },
    });
  });

  it("reserves more on larger nodes and never hands pods the whole machine", () => {
    for (const [name, facts] of Object.entries(INSTANCE_TYPES)) {
      const { allocatable } = kubeletReservations(facts);
      expect([name, allocatable.cpuMillicores < facts.vcpus * 1000, allocatable.memoryMiB < facts.memoryMiB]).toEqual([name, true, true]);
      expect(allocatable.memoryMiB / facts.memoryMiB).toBeGreaterThan(0.8);
    }
    const large = kubeletReservations(instanceTypeFacts("m6i.large")!);
    const xlarge = kubeletReservations(instanceTypeFacts("m6i.2xlarge")!);
    expect(Number.parseInt(xlarge.kubeReserved.cpu, 10)).toBeGreaterThan(Number.parseInt(large.kubeReserved.cpu, 10));
    expect(Number.parseInt(xlarge.kubeReserved.memory, 10)).toBeGreaterThan(Number.parseInt(large.kubeReserved.memory, 10));
  });
});

describe("spot group instance types", () => {
  it("accepts types of one size and architecture", () => {
    expect(sameSizeProblem(["m5.large", "m5a.large", "m6i.large", "m7i.large"])).toBeUndefined();
  });
  it.each([
    [["m5.large", "m5.xlarge", "m6i.large"], /mixes sizes \(m5.large: 2 vCPU \/ 8 GiB \/ x86_64, m5.xlarge: 4 vCPU/],
    [["m5.large", "m6g.large", "m6i.large"], /mixes sizes .*arm64/],
    [["m5.large", "c5.large", "r5.large"], /mixes sizes/],
    [["m5.large", "t2.micro"], /t2.micro not in the curated table of lib\/eks\/instance-types.ts/],
    [["m5.large", "m5.large", "m6i.large"], /lists m5.large twice/],
  ])("refuses %j", (types, message) => {
    expect(sameSizeProblem(types)).toMatch(message);
  });
});

describe("system node group capacity", () => {
  it("documents requests for every system workload", () => {
    expect(SYSTEM_WORKLOADS.map((w) => w.name)).toEqual([
      "coredns",
      "aws-node-termination-handler",
      "aws-node (vpc-cni)",
      "kube-proxy",
      "eks-pod-identity-agent",
    ]);
  });
  it("requires two nodes so that one can be lost", () => {
    expect(systemCapacityProblem("m6i.large", 1)).toMatch(/at least 2/);
    expect(systemCapacityProblem("m6i.large", 2)).toBeUndefined();
  });
});

describe("nodeadm NodeConfig user data", () => {
  const reservations = kubeletReservations(instanceTypeFacts("m5.xlarge")!);

  it("joins a self-managed node with the cluster details and registers its labels and taints", () => {
    const text = nodeConfig(
      {
        reservations,
        maxPods: 58,
        labels: { "node-lifecycle": "spot" },
        taints: [{ key: "node-lifecycle", value: "spot", effect: "NoSchedule" }],
      },
      {
        name: "prod-eks",
        apiServerEndpoint: "https://EXAMPLE.eks.amazonaws.com",
        certificateAuthority: "Q0E=",
        serviceCidr: "172.20.0.0/16",
      },
    );
    expect(text).toBe(`---
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    name: prod-eks
    apiServerEndpoint: https://EXAMPLE.eks.amazonaws.com
    certificateAuthority: Q0E=
    cidr: 172.20.0.0/16
  kubelet:
    config:
      maxPods: 58
      kubeReserved:
        cpu: 80m
        memory: 893Mi
        ephemeral-storage: 1Gi
      systemReserved:
        cpu: 100m
        memory: 100Mi
        ephemeral-storage: 1Gi
      evictionHard:
        memory.available: 100Mi
        nodefs.available: 10%
        nodefs.inodesFree: 5%
        imagefs.available: 15%
    flags:
      - --node-labels=node-lifecycle=spot
      - --register-with-taints=node-lifecycle=spot:NoSchedule
`);
  });

  it("wraps the kubelet-only NodeConfig of a managed group in MIME multipart", () => {
    const text = mimeUserData(nodeConfig({ reservations, maxPods: 58 }));
    expect(text).toMatch(
      /^MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary=NODEADM-BOUNDARY\n\n--NODEADM-BOUNDARY\nContent-Type: application\/node.eks.aws\n/,
    );
    expect(text).not.toMatch(/cluster:/);
    expect(text.trimEnd().endsWith("--NODEADM-BOUNDARY--")).toBe(true);
    expect(text).not.toContain('"');
  });
});
