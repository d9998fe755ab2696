// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { sharedAlbIdentity } from "../stacks/ecs-stack";
import { runPolicySuite } from "../tools/gates/policy";
import { estimateStack } from "../tools/review/cost/estimate";
import { compareStack } from "../tools/review/synth-diff/compare";
import { publicIngress } from "../tools/review/synth-diff/risks/public-ingress";
import {
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS_DIR,
  fixtureEnvironment,
  policyStacks,
  resources,
  type SynthesizedStack,
  stackOf,
  synthEnvironment,
} from "./helpers";

// Issue 19 item 4: each ALB service chooses internet-facing or internal (and a group); the stack creates one
// shared ALB per scheme and group in use, each hardened alike with its own security group and ingress.

type Body = Record<string, unknown>;
const prodYaml = readFileSync(join(FIXTURE_ENVIRONMENTS_DIR, "prod.yaml"), "utf8");
const ecsOf = (environment: ReturnType<typeof fixtureEnvironment>) => stackOf(synthEnvironment(environment), "ecs");
/** The prod fixture with its ecs services edited. */
function prodWith(edit: (services: Record<string, Body>, ecs: Body) => void) {
  const document = parse(prodYaml) as { ecs: Body & { services: Record<string, Body> } };
  edit(document.ecs.services, document.ecs);
  return environmentFromYaml(stringify(document), "prod");
}

/** `${aws_x.name.arn}` -> name */
const target = (reference: unknown) => /^\$\{[a-z_0-9]+\.([^.]+)\.(arn|id)\}$/.exec(String(reference))?.[1];

/** The aws_lb a service's listener rule sits on, through its listener. */
function loadBalancerOf(stack: SynthesizedStack, service: string): [string, Body] {
  const rules = Object.entries(resources(stack, "aws_lb_listener_rule")).filter(([k]) => k.startsWith(`${service}-alb-target_`));
  expect(rules).toHaveLength(1);
  const listener = resources(stack, "aws_lb_listener")[target(rules[0]![1].listener_arn)!]!;
  const name = target(listener.load_balancer_arn)!;
  return [name, resources(stack, "aws_lb")[name]!];
}

