import { interruptionEventRules } from "../lib/spot-interruption/event-patterns";
import { MESSAGE_RETENTION_SECONDS } from "../lib/spot-interruption/spot-interruption-queue";
import {
  eksEnvironmentYaml,
  environmentFromYaml,
  fixtureEnvironment,
  onlyResource,
  resources,
  snapshotOf,
  stackOf,
  synthEnvironment,
} from "./helpers";

const environment = fixtureEnvironment("prod");
const stacks = synthEnvironment(environment);
const stack = stackOf(stacks, "eks");
const eks = environment.eks!;
const GROUP = `prod-eks-${eks.selfManagedSpotNodeGroups[0]!.name}`;
const byName = (type: string, name: string) => {
  const found = Object.values(resources(stack, type)).find((r) => r.name === name || r.node_group_name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};

describe("prod-eks", () => {
  it("matches the reviewed snapshot", () => {
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  it("runs the configured version with API authentication, a private endpoint, encrypted secrets and all five log types", () => {
    const cluster = onlyResource(stack, "aws_eks_cluster");
    expect(cluster).toMatchObject({
      name: "prod-eks",
      version: eks.version,
      access_config: { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
      bootstrap_self_managed_addons: false,
      deletion_protection: true,
      enabled_cluster_log_types: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryption_config: { resources: ["secrets"] },
      kubernetes_network_config: { service_ipv4_cidr: "172.20.0.0/16" },
      vpc_config: { endpoint_private_access: true, endpoint_public_access: false },
    });
    expect(String((cluster.encryption_config as { provider: { key_arn: string } }).provider.key_arn)).toMatch(/aws_kms_key\..+\.arn/);
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]));
  });

  it("keeps control-plane logs encrypted for the configured retention, and rotates the key", () => {
    expect(byName("aws_cloudwatch_log_group", "/aws/eks/prod-eks/cluster")).toMatchObject({
      retention_in_days: eks.logRetentionDays,
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const clusterKey = Object.values(resources(stack, "aws_kms_key")).find((k) => (k.tags as Record<string, string>).Name === "prod-eks");
    expect(clusterKey).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(onlyResource(stack, "aws_eks_cluster")).toMatchObject({ lifecycle: { prevent_destroy: true } });
  });

  it("gives the configured roles cluster-admin through access entries, and only the self-managed node role an EC2_LINUX entry", () => {
    // The plan role's read-only entry is test/ci-runner.test.ts's subject.
    const entries = Object.values(resources(stack, "aws_eks_access_entry")).filter((e) => e.principal_arn !== environment.aws.planRoleArn);
    expect(entries.filter((e) => e.type === "STANDARD").map((e) => e.principal_arn)).toEqual(eks.adminRoleArns);
    // EKS creates the entry of a managed node group's role itself: an explicit one races it (409) or, shared
    // with self-managed groups, disappears with the last of them.
    const roleOf = (arn: unknown) => String(arn).replace(/^\$\{aws_iam_role\.(.+)\.arn\}$/, "$1");
    const roles = resources(stack, "aws_iam_role");
    const nodeEntries = entries.filter((e) => e.type === "EC2_LINUX");
    expect(nodeEntries.map((e) => roles[roleOf(e.principal_arn)]?.name)).toEqual(["prod-eks-self-managed-node"]);
    const managedRoles = new Set(Object.values(resources(stack, "aws_eks_node_group")).map((g) => roleOf(g.node_role_arn)));
    expect([...managedRoles].map((r) => roles[r]?.name)).toEqual(["prod-eks-node"]);
    const profile = onlyResource(stack, "aws_iam_instance_profile");
    expect(profile).toMatchObject({ name: "prod-eks-self-managed-node" });
    expect(roleOf(String(profile.role).replace(".name}", ".arn}"))).toBe(roleOf(nodeEntries[0]!.principal_arn));
    const associations = Object.values(resources(stack, "aws_eks_access_policy_association"));
    for (const association of associations.filter((a) => !String(a.principal_arn).includes("access_plan"))) {
      expect(association).toMatchObject({
        policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        access_scope: { type: "cluster" },
      });
    }
  });

  it("installs the four managed add-ons at the configured versions, CoreDNS on the system nodes", () => {
    const addons: Record<string, Record<string, unknown>> = Object.fromEntries(
      Object.values(resources(stack, "aws_eks_addon")).map((a) => [String(a.addon_name), a]),
    );
    expect(Object.fromEntries(Object.entries(addons).map(([name, a]) => [name, a.addon_version]))).toEqual({
      "vpc-cni": eks.addons.vpcCni,
      coredns: eks.addons.coredns,
      "kube-proxy": eks.addons.kubeProxy,
      "eks-pod-identity-agent": eks.addons.podIdentityAgent,
    });
    expect(JSON.parse(String(addons.coredns!.configuration_values))).toEqual({
      replicaCount: 2,
      nodeSelector: { "workload-class": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
    });
    expect((addons["vpc-cni"]!.pod_identity_association as { service_account: string }[])[0]!.service_account).toBe("aws-node");
  });

  it("describes every security-group rule and opens nothing to the internet", () => {
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      for (const rule of Object.values(resources(stack, type))) {
        expect(String(rule.description).length).toBeGreaterThan(20);
        // The characters EC2 accepts in a rule description (EC2 API reference, IpRange); anything else fails the apply.
        expect(String(rule.description)).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/);
        // Address ranges only where eks.privateEndpointAccess lists them (issue #18), never the internet.
        if (type.includes("ingress") && rule.cidr_ipv4 !== undefined) {
          expect(eks.privateEndpointAccess?.cidrs ?? []).toContain(rule.cidr_ipv4);
          expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
        }
      }
    }
  });

  it("runs the system group on demand, tainted for critical add-ons, sized to survive a node loss", () => {
    const group = byName("aws_eks_node_group", "prod-eks-system");
    expect(group).toMatchObject({
      capacity_type: "ON_DEMAND",
      labels: { "workload-class": "system" },
      taint: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
      lifecycle: { ignore_changes: ["scaling_config[0].desired_size"] },
    });
    expect((group.scaling_config as { min_size: number }).min_size).toBeGreaterThanOrEqual(2);
  });

  it("runs managed spot groups on SPOT with several types of one size, labelled, tainted as configured, desired size left to the autoscaler", () => {
    for (const settings of eks.managedSpotNodeGroups) {
      const group = byName("aws_eks_node_group", `prod-eks-${settings.name}`);
      expect(group.taint ?? []).toEqual(settings.tainted ? [{ key: "node-lifecycle", value: "spot", effect: "NO_SCHEDULE" }] : []);
      expect(group).toMatchObject({
        capacity_type: "SPOT",
        instance_types: settings.instanceTypes,
        labels: { "node-lifecycle": "spot" },
        ami_type: "AL2023_x86_64_STANDARD",
        // Schedules on the group's Auto Scaling group move min and max too: Terraform leaves those to them.
        lifecycle: {
          ignore_changes: settings.schedules.length
            ? ["scaling_config[0].desired_size", "scaling_config[0].min_size", "scaling_config[0].max_size"]
            : ["scaling_config[0].desired_size"],
        },
      });
      expect((group.instance_types as string[]).length).toBeGreaterThanOrEqual(3);
    }
  });

  it("schedules a managed group on the Auto Scaling group EKS created for it", () => {
    const settings = eks.managedSpotNodeGroups.find((g) => g.schedules.length > 0)!;
    const actions = Object.values(resources(stack, "aws_autoscaling_schedule")).filter((s) =>
      String(s.scheduled_action_name).startsWith(`prod-eks-${settings.name}-`),
    );
    expect(actions).toHaveLength(settings.schedules.length);
    for (const action of actions) {
      expect(action.autoscaling_group_name).toMatch(/^\$\{aws_eks_node_group\..+\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/);
      expect(action.time_zone).toBe("Europe/Dublin");
    }
  });

  it("gives every launch template IMDSv2 with hop limit 1, an encrypted gp3 root volume and kubelet reservations", () => {
    const templates = Object.values(resources(stack, "aws_launch_template"));
    expect(templates).toHaveLength(1 + eks.managedSpotNodeGroups.length + eks.selfManagedSpotNodeGroups.length);
    for (const template of templates) {
      expect(template.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
      });
      expect(template.block_device_mappings).toEqual([
        { device_name: "/dev/xvda", ebs: { delete_on_termination: "true", encrypted: "true", volume_size: 50, volume_type: "gp3" } },
      ]);
      expect(String(template.user_data)).toMatch(/kubeReserved:\\n {8}cpu: \d+m\\n {8}memory: \d+Mi/);
      expect(String(template.user_data)).toContain("evictionHard:");
    }
  });

  describe("self-managed spot group", () => {
    const settings = eks.selfManagedSpotNodeGroups[0]!;
    const group = byName("aws_autoscaling_group", `prod-eks-${settings.name}`);

    it("mixes instance types on price-capacity-optimized spot, 0 % on demand above the base, with capacity rebalance", () => {
      expect(group).toMatchObject({
        capacity_rebalance: true,
        min_size: settings.minSize,
        max_size: settings.maxSize,
        desired_capacity: settings.desiredSize,
        // The group has schedules, which move min and max too: Terraform leaves all three to them.
        lifecycle: { ignore_changes: ["desired_capacity", "min_size", "max_size"] },
        mixed_instances_policy: {
          instances_distribution: {
            on_demand_base_capacity: 0,
            on_demand_percentage_above_base_capacity: 0,
            spot_allocation_strategy: "price-capacity-optimized",
          },
          launch_template: { override: settings.instanceTypes.map((instance_type) => ({ instance_type })) },
        },
      });
    });

    it("rolls nodes on a launch template change, launching replacements before draining the old ones", () => {
      expect(group.instance_refresh).toEqual({
        strategy: "Rolling",
        preferences: { min_healthy_percentage: 100, max_healthy_percentage: 150, skip_matching: true, instance_warmup: "120" },
      });
    });

    it("holds terminating instances for the drain with a lifecycle hook", () => {
      expect(group.initial_lifecycle_hook).toEqual([
        {
          name: `prod-eks-${settings.name}-drain`,
          lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING",
          default_result: "CONTINUE",
          heartbeat_timeout: 300,
        },
      ]);
    });

    it("propagates the handler's managed tag and the environment's tags at launch", () => {
      const tags = Object.fromEntries((group.tag as { key: string; value: string; propagate_at_launch: boolean }[]).map((t) => [t.key, t]));
      expect(tags["aws-node-termination-handler/managed"]).toMatchObject({ propagate_at_launch: true });
      expect(tags.environment).toEqual({ key: "environment", value: "prod", propagate_at_launch: true });
      expect(tags["kubernetes.io/cluster/prod-eks"]).toMatchObject({ value: "owned", propagate_at_launch: true });
    });

    it("joins the cluster with a nodeadm NodeConfig naming the endpoint, CA and service CIDR", () => {
      const template = byName("aws_launch_template", `prod-eks-${settings.name}`);
      const userData = String(template.user_data);
      expect(userData).toMatch(/^\$\{base64encode\(/);
      expect(userData).toContain("kind: NodeConfig");
      expect(userData).toMatch(/apiServerEndpoint: \$\{aws_eks_cluster\..+\.endpoint\}/);
      expect(userData).toMatch(/certificateAuthority: \$\{aws_eks_cluster\..+\.certificate_authority\[0\]\.data\}/);
      expect(userData).toContain("cidr: 172.20.0.0/16");
      if (settings.tainted) expect(userData).toContain("--register-with-taints=node-lifecycle=spot:NoSchedule");
      else expect(userData).not.toContain("--register-with-taints");
    });

    it("launches the AMI of the pinned release, not the one AWS recommends at plan time", () => {
      const template = byName("aws_launch_template", `prod-eks-${settings.name}`);
      expect(String(template.image_id)).toMatch(/data\.aws_ssm_parameter\..+\.insecure_value/);
      const ami = Object.values(stack.terraform.data?.aws_ssm_parameter ?? {})[0] as { name: string };
      const date = eks.amiReleaseVersion.split("-")[1];
      expect(ami.name).toBe(
        `/aws/service/eks/optimized-ami/${eks.version}/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-${eks.version}-v${date}/image_id`,
      );
      expect(ami.name).not.toContain("recommended");
    });

    it("scales on schedule with a time zone and every size explicit", () => {
      const schedules = Object.values(resources(stack, "aws_autoscaling_schedule")).filter((s) =>
        String(s.scheduled_action_name).startsWith(`prod-eks-${settings.name}-`),
      );
      const sorted = (rows: unknown[][]) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(
        sorted(schedules.map((s) => [s.scheduled_action_name, s.recurrence, s.time_zone, s.min_size, s.max_size, s.desired_capacity])),
      ).toEqual(
        sorted(
          settings.schedules.map((s) => [
            `prod-eks-${settings.name}-${s.name}`,
            s.schedule,
            s.timeZone,
            s.minSize,
            s.maxSize,
            s.desiredSize,
          ]),
        ),
      );
    });
  });
});

describe("prod-eks node roles, AMI release, taints and hardening (issue #17)", () => {
  const nodeGroups = Object.values(resources(stack, "aws_eks_node_group"));
  const depends = (r: Record<string, unknown>) => (r.depends_on as string[] | undefined) ?? [];

  it("pins every managed group to the configured AMI release of the cluster version", () => {
    expect(nodeGroups.map((g) => [g.node_group_name, g.version, g.release_version])).toEqual(
      nodeGroups.map((g) => [g.node_group_name, eks.version, eks.amiReleaseVersion]),
    );
  });

  it("changes only the release on the nodes when the AMI release changes, and nothing when it does not", () => {
    const bumped = stackOf(synthEnvironment({ ...environment, eks: { ...eks, amiReleaseVersion: `${eks.version}.99-20991231` } }), "eks");
    const changed: string[] = [];
    const walk = (a: unknown, b: unknown, path: string) => {
      if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
        }
      } else if (a !== b) changed.push(path.replace(/_[0-9A-F]{8}\./, "."));
    };
    walk(stack.terraform, bumped.terraform, "");
    expect(changed.sort()).toEqual(
      [
        ...nodeGroups.map(
          (g) => `.resource.aws_eks_node_group.${String(g.node_group_name).replace("prod-eks-", "node-group-")}_node-group.release_version`,
        ),
        ...eks.selfManagedSpotNodeGroups.map((g) => `.data.aws_ssm_parameter.self-managed-${g.name}_ami.name`),
      ].sort(),
    );
  });

  it("gives pods without tolerations an untainted group, and rolls the spot groups after the system group", () => {
    const untainted = [
      ...nodeGroups.filter((g) => ((g.taint as unknown[] | undefined) ?? []).length === 0),
      ...Object.values(resources(stack, "aws_launch_template")).filter(
        (t) => t.image_id !== undefined && !String(t.user_data).includes("--register-with-taints"),
      ),
    ];
    expect(untainted.length).toBeGreaterThan(0);
    const system = Object.entries(resources(stack, "aws_eks_node_group")).find(([, g]) => g.node_group_name === "prod-eks-system")![0];
    for (const group of [
      ...nodeGroups.filter((g) => g.node_group_name !== "prod-eks-system"),
      ...Object.values(resources(stack, "aws_autoscaling_group")),
    ]) {
      expect(depends(group)).toContain(`aws_eks_node_group.${system}`);
    }
  });

  it("lets the control plane reach pods on 1025-65535 (webhooks), as AWS recommends for the node security group", () => {
    const rules = (type: string) =>
      Object.values(resources(stack, type)).filter((r) => r.from_port === 1025 && r.to_port === 65535 && r.ip_protocol === "tcp");
    const [egress] = rules("aws_vpc_security_group_egress_rule");
    const [ingress] = rules("aws_vpc_security_group_ingress_rule");
    expect(String(egress!.security_group_id)).toMatch(/security-groups_cluster_/);
    expect(String(egress!.referenced_security_group_id)).toMatch(/security-groups_node_/);
    expect(String(ingress!.security_group_id)).toMatch(/security-groups_node_/);
    expect(String(ingress!.referenced_security_group_id)).toMatch(/security-groups_cluster_/);
  });

  it("trusts the VPC CNI role only for this cluster's ARN, and installs the add-on after the role's policy", () => {
    const documents = stack.terraform.data?.aws_iam_policy_document as Record<string, { statement: Record<string, unknown>[] }>;
    const trust = Object.entries(documents).find(([key]) => key.includes("vpc-cni-role_assume-role-policy"))![1].statement[0]!;
    expect(trust).toMatchObject({
      principals: [{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }],
      actions: ["sts:AssumeRole", "sts:TagSession"],
    });
    expect(trust.condition).toContainEqual({
      test: "StringEquals",
      variable: "aws:RequestTag/eks-cluster-arn",
      values: [expect.stringMatching(/^\$\{aws_eks_cluster\..+\.arn\}$/)],
    });
    const cni = Object.values(resources(stack, "aws_eks_addon")).find((a) => a.addon_name === "vpc-cni")!;
    const attachment = Object.entries(resources(stack, "aws_iam_role_policy_attachment")).find(([key]) =>
      key.includes("vpc-cni-policy"),
    )![0];
    expect(depends(cni)).toContain(`aws_iam_role_policy_attachment.${attachment}`);
  });

  it("tags every node's instance, volumes and network interfaces with the environment's default tags", () => {
    for (const template of Object.values(resources(stack, "aws_launch_template"))) {
      const specs = template.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
      expect(specs.map((t) => t.resource_type)).toEqual(["instance", "volume", "network-interface"]);
      for (const spec of specs) expect(spec.tags).toMatchObject({ environment: "prod", "managed-by": expect.any(String) });
    }
  });

  it("forgets, never destroys, the shared role's old access entry and instance profile", () => {
    const removed = (stack.terraform as unknown as { removed: { from: string; lifecycle: { destroy: boolean } }[] }).removed;
    expect(removed.map((r) => [r.from, r.lifecycle.destroy])).toEqual([
      ["aws_eks_access_entry.access_node-0_17885E8B", false],
      ["aws_iam_instance_profile.node-role_instance-profile_4213DA67", false],
    ]);
    for (const { from } of removed) {
      const [type, name] = from.split(".");
      expect(resources(stack, type!)[name!]).toBeUndefined();
    }
  });
});

describe("prod-eks interruption queue, rules and handler role (self-managed spot)", () => {
  const documents = stack.terraform.data?.aws_iam_policy_document as Record<string, { statement: Record<string, unknown>[] }>;
  const documentOf = (pathPart: string) => {
    const entry = Object.entries(documents).find(([key]) => key.includes(pathPart));
    if (!entry) throw new Error(`no policy document ${pathPart}`);
    return entry[1];
  };

  it("keeps messages 300 s with SQS-managed encryption", () => {
    expect(onlyResource(stack, "aws_sqs_queue")).toMatchObject({
      name: "prod-eks-spot-interruptions",
      message_retention_seconds: MESSAGE_RETENTION_SECONDS,
      sqs_managed_sse_enabled: true,
    });
  });

  it("synthesizes the rule patterns exactly, each targeting the queue", () => {
    const byName = Object.fromEntries(
      Object.values(resources(stack, "aws_cloudwatch_event_rule")).map((r) => [r.name, JSON.parse(String(r.event_pattern))]),
    );
    const rules = interruptionEventRules({ autoscalingGroupNames: [GROUP], capacityRebalance: true });
    expect(byName).toEqual(Object.fromEntries(rules.map((r) => [`prod-eks-nth-${r.id}`, r.pattern])));
    const targets = Object.values(resources(stack, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(3);
    for (const target of targets) expect(String(target.arn)).toMatch(/^\$\{aws_sqs_queue\..+\.arn\}$/);
  });

  it("lets only this queue's EventBridge rules and this account's SQS send", () => {
    const statements = documentOf("queue-policy").statement;
    expect(statements.map((s) => [s.principals, s.actions])).toEqual([
      [[{ type: "Service", identifiers: ["events.amazonaws.com"] }], ["sqs:SendMessage"]],
      [[{ type: "Service", identifiers: ["sqs.amazonaws.com"] }], ["sqs:SendMessage"]],
    ]);
    const ruleArns = (statements[0]!.condition as { values: string[] }[])[0]!.values;
    expect(ruleArns).toHaveLength(3);
    for (const arn of ruleArns) expect(arn).toMatch(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/);
    expect(statements[1]!.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }]);
  });

  it("gives the handler exactly the calls it makes, lifecycle actions scoped to the cluster's groups", () => {
    const statements = documentOf("termination-handler_policy-document").statement;
    const actions = statements.flatMap((s) => s.actions as string[]).sort();
    // aws-node-termination-handler 1.25 queue processor: ReceiveMessage/DeleteMessage, DescribeInstances
    // (node name and managed tag), CompleteLifecycleAction; prod sends no heartbeats.
    expect(actions).toEqual(["autoscaling:CompleteLifecycleAction", "ec2:DescribeInstances", "sqs:DeleteMessage", "sqs:ReceiveMessage"]);
    const byAction = Object.fromEntries(statements.flatMap((s) => (s.actions as string[]).map((a) => [a, s.resources])));
    expect(byAction["autoscaling:CompleteLifecycleAction"]).toEqual([
      `arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/${GROUP}`,
    ]);
    expect(String((byAction["sqs:ReceiveMessage"] as string[])[0])).toMatch(/^\$\{aws_sqs_queue\..+\.arn\}$/);
    expect(byAction["ec2:DescribeInstances"]).toEqual(["*"]);
  });

  it("binds the role to the handler's service account through Pod Identity, trusted only for it", () => {
    expect(onlyResource(stack, "aws_eks_pod_identity_association")).toMatchObject({
      namespace: "kube-system",
      service_account: "aws-node-termination-handler",
    });
    const trust = documentOf("termination-handler_role_assume-role-policy").statement[0]!;
    expect(trust.condition).toEqual([
      {
        test: "StringEquals",
        variable: "aws:RequestTag/eks-cluster-arn",
        values: [expect.stringMatching(/^\$\{aws_eks_cluster\..+\.arn\}$/)],
      },
      {
        test: "StringEquals",
        variable: "aws:RequestTag/eks-cluster-name",
        values: [expect.stringMatching(/^\$\{aws_eks_cluster\..+\.name\}$/)],
      },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-namespace", values: ["kube-system"] },
      { test: "StringEquals", variable: "aws:RequestTag/kubernetes-service-account", values: ["aws-node-termination-handler"] },
    ]);
  });
});

describe("an environment with managed spot groups only", () => {
  const yaml = (extra = "") =>
    eksEnvironmentYaml(`  managedSpotNodeGroups:
    - { name: spot, instanceTypes: [m5.large, m5a.large, m6i.large], minSize: 0, maxSize: 5, desiredSize: 1 }
${extra}`);

  it("has no termination handler, queue, rules, handler role or eks-addons stack", () => {
    const synthesized = synthEnvironment(environmentFromYaml(yaml()));
    expect(synthesized.map((s) => s.name)).toEqual(["test-network", "test-eks"]);
    const only = stackOf(synthesized, "eks");
    for (const type of ["aws_sqs_queue", "aws_cloudwatch_event_rule", "aws_eks_pod_identity_association", "aws_autoscaling_group"]) {
      expect([type, Object.keys(resources(only, type))]).toEqual([type, []]);
    }
    expect(Object.values(resources(only, "aws_iam_role")).map((r) => r.name)).not.toContain("test-eks-node-termination-handler");
  });

  it("refuses a termination handler section, explaining that managed node groups drain themselves", () => {
    expect(() => environmentFromYaml(yaml("  terminationHandler: { replicas: 2 }"))).toThrow(
      "eks.terminationHandler: is set but there is no self-managed spot node group; EKS managed node groups drain spot interruptions and rebalance recommendations themselves, so the handler would only duplicate that. Remove terminationHandler, or add selfManagedSpotNodeGroups",
    );
  });
});
