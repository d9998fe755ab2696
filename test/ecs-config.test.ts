import { allowedMemoryText, FARGATE_PLATFORM_VERSION, fargateSizeProblem, fargateSpotProblem } from "../lib/ecs/fargate";
import { isTimeZone, scheduleExpressionProblem } from "../lib/ecs/schedule-expression";
import { clientMaxIdleSeconds } from "../lib/load-balancer/idle-timeouts";
import { problemLines } from "./helpers";

// The ecs guards as table-driven invalid configs: each case changes one thing of a valid environment
// with an ALB service and an NLB service, and asserts the exact problem lines (contract 3).

const api = () => ({
  loadBalancer: "alb",
  image: { tag: "1.0.0" },
  cpu: 512,
  memoryMiB: 1024,
  containerPort: 8080,
  keepAliveTimeoutSeconds: 75,
  gracefulShutdownSeconds: 20,
  alb: { priority: 10, hosts: ["api.example.com"] },
  scaling: {
    minCapacity: 2,
    maxCapacity: 10,
    schedules: [{ name: "peak", schedule: "cron(0 8 ? * MON-FRI *)", timeZone: "Europe/Berlin", minCapacity: 5 }],
  },
  connections: { redis: 100 },
});
const ingest = () => ({
  loadBalancer: "nlb",
  image: { uri: "public.ecr.aws/acme/ingest:1.0" },
  cpu: 256,
  memoryMiB: 512,
  containerPort: 9000,
  keepAliveTimeoutSeconds: 300,
  gracefulShutdownSeconds: 10,
  targetHealthCheck: { protocol: "TCP" },
  nlb: { port: 9000, ingressCidrs: ["10.0.0.0/16"] },
  scaling: { maxCapacity: 4 },
  connections: { redis: 50 },
});
const valid = () => ({
  repository: "github.com/acme/platform-infra",
  aws: { region: "eu-west-1", accountId: "111122223333" },
  network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  ecs: {
    alb: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123" },
    dependencies: { redis: { maxConnections: 10000 } },
    services: { api: api(), ingest: ingest() },
  },
});
type Env = ReturnType<typeof valid> & { production?: boolean };
type Service = Record<string, unknown> & ReturnType<typeof api>;

const edit = (change: (env: Env, api: Service, ingest: Service) => void) => {
  const env = valid() as Env;
  change(env, env.ecs.services.api as Service, env.ecs.services.ingest as unknown as Service);
  return env;
};
const S = "test.yaml: ecs.services";

