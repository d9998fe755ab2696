import { type CiSettings, ciProblems, ciRunnerRepositoryUrl } from "../config/ci-guards";
import { problemLines, testEksBase } from "./helpers";

// Issue #18: aws.planRoleArn, eks.ciRunner and eks.privateEndpointAccess, as the loader reports them.

const CONNECTION = "arn:aws:codeconnections:eu-west-1:111122223333:connection/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

/** A complete, valid environment with a plan role, a CI runner and an endpoint allow list; each case changes one thing. */
const valid = () => ({
  repository: "github.com/acme/platform-infra",
  aws: {
    region: "eu-west-1",
    accountId: "111122223333",
    deployRoleArn: "arn:aws:iam::111122223333:role/deploy",
    planRoleArn: "arn:aws:iam::111122223333:role/plan",
  } as Record<string, unknown>,
  network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  eks: {
    ...testEksBase(),
    allowAllGroupsTainted: true,
    ciRunner: { connectionArn: CONNECTION } as Record<string, unknown>,
    privateEndpointAccess: { cidrs: ["10.99.0.0/16"], securityGroupIds: ["sg-0123456789abcdef0"] } as Record<string, unknown>,
  },
});
type Env = ReturnType<typeof valid>;
const edit = (change: (env: Env) => void) => {
  const env = valid();
  change(env);
  return env;
};

const cases: [string, Env, string[]][] = [
  [
    "a plan role that is not a role ARN",
    edit((e) => (e.aws.planRoleArn = "plan")),
    ["test.yaml: aws.planRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/plan"],
  ],
  [
    "a plan role in another account",
    edit((e) => (e.aws.planRoleArn = "arn:aws:iam::999999999999:role/plan")),
    [
      "test.yaml: aws.planRoleArn: is in account 999999999999 but aws.accountId is 111122223333; the plan role must be in the environment's account",
    ],
  ],
  [
    "the deploy role as the plan role",
    edit((e) => (e.aws.planRoleArn = e.aws.deployRoleArn)),
    [
      "test.yaml: aws.planRoleArn: is the deploy role; pull-request plans need a read-only role of their own (docs/ci.md), or a pull request can write production",
      // The deploy role is a cluster admin (the Helm provider of eks-addons applies as it), so this too:
      "test.yaml: eks.adminRoleArns: lists aws.planRoleArn (arn:aws:iam::111122223333:role/deploy); the plan role gets read-only access entries, never cluster-admin. Remove it from adminRoleArns",
    ],
  ],
  [
    "the plan role as a cluster admin",
    edit((e) => e.eks.adminRoleArns.push("arn:aws:iam::111122223333:role/plan")),
    [
      "test.yaml: eks.adminRoleArns: lists aws.planRoleArn (arn:aws:iam::111122223333:role/plan); the plan role gets read-only access entries, never cluster-admin. Remove it from adminRoleArns",
    ],
  ],
  [
    "a connection that is not a connection ARN",
    edit((e) => (e.eks.ciRunner.connectionArn = "arn:aws:iam::111122223333:role/github")),
    [
      "test.yaml: eks.ciRunner.connectionArn: must be a CodeConnections connection ARN such as arn:aws:codeconnections:eu-west-1:123456789012:connection/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 (docs/ci-runners.md)",
    ],
  ],
  [
    "a connection in another region",
    edit((e) => (e.eks.ciRunner.connectionArn = CONNECTION.replace("eu-west-1", "us-east-1"))),
    [
      "test.yaml: eks.ciRunner.connectionArn: is in us-east-1 of account 111122223333, but the runner is created in eu-west-1 of account 111122223333; create the connection there (docs/ci-runners.md)",
    ],
  ],
  [
    "a runner for a repository that is not on github.com, without repositoryUrl",
    edit((e) => (e.repository = "gitlab.example.com/platform")),
    [
      'test.yaml: eks.ciRunner.repositoryUrl: is required: repository ("gitlab.example.com/platform") is not a github.com/<owner>/<name> path to derive it from',
    ],
  ],
  [
    "a runner in a VPC without NAT",
    edit((e) => ((e.network as Record<string, unknown>).natGateways = "none")),
    [
      "test.yaml: eks.ciRunner: needs a route to GitHub from the private subnets, but network.natGateways is none; use single or per-az, or remove ciRunner",
    ],
  ],
  [
    "a repository URL that is not GitHub",
    edit((e) => (e.eks.ciRunner.repositoryUrl = "https://gitlab.com/acme/platform-infra")),
    ["test.yaml: eks.ciRunner.repositoryUrl: must be a GitHub repository URL such as https://github.com/acme/platform-infra"],
  ],
  [
    "a runner timeout CodeBuild does not accept",
    edit((e) => (e.eks.ciRunner.buildTimeoutMinutes = 3)),
    ["test.yaml: eks.ciRunner.buildTimeoutMinutes: must be between 5 and 2160 minutes (the CodeBuild limits)"],
  ],
  [
    "an unknown compute type",
    edit((e) => (e.eks.ciRunner.computeType = "BUILD_GENERAL1_HUGE")),
    [
      'test.yaml: eks.ciRunner.computeType: must be one of BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, got "BUILD_GENERAL1_HUGE"',
    ],
  ],
  [
    "an endpoint range that is not a CIDR",
    edit((e) => (e.eks.privateEndpointAccess.cidrs = ["10.99.0.0"])),
    ['test.yaml: eks.privateEndpointAccess.cidrs.0: "10.99.0.0" is not an IPv4 CIDR block such as 10.0.0.0/16'],
  ],
  [
    "the whole internet as an endpoint range",
    edit((e) => (e.eks.privateEndpointAccess.cidrs = ["10.99.0.0/16", "0.0.0.0/0"])),
    ["test.yaml: eks.privateEndpointAccess.cidrs.1: admits every address to the API endpoint; list your VPN client pool or office ranges"],
  ],
  [
    "a security group that is not a group ID",
    edit((e) => (e.eks.privateEndpointAccess.securityGroupIds = ["bastion"])),
    ["test.yaml: eks.privateEndpointAccess.securityGroupIds.0: must be a security group ID such as sg-0123456789abcdef0"],
  ],
];

