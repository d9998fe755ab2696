import { parseCidr } from "../lib/network/cidr";

// Cross-field guards of issue #18: the plan role's place among the cluster's principals, the CI runner's
// connection and repository, and the private-endpoint allow list. Pure functions from settings to
// problems (paths from the document root), reported by the schema's superRefine and table-tested directly.

export interface CiProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** What the guards read of an environment. */
export interface CiSettings {
  readonly repository: string;
  readonly aws: { readonly region: string; readonly accountId: string; readonly deployRoleArn?: string; readonly planRoleArn?: string };
  readonly network?: { readonly natGateways: string };
  readonly eks?: {
    readonly adminRoleArns: readonly string[];
    readonly ciRunner?: { readonly connectionArn: string; readonly repositoryUrl?: string };
    readonly privateEndpointAccess?: { readonly cidrs: readonly string[] };
  };
}

const GITHUB_REPOSITORY = /^github\.com\/[\w.-]+\/[\w.-]+$/;

/** The repository the runner serves: the configured URL, or https://<repository> for a github.com path. */
export function ciRunnerRepositoryUrl(settings: Pick<CiSettings, "repository">, repositoryUrl?: string): string | undefined {
  if (repositoryUrl) return repositoryUrl;
  return GITHUB_REPOSITORY.test(settings.repository) ? `https://${settings.repository}` : undefined;
}

/**
 * The plan role reads; it must be another role than the deploy role, in the environment's account, and
 * never a cluster admin (an access entry per principal: listing it in both would also fail with 409).
 */
export function planRoleProblems(settings: CiSettings): CiProblem[] {
  const { planRoleArn, deployRoleArn, accountId } = settings.aws;
  if (!planRoleArn) return [];
  const problems: CiProblem[] = [];
  const account = planRoleArn.split(":")[4];
  if (account !== accountId) {
    problems.push({
      path: ["aws", "planRoleArn"],
      message: `is in account ${account} but aws.accountId is ${accountId}; the plan role must be in the environment's account`,
    });
  }
  if (planRoleArn === deployRoleArn) {
    problems.push({
      path: ["aws", "planRoleArn"],
      message:
        "is the deploy role; pull-request plans need a read-only role of their own (docs/ci.md), or a pull request can write production",
    });
  }
  if (settings.eks?.adminRoleArns.includes(planRoleArn)) {
    problems.push({
      path: ["eks", "adminRoleArns"],
      message: `lists aws.planRoleArn (${planRoleArn}); the plan role gets read-only access entries, never cluster-admin. Remove it from adminRoleArns`,
    });
  }
  return problems;
}

/** The runner's connection lives in the environment's account and region; the repository must be known. */
export function ciRunnerProblems(settings: CiSettings): CiProblem[] {
  const runner = settings.eks?.ciRunner;
  if (!runner) return [];
  const problems: CiProblem[] = [];
  const [, , , region, account] = runner.connectionArn.split(":");
  if (region !== settings.aws.region || account !== settings.aws.accountId) {
    problems.push({
      path: ["eks", "ciRunner", "connectionArn"],
      message: `is in ${region} of account ${account}, but the runner is created in ${settings.aws.region} of account ${settings.aws.accountId}; create the connection there (docs/ci-runners.md)`,
    });
  }
  // The runner starts in the private subnets and must reach GitHub (registration, the job's actions).
  if (settings.network?.natGateways === "none") {
    problems.push({
      path: ["eks", "ciRunner"],
      message:
        "needs a route to GitHub from the private subnets, but network.natGateways is none; use single or per-az, or remove ciRunner",
    });
  }
  if (!ciRunnerRepositoryUrl(settings, runner.repositoryUrl)) {
    problems.push({
      path: ["eks", "ciRunner", "repositoryUrl"],
      message: `is required: repository ("${settings.repository}") is not a github.com/<owner>/<name> path to derive it from`,
    });
  }
  return problems;
}

/** Allowed ranges are CIDRs, and none is the whole internet (the endpoint is private; a /0 means a mistake). */
export function privateEndpointProblems(settings: CiSettings): CiProblem[] {
  const cidrs = settings.eks?.privateEndpointAccess?.cidrs ?? [];
  return cidrs.flatMap((text, i): CiProblem[] => {
    const path = ["eks", "privateEndpointAccess", "cidrs", i];
    const block = parseCidr(text);
    if (typeof block === "string") return [{ path, message: block }];
    if (block.prefix === 0) {
      return [{ path, message: "admits every address to the API endpoint; list your VPN client pool or office ranges" }];
    }
    return [];
  });
}

export function ciProblems(settings: CiSettings): CiProblem[] {
  return [...planRoleProblems(settings), ...ciRunnerProblems(settings), ...privateEndpointProblems(settings)];
}
