import { runnerLabel } from "../lib/ci/codebuild-runner";
import { PLAN_ACCESS_POLICIES } from "../lib/eks/cluster-access";
import { eksTokenExec } from "../lib/eks/kubernetes-token";
import { ciRunnerProjectName, TERMINATION_HANDLER_NAMESPACE } from "../stacks/eks-stack";
import { eksEnvironmentYaml, environmentFromYaml, fixtureEnvironment, onlyResource, resources, stackOf, synthEnvironment } from "./helpers";

// Issue #18 item 3 (every layer reachable) and the EKS side of item 1 (a read-only plan role), on the
// synthesized prod fixture: a runner with eks.ciRunner, eks.privateEndpointAccess and aws.planRoleArn.

const environment = fixtureEnvironment("prod");
const stack = stackOf(synthEnvironment(environment), "eks");
const eks = environment.eks!;
const PROJECT = ciRunnerProjectName(environment.name);
const ref = (type: string, name: string, attribute = "id") => `\${${type}.${name}.${attribute}}`;
const nameOf = (type: string, predicate: (r: Record<string, unknown>) => boolean) => {
  const found = Object.entries(resources(stack, type)).filter(([, r]) => predicate(r));
  if (found.length !== 1) throw new Error(`expected one matching ${type}, found ${found.length}`);
  return found[0]![0];
};
const runnerGroup = nameOf("aws_security_group", (g) => g.name === PROJECT);
const clusterGroup = nameOf("aws_security_group", (g) => g.name === "prod-eks-cluster");
const nodeGroup = nameOf("aws_security_group", (g) => g.name === "prod-eks-node");
const rulesOf = (type: string, group: string) =>
  Object.values(resources(stack, type)).filter((r) => r.security_group_id === ref("aws_security_group", group));