describe("prod fixture: a public API and an internal API", () => {
  const prod = ecsOf(fixtureEnvironment("prod"));

  it("puts each ALB service on the ALB of its scheme: api internet-facing in public subnets, orders internal in private ones", () => {
    const [apiLb, api] = loadBalancerOf(prod, "api");
    const [ordersLb, orders] = loadBalancerOf(prod, "orders");
    expect(apiLb).toMatch(/^alb_load-balancer_/);
    expect(ordersLb).toMatch(/^alb-internal_load-balancer_/);
    expect(api).toMatchObject({ internal: false, name: "prod-alb" });
    expect(orders).toMatchObject({ internal: true, name: "prod-internal-alb" });
    expect((api.subnets as string[]).every((s) => s.includes("_public-"))).toBe(true);
    expect((orders.subnets as string[]).every((s) => s.includes("_private-"))).toBe(true);
  });

  it("hardens the internal ALB as the public one: TLS 1.3, redirect on 80, headers, desync, logs, deletion protection, WAF, alarms", () => {
    const lbs = resources(prod, "aws_lb");
    const pick = (body: Body) => ({
      drop_invalid_header_fields: body.drop_invalid_header_fields,
      desync_mitigation_mode: body.desync_mitigation_mode,
      enable_deletion_protection: body.enable_deletion_protection,
      access_logs: body.access_logs,
      idle_timeout: body.idle_timeout,
    });
    const albs = Object.entries(lbs).filter(([, b]) => b.load_balancer_type === "application");
    expect(albs).toHaveLength(2);
    expect(pick(albs[0]![1])).toEqual(pick(albs[1]![1]));
    for (const [name] of albs) {
      const listeners = Object.values(resources(prod, "aws_lb_listener")).filter((l) => target(l.load_balancer_arn) === name);
      expect(listeners.map((l) => [l.port, l.protocol, l.ssl_policy])).toEqual(
        expect.arrayContaining([
          [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-3-2021-06"],
          [80, "HTTP", undefined],
        ]),
      );
      const associations = Object.values(resources(prod, "aws_wafv2_web_acl_association")).filter((a) => target(a.resource_arn) === name);
      expect(associations).toHaveLength(1);
      const dimension = `\${aws_lb.${name}.arn_suffix}`;
      const alarms = Object.values(resources(prod, "aws_cloudwatch_metric_alarm")).filter(
        (a) => (a.dimensions as Body | undefined)?.LoadBalancer === dimension && !(a.dimensions as Body).TargetGroup,
      );
      expect(alarms.map((a) => a.metric_name).sort()).toEqual(["HTTPCode_ELB_502_Count", "HTTPCode_ELB_5XX_Count"]);
    }
  });

  it("gives each ALB its own security group: the internal one admits the VPC's block, the public one the internet, on 80 and 443", () => {
    const ingress = Object.values(resources(prod, "aws_vpc_security_group_ingress_rule"));
    const admitted = (group: string) =>
      ingress
        .filter((r) => String(r.security_group_id).startsWith(`\${aws_security_group.${group}`))
        .map((r) => [r.from_port, r.cidr_ipv4])
        .sort();
    expect(admitted("alb_security-group_")).toEqual([
      [443, "0.0.0.0/0"],
      [80, "0.0.0.0/0"],
    ]);
    expect(admitted("alb-internal_security-group_")).toEqual([
      [443, "10.30.0.0/16"],
      [80, "10.30.0.0/16"],
    ]);
    const orders = Object.values(resources(prod, "aws_vpc_security_group_ingress_rule")).filter((r) =>
      String(r.security_group_id).includes("orders-service_security-group"),
    );
    expect(orders.map((r) => target(r.referenced_security_group_id))).toEqual([expect.stringMatching(/^alb-internal_security-group_/)]);
  });

  it("outputs where each service sits and each ALB's DNS name", () => {
    const output = prod.terraform.output!;
    expect(output.api_load_balancer!.value).toMatchObject({ kind: "alb", scheme: "internet-facing", group: "main" });
    expect(output.orders_load_balancer!.value).toMatchObject({
      kind: "alb",
      scheme: "internal",
      group: "main",
      dns_name: expect.stringMatching(/^\$\{aws_lb\.alb-internal_load-balancer_\w+\.dns_name\}$/),
    });
    expect(output.ingest_load_balancer!.value).toMatchObject({ kind: "nlb", scheme: "internal" });
    expect(Object.keys(output).filter((k) => k.endsWith("_dns_name"))).toEqual(["alb_dns_name", "alb_internal_dns_name"]);
  });

  it("npm run cost prices one ALB per scheme in use, and LCUs as usage for each", () => {
    const count = (stack: SynthesizedStack, kind: string) =>
      estimateStack(stack.name, stack.terraform).lines.find((line) => line.kind === kind)?.count;
    const albs = Object.values(resources(prod, "aws_lb")).filter((b) => b.load_balancer_type === "application").length;
    expect(count(prod, "Application Load Balancer")).toBe(albs);
    expect(count(prod, "ALB LCU")).toBe(albs);
    expect(albs).toBe(2);
  });

  it("passes the policy suite", () => {
    expect(runPolicySuite(policyStacks(fixtureEnvironment("prod"))).violations).toEqual([]);
  });
});

describe("a fork with today's config (no scheme, no group) plans no ALB replacement", () => {
  // Addresses and names of the shared ALB before schemes and groups existed (synthesized from main's prod fixture).
  const BEFORE = {
    aws_lb: ["alb_load-balancer_01CCC475"],
    aws_lb_listener: ["alb_http-redirect_21C442CB", "alb_https_5590AC3C"],
    aws_security_group: ["alb_security-group_D44FF577"],
    aws_vpc_security_group_ingress_rule: ["alb_ingress-443-0-0-0-0-0_A8E53B29", "alb_ingress-80-0-0-0-0-0_6571F815"],
    aws_wafv2_web_acl_association: ["rate-limit_association_C29438A6"],
    aws_lb_listener_rule: ["api-alb-target_rule_A9208D25"],
  };
  const today = ecsOf(prodWith((services) => delete services.orders));
  const withInternal = ecsOf(fixtureEnvironment("prod"));

  it("keeps the Terraform addresses of the ALB, its listeners, security group, ingress rules, WAF association and rule", () => {
    for (const [type, addresses] of Object.entries(BEFORE)) {
      expect(Object.keys(resources(today, type)).filter((k) => /^(alb|rate-limit|api-alb-target)_/.test(k))).toEqual(addresses);
    }
    expect(resources(today, "aws_lb")["alb_load-balancer_01CCC475"]).toMatchObject({ name: "prod-alb", internal: false });
    expect(resources(today, "aws_security_group")["alb_security-group_D44FF577"]).toMatchObject({
      name: "prod-alb",
      description: "Shared ALB of prod: admits clients on the listener ports only",
    });
  });

  it("adding an internal service leaves every resource of the existing ALB byte for byte the same", () => {
    for (const type of Object.keys(BEFORE)) {
      for (const address of BEFORE[type as keyof typeof BEFORE]) {
        expect(resources(withInternal, type)[address]).toEqual(resources(today, type)[address]);
      }
    }
  });
});

describe("ALBs exist only where services use them", () => {
  it("internal services alone create no internet-facing ALB", () => {
    const stack = ecsOf(
      prodWith((services) => {
        delete services.api;
      }),
    );
    const albs = Object.entries(resources(stack, "aws_lb")).filter(([, b]) => b.load_balancer_type === "application");
    expect(albs.map(([k, b]) => [k.split("_")[0], b.internal])).toEqual([["alb-internal", true]]);
  });

  it("a group is an ALB of its own, named after scheme and group", () => {
    const stack = ecsOf(
      prodWith((services) => {
        services.search = { ...services.api, alb: { group: "search", priority: 100, hosts: ["search.example.com"] }, connections: {} };
      }),
    );
    expect(loadBalancerOf(stack, "search")[1]).toMatchObject({ name: "prod-public-search-alb", internal: false });
    expect(loadBalancerOf(stack, "api")[1]).toMatchObject({ name: "prod-alb" });
  });

  it("identities: the original ALB keeps `alb`, others are named by scheme and group", () => {
    expect(sharedAlbIdentity("prod", { scheme: "internet-facing", group: "main" }, true)).toEqual({ id: "alb", namePrefix: "prod" });
    expect(sharedAlbIdentity("prod", { scheme: "internal", group: "main" }, false)).toEqual({
      id: "alb-internal",
      namePrefix: "prod-internal",
    });
    expect(sharedAlbIdentity("prod", { scheme: "internet-facing", group: "b" }, false)).toEqual({
      id: "alb-public-b",
      namePrefix: "prod-public-b",
    });
  });
});

describe("synth diff risk notes: new public ingress", () => {
  const notes = (before: SynthesizedStack, after: SynthesizedStack) =>
    publicIngress(
      compareStack("prod-ecs", before.terraform, after.terraform),
      (address, message) => ({ stack: "prod-ecs", address, message }),
      { replacements: [], downstream: [] },
    );
  const today = ecsOf(prodWith((services) => delete services.orders));
  const withInternal = ecsOf(fixtureEnvironment("prod"));

  it("adding an internal API opens nothing to the internet", () => {
    expect(notes(today, withInternal)).toEqual([]);
  });

  it("moving a service onto the internet-facing ALB is flagged on its listener rule, though no security group rule changed", () => {
    const moved = ecsOf(
      prodWith((services) => {
        services.orders!.alb = { scheme: "internet-facing", priority: 200, hosts: ["orders.example.com"] };
      }),
    );
    expect(notes(withInternal, moved)).toEqual([
      {
        stack: "prod-ecs",
        address: expect.stringMatching(/^aws_lb_listener_rule\.orders-alb-target_rule_/),
        message: "routes requests from the internet (hosts orders.example.com) through internet-facing load balancer `prod-alb`",
      },
    ]);
  });
});