const cases: [string, Env, string[]][] = [
  [
    "a secret-looking plain environment name, refused at synth by the policy suite's rule",
    edit((_e, api) => (api.environment = { LOG_LEVEL: "info", DB_PASSWORD: "hunter22" })),
    [
      `${S}.api.environment.DB_PASSWORD: looks like a secret (a secret-looking name): plain environment values are stored in clear text in the task definition; put it under secrets (DB_PASSWORD: <Secrets Manager or SSM parameter ARN>) instead`,
    ],
  ],
  [
    "a secret-looking plain environment value",
    edit((_e, api) => (api.environment = { DATABASE_URL: "postgres://app:s3cretpass@db.internal:5432/app" })),
    [
      `${S}.api.environment.DATABASE_URL: looks like a secret (credentials in a URL): plain environment values are stored in clear text in the task definition; put it under secrets (DATABASE_URL: <Secrets Manager or SSM parameter ARN>) instead`,
    ],
  ],
  [
    "a missing enum key says it is missing and what is allowed (not `got undefined undefined`)",
    edit((_e, api) => delete (api as Partial<Service>).loadBalancer),
    [`${S}.api.loadBalancer: is required (one of alb, nlb, none)`],
  ],
  [
    "ingress CIDRs that only look like CIDR blocks",
    edit((e, _, i) => {
      (e.ecs.alb as Record<string, unknown>).ingressCidrs = ["300.0.0.0/8"];
      (i.nlb as Record<string, unknown>).ingressCidrs = ["10.0.0.1/8"];
    }),
    [
      'test.yaml: ecs.alb.ingressCidrs.0: "300.0.0.0/8" is not an IPv4 CIDR block such as 10.0.0.0/16',
      `${S}.ingest.nlb.ingressCidrs.0: "10.0.0.1/8" has host bits set; the network address is 10.0.0.0/8`,
    ],
  ],
  [
    "ALB keep-alive not longer than the ALB idle timeout",
    edit((_, a) => (a.keepAliveTimeoutSeconds = 60)),
    [
      `${S}.api.keepAliveTimeoutSeconds: 60 must be longer than the ALB idle timeout (60); otherwise the server closes idle connections the ALB still reuses and clients get intermittent 502s. Raise the server's keep-alive timeout above 60 s or lower the ALB idleTimeoutSeconds below 60`,
    ],
  ],
  [
    "ALB idle timeout raised above the keep-alive",
    edit((e) => ((e.ecs.alb as Record<string, unknown>).idleTimeoutSeconds = 120)),
    [
      `${S}.api.keepAliveTimeoutSeconds: 75 must be longer than the ALB idle timeout (120); otherwise the server closes idle connections the ALB still reuses and clients get intermittent 502s. Raise the server's keep-alive timeout above 120 s or lower the ALB idleTimeoutSeconds below 75`,
    ],
  ],
  [
    "NLB keep-alive not shorter than the default TCP idle timeout",
    edit((_, __, i) => (i.keepAliveTimeoutSeconds = 350)),
    [
      `${S}.ingest.keepAliveTimeoutSeconds: 350 must be shorter than the NLB TCP idle timeout (350); otherwise the NLB silently drops the idle flow first and the next request on the pooled connection fails with a reset ("connection prematurely closed"). Lower the server's keep-alive below 350 s or raise the listener's tcpIdleTimeoutSeconds above 350`,
    ],
  ],
  [
    "NLB TCP idle timeout lowered under the keep-alive",
    edit((_, __, i) => ((i.nlb as Record<string, unknown>).tcpIdleTimeoutSeconds = 120)),
    [
      `${S}.ingest.keepAliveTimeoutSeconds: 300 must be shorter than the NLB TCP idle timeout (120); otherwise the NLB silently drops the idle flow first and the next request on the pooled connection fails with a reset ("connection prematurely closed"). Lower the server's keep-alive below 120 s or raise the listener's tcpIdleTimeoutSeconds above 300`,
    ],
  ],
  [
    "drain not shorter than the stop timeout",
    edit((_, a) => Object.assign(a, { gracefulShutdownSeconds: 30, deregistrationDelaySeconds: 60 })),
    [
      `${S}.api.gracefulShutdownSeconds: 30 is not less than stopTimeoutSeconds (30); ECS sends SIGKILL mid-drain and in-flight requests fail. Raise stopTimeoutSeconds above 30 (at most 120) or shorten the drain`,
    ],
  ],
  [
    "stop timeout above Fargate's 120 s",
    edit((_, a) => (a.stopTimeoutSeconds = 180)),
    [
      `${S}.api.stopTimeoutSeconds: 180 exceeds Fargate's maximum of 120 s between SIGTERM and SIGKILL; use at most 120 and make the server drain faster`,
    ],
  ],
  [
    "deregistration delay shorter than the drain",
    edit((_, a) => (a.deregistrationDelaySeconds = 5)),
    [
      `${S}.api.deregistrationDelaySeconds: 5 is shorter than gracefulShutdownSeconds (20); the load balancer closes connections of a deregistered task before its requests finish (dropped requests on every deploy and scale-in). Raise it to at least 20`,
    ],
  ],
  [
    "NLB deregistration delay shorter than the time new flows may still arrive (prod ingest had 15)",
    edit((_, __, i) => (i.deregistrationDelaySeconds = 15)),
    [
      `${S}.ingest.deregistrationDelaySeconds: 15 is shorter than the 120 s during which an NLB may still open new flows to a deregistered target (AWS recommends at least 120); SIGTERM would arrive while clients still connect, and a server that stopped accepting refuses them. Raise it to at least 120`,
    ],
  ],
  [
    "NLB connection termination that resets idle pooled connections",
    edit((_, __, i) => ((i.nlb as Record<string, unknown>).connectionTermination = true)),
    [
      `${S}.ingest.deregistrationDelaySeconds: 120 is not longer than keepAliveTimeoutSeconds (300) while nlb.connectionTermination is on: the NLB resets every flow still open when the delay ends, before the application gets SIGTERM, so pooled client connections die while idle and the next request on them fails ("connection prematurely closed", lesson 1). Raise it above 300 so the server closes idle connections first (clients must also cap connection lifetime below it), or turn connectionTermination off and close connections after SIGTERM`,
    ],
  ],
  [
    "the old prod ingest drain: connection termination after 15 s",
    edit((_, __, i) => {
      i.deregistrationDelaySeconds = 5;
      (i.nlb as Record<string, unknown>).connectionTermination = true;
    }),
    [
      `${S}.ingest.deregistrationDelaySeconds: 5 is shorter than gracefulShutdownSeconds (10); the load balancer closes connections of a deregistered task before its requests finish (dropped requests on every deploy and scale-in). Raise it to at least 10`,
      `${S}.ingest.deregistrationDelaySeconds: 5 is shorter than the 120 s during which an NLB may still open new flows to a deregistered target (AWS recommends at least 120); SIGTERM would arrive while clients still connect, and a server that stopped accepting refuses them. Raise it to at least 120`,
      `${S}.ingest.deregistrationDelaySeconds: 5 is not longer than keepAliveTimeoutSeconds (300) while nlb.connectionTermination is on: the NLB resets every flow still open when the delay ends, before the application gets SIGTERM, so pooled client connections die while idle and the next request on them fails ("connection prematurely closed", lesson 1). Raise it above 300 so the server closes idle connections first (clients must also cap connection lifetime below it), or turn connectionTermination off and close connections after SIGTERM`,
    ],
  ],
  [
    "health-check timeout not below the interval",
    edit((_, a) => (a.targetHealthCheck = { intervalSeconds: 10, timeoutSeconds: 10 })),
    [
      `${S}.api.targetHealthCheck.timeoutSeconds: 10 is not less than intervalSeconds (10); a check would still run when the next starts and AWS rejects it. Lower timeoutSeconds or raise intervalSeconds`,
    ],
  ],
  [
    "grace period shorter than the time to healthy",
    edit((_, a) => (a.healthCheckGracePeriodSeconds = 30)),
    [
      `${S}.api.healthCheckGracePeriodSeconds: 30 is shorter than the time a new task needs to turn healthy (healthyThreshold 3 x intervalSeconds 15 = 45 s); ECS would replace tasks that are still starting. Raise it to at least 45 or check more often`,
    ],
  ],
  [
    "TCP health check on an ALB service",
    edit((_, a) => (a.targetHealthCheck = { protocol: "TCP" })),
    [`${S}.api.targetHealthCheck.protocol: TCP health checks exist on NLBs only; an ALB checks over HTTP`],
  ],
  [
    "memory not a Fargate size for the cpu",
    edit((_, a) => (a.memoryMiB = 512)),
    [
      `${S}.api.memoryMiB: 512 MiB is not a Fargate size for cpu 512, and ECS rejects the task definition; with cpu 512 use 1024 to 4096 in steps of 1024 MiB`,
    ],
  ],
  [
    "cpu not a Fargate size",
    edit((_, a) => (a.cpu = 300)),
    [`${S}.api.cpu: cpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units`],
  ],
  // FARGATE_SPOT runs ARM64 tasks on platform 1.4.0+ (ECS API model, CapacityProviderStrategyItem); services run LATEST.
  [
    "FARGATE_SPOT with ARM64 is valid",
    edit((_, a) => Object.assign(a, { cpuArchitecture: "ARM64", capacity: { fargateSpotWeight: 1 } })),
    [],
  ],
  [
    "cron with five fields",
    edit((_, a) => (a.scaling.schedules[0]!.schedule = "cron(0 8 * * 1-5)")),
    [
      `${S}.api.scaling.schedules.0.schedule: "cron(0 8 * * 1-5)" has 5 fields; AWS cron takes six (minutes hours day-of-month month day-of-week year), e.g. cron(0 8 ? * MON-FRI *)`,
    ],
  ],
  [
    "cron without ?",
    edit((_, a) => (a.scaling.schedules[0]!.schedule = "cron(0 8 * * MON-FRI *)")),
    [
      `${S}.api.scaling.schedules.0.schedule: "cron(0 8 * * MON-FRI *)": exactly one of day-of-month ("*") and day-of-week ("MON-FRI") must be "?" in AWS cron; e.g. cron(0 8 ? * MON-FRI *) or cron(0 8 1 * ? *)`,
    ],
  ],
  [
    "rate with the wrong unit number",
    edit((_, a) => (a.scaling.schedules[0]!.schedule = "rate(1 hours)")),
    [`${S}.api.scaling.schedules.0.schedule: "rate(1 hours)": AWS needs the singular unit for 1; write rate(1 hour)`],
  ],
  [
    "unknown time zone",
    edit((_, a) => (a.scaling.schedules[0]!.timeZone = "Europe/Atlantis")),
    [`${S}.api.scaling.schedules.0.timeZone: "Europe/Atlantis" is not an IANA time zone; use a name such as Europe/Berlin or UTC`],
  ],
  [
    "schedule min above its max",
    edit((_, a) => Object.assign(a.scaling.schedules[0]!, { minCapacity: 8, maxCapacity: 6 })),
    [`${S}.api.scaling.schedules.0.minCapacity: 8 is above the schedule's maxCapacity (6); Application Auto Scaling rejects the action`],
  ],
  [
    "schedule above the target's maximum without widenBounds",
    edit((_, a) => Object.assign(a.scaling.schedules[0]!, { maxCapacity: 20 })),
    [
      `${S}.api.scaling.schedules.0.maxCapacity: 20 is above scaling.maxCapacity (10); set widenBounds: true if the schedule raises the ceiling on purpose (downstream budgets count it)`,
    ],
  ],
  [
    "widened schedule minimum above the maximum that no schedule moves",
    edit((_, a) => Object.assign(a.scaling.schedules[0]!, { minCapacity: 12, widenBounds: true })),
    [
      `${S}.api.scaling.schedules.0.minCapacity: 12 is above scaling.maxCapacity (10), the maximum in effect (no schedule sets one); Application Auto Scaling rejects the action when it runs. Give this schedule a maxCapacity too`,
    ],
  ],
  [
    "schedule below the target's minimum without widenBounds",
    edit((_, a) => Object.assign(a.scaling.schedules[0]!, { minCapacity: 0 })),
    [
      `${S}.api.scaling.schedules.0.minCapacity: 0 is below scaling.minCapacity (2); set widenBounds: true if the schedule lowers the floor on purpose`,
    ],
  ],
  [
    "scaling min above max",
    edit((_, a) => (a.scaling.minCapacity = 12)),
    [
      `${S}.api.scaling.minCapacity: 12 is above maxCapacity (10); lower it or raise maxCapacity`,
      `${S}.api.scaling.schedules.0.minCapacity: 5 is below scaling.minCapacity (12); set widenBounds: true if the schedule lowers the floor on purpose`,
    ],
  ],
  [
    "no maximum",
    edit((_, a) => delete (a.scaling as Partial<Service["scaling"]>).maxCapacity),
    [`${S}.api.scaling.maxCapacity: is required (a number)`],
  ],
  [
    "connection budget exceeded",
    edit((e) => (e.ecs.dependencies.redis.maxConnections = 2000)),
    [
      "test.yaml: ecs.dependencies.redis.maxConnections: 2000 is less than the 2400 connections the services can open at full scale during a deployment (api 20 tasks x 100 = 2000, ingest 8 tasks x 50 = 400; tasks = max capacity incl. schedules x deploymentMaximumPercent); a scale-out would exhaust redis. Lower maxCapacity or connections per task, or raise the limit",
    ],
  ],
  [
    "unknown dependency",
    edit((_, a) => (a.connections = { postgres: 10 } as never)),
    [`${S}.api.connections.postgres: names no dependency of ecs.dependencies (redis); declare it with its maxConnections`],
  ],
  [
    "duplicate listener rule priority",
    edit((e) => ((e.ecs.services as Record<string, unknown>).web = { ...api(), connections: {}, alb: { priority: 10, paths: ["/*"] } })),
    [
      `${S}.web.alb.priority: 10 is also the priority of service api on the internet-facing ALB of group "main"; listener rule priorities must be unique per ALB, pick another`,
    ],
  ],
  [
    "plain HTTP in production",
    edit((e) => Object.assign(e, { production: true, ecs: { ...e.ecs, alb: { allowPlainHttp: true } } })),
    [
      "test.yaml: ecs.alb.allowPlainHttp: is refused in production: traffic and cookies would cross the network in clear text; give certificateArn instead",
    ],
  ],
  [
    "no certificate and plain HTTP not allowed",
    edit((e) => (e.ecs.alb = {} as never)),
    [
      "test.yaml: ecs.alb.certificateArn: is required for the ALB's HTTPS listener; outside production you may instead set allowPlainHttp: true to serve plain HTTP",
    ],
  ],
  [
    "alb section on an nlb service",
    edit((_, __, i) => Object.assign(i, { alb: { priority: 5, paths: ["/"] } })),
    [`${S}.ingest.alb: does not apply: loadBalancer is nlb; remove alb or switch loadBalancer`],
  ],
  [
    "image with both uri and tag",
    edit((_, a) => (a.image = { tag: "1", uri: "x/y:1" } as never)),
    [`${S}.api.image: set exactly one of uri (an external image) or tag (from the service's own ECR repository)`],
  ],
  [
    "TLS listener without certificate",
    edit((_, __, i) => ((i.nlb as Record<string, unknown>).protocol = "TLS")),
    [`${S}.ingest.nlb.certificateArn: is required for a TLS listener; give an ACM certificate ARN or use protocol TCP`],
  ],
  [
    "TLS listener with a custom idle timeout",
    edit((_, __, i) =>
      Object.assign(i.nlb as object, {
        protocol: "TLS",
        certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123",
        tcpIdleTimeoutSeconds: 600,
      }),
    ),
    [
      `${S}.ingest.nlb.tcpIdleTimeoutSeconds: 600 cannot apply: a TLS listener's idle timeout is fixed at 350 s (only TCP listeners take another); remove it or use protocol TCP`,
    ],
  ],
  [
    "request-count scaling on an NLB service",
    edit((_, __, i) => ((i.scaling as Record<string, unknown>).requestsPerTarget = {})),
    [`${S}.ingest.scaling.requestsPerTarget: needs an ALB (ALBRequestCountPerTarget); an nlb service scales on cpu or memory`],
  ],
  [
    "Secrets Manager ARN without its 6-character suffix (IAM grants the exact ARN: AccessDenied at task start)",
    edit((_, a) => (a.secrets = { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url" })),
    [
      `${S}.api.secrets.DATABASE_URL: is a partial ARN: it names secret "prod/api/database-url" without the "-" and 6 characters Secrets Manager appends to its ARN (as in ...:secret:prod/api/database-url-AbCdEf); the execution role is granted exactly this ARN, so ECS would fail with AccessDenied at task start. Use the full ARN: aws secretsmanager describe-secret --secret-id prod/api/database-url --query ARN`,
    ],
  ],
  [
    "partial Secrets Manager ARN with a JSON key",
    edit((_, a) => (a.secrets = { DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db:password::" })),
    [
      `${S}.api.secrets.DB_PASSWORD: is a partial ARN: it names secret "prod/db" without the "-" and 6 characters Secrets Manager appends to its ARN (as in ...:secret:prod/db-AbCdEf); the execution role is granted exactly this ARN, so ECS would fail with AccessDenied at task start. Use the full ARN: aws secretsmanager describe-secret --secret-id prod/db --query ARN`,
    ],
  ],
  [
    "full Secrets Manager ARNs (also with JSON key, stage and version id) and SSM parameter ARNs are valid",
    edit(
      (_, a) =>
        (a.secrets = {
          DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url-AbCdEf",
          DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-x1Y2z3:password:AWSCURRENT:",
          DB_USER: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-x1Y2z3:username::0a1b2c3d-1111-2222-3333-444455556666",
          API_TOKEN: "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api/token",
        }),
    ),
    [],
  ],
  [
    "protected tag patterns that miss the deployed tag (CI pushes beyond keepLastImages would expire it)",
    edit((_, a) => (a.image = { tag: "1.0.0", protectedTagPatterns: ["v*"] } as never)),
    [
      `${S}.api.image.protectedTagPatterns: v* do not match the deployed tag "1.0.0", so the lifecycle policy could expire the image the service runs once CI pushes more than keepLastImages images; add a pattern that matches 1.0.0 (or omit the list to protect the deployed tag alone)`,
    ],
  ],
  [
    "protected tag patterns that match the deployed tag",
    edit((_, a) => (a.image = { tag: "1.0.0", protectedTagPatterns: ["*.*.*", "hotfix-*"] } as never)),
    [],
  ],
  [
    "protected tag patterns for an external image",
    edit((_, __, i) => (i.image = { uri: "public.ecr.aws/acme/ingest:1.0", protectedTagPatterns: ["v*"] } as never)),
    [`${S}.ingest.image.protectedTagPatterns: applies to the service's own ECR repository only; remove it or deploy a tag instead of uri`],
  ],
  [
    "protected tag patterns ECR refuses or that protect everything",
    edit((_, a) => (a.image = { tag: "1.0.0", protectedTagPatterns: ["*1*0*0*-*", "1.0.0/x", "**"] } as never)),
    [
      `${S}.api.image.protectedTagPatterns.0: "*1*0*0*-*" has 5 wildcards; ECR allows at most 4 per pattern`,
      `${S}.api.image.protectedTagPatterns.1: "1.0.0/x" is not an ECR tag pattern; use 1-128 tag characters (letters, digits, _ . -) and * wildcards, e.g. v* or *.*.*`,
      `${S}.api.image.protectedTagPatterns.2: "**" matches every tag, so no tagged image would ever expire and the repository grows until pushes fail; protect the release tags only, e.g. v* or *.*.*`,
    ],
  ],
  [
    "secret given as a value",
    edit((_, a) => (a.secrets = { DATABASE_PASSWORD: "hunter2" })),
    [
      `${S}.api.secrets.DATABASE_PASSWORD: must be a Secrets Manager secret ARN or an SSM parameter ARN; secrets are referenced, never written into the config`,
    ],
  ],
];

describe("ecs config guards", () => {
  it("the base environment is valid", () => {
    expect(problemLines(valid())).toEqual([]);
  });

  it.each(cases)("%s", (_, env, expected) => {
    expect(problemLines(env)).toEqual(expected);
  });

  it("an NLB service drains without connection termination and a 120 s delay unless told otherwise; the old behaviour stays available", () => {
    // The base ingest sets neither: the defaults pass the draining guard.
    expect(problemLines(valid())).toEqual([]);
    const terminating = edit((_, __, i) => {
      i.deregistrationDelaySeconds = 330;
      (i.nlb as Record<string, unknown>).connectionTermination = true;
    });
    expect(problemLines(terminating)).toEqual([]);
    // An ALB service keeps its 30 s default, which a 31 s drain exceeds.
    expect(problemLines(edit((_, a) => Object.assign(a, { gracefulShutdownSeconds: 31, stopTimeoutSeconds: 40 })))).toEqual([
      `${S}.api.deregistrationDelaySeconds: 30 is shorter than gracefulShutdownSeconds (31); the load balancer closes connections of a deregistered task before its requests finish (dropped requests on every deploy and scale-in). Raise it to at least 31`,
    ]);
  });

  it("reports every problem of several services at once", () => {
    const env = edit((_, a, i) => {
      a.keepAliveTimeoutSeconds = 30;
      i.keepAliveTimeoutSeconds = 400;
    });
    expect(problemLines(env).map((line) => line.split(":").slice(0, 2).join(":"))).toEqual([
      "test.yaml: ecs.services.api.keepAliveTimeoutSeconds",
      "test.yaml: ecs.services.ingest.keepAliveTimeoutSeconds",
    ]);
  });

  it("counts a widened schedule maximum in the budget", () => {
    const env = edit((e, a) => {
      Object.assign(a.scaling.schedules[0]!, { maxCapacity: 60, widenBounds: true });
      e.ecs.dependencies.redis.maxConnections = 12000;
    });
    expect(problemLines(env)).toEqual([
      "test.yaml: ecs.dependencies.redis.maxConnections: 12000 is less than the 12400 connections the services can open at full scale during a deployment (api 120 tasks x 100 = 12000, ingest 8 tasks x 50 = 400; tasks = max capacity incl. schedules x deploymentMaximumPercent); a scale-out would exhaust redis. Lower maxCapacity or connections per task, or raise the limit",
    ]);
  });
});

describe("schedule expressions", () => {
  it.each([
    "cron(0 8 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(*/15 7-19 ? * 2-6 *)",
    "cron(0 18 L * ? *)",
    "cron(0 9 ? * 6#3 2026)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(2 days)",
    "at(2026-12-24T18:00:00)",
  ])("accepts %s", (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  it.each([
    ["cron(0 8 ? * ? *)", 'exactly one of day-of-month ("?") and day-of-week ("?") must be "?"'],
    ["cron(60 8 ? * MON *)", 'minutes "60" is invalid'],
    ["cron(0 24 ? * MON *)", 'hours "24" is invalid'],
    ["cron(0 8 ? 13 MON *)", 'month "13" is invalid'],
    ["cron(0 8 ? * MON * *)", "has 7 fields"],
    ["rate(0 minutes)", "positive whole number"],
    ["rate(5 weeks)", "is not a rate expression"],
    ["at(2026-02-30T18:00:00)", "is not an at() expression"],
    ["0 8 * * *", "is not a schedule expression"],
  ])("refuses %s", (expression, fragment) => {
    expect(scheduleExpressionProblem(expression)).toContain(fragment);
  });

  it("knows IANA time zones", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    // IANA names that ICU's own list of canonical zones does not hold
    expect(isTimeZone("Asia/Kolkata")).toBe(true);
    expect(isTimeZone("Etc/GMT+9")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("+02:00")).toBe(false);
  });
});

describe("Fargate task sizes", () => {
  it.each([
    [256, 512],
    [256, 2048],
    [1024, 8192],
    [4096, 30720],
    [8192, 20480],
    [16384, 122880],
  ])("accepts cpu %i with %i MiB", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toBeUndefined();
  });

  it.each([
    [256, 3072],
    [512, 512],
    [2048, 2048],
    [8192, 18432],
    [16384, 131072],
  ])("refuses cpu %i with %i MiB", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toContain(`with cpu ${cpu} use ${allowedMemoryText(cpu)} MiB`);
  });
});

describe("FARGATE_SPOT platform versions", () => {
  it.each([
    ["X86_64", "1.3.0"],
    ["X86_64", "1.4.0"],
    ["ARM64", "1.4.0"],
    ["ARM64", "LATEST"],
    ["X86_64", "LATEST"],
  ] as const)("runs %s on %s", (architecture, version) => {
    expect(fargateSpotProblem(architecture, version)).toBeUndefined();
  });

  it.each([
    ["ARM64", "1.3.0", "1.4.0"],
    ["X86_64", "1.2.0", "1.3.0"],
  ] as const)("refuses %s on %s (needs %s)", (architecture, version, minimum) => {
    expect(fargateSpotProblem(architecture, version)).toBe(
      `FARGATE_SPOT runs ${architecture} tasks on platform version ${minimum} or later, and the service runs ${version}; use platform version ${minimum} or LATEST, or give FARGATE_SPOT no weight`,
    );
  });

  it("services run a platform version on which FARGATE_SPOT takes both architectures", () => {
    expect(FARGATE_PLATFORM_VERSION).toBe("LATEST");
    expect(fargateSpotProblem("ARM64", FARGATE_PLATFORM_VERSION)).toBeUndefined();
  });
});

describe("client idle time", () => {
  it.each([
    [60, 55],
    [350, 345],
    [300, 295],
    [10, 5],
    [4, 2],
    [1, 1],
  ])("a hop that closes after %i s: clients keep idle connections at most %i s", (hop, client) => {
    expect(clientMaxIdleSeconds(hop)).toBe(client);
  });
});
