// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { type App, Testing } from "cdktf";
import { EcsStack } from "../stacks/ecs-stack";
import { NetworkStack } from "../stacks/network-stack";
import { runPolicySuite } from "../tools/gates/policy";
import {
  configuredEnvironments,
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  fixtureEnvironment,
  onlyResource,
  policyStacks,
  resources,
  type SynthesizedStack,
  snapshotOf,
  stackOf,
  synthEnvironment,
} from "./helpers";

type Body = Record<string, unknown>;
const synthesized = Object.fromEntries(
  FIXTURE_ENVIRONMENTS.map((name) => [name, stackOf(synthEnvironment(fixtureEnvironment(name)), "ecs")]),
);
const prod = synthesized.prod!;
const dev = synthesized.dev!;

/** The resource of `type` whose Terraform name starts with `prefix` (construct path). */
function named(stack: SynthesizedStack, type: string, prefix: string): Body {
  const found = Object.entries(resources(stack, type)).filter(([key]) => key.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}* in ${stack.name}, found ${found.length}`);
  return found[0]![1];
}
function containers(stack: SynthesizedStack, service: string): Body[] {
  return JSON.parse(named(stack, "aws_ecs_task_definition", `${service}-task_`).container_definitions as string) as Body[];
}

describe.each(FIXTURE_ENVIRONMENTS)("%s-ecs", (name) => {
  const stack = synthesized[name]!;
  const environment = fixtureEnvironment(name);

  it("matches the reviewed snapshot", () => {
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  it("runs every service on Fargate in private subnets without public IPs, with rollback and 100/200 % deployments", () => {
    const services = Object.values(resources(stack, "aws_ecs_service"));
    expect(services).toHaveLength(Object.keys(environment.ecs!.services).length);
    for (const service of services) {
      const worker = service.load_balancer === undefined;
      expect(service.network_configuration).toMatchObject({ assign_public_ip: false });
      for (const subnet of (service.network_configuration as Body).subnets as string[]) expect(subnet).toContain("private");
      expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      expect(service.deployment_minimum_healthy_percent).toBe(100);
      expect(service.deployment_maximum_percent).toBe(200);
      expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
      // Provider 6.x fails the plan of a capacity weight/base edit without it (capacityProviderStrategyCustomizeDiff).
      expect(service.force_new_deployment).toBe(true);
      // After the listener (rule) that uses its target group (none for a worker), and after the cluster's capacity providers.
      expect(service.depends_on).toEqual([
        ...(worker ? [] : [expect.stringMatching(/^aws_lb_listener(_rule)?\.[\w-]+$/)]),
        expect.stringMatching(/^aws_ecs_cluster_capacity_providers\.[\w-]+$/),
      ]);
    }
  });

  it("has a cluster with enhanced Container Insights, both capacity providers, encrypted and logged ECS Exec", () => {
    const cluster = onlyResource(stack, "aws_ecs_cluster");
    expect(cluster.setting).toEqual([{ name: "containerInsights", value: "enhanced" }]);
    const exec = (cluster.configuration as Body).execute_command_configuration as Body;
    expect(exec.logging).toBe("OVERRIDE");
    expect(exec.kms_key_id).toMatch(/aws_kms_key\.key_/);
    expect(exec.log_configuration).toMatchObject({ cloud_watch_encryption_enabled: true });
    expect(onlyResource(stack, "aws_ecs_cluster_capacity_providers").capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
  });

  it("gives every scalable target a maximum, and scheduled actions run one after another (test/scaling-ownership.test.ts: what is ignored)", () => {
    for (const target of Object.values(resources(stack, "aws_appautoscaling_target"))) {
      expect(target.max_capacity).toBeGreaterThanOrEqual(1);
    }
    const actions = Object.values(resources(stack, "aws_appautoscaling_scheduled_action"));
    for (const action of actions) {
      expect(action.timezone).toBe("Europe/Berlin");
      expect((action.depends_on as string[]).length).toBe(1);
    }
  });

  it("publishes each load-balanced service's client max idle time (a worker has no client connections)", () => {
    const balanced = Object.entries(environment.ecs!.services).filter(([, s]) => s.loadBalancer !== "none");
    for (const [service] of balanced) {
      expect(stack.terraform.output?.[`${service.replace(/-/g, "_")}_client_max_idle_seconds`]).toBeDefined();
    }
  });
});

describe("container definitions (parsed from the JSON string)", () => {
  const [api] = containers(prod, "api");

  it("are one essential, non-privileged, read-only container with an init process", () => {
    expect(containers(prod, "api")).toHaveLength(1);
    expect(api).toMatchObject({
      name: "api",
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      stopTimeout: 30,
      linuxParameters: { initProcessEnabled: true },
      portMappings: [{ containerPort: 8080, protocol: "tcp" }],
    });
    expect(api!.image).toBe("${aws_ecr_repository.api-repository_50B8A359.repository_url}:1.0.0");
  });

  it("pass secrets only as valueFrom references, and plain settings as environment", () => {
    expect(api!.secrets).toEqual([
      { name: "DATABASE_URL", valueFrom: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url-AbCdEf" },
    ]);
    // The plain settings, then what the stack sets: the ARN of the topic the api publishes to.
    expect(api!.environment).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "SNS_TOPIC_ORDERS_ARN", value: expect.stringMatching(/^\$\{aws_sns_topic\.topic-orders_topic_[0-9A-F]{8}\.arn\}$/) },
    ]);
  });

  it("log with awslogs to the service's own group and run the container health check", () => {
    expect(api!.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs/prod/api", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "api" },
    });
    expect(api!.healthCheck).toEqual({
      command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/health || exit 1"],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 20,
    });
    const group = named(prod, "aws_cloudwatch_log_group", "api-task_");
    expect(group).toMatchObject({ name: "/ecs/prod/api", retention_in_days: 30, deletion_protection_enabled: true });
  });
});

describe("roles", () => {
  const documents = (stack: SynthesizedStack) => (stack.terraform.data?.aws_iam_policy_document ?? {}) as Record<string, Body>;
  const document = (stack: SynthesizedStack, prefix: string) =>
    Object.entries(documents(stack)).find(([key]) => key.startsWith(prefix))![1].statement as Body[];

  it("the execution role may read exactly the referenced secrets, pull from its repository and write its log group", () => {
    const execution = document(prod, "api-task_execution-policy-document");
    expect(execution.map((s) => s.sid)).toEqual(["Logs", "RegistryLogin", "PullImage", "ReadSecrets"]);
    expect(execution.find((s) => s.sid === "ReadSecrets")!.resources).toEqual([
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url-AbCdEf",
    ]);
    expect(execution.find((s) => s.sid === "PullImage")!.resources).toEqual(["${aws_ecr_repository.api-repository_50B8A359.arn}"]);
  });

  it("task and execution roles are distinct, trusted by ECS tasks of this account only", () => {
    const roles = resources(prod, "aws_iam_role");
    const api = Object.entries(roles).filter(([key]) => key.startsWith("api-task_"));
    expect(api.map(([, r]) => r.name).sort()).toEqual(["prod-api-execution", "prod-api-task"]);
    const trust = document(prod, "api-task_assume-role-policy")[0]!;
    expect(trust.condition).toContainEqual({ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] });
  });

  it("ECS Exec adds the session channels to the task role only where enabled (dev)", () => {
    expect(Object.keys(documents(dev)).some((k) => k.startsWith("api-task_exec-policy-document"))).toBe(true);
    expect(Object.keys(documents(prod)).some((k) => k.includes("exec-policy-document"))).toBe(false);
    expect(named(dev, "aws_ecs_service", "api-service_").enable_execute_command).toBe(true);
  });
});

describe("ALB service (prod api)", () => {
  const alb = named(prod, "aws_lb", "alb_");

  it("is a shared ALB: HTTPS TLS 1.3 with the certificate, port 80 redirects, headers and desync hardened, logs on", () => {
    expect(alb).toMatchObject({
      load_balancer_type: "application",
      internal: false,
      idle_timeout: 60,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      enable_deletion_protection: true,
      access_logs: { enabled: true, bucket: "prod-lb-access-logs-111122223333-eu-west-1" },
    });
    expect(named(prod, "aws_lb_listener", "alb_https_")).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
      certificate_arn: "arn:aws:acm:eu-west-1:111122223333:certificate/0f3c6a52-8d7e-4b6f-9a51-2c4d7e8f9a10",
      default_action: [{ type: "fixed-response", fixed_response: { status_code: "404" } }],
    });
    expect(named(prod, "aws_lb_listener", "alb_http-redirect_")).toMatchObject({
      port: 80,
      default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
    });
  });

  it("routes by host with the configured priority to an IP target group with an HTTP health check and deregistration delay", () => {
    expect(named(prod, "aws_lb_listener_rule", "api-alb-target_")).toMatchObject({
      priority: 100,
      condition: [{ host_header: { values: ["api.example.com"] } }],
    });
    expect(named(prod, "aws_lb_target_group", "api-alb-target_")).toMatchObject({
      target_type: "ip",
      protocol: "HTTP",
      port: 8080,
      deregistration_delay: "30",
      health_check: {
        protocol: "HTTP",
        path: "/health",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthy_threshold: 3,
        port: "traffic-port",
      },
    });
  });

  it("the service admits only the ALB's security group on the container port; the ALB admits clients on 80/443", () => {
    const ingress = resources(prod, "aws_vpc_security_group_ingress_rule");
    const toService = Object.entries(ingress).filter(([key]) => key.startsWith("api-service_"));
    expect(toService.map(([, r]) => [r.from_port, r.referenced_security_group_id])).toEqual([
      [8080, "${aws_security_group.alb_security-group_D44FF577.id}"],
    ]);
    const toAlb = Object.entries(ingress).filter(([key]) => key.startsWith("alb_"));
    expect(toAlb.map(([, r]) => [r.from_port, r.cidr_ipv4]).sort()).toEqual([
      [443, "0.0.0.0/0"],
      [80, "0.0.0.0/0"],
    ]);
  });

  it("answers 429 above the rate through a WAF web ACL on the ALB", () => {
    const acl = onlyResource(prod, "aws_wafv2_web_acl");
    const rule = (acl.rule as Body[])[0]!;
    expect(rule.statement).toEqual({ rate_based_statement: { limit: 3000, evaluation_window_sec: 300, aggregate_key_type: "IP" } });
    expect(rule.action).toMatchObject({ block: { custom_response: { response_code: 429 } } });
    // One web ACL for every shared ALB; the original ALB's association keeps its address.
    expect(named(prod, "aws_wafv2_web_acl_association", "rate-limit_association_").resource_arn).toBe(
      "${aws_lb.alb_load-balancer_01CCC475.arn}",
    );
  });

  it("scales on CPU, request count per target and two Berlin-time schedules; the ALB hop gives clients 55 s idle", () => {
    const policies = Object.entries(resources(prod, "aws_appautoscaling_policy")).filter(([k]) => k.startsWith("api-"));
    expect(policies.map(([, p]) => (p.target_tracking_scaling_policy_configuration as Body).predefined_metric_specification)).toEqual([
      { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
      {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label:
          "${aws_lb.alb_load-balancer_01CCC475.arn_suffix}/${aws_lb_target_group.api-alb-target_target-group_20820475.arn_suffix}",
      },
    ]);
    expect(named(prod, "aws_appautoscaling_target", "api-")).toMatchObject({ min_capacity: 3, max_capacity: 30 });
    expect(
      Object.values(resources(prod, "aws_appautoscaling_scheduled_action")).map((a) => [a.name, a.schedule, a.scalable_target_action]),
    ).toEqual([
      ["prod-api-weekday-evening", "cron(0 20 ? * MON-FRI *)", { min_capacity: "3" }],
      ["prod-api-weekday-peak", "cron(30 7 ? * MON-FRI *)", { min_capacity: "10" }],
    ]);
    expect(prod.terraform.output?.api_client_max_idle_seconds?.value).toBe(55);
  });

  it("alarms on CPU, memory, unhealthy and no healthy targets, target 5xx and connection errors to the configured topic", () => {
    const alarms = Object.entries(resources(prod, "aws_cloudwatch_metric_alarm")).filter(([k]) => k.startsWith("api-"));
    expect(alarms.map(([, a]) => a.metric_name).sort()).toEqual([
      "CPUUtilization",
      "HTTPCode_Target_5XX_Count",
      "HealthyHostCount",
      "MemoryUtilization",
      "TargetConnectionErrorCount",
      "UnHealthyHostCount",
    ]);
    for (const [, alarm] of alarms) expect(alarm.alarm_actions).toEqual(["arn:aws:sns:eu-west-1:111122223333:platform-alarms"]);
    const targetGroup = {
      LoadBalancer: "${aws_lb.alb_load-balancer_01CCC475.arn_suffix}",
      TargetGroup: "${aws_lb_target_group.api-alb-target_target-group_20820475.arn_suffix}",
    };
    expect(named(prod, "aws_cloudwatch_metric_alarm", "api-alarms_no-healthy-targets")).toMatchObject({
      namespace: "AWS/ApplicationELB",
      statistic: "Maximum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
      dimensions: targetGroup,
    });
    expect(named(prod, "aws_cloudwatch_metric_alarm", "api-alarms_target-connection-errors")).toMatchObject({
      statistic: "Sum",
      dimensions: targetGroup,
      treat_missing_data: "notBreaching",
    });
  });

  it("alarms once per ALB on the 5xx and the 502s the load balancer generates itself (lesson 1), by LoadBalancer", () => {
    const alarms = Object.entries(resources(prod, "aws_cloudwatch_metric_alarm")).filter(([k]) => k.startsWith("alb-alarms_"));
    expect(alarms.map(([, a]) => [a.alarm_name, a.namespace, a.metric_name, a.statistic])).toEqual([
      ["prod-alb-elb-502", "AWS/ApplicationELB", "HTTPCode_ELB_502_Count", "Sum"],
      ["prod-alb-elb-5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum"],
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.dimensions).toEqual({ LoadBalancer: "${aws_lb.alb_load-balancer_01CCC475.arn_suffix}" });
      expect(alarm.alarm_actions).toEqual(["arn:aws:sns:eu-west-1:111122223333:platform-alarms"]);
    }
    expect(named(prod, "aws_cloudwatch_metric_alarm", "alb-alarms_elb-502")).toMatchObject({
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 5,
      datapoints_to_alarm: 3,
    });
  });
});

describe("NLB service (prod ingest)", () => {
  it("has its own internal NLB with a security group from creation and explicit cross-zone", () => {
    expect(named(prod, "aws_lb", "ingest-nlb_")).toMatchObject({
      load_balancer_type: "network",
      internal: true,
      enable_cross_zone_load_balancing: true,
      security_groups: ["${aws_security_group.ingest-nlb_security-group_0366D0FF.id}"],
      enable_deletion_protection: true,
    });
  });

  it("listens on TCP with the configured idle timeout and forwards to a TCP target group that leaves open flows to the task (lesson 1)", () => {
    expect(named(prod, "aws_lb_listener", "ingest-nlb_")).toMatchObject({ port: 9000, protocol: "TCP", tcp_idle_timeout_seconds: 350 });
    expect(named(prod, "aws_lb_target_group", "ingest-nlb_")).toMatchObject({
      target_type: "ip",
      protocol: "TCP",
      // No reset when the delay ends: the flows are still open at SIGTERM, for the task to close.
      connection_termination: false,
      preserve_client_ip: "true",
      proxy_protocol_v2: false,
      deregistration_delay: "120",
      health_check: { protocol: "TCP", interval: 10, timeout: 5 },
    });
  });

  it("alarms on the TCP resets of the tasks and of the NLB itself, by LoadBalancer, and on no healthy target", () => {
    const nlb = { LoadBalancer: "${aws_lb.ingest-nlb_load-balancer_E7F7296D.arn_suffix}" };
    const alarms = Object.entries(resources(prod, "aws_cloudwatch_metric_alarm")).filter(([k]) => k.startsWith("ingest-"));
    const byMetric = Object.fromEntries(alarms.map(([, a]) => [a.metric_name as string, a]));
    for (const metric of ["TCP_Target_Reset_Count", "TCP_ELB_Reset_Count"]) {
      expect(byMetric[metric]).toMatchObject({
        namespace: "AWS/NetworkELB",
        statistic: "Sum",
        dimensions: nlb,
        threshold: 10,
        evaluation_periods: 5,
        datapoints_to_alarm: 3,
      });
    }
    expect(byMetric.HealthyHostCount).toMatchObject({
      namespace: "AWS/NetworkELB",
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
      dimensions: {
        ...nlb,
        TargetGroup: expect.stringMatching(/^\$\{aws_lb_target_group\.ingest-nlb_target_target-group_\w+\.arn_suffix\}$/),
      },
    });
    expect(Object.keys(byMetric)).not.toContain("TargetConnectionErrorCount");
  });

  it("admits clients from the configured CIDRs on the listener port, and the service only from the NLB", () => {
    const ingress = resources(prod, "aws_vpc_security_group_ingress_rule");
    expect(named(prod, "aws_vpc_security_group_ingress_rule", "ingest-nlb_")).toMatchObject({ from_port: 9000, cidr_ipv4: "10.30.0.0/16" });
    const toService = Object.entries(ingress).filter(([key]) => key.startsWith("ingest-service_"));
    expect(toService.map(([, r]) => r.referenced_security_group_id)).toEqual([
      "${aws_security_group.ingest-nlb_security-group_0366D0FF.id}",
    ]);
  });

  it("scales on CPU and memory (no request count), alarms without a 5xx metric, and gives clients 295 s idle", () => {
    const policies = Object.entries(resources(prod, "aws_appautoscaling_policy")).filter(([k]) => k.startsWith("ingest-"));
    expect(policies).toHaveLength(2);
    const alarms = Object.entries(resources(prod, "aws_cloudwatch_metric_alarm")).filter(([k]) => k.startsWith("ingest-"));
    expect(alarms.map(([, a]) => [a.namespace, a.metric_name])).toContainEqual(["AWS/NetworkELB", "UnHealthyHostCount"]);
    expect(alarms.map(([, a]) => a.metric_name)).not.toContain("HTTPCode_Target_5XX_Count");
    expect(prod.terraform.output?.ingest_client_max_idle_seconds?.value).toBe(295);
  });
});

describe("alarms, any shipped scenario", () => {
  it.each(FIXTURE_ENVIRONMENTS)("%s: every alarm says which lesson it watches and what to check first", (name) => {
    const alarms = Object.values(resources(synthesized[name]!, "aws_cloudwatch_metric_alarm"));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.alarm_description).toMatch(/^[\w-]+: .*\(lessons? \d[^)]*\).*\. Check first: /);
  });

  it("dev: a service that schedules take to zero tasks at night gets no no-healthy-targets alarm (it would fire every night)", () => {
    const metrics = Object.values(resources(dev, "aws_cloudwatch_metric_alarm")).map((a) => a.metric_name);
    expect(metrics).toContain("UnHealthyHostCount");
    expect(metrics).not.toContain("HealthyHostCount");
  });
});

describe("target groups that can be replaced in one apply (containerPort edited)", () => {
  // port, protocol and target_type force a new target group (provider: internal/service/elbv2/target_group.go).
  const environment = fixtureEnvironment("prod");
  const edited = structuredClone(environment);
  for (const service of Object.values(edited.ecs!.services)) if (service.containerPort !== undefined) service.containerPort += 1;
  const after = stackOf(synthEnvironment(edited), "ecs");
  const groups = (stack: SynthesizedStack) => resources(stack, "aws_lb_target_group");

  it("creates the new group before destroying the old one, under a name that changed with the port", () => {
    const before = groups(prod);
    const next = groups(after);
    // Same Terraform addresses: the change is a replacement of each group, not a move.
    expect(Object.keys(next)).toEqual(Object.keys(before));
    for (const [key, group] of Object.entries(before)) {
      expect(group.lifecycle).toEqual({ create_before_destroy: true });
      expect(next[key]!.lifecycle).toEqual({ create_before_destroy: true });
      expect(group.name).toMatch(/^prod-[a-z][a-z0-9-]*-[0-9a-f]{6}$/);
      expect((group.name as string).length).toBeLessThanOrEqual(32);
      expect(next[key]!.name).not.toBe(group.name);
      expect(next[key]!.port).toBe((group.port as number) + 1);
    }
  });

  it("names are unique per group, and unchanged when nothing that forces a replacement changed", () => {
    const names = Object.values(groups(prod)).map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.values(groups(stackOf(synthEnvironment(fixtureEnvironment("prod")), "ecs"))).map((g) => g.name)).toEqual(names);
  });

  it("the listener rule, the NLB listener and the ECS services follow the group by ARN, after the listener (rule) exists", () => {
    for (const stack of [prod, after]) {
      const [[apiKey]] = Object.entries(groups(stack)).filter(([k]) => k.startsWith("api-"));
      const [[ingestKey]] = Object.entries(groups(stack)).filter(([k]) => k.startsWith("ingest-"));
      const apiArn = `\${aws_lb_target_group.${apiKey}.arn}`;
      const ingestArn = `\${aws_lb_target_group.${ingestKey}.arn}`;
      expect(named(stack, "aws_lb_listener_rule", "api-alb-target_").action).toEqual([{ type: "forward", target_group_arn: apiArn }]);
      expect((named(stack, "aws_lb_listener", "ingest-nlb_").default_action as Body[])[0]).toMatchObject({ target_group_arn: ingestArn });
      const api = named(stack, "aws_ecs_service", "api-service_");
      const ingest = named(stack, "aws_ecs_service", "ingest-service_");
      expect(api.load_balancer).toEqual([
        { target_group_arn: apiArn, container_name: "api", container_port: stack === prod ? 8080 : 8081 },
      ]);
      expect(ingest.load_balancer).toEqual([
        { target_group_arn: ingestArn, container_name: "ingest", container_port: stack === prod ? 9000 : 9001 },
      ]);
      expect(api.depends_on).toContain(`aws_lb_listener_rule.${Object.keys(resources(stack, "aws_lb_listener_rule"))[0]}`);
    }
  });
});

describe("ECR repositories", () => {
  it("scan on push, immutable tags, KMS, keep the last N images; force-delete only outside production", () => {
    const repo = named(prod, "aws_ecr_repository", "api-repository");
    expect(repo).toMatchObject({
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
      force_delete: false,
      lifecycle: { prevent_destroy: true },
    });
    const policy = JSON.parse(named(prod, "aws_ecr_lifecycle_policy", "api-repository").policy as string);
    expect(policy.rules.at(-1).selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 });
    expect(named(dev, "aws_ecr_repository", "api-repository")).toMatchObject({ force_delete: true });
  });
});

describe("dev: plain HTTP where explicitly allowed", () => {
  it("has one HTTP listener and no HTTPS, no WAF, and an ARM64 task that scales to zero at night", () => {
    const listeners = Object.values(resources(dev, "aws_lb_listener"));
    expect(listeners.map((l) => [l.port, l.protocol])).toEqual([[80, "HTTP"]]);
    expect(resources(dev, "aws_wafv2_web_acl")).toEqual({});
    expect(named(dev, "aws_ecs_task_definition", "api-task_").runtime_platform).toEqual({
      operating_system_family: "LINUX",
      cpu_architecture: "ARM64",
    });
    expect(named(dev, "aws_lb", "alb_").enable_deletion_protection).toBe(false);
    expect(Object.values(resources(dev, "aws_appautoscaling_scheduled_action")).map((a) => a.scalable_target_action)).toContainEqual({
      min_capacity: "0",
      max_capacity: "0",
    });
  });
});

describe("any configured environment", () => {
  it.each(configuredEnvironments().map((e) => [e.name, e] as const))(
    "%s: an ecs stack exactly when the environment has an ecs section",
    (_, environment) => {
      const names = synthEnvironment(environment).map((s) => s.name);
      // Other layers (eks) may follow; the ecs stack comes right after the network exactly when configured.
      const expected = environment.ecs ? [`${environment.name}-network`, `${environment.name}-ecs`] : [`${environment.name}-network`];
      expect(names.filter((name) => /-(network|ecs)$/.test(name))).toEqual(expected);
      expect(names.slice(0, expected.length)).toEqual(expected);
    },
  );
});

describe("constructs refuse contradictory props", () => {
  const yaml = `
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
ecs:
  alb: { allowPlainHttp: true }
  services:
    api:
      loadBalancer: alb
      image: { uri: public.ecr.aws/acme/api:1 }
      cpu: 256
      memoryMiB: 512
      containerPort: 8080
      keepAliveTimeoutSeconds: 75
      gracefulShutdownSeconds: 10
      alb: { priority: 1, paths: ["/*"] }
      scaling: { maxCapacity: 2 }
`;
  it("an ALB target whose keep-alive is not above the idle timeout fails with the construct path and the fix", () => {
    const environment = environmentFromYaml(yaml);
    const settings = { ...environment, ecs: { ...environment.ecs!, alb: { ...environment.ecs!.alb, idleTimeoutSeconds: 90 } } };
    const app = Testing.app() as App;
    const network = new NetworkStack(app, { environment: settings });
    expect(() => new EcsStack(app, { environment: settings, network: network.outputs })).toThrow(
      "test-ecs/api-alb-target: keepAliveTimeoutSeconds (75) must be longer than the ALB idle timeout (90); otherwise the server closes idle connections the ALB still reuses and clients get intermittent 502s. Raise the server's keep-alive timeout above 90 s or lower the ALB idleTimeoutSeconds below 75",
    );
  });
});

describe("the NLB construct refuses a drain that resets clients, whatever the config layer let through", () => {
  it.each([
    [15, false, "deregistrationDelaySeconds (15) must be at least 120"],
    [120, true, "deregistrationDelaySeconds (120) must exceed keepAliveTimeoutSeconds (300) with connectionTermination"],
  ])("delay %s, connection termination %s", (delay, termination, message) => {
    const environment = structuredClone(fixtureEnvironment("prod"));
    const ingest = environment.ecs!.services.ingest!;
    ingest.deregistrationDelaySeconds = delay;
    ingest.nlb!.connectionTermination = termination;
    const app = Testing.app() as App;
    const network = new NetworkStack(app, { environment });
    expect(() => new EcsStack(app, { environment, network: network.outputs })).toThrow(`prod-ecs/ingest-nlb: ${message}`);
  });
});

describe("scenarios beyond the shipped files", () => {
  // Internal ALB without a topic, an external image with SSM secrets under a customer key, an
  // internet-facing TLS NLB with PROXY v2 and a separate health-check port, in and out of production.
  const scenario = (production: boolean) => `
repository: github.com/acme/fx
production: ${production}
aws: { region: us-east-2, accountId: "111122223333" }
network: { cidr: 10.1.0.0/16, availabilityZones: [us-east-2a, us-east-2b] }
ecs:
  alb: { internal: true, ingressCidrs: [10.0.0.0/8], certificateArn: "arn:aws:acm:us-east-2:111122223333:certificate/abc-123", idleTimeoutSeconds: 30 }
  services:
    web:
      loadBalancer: alb
      image: { uri: public.ecr.aws/acme/web:2.1 }
      cpu: 2048
      memoryMiB: 4096
      containerPort: 3000
      command: [node, server.js]
      writablePaths: [/tmp]
      secrets:
        API_TOKEN: arn:aws:ssm:us-east-2:111122223333:parameter/fx/web/api-token
      secretsKmsKeyArn: arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
      keepAliveTimeoutSeconds: 65
      gracefulShutdownSeconds: 25
      stopTimeoutSeconds: 60
      deregistrationDelaySeconds: 45
      targetHealthCheck: { port: 3001, path: /ready }
      alb: { priority: 5, hosts: [web.internal.example.com], paths: [/app/*] }
      scaling: { minCapacity: 2, maxCapacity: 8, memory: { target: 70 }, schedules: [{ name: sale, schedule: "at(2026-12-24T06:00:00)", timeZone: America/Chicago, maxCapacity: 16, widenBounds: true }] }
    stream:
      loadBalancer: nlb
      image: { tag: v3 }
      cpu: 4096
      memoryMiB: 8192
      containerPort: 7000
      keepAliveTimeoutSeconds: 120
      gracefulShutdownSeconds: 30
      stopTimeoutSeconds: 45
      targetHealthCheck: { protocol: HTTP, path: /health, port: 7001 }
      nlb: { internal: false, port: 443, protocol: TLS, certificateArn: "arn:aws:acm:us-east-2:111122223333:certificate/abc-123", ingressCidrs: [0.0.0.0/0], proxyProtocolV2: true, preserveClientIp: false }
      scaling: { maxCapacity: 4, cpu: { target: 50 } }
`;
  it.each([false, true])("production %s: the policy suite finds nothing, and every option reaches its resource", (production) => {
    const environment = environmentFromYaml(scenario(production), "fx");
    const stacks = policyStacks(environment);
    expect(runPolicySuite(stacks).violations).toEqual([]);
    const ecs = stacks.find((s) => s.name === "fx-ecs")!;
    const synthesized = { name: ecs.name, json: JSON.stringify(ecs.terraform), terraform: ecs.terraform };
    const execution = Object.entries(ecs.terraform.data?.aws_iam_policy_document ?? {}).find(([k]) =>
      k.startsWith("web-task_execution-policy-document"),
    )![1] as Body;
    expect((execution.statement as Body[]).map((s) => [s.sid, s.resources])).toEqual([
      ["Logs", [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.web-task_log-group_\w+\.arn\}:\*$/)]],
      ["ReadParameters", ["arn:aws:ssm:us-east-2:111122223333:parameter/fx/web/api-token"]],
      ["DecryptSecrets", ["arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]],
    ]);
    expect(named(synthesized, "aws_lb", "alb_")).toMatchObject({ internal: true, idle_timeout: 30 });
    const toWeb = Object.entries(resources(synthesized, "aws_vpc_security_group_ingress_rule")).filter(([k]) =>
      k.startsWith("web-service_"),
    );
    expect(toWeb.map(([, r]) => r.from_port)).toEqual([3000, 3001]);
    expect(named(synthesized, "aws_lb_listener", "stream-nlb_")).toMatchObject({ protocol: "TLS", port: 443 });
    expect(named(synthesized, "aws_lb_listener", "stream-nlb_").tcp_idle_timeout_seconds).toBeUndefined();
    expect(named(synthesized, "aws_lb_target_group", "stream-nlb_")).toMatchObject({
      proxy_protocol_v2: true,
      preserve_client_ip: "false",
    });
    const web = named(synthesized, "aws_ecs_task_definition", "web-task_");
    expect(web.volume).toEqual([{ name: "scratch-0" }]);
    expect(JSON.parse(web.container_definitions as string)[0]).toMatchObject({
      image: "public.ecr.aws/acme/web:2.1",
      command: ["node", "server.js"],
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }],
    });
    expect(ecs.terraform.output?.web_client_max_idle_seconds?.value).toBe(25);
    expect(ecs.terraform.output?.stream_client_max_idle_seconds?.value).toBe(115);
  });
});
