import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MEASURE_FONT, toDot } from "../tools/review/diagram/dot";
import { diagramFiles } from "../tools/review/diagram/files";
import { buildDiagram, type Diagram, type DiagramNode } from "../tools/review/diagram/graph";
import { DISPLAY_FONTS, renderSvg } from "../tools/review/diagram/render";
import { type Resource, readSynthOutput, referencesOf, type StackJson } from "../tools/review/diagram/terraform";
import { configuredEnvironments, fixtureEnvironment, synthToDir } from "./helpers";

const DIAGRAMS_DIR = join(__dirname, "..", "docs", "diagrams");
const work = mkdtempSync(join(tmpdir(), "diagram-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The prod fixture synthesized the way main.ts does (manifest.json included: stack dependencies). */
let fixtureStacks: StackJson[];
let prod: Diagram;
beforeAll(() => {
  synthToDir([fixtureEnvironment("prod")], join(work, "fixtures"));
  fixtureStacks = readSynthOutput(join(work, "fixtures"));
  prod = buildDiagram(fixtureStacks, "prod");
});

const nodesOf = (diagram: Diagram, stack: string): readonly DiagramNode[] => diagram.stacks.find((s) => s.name === stack)?.nodes ?? [];
const node = (diagram: Diagram, stack: string, title: RegExp): DiagramNode => {
  const found = nodesOf(diagram, stack).filter((n) => title.test(n.title));
  if (found.length !== 1)
    throw new Error(`expected one node titled ${title} in ${stack}, found ${found.map((n) => n.title).join(", ") || "none"}`);
  return found[0]!;
};
const edge = (diagram: Diagram, from: DiagramNode, to: DiagramNode) => diagram.edges.find((e) => e.from === from.id && e.to === to.id);

describe("diagram of the prod fixture", () => {
  it("has one cluster per stack of the environment, upstream first", () => {
    expect(prod.stacks.map((s) => s.name)).toEqual(["prod-network", "prod-ecs", "prod-eks", "prod-eks-addons"]);
    const dot = toDot(prod);
    expect(dot).toContain('subgraph "cluster_prod-network" {');
    expect(dot).toContain('subgraph "cluster_prod-ecs" {');
  });

  it("draws one node per subnet tier listing every zone and CIDR, not a node per subnet or route-table association", () => {
    const tiers = nodesOf(prod, "prod-network").filter((n) => /subnets$/.test(n.title));
    expect(tiers.map((n) => n.title).sort()).toEqual(["intra subnets", "private subnets", "public subnets"]);
    expect(node(prod, "prod-network", /^private subnets$/).lines).toEqual([
      "eu-west-1a  10.30.0.0/20",
      "eu-west-1b  10.30.16.0/20",
      "eu-west-1c  10.30.32.0/20",
    ]);
    const titles = prod.stacks.flatMap((s) => s.nodes.map((n) => n.title)).join("\n");
    expect(titles).not.toMatch(/route table|association|iam|security group|policy document/i);
  });

  it("shows NAT gateways per zone with the private tier routing to them, and flow logs to their destinations", () => {
    const nat = node(prod, "prod-network", /NAT gateways$/);
    expect(nat.title).toBe("3 NAT gateways");
    expect(edge(prod, node(prod, "prod-network", /^private subnets$/), nat)?.label).toBe("0.0.0.0/0");
    const flowLogs = node(prod, "prod-network", /^VPC flow logs$/);
    expect(edge(prod, flowLogs, node(prod, "prod-network", /^S3 bucket prod-vpc-flow-logs/))?.label).toBe("parquet files");
    expect(edge(prod, flowLogs, node(prod, "prod-network", /^Log group /))?.label).toBe("cloud-watch-logs");
    expect(node(prod, "prod-network", /^Interface endpoints$/).lines).toContain("ingress from 10.30.0.0/16: tcp/443");
  });

  it("labels each load balancer with its kind, scheme and listeners", () => {
    const alb = node(prod, "prod-ecs", /^ALB prod-alb$/);
    expect(alb.lines).toEqual(expect.arrayContaining(["internet-facing", "ingress from 0.0.0.0/0: tcp/443, tcp/80"]));
    // One shared ALB per scheme (issue 19): the internal one admits the VPC only.
    const internal = node(prod, "prod-ecs", /^ALB prod-internal-alb$/);
    expect(internal.lines).toEqual(expect.arrayContaining(["internal", "ingress from 10.30.0.0/16: tcp/443, tcp/80"]));
    expect(alb.lines.join("\n")).toMatch(/listeners: HTTP :80 → redirect to HTTPS :443, HTTPS :443 \(TLS13-1-3-2021-06\) → else 404/);
    const nlb = node(prod, "prod-ecs", /^NLB /);
    expect(nlb.lines).toEqual(expect.arrayContaining(["internal", "listeners: TCP :9000 (idle 350 s)"]));
  });

  it("draws load balancer -> target group -> service, with the listener or rule on the first edge", () => {
    for (const [lb, service, label] of [
      [/^ALB prod-alb$/, /^ECS service api$/, "host api.example.com\npriority 100"],
      [/^ALB prod-internal-alb$/, /^ECS service orders$/, "host orders.internal.example.com\npriority 100"],
      [/^NLB /, /^ECS service ingest$/, "TCP :9000"],
    ] as const) {
      const svc = node(prod, "prod-ecs", service);
      const targetGroup = nodesOf(prod, "prod-ecs").find((n) => n.title.startsWith("Target group") && edge(prod, n, svc))!;
      expect(targetGroup).toBeDefined();
      expect(edge(prod, node(prod, "prod-ecs", lb), targetGroup)?.label).toBe(label);
    }
    // Alarms and scaling policies name the load balancer too; they are folded into the service and draw no edge.
    expect(edge(prod, node(prod, "prod-ecs", /^ALB prod-alb$/), node(prod, "prod-ecs", /^ECS service api$/))).toBeUndefined();
    expect(node(prod, "prod-ecs", /^ECS service api$/).lines).toEqual(
      expect.arrayContaining(["scales 3-30 tasks", "schedules: weekday-evening, weekday-peak"]),
    );
  });

  it("draws cross-stack edges through terraform_remote_state: subnets to load balancers, services, the cluster and its nodes", () => {
    const crossing = prod.edges.filter((e) => e.crossStack).map((e) => `${title(e.from)} -> ${title(e.to)}`);
    expect(crossing.sort()).toEqual(
      [
        "private subnets -> ALB prod-internal-alb",
        "private subnets -> Auto Scaling group prod-eks-spot-workers",
        "private subnets -> ECS service api",
        "private subnets -> ECS service billing",
        "private subnets -> ECS service ingest",
        "private subnets -> ECS service orders",
        "private subnets -> EKS cluster prod-eks",
        "private subnets -> Managed node group prod-eks-spot-general",
        "private subnets -> Managed node group prod-eks-system",
        "private subnets -> NLB prod-ingest-nlb",
        "private subnets -> CI runner (CodeBuild) prod-eks-ci-runner",
        "public subnets -> ALB prod-alb",
      ].sort(),
    );
    // eks-addons reads the cluster by name, not through remote state: the stack order is drawn between the clusters.
    expect(prod.stackEdges).toEqual([{ from: "prod-eks", to: "prod-eks-addons" }]);
  });

  it("draws the EKS cluster with its add-ons, node groups with capacity type, and the interruption events to the queue", () => {
    const cluster = node(prod, "prod-eks", /^EKS cluster /);
    expect(cluster.lines.join("\n")).toMatch(/add-ons: coredns/);
    const spot = node(prod, "prod-eks", /^Managed node group prod-eks-spot-general$/);
    expect(spot.lines[0]).toMatch(/^spot, \d+-\d+ nodes$/);
    expect(edge(prod, cluster, spot)).toBeDefined();
    const rules = node(prod, "prod-eks", /EventBridge rules$/);
    expect(edge(prod, rules, node(prod, "prod-eks", /^SQS queue /))?.label).toBe("events");
  });

  it("draws publishers -> topics -> queues -> workers: raw (filtered) delivery, the queue to the worker that scales on it, redrive to the DLQ", () => {
    const topic = node(prod, "prod-ecs", /^SNS topic prod-orders$/);
    expect(topic.lines).toContain("encrypted");
    const queue = node(prod, "prod-ecs", /^SQS queue prod-billing$/);
    const dlq = node(prod, "prod-ecs", /^SQS queue prod-billing-dlq$/);
    const worker = node(prod, "prod-ecs", /^ECS service billing$/);
    expect(edge(prod, topic, queue)?.label).toBe("raw, filtered");
    expect(edge(prod, node(prod, "prod-ecs", /^ECS service api$/), topic)?.label).toBe("publishes");
    expect(edge(prod, queue, worker)).toBeDefined();
    expect(edge(prod, queue, dlq)?.label).toMatch(/^after \d+ receives$/);
    expect(worker.lines.join("\n")).toMatch(/target tracking: backlog per task \d+/);
  });

  it("is deterministic: the same stacks give the same DOT", () => {
    expect(toDot(buildDiagram(fixtureStacks, "prod"))).toBe(toDot(prod));
  });
});

function title(id: string): string {
  return prod.stacks.flatMap((s) => s.nodes).find((n) => n.id === id)!.title;
}

describe("diagram builder on hand-written stacks", () => {
  const stack = (name: string, terraform: Record<string, unknown>, dependencies: string[] = []): StackJson => ({
    name,
    dependencies,
    terraform,
  });

  it("keeps to one environment, draws a type it does not know as a plain node, and a stack dependency without resource edges between the clusters", () => {
    const tagged = (env: string) => ({ aws: [{ default_tags: [{ tags: { environment: env } }] }] });
    const stacks = [
      stack("qa-network", { provider: tagged("qa"), resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } } }),
      stack("qa-extra", { provider: tagged("qa"), resource: { aws_ses_configuration_set: { alarms: { name: "qa-alarms" } } } }, [
        "qa-network",
      ]),
      stack("qa-other-network", { provider: tagged("qa-other"), resource: { aws_vpc: { v: { cidr_block: "10.1.0.0/16" } } } }),
    ];
    const diagram = buildDiagram(stacks, "qa");
    // Stacks belong to the environment their provider tags name, so qa-other-network is not qa's.
    expect(diagram.stacks.map((s) => s.name)).toEqual(["qa-network", "qa-extra"]);
    expect(nodesOf(diagram, "qa-extra").map((n) => n.title)).toEqual(["ses configuration set qa-alarms"]);
    expect(diagram.stackEdges).toEqual([{ from: "qa-network", to: "qa-extra" }]);
    expect(toDot(diagram)).toMatch(/ltail="cluster_qa-network", lhead="cluster_qa-extra"/);
  });

  it("reads references inside JSON strings, ignores Terraform's $${ escape, and keeps depends_on apart", () => {
    const resource: Resource = {
      stack: "s",
      type: "aws_ecs_task_definition",
      name: "t",
      address: "aws_ecs_task_definition.t",
      path: "s/t",
      attributes: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation inside a JSON string
        container_definitions: JSON.stringify([{ image: "${aws_ecr_repository.r.repository_url}:1" }]),
        log_format: "$${aws_vpc.v.id}",
        depends_on: ["aws_iam_role.x"],
      },
    };
    const declared = new Set(["aws_ecr_repository.r", "aws_vpc.v", "aws_iam_role.x"]);
    expect(referencesOf(resource, declared, () => [])).toEqual([
      { attribute: "container_definitions", target: "aws_ecr_repository.r" },
      { attribute: "depends_on", target: "aws_iam_role.x" },
    ]);
  });
});

