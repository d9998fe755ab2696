import { accessLevelProblem, grantArnProblem, grantStatements } from "../lib/iam/task-permissions";
import { filterPolicyProblem } from "../lib/messaging/filter-policy";
import { queueTimingProblems } from "../lib/messaging/queue-timing";
import { problemLines } from "./helpers";

// Issue #19 items 1-3 as table-driven configs: each case changes one thing of a valid environment with an
// ALB service that publishes and a worker that consumes a topic-fed queue, and asserts the exact lines.

const api = () => ({
  loadBalancer: "alb",
  image: { tag: "1.0.0" },
  cpu: 512,
  memoryMiB: 1024,
  containerPort: 8080,
  keepAliveTimeoutSeconds: 75,
  gracefulShutdownSeconds: 20,
  alb: { priority: 10, hosts: ["api.example.com"] },
  scaling: { minCapacity: 2, maxCapacity: 10 },
  permissions: [{ topic: "orders", access: ["publish"] }] as Record<string, unknown>[],
});
const worker = () => ({
  loadBalancer: "none",
  image: { tag: "1.0.0" },
  cpu: 256,
  memoryMiB: 512,
  gracefulShutdownSeconds: 20,
  stopTimeoutSeconds: 60,
  queue: {
    maxProcessingSeconds: 90,
    visibilityTimeoutSeconds: 180,
    subscriptions: [{ topic: "orders", filterPolicy: { type: ["order-placed"] } }] as Record<string, unknown>[],
  } as Record<string, unknown>,
  permissions: [{ resource: "arn:aws:s3:::acme-invoices", access: ["read", "write"] }] as Record<string, unknown>[],
  scaling: { minCapacity: 0, maxCapacity: 5, backlogPerTask: { target: 100 } } as Record<string, unknown>,
});
const valid = () => ({
  repository: "github.com/acme/platform-infra",
  aws: { region: "eu-west-1", accountId: "111122223333" },
  network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
  ecs: {
    alb: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123" },
    topics: { orders: {} } as Record<string, unknown>,
    services: { api: api(), billing: worker() },
  },
});
type Env = ReturnType<typeof valid>;
type Api = Record<string, unknown> & ReturnType<typeof api>;
type Worker = Record<string, unknown> & ReturnType<typeof worker>;

const edit = (change: (env: Env, api: Api, worker: Worker) => void) => {
  const env = valid();
  change(env, env.ecs.services.api as Api, env.ecs.services.billing as Worker);
  return env;
};
const S = "test.yaml: ecs.services";

