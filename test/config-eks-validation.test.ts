import { renameDeprecatedKeys } from "../config/deprecations";
import { eksNodeProblems, scheduleBoundsProblems } from "../config/eks-guards";
import { formatProblem } from "../config/errors";
import { problemLines, testEksBase } from "./helpers";

/** A complete, valid environment with every kind of node group; each case below changes one thing. */
const valid = () => ({
  repository: "github.com/acme/platform-infra",
  aws: { region: "eu-west-1", accountId: "111122223333", deployRoleArn: "arn:aws:iam::111122223333:role/deploy" },
  network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  eks: {
    ...testEksBase(),
    managedSpotNodeGroups: [
      { name: "spot", instanceTypes: ["m5.large", "m5a.large", "m6i.large"], minSize: 0, maxSize: 5, desiredSize: 1, tainted: false },
    ],
    selfManagedSpotNodeGroups: [
      {
        name: "workers",
        instanceTypes: ["m5.xlarge", "m5a.xlarge", "m6i.xlarge"],
        minSize: 1,
        maxSize: 10,
        desiredSize: 2,
        schedules: [{ name: "peak", schedule: "0 8 * * MON-FRI", timeZone: "Europe/Dublin", minSize: 4, maxSize: 10, desiredSize: 6 }],
      },
    ],
  } as Record<string, unknown>,
});
type Env = ReturnType<typeof valid>;
type Group = Record<string, unknown> & { schedules: Record<string, unknown>[] };

const edit = (change: (eks: Record<string, unknown>, env: Env) => void) => {
  const env = valid();
  change(env.eks, env);
  return env;
};
const selfManaged = (eks: Record<string, unknown>) => (eks.selfManagedSpotNodeGroups as Group[])[0]!;
const managedSpot = (eks: Record<string, unknown>) => (eks.managedSpotNodeGroups as Group[])[0]!;
const system = (eks: Record<string, unknown>) => eks.systemNodeGroup as Group;

