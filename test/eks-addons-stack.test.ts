import { type App, Testing } from "cdktf";
import { addEnvironmentStacks } from "../stacks";
import chart from "./fixtures/nth-chart-values.json";
import { fixtureEnvironment, onlyResource, snapshotOf, stackOf, synthEnvironment } from "./helpers";

const environment = fixtureEnvironment("prod");
const stack = stackOf(synthEnvironment(environment), "eks-addons");
const release = onlyResource(stack, "helm_release");
const values = JSON.parse((release.values as string[])[0]!) as Record<string, unknown>;

describe("prod-eks-addons", () => {
  it("matches the reviewed snapshot", () => {
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  it("configures Helm from data sources that look the cluster up by its name, nothing from another stack's state", () => {
    const data = stack.terraform.data as Record<string, Record<string, { name: string }>>;
    expect(Object.values(data.aws_eks_cluster!).map((d) => d.name)).toEqual(["prod-eks"]);
    expect(Object.values(data.aws_eks_cluster_auth!).map((d) => d.name)).toEqual(["prod-eks"]);
    expect(data.terraform_remote_state).toBeUndefined();
    const helm = (stack.terraform.provider as Record<string, { kubernetes: Record<string, string> }[]>).helm![0]!;
    expect(helm.kubernetes).toEqual({
      host: expect.stringMatching(/^\$\{data\.aws_eks_cluster\.[^.]+\.endpoint\}$/),
      cluster_ca_certificate: expect.stringMatching(
        /^\$\{base64decode\(data\.aws_eks_cluster\.[^.]+\.certificate_authority\[0\]\.data\)\}$/,
      ),
      token: expect.stringMatching(/^\$\{data\.aws_eks_cluster_auth\.[^.]+\.token\}$/),
    });
  });

  it("deploys after prod-eks", () => {
    const app = Testing.app() as App;
    const stacks = addEnvironmentStacks(app, environment);
    const addons = stacks.find((s) => s.node.id === "prod-eks-addons")!;
    expect(addons.dependencies.map((d) => d.node.id)).toContain("prod-eks");
    expect(stacks.map((s) => s.node.id).filter((id) => id.includes("eks"))).toEqual(["prod-eks", "prod-eks-addons"]);
  });

  it("installs the pinned chart from its OCI registry into kube-system", () => {
    expect(release).toMatchObject({
      name: "aws-node-termination-handler",
      repository: "oci://public.ecr.aws/aws-ec2/helm",
      chart: "aws-node-termination-handler",
      version: environment.eks!.terminationHandler!.chartVersion,
      namespace: "kube-system",
      atomic: true,
    });
    expect(String(release.version)).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("runs the handler in queue-processor mode on the environment's queue, checking the managed tag", () => {
    expect(values).toMatchObject({
      enableSqsTerminationDraining: true,
      queueURL: "https://sqs.eu-west-1.amazonaws.com/111122223333/prod-eks-spot-interruptions",
      awsRegion: "eu-west-1",
      checkTagBeforeDraining: true,
      managedTag: "aws-node-termination-handler/managed",
      serviceAccount: { create: true, name: "aws-node-termination-handler" },
    });
    expect(values.heartbeatInterval).toBeUndefined();
  });

  it("sets only keys the pinned chart has, none deprecated and none of IMDS mode (chart 0.27.6 values.yaml)", () => {
    expect(release.version).toBe(chart.chartVersion);
    const keys = Object.keys(values);
    expect(keys.filter((key) => !chart.keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => key in chart.deprecated)).toEqual([]);
    expect(keys.filter((key) => chart.imdsModeOnly.includes(key))).toEqual([]);
    for (const replacement of Object.values(chart.deprecated)) expect(keys).toContain(replacement);
  });

  it("keeps a message whose node it cannot read, so a lifecycle action never completes undrained", () => {
    // pkg/interruptionevent/draincordon/handler.go (v1.25.6): with true, any error reading the node runs the
    // post-drain task, which completes the Auto Scaling lifecycle action and deletes the message.
    expect(values.deleteSqsMsgIfNodeNotFound).toBe(false);
  });

  it("checks the tag that the self-managed groups propagate to their instances", () => {
    const eks = stackOf(synthEnvironment(environment), "eks");
    const groups = Object.values(eks.terraform.resource?.aws_autoscaling_group ?? {}) as {
      tag: { key: string; propagate_at_launch: boolean }[];
    }[];
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups)
      expect(group.tag).toContainEqual(expect.objectContaining({ key: values.managedTag, propagate_at_launch: true }));
  });

  it("keeps two replicas on the system node group with a disruption budget", () => {
    expect(values).toMatchObject({
      replicas: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      nodeSelector: { "workload-class": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
      resources: { requests: { cpu: "50m", memory: "64Mi" } },
    });
  });
});