const cases: [string, Env, string[]][] = [
  [
    "a worker without its queue",
    edit((_, __, w) => delete (w as Record<string, unknown>).queue),
    [`${S}.billing.queue: is required for a worker (loadBalancer: none): at least maxProcessingSeconds and visibilityTimeoutSeconds`],
  ],
  [
    "load-balancer settings on a worker",
    edit((_, __, w) =>
      Object.assign(w, { keepAliveTimeoutSeconds: 75, deregistrationDelaySeconds: 30, alb: { priority: 20, paths: ["/x"] } }),
    ),
    [
      `${S}.billing.alb: does not apply: loadBalancer is none (a worker without a load balancer); remove alb or switch loadBalancer`,
      `${S}.billing.keepAliveTimeoutSeconds: does not apply to a worker: no load balancer keeps connections to it; remove it`,
      `${S}.billing.deregistrationDelaySeconds: does not apply to a worker: it is in no target group; remove it`,
    ],
  ],
  [
    "an ALB service without its port and keep-alive, with a queue and backlog scaling",
    edit((_, a) => {
      const service = a as Record<string, unknown>;
      delete service.containerPort;
      delete service.keepAliveTimeoutSeconds;
      service.queue = { maxProcessingSeconds: 10, visibilityTimeoutSeconds: 60 };
      (a.scaling as Record<string, unknown>).backlogPerTask = { target: 10 };
    }),
    [
      `${S}.api.containerPort: is required for an alb service: the port its load balancer forwards to`,
      `${S}.api.keepAliveTimeoutSeconds: is required for an alb service: the server's HTTP keep-alive timeout (lesson 1)`,
      `${S}.api.queue: applies to workers only (loadBalancer: none); remove it or switch loadBalancer`,
      `${S}.api.scaling.backlogPerTask: applies to workers only (loadBalancer: none), which own a queue; scale on cpu, memory or requestsPerTarget`,
    ],
  ],
  [
    "scale to zero without backlog scaling",
    edit((_, __, w) => delete w.scaling.backlogPerTask),
    [
      `${S}.billing.scaling.minCapacity: is 0, but nothing would start a task when messages arrive (cpu and memory tracking need a running task); add scaling.backlogPerTask, which also scales out from zero`,
    ],
  ],
  [
    "visibility timeout not above processing time nor stopTimeout",
    edit((_, __, w) => (w.queue.visibilityTimeoutSeconds = 60)),
    [
      `${S}.billing.queue.visibilityTimeoutSeconds: 60 is not longer than maxProcessingSeconds (90); a message still being processed becomes visible again and a second task processes it too. Raise visibilityTimeoutSeconds above 90`,
      `${S}.billing.queue.visibilityTimeoutSeconds: 60 is not longer than stopTimeoutSeconds (60); a message a stopping task still works on during its shutdown window is delivered to another task while it runs. Raise visibilityTimeoutSeconds above 60`,
    ],
  ],
  [
    "short polling",
    edit((_, __, w) => (w.queue.receiveWaitTimeSeconds = 0)),
    [`${S}.billing.queue.receiveWaitTimeSeconds: must be between 1 and 20`],
  ],
  [
    "retention shorter than the oldest-message alarm plus the reaction time",
    edit((_, __, w) =>
      Object.assign(w.queue, { messageRetentionSeconds: 3600, oldestMessageAlarmSeconds: 900, alarmReactionSeconds: 3600 }),
    ),
    [
      `${S}.billing.queue.messageRetentionSeconds: 3600 is shorter than the oldest-message alarm (900) plus alarmReactionSeconds (3600) = 4500; messages would expire before anyone can act on the alarm. Raise it to at least 4500`,
    ],
  ],
  [
    "a dead-letter queue that does not outlive the source queue by the reaction time",
    edit((_, __, w) => Object.assign(w.queue, { messageRetentionSeconds: 345600, deadLetterRetentionSeconds: 345600 })),
    [
      `${S}.billing.queue.deadLetterRetentionSeconds: 345600 is shorter than messageRetentionSeconds (345600) plus alarmReactionSeconds (86400) = 432000; SQS keeps a message's original enqueue time when it moves to a standard DLQ, so a late failure would expire from the DLQ before anyone reacts to its alarm. Raise it to at least 432000 (at most 1209600) or shorten messageRetentionSeconds`,
    ],
  ],
  [
    "a subscription to an undeclared topic, twice, with a filter policy SNS refuses",
    edit((_, __, w) => {
      w.queue.subscriptions = [
        { topic: "payments", filterPolicy: { type: "order-placed" } },
        { topic: "payments", filterPolicy: { detail: { kind: ["a"] } } },
      ];
    }),
    [
      `${S}.billing.queue.subscriptions.0.topic: names no topic of ecs.topics (orders); declare it there`,
      `${S}.billing.queue.subscriptions.0.filterPolicy: type: must be an array of values, e.g. ["order-placed"]`,
      `${S}.billing.queue.subscriptions.1.topic: names no topic of ecs.topics (orders); declare it there`,
      `${S}.billing.queue.subscriptions.1.topic: "payments" is subscribed twice; subscribe once (merge the filter policies)`,
      `${S}.billing.queue.subscriptions.1.filterPolicy: detail: nested keys need filterPolicyScope MessageBody; with MessageAttributes each key takes an array of values`,
    ],
  ],
  [
    "an unknown access level",
    edit((_, a) => (a.permissions = [{ topic: "orders", access: ["admin"] }])),
    [`${S}.api.permissions.0.access.0: must be one of consume, delete, publish, read, send, write, got "admin"`],
  ],
  [
    "a level of another resource type",
    edit((_, a, w) => {
      a.permissions = [{ topic: "orders", access: ["consume"] }];
      w.permissions = [{ resource: "arn:aws:s3:::acme-invoices", access: ["publish", "read", "read"] }];
    }),
    [
      `${S}.api.permissions.0.access.0: "consume" is not an access level of sns; use publish`,
      `${S}.billing.permissions.0.access.0: "publish" is not an access level of s3; use read, write, delete`,
      `${S}.billing.permissions.0.access: lists a level twice; list each once`,
    ],
  ],
  [
    "malformed and wildcard ARNs",
    edit((_, a, w) => {
      a.permissions = [{ resource: "arn:aws:s3:::acme-*", access: ["read"] }];
      w.permissions = [
        { resource: "arn:aws:sqs:eu-west-1:1111:orders", access: ["send"] },
        { resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", access: ["read"] },
      ];
    }),
    [
      `${S}.api.permissions.0.resource: contains a wildcard; name one s3 resource by its full ARN, e.g. arn:aws:s3:::my-bucket`,
      `${S}.billing.permissions.0.resource: is not a well-formed sqs ARN, e.g. arn:aws:sqs:eu-west-1:111122223333:orders`,
      `${S}.billing.permissions.1.resource: names no resource type the permission model knows; use an ARN of s3, sqs, sns, dynamodb, secretsmanager`,
    ],
  ],
  [
    "a permission naming two resources, a missing topic and a queue nobody owns",
    edit((_, a) => {
      a.permissions = [
        { topic: "orders", queue: "billing", access: ["publish"] },
        { topic: "payments", access: ["publish"] },
        { queue: "api", access: ["send"] },
        { queue: "billing", access: ["send"], kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abc" },
      ];
    }),
    [
      `${S}.api.permissions.0: names topic and queue; give exactly one of resource (an ARN), topic (of ecs.topics) or queue (a worker service)`,
      `${S}.api.permissions.1.topic: names no topic of ecs.topics (orders)`,
      `${S}.api.permissions.2.queue: names no worker service (loadBalancer: none) of this environment (billing); only workers own queues`,
      `${S}.api.permissions.3.kmsKeyArn: does not apply: the stack's own topics and queues use the ECS key, which the grant includes; remove it`,
    ],
  ],
  [
    "a variable the stack sets, set by hand",
    edit((_, a, w) => {
      (w as Record<string, unknown>).environment = { SQS_QUEUE_URL: "https://example" };
      (a as Record<string, unknown>).environment = { SNS_TOPIC_ORDERS_ARN: "arn:aws:sns:eu-west-1:111122223333:x" };
    }),
    [
      `${S}.api.environment.SNS_TOPIC_ORDERS_ARN: is set by the stack (the URL or ARN of a queue or topic this service uses); remove it here`,
      `${S}.billing.environment.SQS_QUEUE_URL: is set by the stack (the URL or ARN of a queue or topic this service uses); remove it here`,
    ],
  ],
  [
    "consume on the worker's own queue",
    edit((_, __, w) => (w.permissions = [{ queue: "billing", access: ["consume"] }])),
    [`${S}.billing.permissions.0.access: consume on the service's own queue is granted already; remove it`],
  ],
];

describe("worker, topic and permission guards", () => {
  it("the base environment is valid", () => {
    expect(problemLines(valid())).toEqual([]);
  });

  it.each(cases)("%s", (_, env, expected) => {
    expect(problemLines(env)).toEqual(expected);
  });
});

describe("queue timing (pure)", () => {
  const base = {
    visibilityTimeoutSeconds: 180,
    messageRetentionSeconds: 345600,
    deadLetterRetentionSeconds: 1209600,
    receiveWaitTimeSeconds: 20,
    maxProcessingSeconds: 90,
    stopTimeoutSeconds: 60,
    oldestMessageAlarmSeconds: 900,
    alarmReactionSeconds: 86400,
  };
  it.each([
    ["valid", {}, []],
    ["visibility equal to processing", { visibilityTimeoutSeconds: 90 }, ["visibilityTimeoutSeconds"]],
    ["visibility equal to stopTimeout", { visibilityTimeoutSeconds: 60, maxProcessingSeconds: 30 }, ["visibilityTimeoutSeconds"]],
    ["short polling", { receiveWaitTimeSeconds: 0 }, ["receiveWaitTimeSeconds"]],
    ["DLQ one second short", { deadLetterRetentionSeconds: 345600 + 86400 - 1 }, ["deadLetterRetentionSeconds"]],
    ["DLQ exactly long enough", { deadLetterRetentionSeconds: 345600 + 86400 }, []],
    ["retention exactly the alarm window", { messageRetentionSeconds: 87300, deadLetterRetentionSeconds: 173700 }, []],
  ] as const)("%s", (_, change, fields) => {
    expect(queueTimingProblems({ ...base, ...change }).map((p) => p.field)).toEqual(fields);
  });
});

describe("filter policies (pure)", () => {
  it.each([
    ['{"type":["a","b"]}', "MessageAttributes", undefined],
    ['{"price":[{"numeric":[">",0]}]}', "MessageAttributes", undefined],
    ['{"detail":{"kind":["a"]}}', "MessageBody", undefined],
    ["not json", "MessageAttributes", 'is not valid JSON; write a JSON object such as {"type": ["order-created"]}'],
    ["[]", "MessageAttributes", 'must be a non-empty JSON object of attribute names to arrays of values, e.g. {"type": ["order-created"]}'],
    ['{"type":[]}', "MessageAttributes", "type: an empty array matches nothing; list at least one value"],
    [
      JSON.stringify({ a: Array(6).fill("x"), b: Array(5).fill("y"), c: Array(6).fill("z") }),
      "MessageAttributes",
      "has 180 combinations of values (the product of its arrays' lengths); SNS allows 150",
    ],
  ] as const)("%s (%s)", (text, scope, expected) => {
    expect(filterPolicyProblem(text, scope)).toBe(expected);
  });
});

describe("the permission model (pure)", () => {
  it.each([
    ["arn:aws:s3:::acme-invoices", undefined],
    ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders", undefined],
    ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-AbCdEf", undefined],
    [
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api",
      "is not a well-formed secretsmanager ARN, e.g. arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api-AbCdEf",
    ],
    [
      "arn:aws:sns:eu-west-1:111122223333:*",
      "contains a wildcard; name one sns resource by its full ARN, e.g. arn:aws:sns:eu-west-1:111122223333:orders",
    ],
  ])("%s", (arn, expected) => {
    expect(grantArnProblem(arn)).toBe(expected);
  });

  it("maps levels to exact actions, contents and keys; no wildcard action, no Resource *", () => {
    const statements = grantStatements([
      {
        sid: "Bucket",
        type: "s3",
        arn: "arn:aws:s3:::b",
        levels: ["read", "write"],
        kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
      },
      { sid: "Table", type: "dynamodb", arn: "arn:aws:dynamodb:eu-west-1:111122223333:table/t", levels: ["read"] },
    ]);
    expect(statements).toEqual([
      { sid: "Bucket", effect: "Allow", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b"] },
      {
        sid: "BucketContents",
        effect: "Allow",
        actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        resources: ["arn:aws:s3:::b/*"],
      },
      {
        sid: "BucketKey",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["arn:aws:kms:eu-west-1:111122223333:key/k"],
      },
      {
        sid: "Table",
        effect: "Allow",
        actions: [
          "dynamodb:BatchGetItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:DescribeTable",
          "dynamodb:GetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
        ],
        resources: ["arn:aws:dynamodb:eu-west-1:111122223333:table/t"],
      },
      {
        sid: "TableContents",
        effect: "Allow",
        actions: ["dynamodb:Query", "dynamodb:Scan"],
        resources: ["arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*"],
      },
    ]);
    expect(accessLevelProblem("sqs", "publish")).toBe('"publish" is not an access level of sqs; use consume, send');
  });
});