const cases: [string, Env, string[]][] = [
  [
    "a schedule above its group's maximum, like ECS refuses",
    edit((e) => (selfManaged(e).schedules[0]!.maxSize = 12)),
    [
      "test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.maxSize: 12 is above the group's maxSize (10); raise maxSize or set widenBounds: true if the schedule raises the ceiling on purpose (budgets count it)",
    ],
  ],
  [
    "a schedule below its group's minimum",
    edit((e) => {
      Object.assign(selfManaged(e).schedules[0]!, { minSize: 0, desiredSize: 0 });
    }),
    [
      "test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.minSize: 0 is below the group's minSize (1); set widenBounds: true if the schedule lowers the floor on purpose",
    ],
  ],
  [
    "a schedule outside its group's bounds on purpose",
    edit((e) => Object.assign(selfManaged(e).schedules[0]!, { maxSize: 12, widenBounds: true })),
    [],
  ],
  [
    "unsupported version",
    edit((e) => (e.version = "1.20")),
    ['test.yaml: eks.version: must be one of 1.32, 1.33, 1.34, 1.35, 1.36, 1.37, got "1.20"'],
  ],
  [
    "version as a number",
    edit((e) => (e.version = 1.34)),
    ["test.yaml: eks.version: must be one of 1.32, 1.33, 1.34, 1.35, 1.36, 1.37, got number 1.34"],
  ],
  [
    "kube-proxy of another minor",
    edit((e) => {
      e.version = "1.33";
      e.amiReleaseVersion = "1.33.13-20260714";
    }),
    ["test.yaml: eks.addons.kubeProxy: v1.34.1-eksbuild.2 is for Kubernetes 1.34; kube-proxy must match the cluster version 1.33"],
  ],
  [
    "node AMI release of another Kubernetes minor",
    edit((e) => (e.amiReleaseVersion = "1.33.13-20260714")),
    [
      "test.yaml: eks.amiReleaseVersion: 1.33.13-20260714 is built for Kubernetes 1.33; use a release of the cluster version 1.34 (its AMIs carry kubelet 1.34)",
    ],
  ],
  [
    "node AMI release as the AMI name's date",
    edit((e) => (e.amiReleaseVersion = "v20260714")),
    [
      'test.yaml: eks.amiReleaseVersion: "v20260714" is not an EKS AL2023 AMI release version; use <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.34.9-20260714',
    ],
  ],
  ["no node AMI release", edit((e) => delete e.amiReleaseVersion), ["test.yaml: eks.amiReleaseVersion: is required (a string)"]],
  [
    "every node group tainted",
    edit((e) => (managedSpot(e).tainted = true)),
    [
      "test.yaml: eks.allowAllGroupsTainted: every node group is tainted (system (CriticalAddonsOnly), spot (node-lifecycle=spot), workers (node-lifecycle=spot)), so a pod without tolerations stays Pending; set tainted: false on a spot group (managedSpotNodeGroups first: EKS drains those itself), or set allowAllGroupsTainted: true if every workload tolerates a taint on purpose",
    ],
  ],
  [
    "only the system group",
    edit((e) => {
      e.managedSpotNodeGroups = [];
      e.selfManagedSpotNodeGroups = [];
    }),
    [
      "test.yaml: eks.allowAllGroupsTainted: every node group is tainted (system (CriticalAddonsOnly)), so a pod without tolerations stays Pending; set tainted: false on a spot group (managedSpotNodeGroups first: EKS drains those itself), or set allowAllGroupsTainted: true if every workload tolerates a taint on purpose",
    ],
  ],
  [
    "add-on version without eksbuild",
    edit((e) => ((e.addons as Record<string, string>).coredns = "1.12.4")),
    [
      "test.yaml: eks.addons.coredns: must be an EKS add-on version such as v1.14.2-eksbuild.4 (aws eks describe-addon-versions --addon-name coredns)",
    ],
  ],
  [
    "two spot instance types",
    edit((e) => (managedSpot(e).instanceTypes = ["m5.large", "m6i.large"])),
    [
      "test.yaml: eks.managedSpotNodeGroups.0.instanceTypes: must list at least 3 instance types of the same size: one type's spot capacity can run out",
    ],
  ],
  [
    "spot instance types of different sizes",
    edit((e) => (selfManaged(e).instanceTypes = ["m5.xlarge", "m5a.xlarge", "m6i.2xlarge"])),
    [
      "test.yaml: eks.selfManagedSpotNodeGroups.0.instanceTypes: mixes sizes (m5.xlarge: 4 vCPU / 16 GiB / x86_64, m5a.xlarge: 4 vCPU / 16 GiB / x86_64, m6i.2xlarge: 8 vCPU / 32 GiB / x86_64); use types of one size and architecture, e.g. m5.large, m5a.large, m6i.large, m7i.large",
    ],
  ],
  [
    "unknown instance type",
    edit((e) => (managedSpot(e).instanceTypes = ["m5.large", "m6i.large", "x9.huge"])),
    [
      "test.yaml: eks.managedSpotNodeGroups.0.instanceTypes: x9.huge not in the curated table of lib/eks/instance-types.ts (c5, c5a, c6a, c6g, c6i, c7a, c7g, c7i, m5, m5a, m6a, m6g, m6i, m7a, m7g, m7i, r5, r5a, r6a, r6g, r6i, r7a, r7g, r7i; sizes large, xlarge, 2xlarge); add a type there with its vCPUs, memory and max pods",
    ],
  ],
  [
    "one system node",
    edit((e) => Object.assign(system(e), { minSize: 1, desiredSize: 1 })),
    [
      "test.yaml: eks.systemNodeGroup.minSize: must be at least 2: with one system node, losing it stops cluster DNS and the termination handler",
    ],
  ],
  [
    "desired size outside min..max",
    edit((e) => (managedSpot(e).desiredSize = 9)),
    ["test.yaml: eks.managedSpotNodeGroups.0.desiredSize: 9 is outside minSize..maxSize (0..5)"],
  ],
  [
    "schedule without desiredSize",
    edit((e) => delete selfManaged(e).schedules[0]!.desiredSize),
    [
      "test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.desiredSize: is required: the provider sends an unset size as 0, which would scale the group to nothing at that time",
    ],
  ],
  [
    "schedule in an unknown time zone",
    edit((e) => (selfManaged(e).schedules[0]!.timeZone = "CET+1")),
    ["test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.timeZone: must be an IANA time zone such as Europe/Berlin or UTC"],
  ],
  [
    "schedule with a six-field cron",
    edit((e) => (selfManaged(e).schedules[0]!.schedule = "0 0 8 * * MON-FRI")),
    [
      'test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.schedule: must be a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. "0 7 * * MON-FRI"',
    ],
  ],
  [
    "schedule with min above max",
    edit((e) => (selfManaged(e).schedules[0]!.minSize = 12)),
    ["test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.minSize: 12 exceeds maxSize 10"],
  ],
  [
    "two schedules of one name",
    edit((e) => selfManaged(e).schedules.push({ ...selfManaged(e).schedules[0]! })),
    ['test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.1.name: "peak" is used twice; names are unique per node group'],
  ],
  [
    "termination handler with managed spot groups only",
    edit((e) => {
      e.selfManagedSpotNodeGroups = [];
      e.terminationHandler = {};
    }),
    [
      "test.yaml: eks.terminationHandler: is set but there is no self-managed spot node group; EKS managed node groups drain spot interruptions and rebalance recommendations themselves, so the handler would only duplicate that. Remove terminationHandler, or add selfManagedSpotNodeGroups",
    ],
  ],
  [
    "heartbeats no shorter than the hook timeout",
    edit((e) => (e.terminationHandler = { heartbeatIntervalSeconds: 300 })),
    [
      "test.yaml: eks.terminationHandler.heartbeatIntervalSeconds: 300 must be shorter than lifecycleHookTimeoutSeconds (300), or the hook times out before the first heartbeat",
    ],
  ],
  [
    "one handler replica",
    edit((e) => (e.terminationHandler = { replicas: 1 })),
    [
      "test.yaml: eks.terminationHandler.replicas: must be at least 2: with one replica, draining its own node leaves no handler, and the chart adds a disruption budget only above 1",
    ],
  ],
  [
    "hop limit 2 without a reason",
    edit((e) => (selfManaged(e).metadataHopLimit = 2)),
    [
      "test.yaml: eks.selfManagedSpotNodeGroups.0.metadataHopLimitReason: is required with metadataHopLimit 2: above 1, every pod can read the node role's credentials; say why pods need IMDS",
    ],
  ],
  [
    "public endpoint open to the internet",
    edit((e) => (e.publicAccessCidrs = ["0.0.0.0/0"])),
    [
      "test.yaml: eks.publicAccessCidrs.0: opens the API endpoint to the whole internet; list your offices' or VPN's CIDRs, or none for a private endpoint",
    ],
  ],
  [
    "service range inside the VPC",
    edit((e) => (e.serviceCidr = "10.0.128.0/20")),
    ["test.yaml: eks.serviceCidr: 10.0.128.0/20 overlaps the VPC 10.0.0.0/16; pick a range outside it"],
  ],
  [
    "admin role of another account",
    edit((e) => (e.adminRoleArns = ["arn:aws:iam::111122223333:role/deploy", "arn:aws:iam::999999999999:role/admin"])),
    [
      "test.yaml: eks.adminRoleArns.1: is in account 999999999999 but aws.accountId is 111122223333; access entries take roles of the cluster's account",
    ],
  ],
  [
    "deploy role without cluster access",
    edit((e) => (e.adminRoleArns = ["arn:aws:iam::111122223333:role/admin"])),
    [
      "test.yaml: eks.adminRoleArns: must include aws.deployRoleArn (arn:aws:iam::111122223333:role/deploy): the eks-addons stack's Helm provider authenticates as the deploy role",
    ],
  ],
  [
    "two groups of one name",
    edit((e) => (selfManaged(e).name = "spot")),
    [
      'test.yaml: eks.selfManagedSpotNodeGroups.0.name: "spot" is already used by managedSpotNodeGroups.0; node group names are unique in the cluster',
    ],
  ],
  [
    "unknown key in a node group",
    edit((e) => (managedSpot(e).instanceType = "m5.large")),
    [
      "test.yaml: eks.managedSpotNodeGroups.0.instanceType: unknown key (did you mean instanceTypes?); allowed keys here: name, instanceTypes, minSize, maxSize, desiredSize, schedules, diskSizeGiB, tainted",
    ],
  ],
];

