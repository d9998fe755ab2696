import { listenerRuleQuotaProblems, type QuotaKey, quotaLimit, quotaProblem } from "../lib/load-balancer/quotas";
import { shadowedRules } from "../lib/load-balancer/rule-shadowing";
import { type AlbScheme, DEFAULT_ALB_GROUP, sharedAlbListenerCount } from "../lib/load-balancer/shared-alb";
import type { EcsServiceSettings, EcsSettings } from "./ecs";
import type { GuardProblem as EcsProblem } from "./errors";

// The shared ALBs of the `ecs:` section: one per scheme and group that a service uses. Where each service
// sits (the stack reads it), and the guards that only make sense per ALB: unique and reachable listener
// rules (item 5 of issue 19) and the AWS quotas synth can count (item 6). Paths are relative to `ecs`.

export interface SharedAlbUse {
  readonly scheme: AlbScheme;
  readonly group: string;
  /** The services on it, by name, in name order. */
  readonly services: readonly [string, EcsServiceSettings][];
}

/** The scheme of alb services that name none: the section-wide `internal` switch of before. */
export function defaultAlbScheme(ecs: EcsSettings): AlbScheme {
  return ecs.alb.internal ? "internal" : "internet-facing";
}

/** The scheme and group of an alb service's shared ALB; undefined for other services. */
export function albPlacement(service: EcsServiceSettings, ecs: EcsSettings): { scheme: AlbScheme; group: string } | undefined {
  if (service.loadBalancer !== "alb") return undefined;
  return { scheme: service.alb?.scheme ?? defaultAlbScheme(ecs), group: service.alb?.group ?? DEFAULT_ALB_GROUP };
}

/** The ALB that existed before schemes and groups (construct ID `alb`, name `<env>-alb`): the default scheme's main group. */
export function isOriginalAlb(use: { scheme: AlbScheme; group: string }, ecs: EcsSettings): boolean {
  return use.scheme === defaultAlbScheme(ecs) && use.group === DEFAULT_ALB_GROUP;
}

/** The shared ALBs the services use, the original one first, then by scheme and group; none without alb services. */
export function sharedAlbsInUse(ecs: EcsSettings): SharedAlbUse[] {
  const byKey = new Map<string, SharedAlbUse & { services: [string, EcsServiceSettings][] }>();
  for (const [name, service] of Object.entries(ecs.services).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const placement = albPlacement(service, ecs);
    if (!placement) continue;
    const key = `${placement.scheme}/${placement.group}`;
    if (!byKey.has(key)) byKey.set(key, { ...placement, services: [] });
    byKey.get(key)!.services.push([name, service]);
  }
  const rank = (use: SharedAlbUse) => `${isOriginalAlb(use, ecs) ? 0 : 1}/${use.scheme}/${use.group}`;
  return [...byKey.values()].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
}

/** How messages and outputs name an ALB: `the internal ALB of group "main"`. */
export function describeAlb(use: { scheme: AlbScheme; group: string }): string {
  return `the ${use.scheme} ALB of group "${use.group}"`;
}

/** The client CIDR blocks an ALB of `scheme` admits; `vpcCidr` is the default of internal ones. */
export function albIngressCidrs(ecs: EcsSettings, scheme: AlbScheme, vpcCidr: string): readonly string[] {
  if (scheme === "internet-facing") return ecs.alb.ingressCidrs;
  // Before schemes, `internal: true` put every service on one internal ALB that admitted ingressCidrs.
  return ecs.alb.internalIngressCidrs ?? (ecs.alb.internal ? ecs.alb.ingressCidrs : [vpcCidr]);
}

/** The certificate of an ALB's HTTPS listener, if it has one. */
export function albCertificateArn(ecs: EcsSettings, scheme: AlbScheme): string | undefined {
  return scheme === "internal" ? (ecs.alb.internalCertificateArn ?? ecs.alb.certificateArn) : ecs.alb.certificateArn;
}

/** Ports the load balancer connects to on each task: one egress rule each on its security group (lib/ecs/fargate-service.ts). */
export function targetPorts(service: EcsServiceSettings): number[] {
  // A queue worker (loadBalancer none) has no container port and no load balancer connecting to it.
  if (service.containerPort === undefined) return [];
  return [...new Set([service.containerPort, service.targetHealthCheck.port ?? service.containerPort])];
}

const at = (name: string, ...rest: (string | number)[]) => ["services", name, ...rest];

