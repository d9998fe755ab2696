import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ConfigError } from "../config/errors";
import { loadEnvironments, parseEnvironment } from "../config/loader";
import { problemLines } from "./helpers";

/** A complete, valid environment; each case below changes one thing. */
const valid = () => ({
  repository: "github.com/acme/platform-infra",
  aws: { region: "eu-west-1", accountId: "111122223333", deployRoleArn: "arn:aws:iam::111122223333:role/deploy" },
  tags: { team: "platform" },
  state: { bucket: "acme-tfstate" },
  network: {
    cidr: "10.0.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    natGateways: "single",
    subnets: { public: { prefixLength: 24 }, private: { prefixLength: 20 }, intra: { prefixLength: 24 } },
  },
});
type Env = ReturnType<typeof valid> & Record<string, unknown>;

const edit = (change: (env: Env) => void) => {
  const env = valid() as Env;
  change(env);
  return env;
};

// [case, input, exact problem lines]
const cases: [string, unknown, string[]][] = [
  ["missing repository", edit((e) => delete (e as Partial<Env>).repository), ["test.yaml: repository: is required (a string)"]],
  ["empty repository", edit((e) => (e.repository = "")), ["test.yaml: repository: must not be empty"]],
  ["production not a boolean", edit((e) => (e.production = "yes")), ['test.yaml: production: must be true or false, got "yes"']],
  [
    "unknown top-level key",
    edit((e) => (e.netwrok = {})),
    [
      "test.yaml: netwrok: unknown key (did you mean network?); allowed keys here: repository, production, aws, tags, state, network, ecs, eks",
    ],
  ],
  ["missing aws section", edit((e) => delete (e as Partial<Env>).aws), ["test.yaml: aws: is required (a mapping)"]],
  ["bad region", edit((e) => (e.aws.region = "europe")), ["test.yaml: aws.region: must be an AWS region code such as eu-west-1"]],
  [
    "account id as number",
    edit((e) => ((e.aws as Record<string, unknown>).accountId = 111122223333)),
    ["test.yaml: aws.accountId: must be a string, got number 111122223333"],
  ],
  [
    "short account id",
    edit((e) => (e.aws.accountId = "1234")),
    ['test.yaml: aws.accountId: must be a 12-digit AWS account id in quotes, e.g. "123456789012"'],
  ],
  [
    "role not an ARN",
    edit((e) => (e.aws.deployRoleArn = "deploy")),
    ["test.yaml: aws.deployRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy"],
  ],
  [
    "role in another account",
    edit((e) => (e.aws.deployRoleArn = "arn:aws:iam::999999999999:role/deploy")),
    [
      "test.yaml: aws.deployRoleArn: is in account 999999999999 but aws.accountId is 111122223333; the deploy role must be in the environment's account",
    ],
  ],
  [
    "unknown aws key",
    edit((e) => ((e.aws as Record<string, unknown>).regoin = "x")),
    ["test.yaml: aws.regoin: unknown key (did you mean region?); allowed keys here: region, accountId, deployRoleArn, planRoleArn"],
  ],
  ["tags not a mapping", edit((e) => ((e as Record<string, unknown>).tags = ["team"])), ["test.yaml: tags: must be a mapping, got a list"]],
  [
    "reserved tag key",
    edit((e) => ((e.tags as Record<string, string>).environment = "x")),
    ["test.yaml: tags.environment: is set by the project on every resource; remove it (reserved: environment, managed-by, repository)"],
  ],
  [
    "aws: tag key",
    edit((e) => ((e.tags as Record<string, string>)["aws:owner"] = "x")),
    ["test.yaml: tags.aws:owner: key may contain letters, digits, spaces and _.:/=+-@, and must not start with aws:"],
  ],
  ["tag value too long", edit((e) => (e.tags.team = "x".repeat(257))), ["test.yaml: tags.team: must be at most 256 characters"]],
  [
    "bad state bucket name",
    edit((e) => (e.state.bucket = "Acme_State")),
    [
      "test.yaml: state.bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    ],
  ],
  ["state without bucket", edit((e) => ((e as Record<string, unknown>).state = {})), ["test.yaml: state.bucket: is required (a string)"]],
  ["missing network", edit((e) => delete (e as Partial<Env>).network), ["test.yaml: network: is required (a mapping)"]],
  [
    "malformed VPC CIDR",
    edit((e) => (e.network.cidr = "10.0.0/16")),
    ['test.yaml: network.cidr: "10.0.0/16" is not an IPv4 CIDR block such as 10.0.0.0/16; VPCs take /16 to /28'],
  ],
  [
    "VPC CIDR with host bits",
    edit((e) => (e.network.cidr = "10.0.0.1/16")),
    ['test.yaml: network.cidr: "10.0.0.1/16" has host bits set; the network address is 10.0.0.0/16; VPCs take /16 to /28'],
  ],
  [
    "VPC too large",
    edit((e) => (e.network.cidr = "10.0.0.0/8")),
    ["test.yaml: network.cidr: /8 is outside what AWS allows for a VPC (/16 to /28)"],
  ],
  [
    "one zone",
    edit((e) => (e.network.availabilityZones = ["eu-west-1a"])),
    ["test.yaml: network.availabilityZones: must list at least 2 zones: load balancers and EKS need subnets in two or more"],
  ],
  [
    "zone name malformed",
    edit((e) => (e.network.availabilityZones = ["eu-west-1a", "west"])),
    ["test.yaml: network.availabilityZones.1: must be an availability zone name such as eu-west-1a"],
  ],
  [
    "zone in another region",
    edit((e) => (e.network.availabilityZones = ["eu-west-1a", "us-east-1b"])),
    ['test.yaml: network.availabilityZones.1: "us-east-1b" is not in region eu-west-1; use zones such as eu-west-1a'],
  ],
  [
    "duplicate zone",
    edit((e) => (e.network.availabilityZones = ["eu-west-1a", "eu-west-1a"])),
    ["test.yaml: network.availabilityZones: lists eu-west-1a twice; each zone once"],
  ],
  [
    "unknown NAT mode",
    edit((e) => (e.network.natGateways = "dual")),
    ['test.yaml: network.natGateways: must be one of none, single, per-az, got "dual"'],
  ],
  [
    "prefix not a whole number",
    edit((e) => (e.network.subnets.private.prefixLength = 20.5)),
    ["test.yaml: network.subnets.private.prefixLength: must be a whole number, got number 20.5"],
  ],
  [
    "prefix too small",
    edit((e) => (e.network.subnets.public.prefixLength = 29)),
    ["test.yaml: network.subnets.public.prefixLength: must be between 16 and 28 (AWS subnet sizes)"],
  ],
  [
    "subnet not smaller than VPC",
    edit((e) => {
      e.network.cidr = "10.0.0.0/20";
      e.network.subnets.private.prefixLength = 20;
    }),
    ["test.yaml: network.subnets.private.prefixLength: /20 is not smaller than the VPC (/20); use a prefix between 21 and 28"],
  ],
  [
    "tiers do not fit",
    edit((e) => {
      e.network.cidr = "10.0.0.0/22";
      e.network.subnets.private.prefixLength = 23;
    }),
    [
      "test.yaml: network.subnets: the tiers (public /24, private /23, intra /24 x 2 zones) do not fit in 10.0.0.0/22; use a larger VPC, smaller subnets or fewer zones",
    ],
  ],
  [
    "both cidrs and prefixLength",
    edit((e) => ((e.network.subnets.intra as Record<string, unknown>).cidrs = ["10.0.200.0/24", "10.0.201.0/24"])),
    ["test.yaml: network.subnets.intra: sets both cidrs and prefixLength; use one"],
  ],
  [
    "explicit CIDR count differs from zones",
    edit((e) => (e.network.subnets.intra = { cidrs: ["10.0.200.0/24"] } as never)),
    ["test.yaml: network.subnets.intra.cidrs: has 1 blocks but there are 2 availability zones; give one per zone"],
  ],
  [
    "explicit CIDR outside the VPC",
    edit((e) => (e.network.subnets.intra = { cidrs: ["10.0.200.0/24", "10.1.0.0/24"] } as never)),
    ["test.yaml: network.subnets.intra.cidrs.1: 10.1.0.0/24 is outside the VPC 10.0.0.0/16"],
  ],
  [
    "explicit CIDRs overlapping",
    edit((e) => (e.network.subnets.intra = { cidrs: ["10.0.200.0/24", "10.0.200.128/25"] } as never)),
    ["test.yaml: network.subnets.intra.cidrs.1: 10.0.200.128/25 overlaps subnets.intra.cidrs.0 (10.0.200.0/24); subnets must not overlap"],
  ],
  [
    "explicit CIDRs leaving too little room for the computed tiers",
    edit((e) => {
      e.network.cidr = "10.0.0.0/22";
      e.network.subnets = {
        public: { prefixLength: 26 },
        private: { prefixLength: 24 },
        intra: { cidrs: ["10.0.1.0/24", "10.0.3.0/24"] },
      } as never;
    }),
    [
      "test.yaml: network.subnets: the tiers (public /26, private /24, intra explicit x 2 zones) do not fit in 10.0.0.0/22; use a larger VPC, smaller subnets or fewer zones",
    ],
  ],
  [
    "unknown interface endpoint",
    edit((e) => ((e.network as Record<string, unknown>).interfaceEndpoints = ["ecr"])),
    [
      'test.yaml: network.interfaceEndpoints.0: must be one of ecr.api, ecr.dkr, logs, sts, ssm, ssmmessages, ec2messages, kms, secretsmanager, sqs, elasticloadbalancing, autoscaling, ec2, eks, got "ecr"',
    ],
  ],
  [
    "duplicate gateway endpoint",
    edit((e) => ((e.network as Record<string, unknown>).gatewayEndpoints = ["s3", "s3"])),
    ["test.yaml: network.gatewayEndpoints: lists s3 twice; each service once"],
  ],
  [
    "unknown subnet tier",
    edit((e) => ((e.network.subnets as Record<string, unknown>).database = { prefixLength: 24 })),
    ["test.yaml: network.subnets.database: unknown key; allowed keys here: public, private, intra"],
  ],
  [
    "YAML syntax error",
    "repository: x\naws: [unclosed\n",
    ["test.yaml: (line 3, column 1): YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]"],
  ],
  [
    "duplicate YAML key",
    "repository: a\nrepository: b\n",
    ['test.yaml: repository: key "repository" appears twice in the same mapping (again at line 2, column 1); each key once'],
  ],
  [
    "duplicate nested YAML key",
    "repository: a\nnetwork:\n  cidr: 10.0.0.0/16\n  subnets:\n    public: { prefixLength: 24 }\n    public: { prefixLength: 25 }\n",
    ['test.yaml: network.subnets.public: key "public" appears twice in the same mapping (again at line 6, column 5); each key once'],
  ],
  ["document is a list", "- a\n- b\n", ["test.yaml: (root): must be a mapping, got a list"]],
];

describe("environment validation", () => {
  it("accepts the valid base case", () => {
    expect(problemLines(valid())).toEqual([]);
  });

  it.each(cases)("%s", (_name, input, expected) => {
    expect(problemLines(input)).toEqual(expected);
  });

  it("covers at least 25 distinct invalid inputs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it("reports every problem of a file at once", () => {
    const env = edit((e) => {
      e.aws.region = "x";
      e.network.natGateways = "dual";
      e.tags.team = "y".repeat(300);
    });
    expect(problemLines(env).map((line) => line.split(": ")[1])).toEqual(["aws.region", "tags.team", "network.natGateways"]);
  });

  it("refuses environment file names that cannot prefix AWS resource names", () => {
    expect(problemLines(valid(), "Prod_EU")).toEqual([
      'Prod_EU.yaml: (file name): "Prod_EU" is not a valid environment name; use 1-20 lowercase letters, digits and hyphens, starting with a letter',
    ]);
  });
});