describe("eks configuration", () => {
  it("accepts the base case", () => {
    expect(problemLines(valid())).toEqual([]);
  });

  it("accepts IANA time zones that ICU lists under another name", () => {
    expect(problemLines(edit((e) => (selfManaged(e).schedules[0]!.timeZone = "Asia/Kolkata")))).toEqual([]);
  });

  it("accepts every group tainted when the configuration says so, and an untainted self-managed group", () => {
    const allTainted = edit((e) => {
      managedSpot(e).tainted = true;
      e.allowAllGroupsTainted = true;
    });
    expect(problemLines(allTainted)).toEqual([]);
    const selfManagedUntainted = edit((e) => {
      managedSpot(e).tainted = true;
      selfManaged(e).tainted = false;
    });
    expect(problemLines(selfManagedUntainted)).toEqual([]);
  });

  it.each(cases)("%s", (_name, env, expected) => {
    expect(problemLines(env)).toEqual(expected);
  });
});

describe("schedule bounds (pure)", () => {
  const group = { minSize: 2, maxSize: 10 };
  it.each([
    ["inside", { minSize: 2, maxSize: 10 }, []],
    ["below the floor", { minSize: 1, maxSize: 10 }, ["schedules.0.minSize"]],
    ["above the ceiling", { minSize: 2, maxSize: 11 }, ["schedules.0.maxSize"]],
    ["both", { minSize: 0, maxSize: 11 }, ["schedules.0.minSize", "schedules.0.maxSize"]],
    ["both, on purpose", { minSize: 0, maxSize: 11, widenBounds: true }, []],
  ])("%s", (_name, schedule, paths) => {
    expect(scheduleBoundsProblems({ ...group, schedules: [schedule] }).map((p) => p.path.join("."))).toEqual(paths);
  });
});

