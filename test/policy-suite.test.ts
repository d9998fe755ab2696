// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { TerraformStack, Testing } from "cdktf";
import { justify } from "../lib/justify";
import { ALL_RULES, formatPolicyReport, ruleTableMarkdown, runPolicySuite } from "../tools/gates/policy";
import { readSynthOutput } from "../tools/gates/policy/synth-output";
import { type FixtureStack, goodStack } from "./fixtures/policy-stacks";
import { configuredEnvironments, environmentFromYaml, FIXTURE_ENVIRONMENTS, fixtureEnvironment, policyStacks } from "./helpers";

const POLICY_ID = /^POL-[A-Z0-9]+-\d+$/;

/** Findings as [rule, address, message] for exact comparison. */
function violationsOf(stack: FixtureStack): [string, string, string][] {
  return runPolicySuite([stack]).violations.map((v) => [v.rule, v.address, v.message]);
}

/** The fixture with one change applied. */
function bad(change: (t: FixtureStack["terraform"], stack: FixtureStack) => void): FixtureStack {
  const stack = goodStack();
  change(stack.terraform, stack);
  return stack;
}

const R = (t: FixtureStack["terraform"]) => t.resource;
const doc = (t: FixtureStack["terraform"], name: string) => t.data.aws_iam_policy_document[name];

describe("shipped environments", () => {
  const environments = [...FIXTURE_ENVIRONMENTS.map(fixtureEnvironment), ...configuredEnvironments()];
  const stacks = environments.flatMap((environment) => policyStacks(environment));

  it("every stack of every environment passes every rule; each exception has a reason", () => {
    const result = runPolicySuite(stacks);
    expect(result.stacks).toEqual(stacks.map((stack) => stack.name));
    expect(result.violations).toEqual([]);
    for (const exception of result.exceptions) expect(exception.reason.length).toBeGreaterThanOrEqual(20);
    expect(result.unusedJustifications).toEqual([]);
  });
});

describe("scenarios beyond the shipped files", () => {
  // Every NAT mode, in and out of production, with and without interface endpoints and remote state.
  const scenario = (natGateways: string, production: boolean) => `
repository: github.com/acme/fx
production: ${production}
aws: { region: eu-west-1, accountId: "111122223333" }
${production ? "state: { bucket: acme-fx-tfstate }" : ""}
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
  natGateways: ${natGateways}
  interfaceEndpoints: ${production ? "[ecr.api, ecr.dkr, logs, sts, kms, ssm]" : "[]"}
`;
  it.each([
    ["none", false],
    ["single", true],
    ["per-az", true],
  ])("natGateways %s, production %s: no violations", (natGateways, production) => {
    const environment = environmentFromYaml(scenario(natGateways as string, production as boolean), "fx");
    expect(runPolicySuite(policyStacks(environment)).violations).toEqual([]);
  });
});

describe("rules", () => {
  it("have unique POL ids, a title, a rationale and a source", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(POLICY_ID);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.rationale.length).toBeGreaterThan(10);
      expect(rule.source.length).toBeGreaterThan(3);
    }
  });

  it("are listed in docs/policy-suite.md as generated (npm run generate)", () => {
    const doc = readFileSync(join(__dirname, "..", "docs", "policy-suite.md"), "utf8");
    expect(doc).toContain(`-->\n${ruleTableMarkdown().join("\n")}\n<!-- rules:end -->`);
  });

  it("pass the complete good fixture, in production and outside it", () => {
    expect(violationsOf(goodStack())).toEqual([]);
    expect(violationsOf({ ...goodStack(), production: false })).toEqual([]);
  });
});