/** Listener rules per ALB: unique priorities, none that an earlier rule shadows, each within the per-rule quotas. */
export function albRules(ecs: EcsSettings): EcsProblem[] {
  const problems: EcsProblem[] = [];
  for (const use of sharedAlbsInUse(ecs)) {
    const rules = use.services
      .filter(([, s]) => s.alb)
      .map(([name, s]) => ({ name, priority: s.alb!.priority, hosts: s.alb!.hosts, paths: s.alb!.paths }));
    for (const rule of rules) {
      const clash = rules.find((other) => other.name < rule.name && other.priority === rule.priority);
      if (clash) {
        problems.push({
          path: at(rule.name, "alb", "priority"),
          message: `${rule.priority} is also the priority of service ${clash.name} on ${describeAlb(use)}; listener rule priorities must be unique per ALB, pick another`,
        });
      }
      for (const quota of listenerRuleQuotaProblems(rule.hosts, rule.paths)) {
        problems.push({
          path: at(rule.name, "alb"),
          message: `${quota}; split the service's routes into fewer, wider patterns (a rule ANDs hosts with paths and ORs the values of each)`,
        });
      }
    }
    const show = (r: (typeof rules)[number]) =>
      `priority ${r.priority}, hosts [${r.hosts.join(", ") || "any"}], paths [${r.paths.join(", ") || "any"}]`;
    for (const { rule, by } of shadowedRules(rules.filter((r) => r.hosts.length + r.paths.length > 0))) {
      problems.push({
        path: at(rule.name, "alb", "priority"),
        message: `${rule.priority}: service ${rule.name} would never receive traffic: on ${describeAlb(use)} the listener evaluates lower priorities first, and service ${by.name}'s rule (${show(by)}) matches every request this rule (${show(rule)}) matches. Give ${rule.name} a priority below ${by.priority}, or narrow ${by.name}'s hosts or paths`,
      });
    }
  }
  return problems;
}

/** The quotas each shared ALB and each NLB service can exceed, and the load balancers per Region. */
export function loadBalancerQuotas(ecs: EcsSettings): EcsProblem[] {
  const problems: EcsProblem[] = [];
  const overrides = ecs.quotas;
  const albs = sharedAlbsInUse(ecs);
  for (const use of albs) {
    // One target group and one listener rule per service; one egress rule per target port (fargate-service.ts).
    const perService: [QuotaKey, (s: EcsServiceSettings) => number, string][] = [
      ["targetGroupsPerApplicationLoadBalancer", () => 1, "target groups"],
      ["rulesPerApplicationLoadBalancer", () => 1, "listener rules"],
      [
        "securityGroupRulesPerDirection",
        (s) => targetPorts(s).length,
        "outbound rules on its security group (one per service and target port)",
      ],
    ];
    for (const [key, count, what] of perService) {
      const total = use.services.reduce((sum, [, s]) => sum + count(s), 0);
      const problem = quotaProblem(key, total, `${describeAlb(use)} would hold ${what}`, overrides);
      if (!problem) continue;
      // Reported at the first service (in name order) past the limit: the one to move to another group.
      const limit = quotaLimit(key, overrides);
      let used = 0;
      let name = use.services[0]![0];
      for (const [candidate, service] of use.services) {
        used += count(service);
        name = candidate;
        if (used > limit) break;
      }
      problems.push({
        path: at(name, "alb", "group"),
        message: `${use.group}: ${problem}. Spread the services over more groups (alb.group), each its own ALB`,
      });
    }
    const plain = !albCertificateArn(ecs, use.scheme);
    const listeners = quotaProblem(
      "listenersPerApplicationLoadBalancer",
      sharedAlbListenerCount(plain),
      `${describeAlb(use)}: listeners`,
      overrides,
    );
    if (listeners) problems.push({ path: ["alb"], message: listeners });
    const ingress = albIngressCidrs(ecs, use.scheme, "the VPC's CIDR block").length * sharedAlbListenerCount(plain);
    const ingressProblem = quotaProblem(
      "securityGroupRulesPerDirection",
      ingress,
      `${describeAlb(use)}: inbound rules (one per listener port and CIDR block)`,
      overrides,
    );
    const field = use.scheme === "internal" && ecs.alb.internalIngressCidrs ? "internalIngressCidrs" : "ingressCidrs";
    if (ingressProblem) problems.push({ path: ["alb", field], message: `${ingressProblem}; list fewer, wider blocks` });
  }
  const nlbs = Object.entries(ecs.services).filter(([, s]) => s.loadBalancer === "nlb");
  for (const [name, service] of nlbs) {
    const cidrs = service.nlb?.ingressCidrs.length ?? 0;
    const problem = quotaProblem(
      "securityGroupRulesPerDirection",
      cidrs,
      "inbound rules on the NLB's security group (one per CIDR block)",
      overrides,
    );
    if (problem) problems.push({ path: at(name, "nlb", "ingressCidrs"), message: `${problem}; list fewer, wider blocks` });
  }
  // Only the ecs layer creates load balancers; the quotas count per account and Region, across environments too.
  const regionProblems = [
    quotaProblem(
      "applicationLoadBalancersPerRegion",
      albs.length,
      `the ${albs.length} shared ALBs (${albs.map((u) => `${u.scheme}/${u.group}`).join(", ")})`,
      overrides,
    ),
    quotaProblem("networkLoadBalancersPerRegion", nlbs.length, `the ${nlbs.length} nlb services, one NLB each`, overrides),
  ];
  for (const problem of regionProblems) if (problem) problems.push({ path: ["services"], message: `${problem}; use fewer load balancers` });
  return problems;
}

/** Every per-ALB and load-balancer-quota problem of the section. */
export function albProblems(ecs: EcsSettings): EcsProblem[] {
  return [...albRules(ecs), ...loadBalancerQuotas(ecs)];
}