describe("docs/diagrams", () => {
  it("match the configured environments (run `npm run diagram` after changing stacks or environments)", async () => {
    synthToDir(configuredEnvironments(), join(work, "configured"));
    const files = await diagramFiles(readSynthOutput(join(work, "configured")));
    const committed = readdirSync(DIAGRAMS_DIR).filter((name) => /\.(dot|svg)$/.test(name));
    expect(committed.sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      // One file at a time, so a failure names the stale diagram.
      expect({ name, upToDate: readFileSync(join(DIAGRAMS_DIR, name), "utf8") === text }).toEqual({ name, upToDate: true });
    }
  }, 30_000);
});

describe("diagram fonts", () => {
  it("measures labels with the widest likely fallback font and draws with a stack, so text fits where Helvetica is missing", async () => {
    const tags = { aws: [{ default_tags: [{ tags: { environment: "qa" } }] }] };
    const diagram = buildDiagram(
      [
        {
          name: "qa-network",
          dependencies: [],
          terraform: { provider: tags, resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } } },
        },
      ],
      "qa",
    );
    const dot = toDot(diagram);
    expect([...dot.matchAll(/fontname="([^"]*)"/g)].map((m) => m[1])).toEqual([MEASURE_FONT, MEASURE_FONT, MEASURE_FONT]);
    const svg = await renderSvg(dot);
    const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    expect([...families]).toEqual([DISPLAY_FONTS]);
  });
});
