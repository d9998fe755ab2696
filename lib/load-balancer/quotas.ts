// AWS quotas that synth can count, with the page that states each and whether AWS raises it on request.
// A deploy that crosses one fails half-way (CreateRule, CreateTargetGroup or AuthorizeSecurityGroupEgress
// is refused after other resources exist), so the config layer refuses it before anything is planned.

const ALB_QUOTAS_PAGE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";
const NLB_QUOTAS_PAGE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html";
const VPC_QUOTAS_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups";

export interface AwsQuota {
  /** AWS's own name for the quota, as the quotas page and Service Quotas show it. */
  readonly name: string;
  /** The default value. */
  readonly value: number;
  /** AWS raises it on request (Service Quotas); the environment may then give the granted value. */
  readonly adjustable: boolean;
  readonly page: string;
}

/** The quotas the stacks can exceed, as AWS documents them (checked 2026-12-07). */
export const AWS_QUOTAS = {
  applicationLoadBalancersPerRegion: { name: "Application Load Balancers per Region", value: 50, adjustable: true, page: ALB_QUOTAS_PAGE },
  networkLoadBalancersPerRegion: { name: "Network Load Balancers per Region", value: 50, adjustable: true, page: NLB_QUOTAS_PAGE },
  listenersPerApplicationLoadBalancer: {
    name: "Listeners per Application Load Balancer",
    value: 50,
    adjustable: true,
    page: ALB_QUOTAS_PAGE,
  },
  listenersPerNetworkLoadBalancer: { name: "Listeners per Network Load Balancer", value: 50, adjustable: false, page: NLB_QUOTAS_PAGE },
  targetGroupsPerApplicationLoadBalancer: {
    name: "Target Groups per Application Load Balancer",
    value: 100,
    adjustable: false,
    page: ALB_QUOTAS_PAGE,
  },
  targetGroupsPerAction: {
    name: "Target Groups per Action per Application Load Balancer",
    value: 5,
    adjustable: false,
    page: ALB_QUOTAS_PAGE,
  },
  rulesPerApplicationLoadBalancer: {
    name: "Rules per Application Load Balancer (excluding default rules)",
    value: 100,
    adjustable: true,
    page: ALB_QUOTAS_PAGE,
  },
  conditionValuesPerRule: { name: "Condition values per rule", value: 5, adjustable: false, page: ALB_QUOTAS_PAGE },
  matchEvaluationsPerRule: { name: "Match evaluations per rule", value: 5, adjustable: false, page: ALB_QUOTAS_PAGE },
  conditionWildcardsPerRule: { name: "Condition wildcards per rule", value: 5, adjustable: false, page: ALB_QUOTAS_PAGE },
  securityGroupRulesPerDirection: {
    name: "Inbound or outbound rules per security group",
    value: 60,
    adjustable: true,
    page: VPC_QUOTAS_PAGE,
  },
} as const satisfies Record<string, AwsQuota>;

export type QuotaKey = keyof typeof AWS_QUOTAS;
/** The quotas an environment may raise (the value AWS granted it). */
export type AdjustableQuotaKey = {
  [K in QuotaKey]: (typeof AWS_QUOTAS)[K]["adjustable"] extends true ? K : never;
}[QuotaKey];
export const ADJUSTABLE_QUOTAS = (Object.keys(AWS_QUOTAS) as QuotaKey[]).filter(
  (key): key is AdjustableQuotaKey => AWS_QUOTAS[key].adjustable,
);

/** The limit in effect: the environment's granted value for an adjustable quota, else AWS's default. */
export function quotaLimit(key: QuotaKey, overrides: Partial<Record<AdjustableQuotaKey, number>> = {}): number {
  const own = AWS_QUOTAS[key].adjustable ? overrides[key as AdjustableQuotaKey] : undefined;
  return own ?? AWS_QUOTAS[key].value;
}

/**
 * `<what> (<used>) exceeds AWS's quota "<name>" (<limit>, ...; <page>)`, or undefined within it. `overrideField`
 * names where the environment gives a raised value, for adjustable quotas.
 */
export function quotaProblem(
  key: QuotaKey,
  used: number,
  what: string,
  overrides: Partial<Record<AdjustableQuotaKey, number>> = {},
  overrideField = `ecs.quotas.${key}`,
): string | undefined {
  const limit = quotaLimit(key, overrides);
  if (used <= limit) return undefined;
  const quota: AwsQuota = AWS_QUOTAS[key];
  const raised = limit !== quota.value ? `, the value ${overrideField} gives` : "";
  const adjustable = quota.adjustable
    ? `adjustable: request an increase in Service Quotas, then set ${overrideField} to the granted value`
    : "not adjustable";
  return `${what} (${used}) exceeds AWS's quota "${quota.name}" (${limit}${raised}; ${adjustable}; ${quota.page})`;
}

/** Values in a rule's host-header and path-pattern conditions: each counts as a condition value and as a match evaluation. */
export function ruleConditionValues(hosts: readonly string[], paths: readonly string[]): number {
  return hosts.length + paths.length;
}

/** Wildcard characters (`*` and `?`) in a rule's condition values. */
export function ruleWildcards(hosts: readonly string[], paths: readonly string[]): number {
  return [...hosts, ...paths].reduce((sum, value) => sum + (value.match(/[*?]/g)?.length ?? 0), 0);
}

/** The per-rule quotas a host/path listener rule can exceed; messages name the quota, its page and that it is fixed. */
export function listenerRuleQuotaProblems(hosts: readonly string[], paths: readonly string[]): string[] {
  const values = ruleConditionValues(hosts, paths);
  const what = `${hosts.length} host(s) and ${paths.length} path(s)`;
  return [
    quotaProblem("conditionValuesPerRule", values, `${what}: condition values`),
    quotaProblem("matchEvaluationsPerRule", values, `${what}: match evaluations`),
    quotaProblem("conditionWildcardsPerRule", ruleWildcards(hosts, paths), "wildcards (* and ?) in hosts and paths"),
  ].filter((p): p is string => p !== undefined);
}