describe("prod-eks CI runner (issue #18 item 3)", () => {
  const project = onlyResource(stack, "aws_codebuild_project");

  it("is a CodeBuild project in the cluster's private subnets with its own security group", () => {
    const cluster = onlyResource(stack, "aws_eks_cluster") as { vpc_config: { subnet_ids: string[] } };
    expect(project).toMatchObject({
      name: PROJECT,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: { type: "LINUX_CONTAINER", privileged_mode: false },
      vpc_config: {
        subnets: cluster.vpc_config.subnet_ids,
        security_group_ids: [ref("aws_security_group", runnerGroup)],
      },
    });
    // The cluster runs in the private subnets; the runner starts where the cluster's interfaces are.
    expect(cluster.vpc_config.subnet_ids.every((s) => s.includes("_private-"))).toBe(true);
  });

  it("takes jobs of the configured repository through the GitHub connection, answering queued workflow jobs", () => {
    expect(project).toMatchObject({
      source: {
        type: "GITHUB",
        location: `https://${environment.repository}`,
        auth: { type: "CODECONNECTIONS", resource: eks.ciRunner!.connectionArn },
      },
    });
    expect(onlyResource(stack, "aws_codebuild_webhook")).toEqual({
      "//": expect.anything(),
      project_name: ref(
        "aws_codebuild_project",
        nameOf("aws_codebuild_project", () => true),
        "name",
      ),
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
    });
  });

  it("exports its project name and runs-on label, with the GitHub expressions escaped from Terraform", () => {
    const outputs = stack.terraform.output!;
    expect(outputs.ci_runner_project_name!.value).toBe(
      ref(
        "aws_codebuild_project",
        nameOf("aws_codebuild_project", () => true),
        "name",
      ),
    );
    // "$${" is Terraform JSON's escape for a literal "${"; the output's value is the label GitHub reads.
    expect(outputs.ci_runner_label!.value).toBe(`codebuild-${PROJECT}-$\${{ github.run_id }}-$\${{ github.run_attempt }}`);
  });

  it("opens no port to the runner and lets it out on 443 only", () => {
    expect(rulesOf("aws_vpc_security_group_ingress_rule", runnerGroup)).toEqual([]);
    expect(rulesOf("aws_vpc_security_group_egress_rule", runnerGroup)).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
    ]);
    expect(resources(stack, "aws_security_group")[runnerGroup]).not.toHaveProperty("ingress");
    expect(resources(stack, "aws_security_group")[runnerGroup]).not.toHaveProperty("egress");
  });

  it("admits to the API endpoint on 443 only the nodes, the runner and the configured groups and ranges, and keeps the public endpoint off", () => {
    const ingress = rulesOf("aws_vpc_security_group_ingress_rule", clusterGroup);
    for (const rule of ingress) expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443 });
    const sources = ingress.map((r) => r.referenced_security_group_id ?? r.cidr_ipv4).sort();
    expect(sources).toEqual(
      [
        ref("aws_security_group", nodeGroup),
        ref("aws_security_group", runnerGroup),
        ...eks.privateEndpointAccess!.securityGroupIds,
        ...eks.privateEndpointAccess!.cidrs,
      ].sort(),
    );
    expect(onlyResource(stack, "aws_eks_cluster")).toMatchObject({
      vpc_config: { endpoint_private_access: true, endpoint_public_access: false },
    });
  });

  it("writes its logs to a log group encrypted with its own key, created before the project", () => {
    const group = nameOf("aws_cloudwatch_log_group", (g) => g.name === `/aws/codebuild/${PROJECT}`);
    const key = nameOf("aws_kms_key", (k) => (k.tags as Record<string, string>).Name === PROJECT);
    expect(resources(stack, "aws_cloudwatch_log_group")[group]).toMatchObject({
      kms_key_id: ref("aws_kms_key", key, "arn"),
      retention_in_days: eks.ciRunner!.logRetentionDays,
    });
    expect(project).toMatchObject({ logs_config: { cloudwatch_logs: { status: "ENABLED", group_name: `/aws/codebuild/${PROJECT}` } } });
    expect(project.depends_on).toContain(`aws_cloudwatch_log_group.${group}`);
  });

  it("runs as a service role trusted by CodeBuild for this project only, able to write its logs and attach its interfaces, nothing more", () => {
    const roleName = nameOf("aws_iam_role", (r) => r.name === `${PROJECT}-service`);
    expect(project.service_role).toBe(ref("aws_iam_role", roleName, "arn"));
    const data = stack.terraform.data as Record<string, Record<string, { statement: Record<string, unknown>[] }>>;
    const documents = data.aws_iam_policy_document!;
    const trust = Object.entries(documents).find(([name]) => name.startsWith("ci-runner_assume-role-policy"))![1];
    expect(trust.statement).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [environment.aws.accountId] },
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: [`arn:aws:codebuild:${environment.aws.region}:${environment.aws.accountId}:project/${PROJECT}`],
          },
        ],
      }),
    ]);
    const permissions = Object.entries(documents).find(([name]) => name.startsWith("ci-runner_policy-document"))![1];
    const actions = permissions.statement.flatMap((s) => s.actions as string[]).sort();
    expect(actions).toEqual(
      [
        "codeconnections:GetConnection",
        "codeconnections:GetConnectionToken",
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ].sort(),
    );
    // Only Describe calls (which take no resource) on "*"; the interface permission only for CodeBuild in these subnets.
    for (const statement of permissions.statement) {
      if ((statement.resources as string[]).includes("*")) {
        expect((statement.actions as string[]).every((a) => a.startsWith("ec2:Describe"))).toBe(true);
      }
    }
    const attach = permissions.statement.find((s) => (s.actions as string[]).includes("ec2:CreateNetworkInterfacePermission"))!;
    expect(attach.condition).toEqual(
      expect.arrayContaining([{ test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] }]),
    );
    expect(project.depends_on).toContain(`aws_iam_role_policy.${nameOf("aws_iam_role_policy", (p) => p.name === "runner")}`);
  });
});

