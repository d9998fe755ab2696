import { AWS_QUOTAS, listenerRuleQuotaProblems, quotaProblem, ruleWildcards } from "../lib/load-balancer/quotas";
import { patternIncludes, shadowedRules, shadows } from "../lib/load-balancer/rule-shadowing";
import { scaledEnvironmentYaml } from "../tools/maintainer/bench/generate";
import { problemLines } from "./helpers";

// Issue 19 items 5 and 6: listener rules an earlier rule shadows, and AWS's quotas, as pure functions
// (tables) and through the loader with the exact contract-3 lines.

describe("patternIncludes: every string the inner pattern matches, the outer matches too", () => {
  it.each([
    // outer, inner, included
    ["/api/*", "/api/*", true],
    ["/api/*", "/api/v1/*", true],
    ["/api/*", "/api/v?/*", true],
    ["/api/v?/*", "/api/*", false],
    ["/api/*", "/apix", false],
    ["/*", "/anything/at/all", true],
    ["/*", "/*", true],
    ["/a*", "/*", false],
    ["/a?c", "/abc", true],
    ["/a?c", "/a?c", true],
    ["/a?c", "/a*c", false],
    ["/a*c", "/a?c", true],
    ["/a*c", "/abbbc", true],
    ["/a*c", "/abbbd", false],
    ["*.example.com", "api.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "*.eu.example.com", true],
    ["api.example.com", "*.example.com", false],
    ["a*", "*?a", false],
    ["?*", "*?", true], // normalized: both are "one or more characters"
  ])("%s includes %s: %s", (outer, inner, included) => {
    expect(patternIncludes(outer, inner)).toBe(included);
  });
});

describe("shadows: an earlier rule matches every request a later one matches", () => {
  const rule = (priority: number, hosts: string[], paths: string[]) => ({ priority, hosts, paths });
  it.each([
    // the example: same host, lower priority number, no path
    ["host-only shadows host+path", rule(10, ["api.example.com"], []), rule(20, ["api.example.com"], ["/v2/*"]), true],
    ["host-only, case-insensitive", rule(10, ["API.Example.com"], []), rule(20, ["api.example.COM"], []), true],
    ["host-only, other host", rule(10, ["api.example.com"], []), rule(20, ["web.example.com"], []), false],
    ["host wildcard shadows a host", rule(10, ["*.example.com"], []), rule(20, ["api.example.com"], ["/x"]), true],
    ["a host does not shadow a wildcard", rule(10, ["api.example.com"], []), rule(20, ["*.example.com"], []), false],
    ["path-only shadows path-only", rule(10, [], ["/api/*"]), rule(20, [], ["/api/v1/*"]), true],
    ["path-only, case-sensitive", rule(10, [], ["/API/*"]), rule(20, [], ["/api/v1/*"]), false],
    ["path-only shadows host+path", rule(10, [], ["/api/*"]), rule(20, ["api.example.com"], ["/api/x"]), true],
    ["/* shadows a host-only rule", rule(10, [], ["/*"]), rule(20, ["api.example.com"], []), true],
    ["a narrower path does not shadow any path", rule(10, [], ["/api/*"]), rule(20, ["api.example.com"], []), false],
    ["host+path does not shadow host-only", rule(10, ["api.example.com"], ["/v1/*"]), rule(20, ["api.example.com"], []), false],
    ["host+path shadows host+narrower path", rule(10, ["api.example.com"], ["/v1/*"]), rule(20, ["api.example.com"], ["/v1/a"]), true],
    ["every later value needs cover", rule(10, [], ["/a/*"]), rule(20, [], ["/a/x", "/b/x"]), false],
    ["each later value covered by some earlier one", rule(10, [], ["/a/*", "/b/*"]), rule(20, [], ["/a/x", "/b/x"]), true],
    ["a host-only rule never covers another host's rule", rule(10, ["*.example.com"], []), rule(20, [], ["/x"]), false],
    ["higher priority number never shadows", rule(30, ["api.example.com"], []), rule(20, ["api.example.com"], ["/x"]), false],
  ])("%s", (_, earlier, later, expected) => {
    expect(shadows(earlier, later)).toBe(expected);
  });

  it("reports each shadowed rule once, against the earliest rule that shadows it", () => {
    const rules = [
      { name: "c", priority: 30, hosts: ["api.example.com"], paths: ["/v1/x"] },
      { name: "a", priority: 10, hosts: [], paths: ["/*"] },
      { name: "b", priority: 20, hosts: ["api.example.com"], paths: [] },
    ];
    expect(shadowedRules(rules).map(({ rule, by }) => [rule.name, by.name])).toEqual([
      ["b", "a"],
      ["c", "a"],
    ]);
  });
});

describe("quotas", () => {
  it("are AWS's documented values and adjustability", () => {
    const table = Object.fromEntries(Object.entries(AWS_QUOTAS).map(([key, q]) => [key, [q.value, q.adjustable]]));
    expect(table).toEqual({
      applicationLoadBalancersPerRegion: [50, true],
      networkLoadBalancersPerRegion: [50, true],
      listenersPerApplicationLoadBalancer: [50, true],
      listenersPerNetworkLoadBalancer: [50, false],
      targetGroupsPerApplicationLoadBalancer: [100, false],
      targetGroupsPerAction: [5, false],
      rulesPerApplicationLoadBalancer: [100, true],
      conditionValuesPerRule: [5, false],
      matchEvaluationsPerRule: [5, false],
      conditionWildcardsPerRule: [5, false],
      securityGroupRulesPerDirection: [60, true],
    });
  });

  it.each([
    [1, 4, []],
    [0, 5, []],
    [1, 5, ["condition values", "match evaluations"]],
    [2, 4, ["condition values", "match evaluations"]],
  ])("a rule with %i host(s) and %i path(s): %j", (hosts, paths, exceeded) => {
    const problems = listenerRuleQuotaProblems(
      Array.from({ length: hosts }, (_, i) => `h${i}.example.com`),
      Array.from({ length: paths }, (_, i) => `/p${i}`),
    );
    expect(problems.map((p) => p.split(" (")[0]!.split(": ")[1])).toEqual(exceeded);
  });

  it("counts wildcard characters, not values", () => {
    expect(ruleWildcards(["*.example.com"], ["/a/*", "/b/??/*"])).toBe(5);
    expect(listenerRuleQuotaProblems(["*.example.com"], ["/a/*/*", "/b/??/*"])).toEqual([
      `wildcards (* and ?) in hosts and paths (6) exceeds AWS's quota "Condition wildcards per rule" (5; not adjustable; ${AWS_QUOTAS.conditionWildcardsPerRule.page})`,
    ]);
  });

  it("names the override field of an adjustable quota, and uses the granted value", () => {
    expect(quotaProblem("rulesPerApplicationLoadBalancer", 101, "rules")).toBe(
      `rules (101) exceeds AWS's quota "Rules per Application Load Balancer (excluding default rules)" (100; adjustable: request an increase in Service Quotas, then set ecs.quotas.rulesPerApplicationLoadBalancer to the granted value; ${AWS_QUOTAS.rulesPerApplicationLoadBalancer.page})`,
    );
    expect(quotaProblem("rulesPerApplicationLoadBalancer", 101, "rules", { rulesPerApplicationLoadBalancer: 200 })).toBeUndefined();
    expect(quotaProblem("rulesPerApplicationLoadBalancer", 201, "rules", { rulesPerApplicationLoadBalancer: 200 })).toContain(
      "(200, the value ecs.quotas.rulesPerApplicationLoadBalancer gives; adjustable",
    );
  });
});

// Through the loader: a valid environment, edited one thing at a time.
const service = (alb: Record<string, unknown>) => ({
  loadBalancer: "alb",
  image: { tag: "1.0.0" },
  cpu: 256,
  memoryMiB: 512,
  containerPort: 8080,
  keepAliveTimeoutSeconds: 75,
  gracefulShutdownSeconds: 10,
  alb,
  scaling: { maxCapacity: 2 },
});
const environment = (services: Record<string, unknown>, ecs: Record<string, unknown> = {}) => ({
  repository: "github.com/acme/platform-infra",
  aws: { region: "eu-west-1", accountId: "111122223333" },
  network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  ecs: { alb: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123" }, services, ...ecs },
});
const S = "test.yaml: ecs.services";
const ALB_PAGE = AWS_QUOTAS.targetGroupsPerApplicationLoadBalancer.page;

describe("ALB guards through the loader (exact lines)", () => {
  it.each<[string, ReturnType<typeof environment>, string[]]>([
    [
      "a host-only rule shadowing a later host+path rule",
      environment({
        api: service({ priority: 10, hosts: ["api.example.com"] }),
        "api-v2": service({ priority: 20, hosts: ["api.example.com"], paths: ["/v2/*"] }),
      }),
      [
        `${S}.api-v2.alb.priority: 20: service api-v2 would never receive traffic: on the internet-facing ALB of group "main" the listener evaluates lower priorities first, and service api's rule (priority 10, hosts [api.example.com], paths [any]) matches every request this rule (priority 20, hosts [api.example.com], paths [/v2/*]) matches. Give api-v2 a priority below 10, or narrow api's hosts or paths`,
      ],
    ],
    [
      "the same rule order, fixed by the priority",
      environment({
        api: service({ priority: 10, hosts: ["api.example.com"] }),
        "api-v2": service({ priority: 5, hosts: ["api.example.com"], paths: ["/v2/*"] }),
      }),
      [],
    ],
    [
      "the same host on different ALBs: different listeners, nothing shadowed",
      environment({
        api: service({ priority: 10, hosts: ["api.example.com"] }),
        "api-internal": service({ scheme: "internal", priority: 20, hosts: ["api.example.com"], paths: ["/admin/*"] }),
        "api-b": service({ group: "b", priority: 10, hosts: ["api.example.com"], paths: ["/b/*"] }),
      }),
      [],
    ],
    [
      "a catch-all path rule before a wildcard-host rule",
      environment({
        web: service({ priority: 1, paths: ["/*"] }),
        shop: service({ priority: 2, hosts: ["*.shop.example.com"] }),
      }),
      [
        `${S}.shop.alb.priority: 2: service shop would never receive traffic: on the internet-facing ALB of group "main" the listener evaluates lower priorities first, and service web's rule (priority 1, hosts [any], paths [/*]) matches every request this rule (priority 2, hosts [*.shop.example.com], paths [any]) matches. Give shop a priority below 1, or narrow web's hosts or paths`,
      ],
    ],
    [
      "one host and six paths (the issue's example)",
      environment({ api: service({ priority: 10, hosts: ["api.example.com"], paths: ["/a", "/b", "/c", "/d", "/e", "/f"] }) }),
      [
        `${S}.api.alb: 1 host(s) and 6 path(s): condition values (7) exceeds AWS's quota "Condition values per rule" (5; not adjustable; ${ALB_PAGE}); split the service's routes into fewer, wider patterns (a rule ANDs hosts with paths and ORs the values of each)`,
        `${S}.api.alb: 1 host(s) and 6 path(s): match evaluations (7) exceeds AWS's quota "Match evaluations per rule" (5; not adjustable; ${ALB_PAGE}); split the service's routes into fewer, wider patterns (a rule ANDs hosts with paths and ORs the values of each)`,
      ],
    ],
    [
      "an unknown scheme",
      environment({ api: service({ scheme: "public", priority: 10, hosts: ["api.example.com"] }) }),
      [`${S}.api.alb.scheme: must be one of internet-facing, internal, got "public"`],
    ],
    [
      "outbound rules on the ALB's security group: two target ports each, 31 services",
      environment(
        Object.fromEntries(
          Array.from({ length: 31 }, (_, i) => [
            `svc-${String(i).padStart(2, "0")}`,
            { ...service({ priority: i + 1, paths: [`/s${i}/*`] }), targetHealthCheck: { port: 8081 } },
          ]),
        ),
      ),
      [
        `${S}.svc-30.alb.group: main: the internet-facing ALB of group "main" would hold outbound rules on its security group (one per service and target port) (62) exceeds AWS's quota "Inbound or outbound rules per security group" (60; adjustable: request an increase in Service Quotas, then set ecs.quotas.securityGroupRulesPerDirection to the granted value; ${AWS_QUOTAS.securityGroupRulesPerDirection.page}). Spread the services over more groups (alb.group), each its own ALB`,
      ],
    ],
    [
      "the same 31 services with the raised security group quota",
      environment(
        Object.fromEntries(
          Array.from({ length: 31 }, (_, i) => [
            `svc-${String(i).padStart(2, "0")}`,
            { ...service({ priority: i + 1, paths: [`/s${i}/*`] }), targetHealthCheck: { port: 8081 } },
          ]),
        ),
        { quotas: { securityGroupRulesPerDirection: 100 } },
      ),
      [],
    ],
    [
      "an override of a quota AWS does not adjust",
      environment(
        { api: service({ priority: 10, hosts: ["api.example.com"] }) },
        { quotas: { targetGroupsPerApplicationLoadBalancer: 200 } },
      ),
      [
        "test.yaml: ecs.quotas.targetGroupsPerApplicationLoadBalancer: unknown key; allowed keys here: applicationLoadBalancersPerRegion, networkLoadBalancersPerRegion, listenersPerApplicationLoadBalancer, rulesPerApplicationLoadBalancer, securityGroupRulesPerDirection",
      ],
    ],
    [
      "more internal ALB ingress blocks than a security group takes",
      environment(
        { api: service({ scheme: "internal", priority: 10, hosts: ["api.example.com"] }) },
        {
          alb: {
            certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123",
            internalIngressCidrs: Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`),
          },
        },
      ),
      [
        `test.yaml: ecs.alb.internalIngressCidrs: the internal ALB of group "main": inbound rules (one per listener port and CIDR block) (62) exceeds AWS's quota "Inbound or outbound rules per security group" (60; adjustable: request an increase in Service Quotas, then set ecs.quotas.securityGroupRulesPerDirection to the granted value; ${AWS_QUOTAS.securityGroupRulesPerDirection.page}); list fewer, wider blocks`,
      ],
    ],
  ])("%s", (_, env, expected) => {
    expect(problemLines(env)).toEqual(expected);
  });

  it("refuses more target groups on one ALB than AWS allows (100, not adjustable), at the 101st service", () => {
    const services = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`svc-${String(i).padStart(3, "0")}`, service({ priority: i + 1, paths: [`/s${i}/*`] })]),
    );
    const lines = problemLines(environment(services, { quotas: { securityGroupRulesPerDirection: 200 } }));
    expect(lines).toEqual([
      `${S}.svc-100.alb.group: main: the internet-facing ALB of group "main" would hold target groups (101) exceeds AWS's quota "Target Groups per Application Load Balancer" (100; not adjustable; ${ALB_PAGE}). Spread the services over more groups (alb.group), each its own ALB`,
      `${S}.svc-100.alb.group: main: the internet-facing ALB of group "main" would hold listener rules (101) exceeds AWS's quota "Rules per Application Load Balancer (excluding default rules)" (100; adjustable: request an increase in Service Quotas, then set ecs.quotas.rulesPerApplicationLoadBalancer to the granted value; ${ALB_PAGE}). Spread the services over more groups (alb.group), each its own ALB`,
    ]);
  });

  it("counts ALBs and NLBs per Region against the quotas, with the environment's granted value", () => {
    const nlb = (i: number) => ({
      ...service({}),
      loadBalancer: "nlb",
      alb: undefined,
      containerPort: 9000,
      keepAliveTimeoutSeconds: 300,
      targetHealthCheck: { protocol: "TCP" },
      nlb: { port: 9000 + i, ingressCidrs: ["10.0.0.0/16"] },
    });
    const services = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`tcp-${i}`, nlb(i)]));
    expect(problemLines(environment(services, { quotas: { networkLoadBalancersPerRegion: 2 } }))).toEqual([
      `${S}: the 3 nlb services, one NLB each (3) exceeds AWS's quota "Network Load Balancers per Region" (2, the value ecs.quotas.networkLoadBalancersPerRegion gives; adjustable: request an increase in Service Quotas, then set ecs.quotas.networkLoadBalancersPerRegion to the granted value; ${AWS_QUOTAS.networkLoadBalancersPerRegion.page}); use fewer load balancers`,
    ]);
    const albs = Object.fromEntries(
      ["a", "b", "c"].map((group, i) => [`web-${group}`, service({ group, priority: 10 + i, hosts: [`${group}.example.com`] })]),
    );
    expect(problemLines(environment(albs, { quotas: { applicationLoadBalancersPerRegion: 2 } }))).toEqual([
      `${S}: the 3 shared ALBs (internet-facing/a, internet-facing/b, internet-facing/c) (3) exceeds AWS's quota "Application Load Balancers per Region" (2, the value ecs.quotas.applicationLoadBalancersPerRegion gives; adjustable: request an increase in Service Quotas, then set ecs.quotas.applicationLoadBalancersPerRegion to the granted value; ${ALB_PAGE}); use fewer load balancers`,
    ]);
  });

  it("keeps the scaling benchmark's 200-service environment deployable (services spread over ALB groups)", () => {
    expect(problemLines(scaledEnvironmentYaml(1, 200), "b01")).toEqual([]);
  });
});