/** [rule under test, what is wrong, the change, the exact violations]. Every rule has at least one case. */
const BAD_CASES: [string, string, (t: FixtureStack["terraform"], s: FixtureStack) => void, [string, string, string][]][] = [
  [
    "POL-IAM-1",
    "service-wide action in a data document",
    (t) => {
      doc(t, "task_policy").statement[0].actions = ["s3:*"];
    },
    [
      [
        "POL-IAM-1",
        "aws_iam_role_policy.task",
        'policy (data.aws_iam_policy_document.task_policy) statement "Read" allows s3:*; list the actions the principal needs',
      ],
    ],
  ],
  [
    "POL-IAM-1",
    "`*` action and NotAction in a JSON policy",
    (t) => {
      R(t).aws_iam_policy = {
        broad: {
          policy: JSON.stringify({
            Statement: [
              { Effect: "Allow", Action: "*", Resource: "${aws_s3_bucket.data.arn}" },
              { Effect: "Allow", NotAction: "iam:*", Resource: "${aws_s3_bucket.data.arn}" },
            ],
          }),
        },
      };
    },
    [
      ["POL-IAM-1", "aws_iam_policy.broad", "policy statement #0 allows *; list the actions the principal needs"],
      ["POL-IAM-1", "aws_iam_policy.broad", "policy statement #1 allows everything except NotAction [iam:*]; list the actions instead"],
    ],
  ],
  [
    "POL-IAM-2",
    'scopable action on Resource "*"',
    (t) => {
      doc(t, "task_policy").statement[1].actions = ["ecr:GetAuthorizationToken", "s3:ListBucket"];
    },
    [
      [
        "POL-IAM-2",
        "aws_iam_role_policy.task",
        'policy (data.aws_iam_policy_document.task_policy) statement "Pull" grants s3:ListBucket on Resource "*"; name the resources (only actions AWS cannot scope may use "*")',
      ],
    ],
  ],
  [
    "POL-IAM-3",
    "service trust without aws:SourceAccount",
    (t) => {
      delete doc(t, "task_trust").statement[0].condition;
    },
    [
      [
        "POL-IAM-3",
        "aws_iam_role.task",
        "assume_role_policy (data.aws_iam_policy_document.task_trust) statement #0 trusts ecs-tasks.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition; pin it to this account",
      ],
    ],
  ],
  [
    "POL-IAM-3",
    "anyone, wildcard services and an unconditioned identity provider",
    (t) => {
      R(t).aws_iam_role.open = {
        assume_role_policy: JSON.stringify({
          Statement: [
            { Sid: "Anyone", Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" },
            { Sid: "Services", Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "*.amazonaws.com" } },
            {
              Sid: "Oidc",
              Effect: "Allow",
              Action: "sts:AssumeRoleWithWebIdentity",
              Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/x" },
            },
          ],
        }),
      };
    },
    [
      [
        "POL-IAM-3",
        "aws_iam_role.open",
        'assume_role_policy statement "Anyone" lets any principal ("*") assume the role; name the principal',
      ],
      [
        "POL-IAM-3",
        "aws_iam_role.open",
        'assume_role_policy statement "Services" trusts service principal "*.amazonaws.com"; name the service exactly',
      ],
      [
        "POL-IAM-3",
        "aws_iam_role.open",
        'assume_role_policy statement "Oidc" trusts identity provider arn:aws:iam::111122223333:oidc-provider/x without a :sub or :aud condition; any identity of the provider could assume the role',
      ],
    ],
  ],
  [
    "POL-IAM-4",
    "AdministratorAccess attached",
    (t) => {
      R(t).aws_iam_role_policy_attachment.execution.policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess";
    },
    [
      [
        "POL-IAM-4",
        "aws_iam_role_policy_attachment.execution",
        "policy_arn attaches the AWS-managed AdministratorAccess; attach a policy with the actions the role needs",
      ],
    ],
  ],
  [
    "POL-IAM-5",
    "public bucket grant",
    (t) => {
      doc(t, "bucket_policy").statement.push({
        sid: "Public",
        actions: ["s3:GetObject"],
        resources: ["${aws_s3_bucket.data.arn}/*"],
        principals: [{ type: "AWS", identifiers: ["*"] }],
      });
    },
    [
      [
        "POL-IAM-5",
        "aws_s3_bucket_policy.data",
        'policy (data.aws_iam_policy_document.bucket_policy) statement "Public" allows Principal "*" without a condition; name the principals or add a condition',
      ],
    ],
  ],
  [
    "POL-IAM-6",
    "jsonencode() and a missing data source",
    (t) => {
      R(t).aws_iam_policy = { encoded: { policy: '${jsonencode({"Statement" = []})}' } };
      R(t).aws_iam_role_policy.task.policy = "${data.aws_iam_policy_document.gone.json}";
    },
    [
      ["POL-IAM-6", "aws_iam_role_policy.task", "policy refers to data.aws_iam_policy_document.gone, which is not in this stack"],
      [
        "POL-IAM-6",
        "aws_iam_policy.encoded",
        'policy is ${jsonencode({"Statement" = []})}, which the suite cannot resolve; use a data.aws_iam_policy_document in the same stack or a literal JSON document',
      ],
    ],
  ],
  [
    "POL-KMS-1",
    "rotation off",
    (t) => {
      R(t).aws_kms_key.data.enable_key_rotation = false;
    },
    [["POL-KMS-1", "aws_kms_key.data", "enable_key_rotation is not true; turn on automatic rotation"]],
  ],
  [
    "POL-KMS-2",
    "no key policy",
    (t) => void delete R(t).aws_kms_key.data.policy,
    [
      [
        "POL-KMS-2",
        "aws_kms_key.data",
        "has no key policy; set policy (or add an aws_kms_key_policy) naming who may administer and use the key",
      ],
    ],
  ],
  [
    "POL-KMS-3",
    "public key grant",
    (t) => {
      R(t).aws_kms_key.data.policy = JSON.stringify({
        Statement: [
          { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
          { Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" },
        ],
      });
    },
    [
      [
        "POL-KMS-3",
        "aws_kms_key.data",
        'policy statement "Anyone" allows Principal "*" without a condition; name the principals or add a condition',
      ],
    ],
  ],
  [
    "POL-S3-1",
    "one public-access flag off",
    (t) => {
      R(t).aws_s3_bucket_public_access_block.data.restrict_public_buckets = false;
    },
    [
      [
        "POL-S3-1",
        "aws_s3_bucket.data",
        "has no aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true",
      ],
    ],
  ],
  [
    "POL-S3-2",
    "no default encryption",
    (t) => void delete R(t).aws_s3_bucket_server_side_encryption_configuration,
    [["POL-S3-2", "aws_s3_bucket.data", "has no aws_s3_bucket_server_side_encryption_configuration with an sse_algorithm"]],
  ],
  [
    "POL-S3-3",
    "versioning suspended",
    (t) => {
      R(t).aws_s3_bucket_versioning.data.versioning_configuration.status = "Suspended";
    },
    [["POL-S3-3", "aws_s3_bucket.data", 'has no aws_s3_bucket_versioning with status "Enabled"']],
  ],
  [
    "POL-S3-4",
    "ACLs enabled",
    (t) => {
      R(t).aws_s3_bucket_ownership_controls.data.rule.object_ownership = "ObjectWriter";
    },
    [["POL-S3-4", "aws_s3_bucket.data", 'has no aws_s3_bucket_ownership_controls with object_ownership "BucketOwnerEnforced"']],
  ],
  [
    "POL-S3-5",
    "no TLS deny (policy of another bucket does not count)",
    (t) => {
      R(t).aws_s3_bucket_policy.data.bucket = "${aws_s3_bucket.other.id}";
    },
    [["POL-S3-5", "aws_s3_bucket.data", "has no bucket policy statement denying requests with aws:SecureTransport = false"]],
  ],
  [
    "POL-S3-6",
    "lifecycle without abort",
    (t) => void delete R(t).aws_s3_bucket_lifecycle_configuration.data.rule[0].abort_incomplete_multipart_upload,
    [
      [
        "POL-S3-6",
        "aws_s3_bucket.data",
        "has no enabled aws_s3_bucket_lifecycle_configuration rule with abort_incomplete_multipart_upload",
      ],
    ],
  ],
  [
    "POL-NET-1",
    "SSH from the internet, and HTTPS to an internal load balancer",
    (t) => {
      R(t).aws_lb.public.internal = true;
      R(t).aws_security_group.app.ingress = [
        { description: "SSH", protocol: "tcp", from_port: 22, to_port: 22, ipv6_cidr_blocks: ["::/0"] },
      ];
    },
    [
      [
        "POL-NET-1",
        "aws_security_group.app",
        "ingress[0] admits tcp 22-22 from ::/0; only a public load balancer's listener ports may be open to the internet",
      ],
      [
        "POL-NET-1",
        "aws_vpc_security_group_ingress_rule.https",
        "ingress admits tcp 443-443 from 0.0.0.0/0; only a public load balancer's listener ports may be open to the internet",
      ],
    ],
  ],
  [
    "POL-NET-1",
    "a port the public load balancer does not listen on",
    (t) => {
      Object.assign(R(t).aws_vpc_security_group_ingress_rule.https, { from_port: 8443, to_port: 8443 });
    },
    [
      [
        "POL-NET-1",
        "aws_vpc_security_group_ingress_rule.https",
        "ingress admits tcp 8443-8443 from 0.0.0.0/0 (listener ports: 443); only a public load balancer's listener ports may be open to the internet",
      ],
    ],
  ],
  [
    "POL-NET-2",
    "undescribed group, inline rule and rule resource",
    (t) => {
      R(t).aws_security_group.lb.description = "Managed by Terraform";
      delete R(t).aws_security_group.app.egress[0].description;
      R(t).aws_security_group_rule.app_from_lb.description = "";
    },
    [
      ["POL-NET-2", "aws_security_group.lb", "has no description; say what the group admits and for whom"],
      ["POL-NET-2", "aws_security_group.app", "egress[0] has no description; say what the rule admits and why"],
      ["POL-NET-2", "aws_security_group_rule.app_from_lb", "ingress has no description; say what the rule admits and why"],
    ],
  ],
  [
    "POL-NET-3",
    "egress-all to the internet",
    (t) => {
      R(t).aws_vpc_security_group_egress_rule = {
        all: {
          security_group_id: "${aws_security_group.app.id}",
          description: "Everything out",
          ip_protocol: "-1",
          cidr_ipv4: "0.0.0.0/0",
        },
      };
    },
    [
      [
        "POL-NET-3",
        "aws_vpc_security_group_egress_rule.all",
        "egress allows all traffic to 0.0.0.0/0; allow the ports and destinations needed, or justify(POL-NET-3)",
      ],
    ],
  ],
  [
    "POL-LOG-1",
    "never expires",
    (t) => void delete R(t).aws_cloudwatch_log_group.app.retention_in_days,
    [["POL-LOG-1", "aws_cloudwatch_log_group.app", "has no retention_in_days; set how long the logs are kept"]],
  ],
  [
    "POL-LOG-2",
    "not encrypted",
    (t) => void delete R(t).aws_cloudwatch_log_group.app.kms_key_id,
    [["POL-LOG-2", "aws_cloudwatch_log_group.app", "has no kms_key_id; encrypt the log group with a customer-managed key"]],
  ],
  ...containerCase(
    "POL-ECS-1",
    "writable root",
    (c) => void delete c.readonlyRootFilesystem,
    'container "app" does not set readonlyRootFilesystem: true; mount a volume for paths it writes',
  ),
  ...containerCase(
    "POL-ECS-2",
    "privileged",
    (c) => {
      c.privileged = true;
    },
    'container "app" runs privileged; remove privileged: true',
  ),
  [
    "POL-ECS-3",
    "host PID",
    (t) => {
      R(t).aws_ecs_task_definition.app.pid_mode = "host";
    },
    [["POL-ECS-3", "aws_ecs_task_definition.app", 'pid_mode is "host"; use "task" or leave it unset']],
  ],
  ...containerCase(
    "POL-ECS-4",
    "no logs",
    (c) => void delete c.logConfiguration,
    'container "app" has no logConfiguration with a logDriver',
  ),
  ...containerCase(
    "POL-ECS-5",
    "secrets in environment",
    (c) =>
      c.environment.push({ name: "DB_PASSWORD", value: "x" }, { name: "UPSTREAM", value: "https://svc:hunter2hunter2@api.example.com" }),
    'container "app" passes secrets in environment: DB_PASSWORD (secret-looking name), UPSTREAM (value contains credentials in a URL); use secrets with valueFrom',
    // The secret scan sees the same URL in the raw JSON.
    ["POL-SEC-1", "aws_ecs_task_definition.app", "container_definitions contains credentials in a URL"],
  ),
  [
    "POL-ECS-6",
    "jsonencode()d definitions",
    (t) => {
      R(t).aws_ecs_task_definition.app.container_definitions = '${jsonencode([{ name = "app" }])}';
    },
    [
      [
        "POL-ECS-6",
        "aws_ecs_task_definition.app",
        "container_definitions is not literal JSON (jsonencode() or a reference); pass JSON.stringify(...) of the definitions",
      ],
    ],
  ],
  [
    "POL-EC2-1",
    "IMDSv1 allowed",
    (t) => {
      R(t).aws_launch_template.nodes.metadata_options.http_tokens = "optional";
    },
    [["POL-EC2-1", "aws_launch_template.nodes", 'metadata_options.http_tokens is not "required"; require IMDSv2']],
  ],
  [
    "POL-EC2-2",
    "unencrypted volume, and a template without mappings",
    (t) => {
      R(t).aws_launch_template.nodes.block_device_mappings[0].ebs.encrypted = false;
      R(t).aws_launch_template.bare = { metadata_options: [{ http_tokens: "required" }] };
    },
    [
      ["POL-EC2-2", "aws_launch_template.nodes", "has block_device_mappings without ebs.encrypted = true"],
      [
        "POL-EC2-2",
        "aws_launch_template.bare",
        "declares no block_device_mappings; the root volume inherits the AMI's encryption; map it with ebs.encrypted = true",
      ],
    ],
  ],
  [
    "POL-TAG-1",
    "default tags incomplete and of another environment",
    (t) => {
      const tags = t.provider.aws[0].default_tags[0].tags;
      delete tags.repository;
      tags.environment = "prod";
    },
    [
      ["POL-TAG-1", "provider.aws[0]", "default_tags lacks repository"],
      ["POL-TAG-1", "provider.aws[0]", 'default_tags environment is "prod" but the stack is fx-app'],
      [
        "POL-TAG-3",
        "aws_autoscaling_group.nodes",
        "tag blocks lack environment, repository (with the default_tags value and propagate_at_launch = true)",
      ],
    ],
  ],
  [
    "POL-TAG-2",
    "resource overrides the environment tag",
    (t) => {
      R(t).aws_s3_bucket.data.tags = { Name: "data", environment: "prod" };
    },
    [["POL-TAG-2", "aws_s3_bucket.data", 'tags.environment is "prod" but default_tags say "fx"; remove the override']],
  ],
  [
    "POL-TAG-3",
    "ASG tag not propagated",
    (t) => {
      R(t).aws_autoscaling_group.nodes.tag[1].propagate_at_launch = false;
    },
    [
      [
        "POL-TAG-3",
        "aws_autoscaling_group.nodes",
        "tag blocks lack managed-by (with the default_tags value and propagate_at_launch = true)",
      ],
    ],
  ],
  [
    "POL-DL-1",
    "stateful resources without prevent_destroy",
    (t) => {
      delete R(t).aws_s3_bucket.data.lifecycle;
      R(t).aws_kms_key.data.lifecycle = { prevent_destroy: false };
    },
    [
      ["POL-DL-1", "aws_kms_key.data", "is stateful and has no lifecycle.prevent_destroy in production; wrap it in protectFromDestroy()"],
      ["POL-DL-1", "aws_s3_bucket.data", "is stateful and has no lifecycle.prevent_destroy in production; wrap it in protectFromDestroy()"],
    ],
  ],
  [
    "POL-DL-2",
    "deletion protection off",
    (t) => {
      R(t).aws_lb.public.enable_deletion_protection = false;
      delete R(t).aws_cloudwatch_log_group.app.deletion_protection_enabled;
    },
    [
      ["POL-DL-2", "aws_cloudwatch_log_group.app", "deletion_protection_enabled is not true in production"],
      ["POL-DL-2", "aws_lb.public", "enable_deletion_protection is not true in production"],
    ],
  ],
  [
    "POL-DL-3",
    "force_destroy",
    (t) => {
      R(t).aws_s3_bucket.data.force_destroy = true;
    },
    [["POL-DL-3", "aws_s3_bucket.data", "force_destroy is true in production; remove it"]],
  ],
  [
    "POL-DL-4",
    "short KMS deletion window",
    (t) => {
      R(t).aws_kms_key.data.deletion_window_in_days = 7;
    },
    [["POL-DL-4", "aws_kms_key.data", "deletion_window_in_days is 7; use 30 (the maximum) in production"]],
  ],
  [
    "POL-SEC-1",
    "an access key in a tag",
    (t) => {
      R(t).aws_s3_bucket.data.tags = { owner: "AKIAIOSFODNN7EXAMPLE" };
    },
    [["POL-SEC-1", "aws_s3_bucket.data", "tags.owner contains an AWS access key id"]],
  ],
];

/** A case that edits the first container of the task definition. */
function containerCase(
  rule: string,
  what: string,
  // biome-ignore lint/suspicious/noExplicitAny: container definitions are free-form JSON
  edit: (container: Record<string, any>) => unknown,
  message: string,
  ...also: [string, string, string][]
): (typeof BAD_CASES)[number][] {
  return [
    [
      rule,
      what,
      (t) => {
        const task = R(t).aws_ecs_task_definition.app;
        const definitions = JSON.parse(task.container_definitions);
        edit(definitions[0]);
        task.container_definitions = JSON.stringify(definitions);
      },
      [[rule, "aws_ecs_task_definition.app", message], ...also],
    ],
  ];
}

describe.each(BAD_CASES)("%s fails on: %s", (_rule, _what, change, expected) => {
  it("with exactly the expected violations", () => {
    expect(violationsOf(bad(change))).toEqual(expected);
  });
});

it("every rule has a bad case", () => {
  expect([...new Set(BAD_CASES.map(([rule]) => rule))].sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
});

describe("data-loss rules", () => {
  it("do not apply outside production", () => {
    const stack = bad((t, s) => {
      s.production = false;
      delete R(t).aws_s3_bucket.data.lifecycle;
      R(t).aws_s3_bucket.data.force_destroy = true;
      R(t).aws_lb.public.enable_deletion_protection = false;
      R(t).aws_kms_key.data.deletion_window_in_days = 7;
    });
    expect(violationsOf(stack)).toEqual([]);
  });
});

describe("exceptions", () => {
  const egressAll = (t: FixtureStack["terraform"]) => {
    R(t).aws_security_group.app.egress.push({
      description: "Everything out",
      protocol: "-1",
      from_port: 0,
      to_port: 0,
      cidr_blocks: ["0.0.0.0/0"],
    });
  };
  const reason = "The app calls partner APIs whose addresses change without notice; egress is filtered by the NAT firewall.";

  it("a justification next to the resource turns the violation into an exception with its reason", () => {
    const stack = bad((t) => {
      egressAll(t);
      R(t).aws_security_group.app["//"] = { justifications: [{ rule: "POL-NET-3", reason }] };
    });
    const result = runPolicySuite([stack]);
    expect(result.violations).toEqual([]);
    expect(result.exceptions).toEqual([
      {
        rule: "POL-NET-3",
        stack: "fx-app",
        address: "aws_security_group.app",
        message: "egress[1] allows all traffic to 0.0.0.0/0; allow the ports and destinations needed, or justify(POL-NET-3)",
        reason,
      },
    ]);
    expect(result.rules.find((r) => r.id === "POL-NET-3")).toMatchObject({ status: "excepted", failed: 0, excepted: 1, passed: 0 });
    expect(formatPolicyReport(result)).toEqual(expect.arrayContaining([`         reason: ${reason}`]));
  });

  it("a justification for another rule, or a checkov id, does not except the finding; an unused one is reported", () => {
    const stack = bad((t) => {
      egressAll(t);
      R(t).aws_security_group.app["//"] = {
        justifications: [
          { rule: "CKV_AWS_23", reason },
          { rule: "POL-NET-1", reason },
        ],
      };
    });
    const result = runPolicySuite([stack]);
    expect(result.violations.map((v) => v.rule)).toEqual(["POL-NET-3"]);
    expect(result.unusedJustifications).toEqual([{ stack: "fx-app", address: "aws_security_group.app", rule: "POL-NET-1", reason }]);
  });
});

describe("exceptions written with justify() on a real construct", () => {
  it("are read from the synthesized resource and reported with their reason", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "fx-app");
    new AwsProvider(stack, "aws", {
      region: "eu-west-1",
      defaultTags: [{ tags: { environment: "fx", "managed-by": "cdktf", repository: "github.com/acme/fx" } }],
    });
    const group = new SecurityGroup(stack, "nodes", {
      description: "Worker nodes",
      egress: [{ description: "Everything out", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    const reason = "Nodes pull images from public registries whose addresses change without notice.";
    justify(group, "POL-NET-3", reason);
    Testing.synth(stack);
    // Testing.synth strips the "//" blocks; the suite reads what cdktf writes to cdk.tf.json.
    const result = runPolicySuite([{ name: "fx-app", terraform: JSON.parse(JSON.stringify(stack.toTerraform())) }]);
    expect(result.violations).toEqual([]);
    expect(result.exceptions.map((e) => [e.rule, e.address, e.reason])).toEqual([["POL-NET-3", "aws_security_group.nodes", reason]]);
  });
});

describe("runner", () => {
  it("reports a rule that crashes as a violation instead of passing", () => {
    const crashing = {
      ...ALL_RULES[0]!,
      id: "POL-TEST-1",
      check: () => {
        throw new Error("boom");
      },
    };
    const result = runPolicySuite([goodStack()], [crashing]);
    expect(result.violations).toEqual([{ rule: "POL-TEST-1", stack: "fx-app", address: "(rule)", message: "crashed: boom" }]);
  });

  it("survives empty and odd stacks", () => {
    const odd = {
      name: "x-network",
      terraform: { resource: { aws_iam_role: { r: { assume_role_policy: 42 } }, aws_security_group: { g: null } } },
    };
    expect(() => runPolicySuite([{ name: "empty", terraform: {} }, odd])).not.toThrow();
  });

  it("formats a summary line, one row per rule and every violation", () => {
    const result = runPolicySuite([
      bad((t) => {
        R(t).aws_kms_key.data.enable_key_rotation = false;
      }),
    ]);
    const lines = formatPolicyReport(result);
    expect(lines[0]).toBe(
      `Policy suite: 1 stacks, ${ALL_RULES.length} rules: ${ALL_RULES.length - 1} passed, 1 failed, 0 excepted (1 violations, 0 exceptions)`,
    );
    expect(lines).toContain("  FAIL   POL-KMS-1 fx-app aws_kms_key.data: enable_key_rotation is not true; turn on automatic rotation");
    expect(lines.filter((l) => POLICY_ID.test(l.split(" ")[0]!))).toHaveLength(ALL_RULES.length);
  });
});

describe("reading synth output (tools/gates/policy/cli.ts)", () => {
  it("marks stacks production from their environment, and unknown stacks as production", () => {
    const outdir = mkdtempSync(join(tmpdir(), "policy-out-"));
    try {
      for (const name of ["dev-network", "prod-eks-addons", "scratch"]) {
        mkdirSync(join(outdir, "stacks", name), { recursive: true });
        writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify({ resource: {} }));
      }
      const environments = [
        { name: "dev", production: false },
        { name: "prod", production: true },
      ];
      const { stacks, notes } = readSynthOutput(outdir, environments);
      expect(stacks.map((s) => [s.name, s.production])).toEqual([
        ["dev-network", false],
        ["prod-eks-addons", true],
        ["scratch", true],
      ]);
      expect(notes).toEqual(["scratch matches no environment file; checked as production (strictest)"]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