describe("CI configuration (issue #18)", () => {
  it("accepts the base case, and an environment without any of the new keys", () => {
    expect(problemLines(valid())).toEqual([]);
    expect(
      problemLines(
        edit((e) => {
          delete e.aws.planRoleArn;
          delete (e.eks as Record<string, unknown>).ciRunner;
          delete (e.eks as Record<string, unknown>).privateEndpointAccess;
        }),
      ),
    ).toEqual([]);
  });

  it("accepts a runner for a repository given by URL when repository is not a GitHub path", () => {
    const env = edit((e) => {
      e.repository = "platform-infra";
      e.eks.ciRunner.repositoryUrl = "https://github.com/acme/platform-infra";
    });
    expect(problemLines(env)).toEqual([]);
  });

  it.each(cases)("refuses %s", (_name, env, expected) => {
    expect(problemLines(env)).toEqual(expected);
  });
});

describe("CI guards (pure)", () => {
  const settings = (change: (s: { -readonly [K in keyof CiSettings]: CiSettings[K] } & Record<string, unknown>) => void = () => {}) => {
    const base = {
      repository: "github.com/acme/platform-infra",
      aws: { region: "eu-west-1", accountId: "111122223333", deployRoleArn: "arn:aws:iam::111122223333:role/deploy" } as Record<
        string,
        string
      >,
      eks: { adminRoleArns: ["arn:aws:iam::111122223333:role/deploy"] } as Record<string, unknown>,
    };
    change(base as never);
    return base as unknown as CiSettings;
  };

  it.each([
    ["no plan role, no runner, no allow list", settings(), []],
    [
      "a plan role listed as admin and equal to the deploy role",
      settings((s) => {
        (s.aws as Record<string, string>).planRoleArn = "arn:aws:iam::111122223333:role/deploy";
      }),
      ["aws.planRoleArn", "eks.adminRoleArns"],
    ],
    [
      "a runner connection of another account",
      settings((s) => {
        (s.eks as Record<string, unknown>).ciRunner = { connectionArn: CONNECTION.replace("111122223333", "999999999999") };
      }),
      ["eks.ciRunner.connectionArn"],
    ],
    [
      "an allow list with a /0 and a bad range",
      settings((s) => {
        (s.eks as Record<string, unknown>).privateEndpointAccess = { cidrs: ["0.0.0.0/0", "10.1.0.0/33", "192.168.0.0/24"] };
      }),
      ["eks.privateEndpointAccess.cidrs.0", "eks.privateEndpointAccess.cidrs.1"],
    ],
  ] as [string, CiSettings, string[]][])("%s", (_name, input, paths) => {
    expect(ciProblems(input).map((p) => p.path.join("."))).toEqual(paths);
  });

  it("derives the runner's repository from a github.com repository path only", () => {
    expect(ciRunnerRepositoryUrl({ repository: "github.com/acme/platform-infra" })).toBe("https://github.com/acme/platform-infra");
    expect(ciRunnerRepositoryUrl({ repository: "acme/platform-infra" })).toBeUndefined();
    expect(ciRunnerRepositoryUrl({ repository: "x" }, "https://github.com/acme/other")).toBe("https://github.com/acme/other");
  });
});