describe("loadEnvironments", () => {
  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it("collects the problems of every file into one error", () => {
    const dir = dirWith({
      "a.yaml": stringify(edit((e) => (e.aws.region = "x"))),
      "b.yaml": stringify(edit((e) => (e.network.cidr = "nope"))),
    });
    let error: unknown;
    try {
      loadEnvironments(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines.map((line) => line.replace(dir, "<dir>"))).toEqual([
      "<dir>/a.yaml: aws.region: must be an AWS region code such as eu-west-1",
      '<dir>/b.yaml: network.cidr: "nope" is not an IPv4 CIDR block such as 10.0.0.0/16; VPCs take /16 to /28',
    ]);
  });

  it("refuses a folder without environment files", () => {
    expect(() => loadEnvironments(dirWith({ "README.md": "x" }))).toThrow(
      "(directory): has no environment files; add one <env>.yaml per environment",
    );
  });

  it("refuses two files for one environment", () => {
    const text = stringify(valid());
    expect(() => loadEnvironments(dirWith({ "a.yaml": text, "a.yml": text }))).toThrow('(file name): environment "a" is also defined by');
  });

  it("allocates computed tiers around explicit cidrs of another tier (mixing both is valid)", () => {
    const env = edit((e) => (e.network.subnets.intra = { cidrs: ["10.0.0.0/24", "10.0.201.0/24"] } as never));
    const result = parseEnvironment("test.yaml", "test", stringify(env));
    if ("problems" in result) throw new Error(JSON.stringify(result.problems));
    expect(result.environment.subnetCidrs).toEqual({
      private: ["10.0.16.0/20", "10.0.32.0/20"],
      public: ["10.0.48.0/24", "10.0.49.0/24"],
      intra: ["10.0.0.0/24", "10.0.201.0/24"],
    });
  });

  it("applies the schema defaults", () => {
    const [env] = loadEnvironments(
      dirWith({
        "x.yaml": stringify({
          repository: "r",
          aws: { region: "eu-west-1", accountId: "111122223333" },
          network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
        }),
      }),
    );
    expect(env).toMatchObject({
      name: "x",
      production: false,
      tags: {},
      network: { natGateways: "single", gatewayEndpoints: ["s3", "dynamodb"], interfaceEndpoints: [] },
      subnetCidrs: {
        private: ["10.0.0.0/20", "10.0.16.0/20"],
        public: ["10.0.32.0/24", "10.0.33.0/24"],
        intra: ["10.0.34.0/24", "10.0.35.0/24"],
      },
    });
    expect(env?.state).toBeUndefined();
  });
});