describe("prod-eks plan role (issue #18 item 1, EKS side)", () => {
  const planRole = environment.aws.planRoleArn!;
  const entries = Object.entries(resources(stack, "aws_eks_access_entry")).filter(([, e]) => e.principal_arn === planRole);
  const associations = Object.values(resources(stack, "aws_eks_access_policy_association")).filter(
    (a) => a.principal_arn === ref("aws_eks_access_entry", entries[0]?.[0] ?? "none", "principal_arn"),
  );

  it("gets one STANDARD access entry with read-only policies scoped to the Helm release namespaces, never cluster-admin", () => {
    expect(entries.map(([, e]) => e.type)).toEqual(["STANDARD"]);
    expect(associations.map((a) => a.policy_arn).sort()).toEqual(
      PLAN_ACCESS_POLICIES.map((p) => `arn:aws:eks::aws:cluster-access-policy/${p}`).sort(),
    );
    for (const association of associations) {
      expect(association.access_scope).toEqual({ type: "namespace", namespaces: [TERMINATION_HANDLER_NAMESPACE] });
    }
    expect(eks.adminRoleArns).not.toContain(planRole);
  });

  it("reads Helm's release records where the eks-addons stack installs its releases", () => {
    const addons = stackOf(synthEnvironment(environment), "eks-addons");
    const namespaces = Object.values(resources(addons, "helm_release")).map((r) => r.namespace);
    expect([...new Set(namespaces)]).toEqual([TERMINATION_HANDLER_NAMESPACE]);
  });
});

describe("an EKS environment without a runner, an allow list or a plan role", () => {
  const plain = stackOf(
    synthEnvironment(
      environmentFromYaml(
        eksEnvironmentYaml(`  selfManagedSpotNodeGroups:
    - { name: workers, instanceTypes: [m5.xlarge, m5a.xlarge, m6i.xlarge], minSize: 1, maxSize: 3, desiredSize: 1 }
`),
      ),
    ),
    "eks",
  );

  it("has no CodeBuild project, no extra API ingress and no plan-role entry", () => {
    expect(resources(plain, "aws_codebuild_project")).toEqual({});
    expect(resources(plain, "aws_codebuild_webhook")).toEqual({});
    const ingress = Object.values(resources(plain, "aws_vpc_security_group_ingress_rule")).filter((r) => r.from_port === 443);
    expect(ingress.map((r) => r.description)).toEqual([
      "Kubelets and pods on the nodes call the Kubernetes API server",
      "API server to admission webhooks and aggregated APIs served by pods",
    ]);
    expect(Object.values(resources(plain, "aws_eks_access_policy_association")).map((a) => a.policy_arn)).toEqual([
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    ]);
    expect(plain.terraform.output?.ci_runner_label).toBeUndefined();
  });
});

describe("a plan role on a cluster without Helm releases", () => {
  it("gets no access entry: no plan of this cluster talks to Kubernetes", () => {
    const yaml = eksEnvironmentYaml(`  managedSpotNodeGroups:
    - { name: spot, instanceTypes: [m5.large, m5a.large, m6i.large], minSize: 0, maxSize: 5, desiredSize: 1 }
`).replace(
      'aws: { region: eu-west-1, accountId: "111122223333" }',
      'aws: { region: eu-west-1, accountId: "111122223333", planRoleArn: "arn:aws:iam::111122223333:role/plan" }',
    );
    const environmentWithPlanRole = environmentFromYaml(yaml);
    expect(environmentWithPlanRole.aws.planRoleArn).toBe("arn:aws:iam::111122223333:role/plan");
    const synthesized = synthEnvironment(environmentWithPlanRole);
    expect(synthesized.map((s) => s.name)).toEqual(["test-network", "test-eks"]);
    const principals = Object.values(resources(stackOf(synthesized, "eks"), "aws_eks_access_entry")).map((e) => e.principal_arn);
    expect(principals).not.toContain("arn:aws:iam::111122223333:role/plan");
  });
});

describe("pure helpers", () => {
  it("labels a job for a project the way CodeBuild matches it", () => {
    expect(runnerLabel("prod-eks-ci-runner")).toBe(`codebuild-prod-eks-ci-runner-\${{ github.run_id }}-\${{ github.run_attempt }}`);
  });

  it("takes the token with the caller's credentials, or as the role the AWS provider assumes", () => {
    expect(eksTokenExec({ clusterName: "dev-eks", region: "eu-west-1" }).args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "dev-eks",
      "--region",
      "eu-west-1",
      "--output",
      "json",
    ]);
    expect(eksTokenExec({ clusterName: "dev-eks", region: "eu-west-1", roleArn: "arn:aws:iam::111122223333:role/x" }).args).toContain(
      "--role-arn",
    );
  });
});