describe("deprecated schedule key names", () => {
  it("accepts the old names (ECS timezone, EKS recurrence) with a notice, and builds the same configuration", () => {
    const env = valid();
    const old = structuredClone(env) as Env;
    const schedule = selfManaged(old.eks).schedules[0]!;
    schedule.recurrence = schedule.schedule;
    delete schedule.schedule;
    const notices = renameDeprecatedKeys(old, "test.yaml");
    expect(notices.map(formatProblem)).toEqual([
      'test.yaml: eks.selfManagedSpotNodeGroups.0.schedules.0.recurrence: "recurrence" is deprecated, use "schedule" (ECS and EKS schedules share one vocabulary: schedule, timeZone); accepted for now',
    ]);
    expect(old).toEqual(env);
    expect(problemLines(old)).toEqual([]);
  });

  it("refuses both names at once (the old one is then an unknown key)", () => {
    const env = edit((e) => (selfManaged(e).schedules[0]!.recurrence = "0 8 * * MON-FRI"));
    expect(problemLines(env)[0]).toMatch(/^test\.yaml: eks\.selfManagedSpotNodeGroups\.0\.schedules\.0\.recurrence: unknown key/);
  });
});

describe("eks node guards (pure)", () => {
  const base = {
    version: "1.34",
    amiReleaseVersion: "1.34.9-20260714",
    allowAllGroupsTainted: false,
    managedSpotNodeGroups: [{ name: "spot", tainted: true }],
    selfManagedSpotNodeGroups: [{ name: "workers", tainted: true }],
  };
  it.each([
    ["an untainted managed group", { managedSpotNodeGroups: [{ name: "spot", tainted: false }] }, []],
    ["an untainted self-managed group", { selfManagedSpotNodeGroups: [{ name: "workers", tainted: false }] }, []],
    ["every group tainted, on purpose", { allowAllGroupsTainted: true }, []],
    ["every group tainted", {}, ["allowAllGroupsTainted"]],
    [
      "a release of another minor, every group tainted",
      { amiReleaseVersion: "1.35.6-20260714" },
      ["amiReleaseVersion", "allowAllGroupsTainted"],
    ],
  ])("%s", (_name, change, paths) => {
    expect(eksNodeProblems({ ...base, ...change }).map((p) => p.path.join("."))).toEqual(paths);
  });
});
