// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformJson } from "../tools/gates/policy/types";
import {
  type AwsResult,
  awsExitCode,
  classifyAwsFindings,
  formatAwsReport,
  type ModelsOutput,
  parseModelsOutput,
  SUPPRESSIONS,
  type Suppression,
} from "../tools/gates/scan/aws-findings";
import { awsModelsPython, checkAwsDefinitions } from "../tools/gates/scan/aws-models";
import { awsPayloads, type Payload } from "../tools/gates/scan/aws-payloads";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, policyStacks } from "./helpers";

const ROOT = join(__dirname, "..");

/** The venv tools/gates/scan/setup-checkov.sh creates; CI must have it, a developer without it gets a notice. */
function awsModelsVenv(what: string): string | undefined {
  const python = awsModelsPython(ROOT);
  if (existsSync(python)) return python;
  if (process.env.CI === "true") throw new Error(`${python} is missing; CI must run ${what} (bash tools/gates/scan/setup-checkov.sh)`);
  console.warn(`SKIPPED ${what}: ${python} is missing (run \`bash tools/gates/scan/setup-checkov.sh\` to create it)`);
  return undefined;
}

const payload = (over: Partial<Payload> = {}): Payload => ({
  type: "iam-policy",
  stack: "dev-ecs",
  address: "aws_iam_role_policy.p",
  attribute: "policy",
  value: {},
  documentKind: "identity",
  ...over,
});

const output = (findings: ModelsOutput["findings"]): ModelsOutput => ({
  versions: { botocore: "1.44.5", parliament: "1.6.4" },
  checked: { "iam-policy": 2 },
  findings,
});

describe("AWS-definitions findings: fail, report or suppress", () => {
  const payloads = [
    payload(),
    payload({ stack: "prod-ecs", type: "ecs-task-definition", address: "aws_ecs_task_definition.t", attribute: "container_definitions" }),
  ];

  it("fails on unknown actions and API shape errors, reports least-privilege advice, exits 1", () => {
    const result = classifyAwsFindings(
      output([
        { payload: 0, code: "IAM_UNKNOWN_ACTION", path: 'statement "Read"', message: "Unknown action s3:GetObjekt" },
        { payload: 0, code: "IAM_RESOURCE_STAR", path: 'statement "Read"', message: '["s3:GetObject"]' },
        {
          payload: 1,
          code: "API_ENUM",
          path: "containerDefinitions[0].portMappings[0].protocol",
          message: '"sctp" is not one of tcp, udp',
        },
      ]),
      payloads,
      [],
      [],
    );
    expect(result.failures.map((f) => [f.stack, f.address, f.code])).toEqual([
      ["dev-ecs", "aws_iam_role_policy.p", "IAM_UNKNOWN_ACTION"],
      ["prod-ecs", "aws_ecs_task_definition.t", "API_ENUM"],
    ]);
    expect(result.reported.map((f) => f.code)).toEqual(["IAM_RESOURCE_STAR"]);
    expect(awsExitCode(result)).toBe(1);
    expect(formatAwsReport(result)).toEqual([
      "AWS definitions (botocore 1.44.5, parliament 1.6.4): checked 2 iam-policy",
      "Failures (2):",
      'dev-ecs: aws_iam_role_policy.p: policy statement "Read": IAM_UNKNOWN_ACTION Unknown action s3:GetObjekt',
      'prod-ecs: aws_ecs_task_definition.t: container_definitions containerDefinitions[0].portMappings[0].protocol: API_ENUM "sctp" is not one of tcp, udp',
      "Reported, not failing (1):",
      expect.stringMatching(
        /^dev-ecs: aws_iam_role_policy.p: policy statement "Read": IAM_RESOURCE_STAR \["s3:GetObject"\] \[reported only: least-privilege/,
      ),
    ]);
  });

  it("suppresses a matching finding with its reason, warns about a suppression that matched nothing, errors on one without a reason", () => {
    const suppressions: Suppression[] = [
      {
        code: "IAM_RESOURCE_MISMATCH",
        where: /^dev-ecs aws_iam_role_policy\.p$/,
        message: /^logs:DescribeLogGroups needs \*$/,
        reason: "AWS documents it",
      },
      { code: "IAM_UNKNOWN_ACTION", where: /./, reason: "never matches" },
      { code: "API_TYPE", where: /./, reason: " " },
    ];
    const result = classifyAwsFindings(
      output([{ payload: 0, code: "IAM_RESOURCE_MISMATCH", path: "", message: "logs:DescribeLogGroups needs *" }]),
      payloads,
      [],
      suppressions,
    );
    expect(result.failures).toEqual([]);
    expect(result.suppressed.map((f) => f.reason)).toEqual(["AWS documents it"]);
    expect(result.warnings).toEqual(["suppression of IAM_UNKNOWN_ACTION at /./ matched nothing; delete it"]);
    expect(result.errors).toEqual(["suppression of API_TYPE at /./ has no reason"]);
    expect(awsExitCode(result)).toBe(1);
  });

  it("a suppression does not cover the same code with another message", () => {
    const result = classifyAwsFindings(
      output([
        {
          payload: 0,
          code: "IAM_RESOURCE_MISMATCH",
          path: "",
          message: "logs:DescribeLogGroups needs *; s3:GetObject needs arn:*:s3:::*/*",
        },
      ]),
      payloads,
      [],
    );
    expect(result.failures.map((f) => f.code)).toEqual(["IAM_RESOURCE_MISMATCH"]);
  });

  it("every shipped suppression names its reason with an AWS source", () => {
    for (const s of SUPPRESSIONS) expect(s.reason).toMatch(/https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("extraction findings fail; checker errors and unknown payload indexes are errors; clean output exits 0", () => {
    const result = classifyAwsFindings(
      output([
        { payload: 7, code: "API_TYPE", path: "", message: "m" },
        { payload: 0, code: "CHECKER_ERROR", path: "", message: "KeyError: x" },
      ]),
      payloads,
      [
        {
          stack: "dev-ecs",
          address: "aws_ecs_task_definition.t",
          attribute: "container_definitions",
          code: "JSON_INVALID",
          message: "is not JSON",
        },
      ],
      [],
    );
    expect(result.failures.map((f) => f.code)).toEqual(["JSON_INVALID"]);
    expect(result.errors).toEqual(["aws_models.py reported payload 7, which was not sent", "dev-ecs: aws_iam_role_policy.p: KeyError: x"]);
    const clean: AwsResult = classifyAwsFindings(output([]), payloads, [], []);
    expect(awsExitCode(clean)).toBe(0);
  });

  it("rejects output that is not the script's format", () => {
    expect(() => parseModelsOutput('{"findings": []}')).toThrow("not {versions, checked, findings[]}");
    expect(() => parseModelsOutput('{"versions": {}, "checked": {}, "findings": [{"code": 1}]}')).toThrow("finding is malformed");
    expect(parseModelsOutput('{"versions": {}, "checked": {}, "findings": []}').findings).toEqual([]);
  });
});

/** A stack with one deliberate mistake of each kind the step must catch. */
const BROKEN: TerraformJson = {
  resource: {
    aws_s3_bucket: { data: { bucket: "acme-data" } },
    aws_ecr_lifecycle_policy: { keep: { repository: "api", policy: '{"rules": [' } },
    aws_ecs_task_definition: {
      api: {
        family: "dev-api",
        cpu: "256",
        memory: "512",
        network_mode: "awsvpc",
        requires_compatibilities: ["FARGATE"],
        runtime_platform: { cpu_architecture: "ARM64", operating_system_family: "LINUX" },
        container_definitions: JSON.stringify([
          {
            name: "api",
            image: "${aws_ecr_repository.api.repository_url}:1.0.0",
            essential: true,
            cpu: "256",
            portMappings: [{ containerPort: 8080, protocol: "sctp" }],
            stopTimeoutSeconds: 30,
            user: null,
          },
        ]),
      },
      invalid: { family: "x", container_definitions: "[{" },
    },
    aws_wafv2_web_acl: {
      acl: {
        name: "dev-rate-limit",
        scope: "REGIONAL",
        default_action: { allow: {} },
        rule: [
          {
            name: "rate",
            priority: 1,
            action: { block: {} },
            statement: { rate_based_statement: { aggregate_key_type: "IP", limit: 5 } },
            visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "rate", sampled_requests_enabled: true },
          },
        ],
        visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "acl", sampled_requests_enabled: true },
      },
    },
    aws_iam_role_policy: {
      read: { role: "r", policy: "${data.aws_iam_policy_document.read.json}" },
    },
  },
  data: {
    aws_iam_policy_document: {
      read: {
        statement: [
          { sid: "Misspelled", effect: "Allow", actions: ["s3:GetObjekt"], resources: ["${aws_s3_bucket.data.arn}/*"] },
          { sid: "ObjectActionOnBucket", effect: "Allow", actions: ["s3:GetObject"], resources: ["${aws_s3_bucket.data.arn}"] },
          { sid: "QueueActionOnLiteralBucket", effect: "Allow", actions: ["sqs:SendMessage"], resources: ["arn:aws:s3:::acme-data"] },
          { sid: "Fine", effect: "Allow", actions: ["s3:Get*"], resources: ["${aws_s3_bucket.data.arn}/*", "${aws_s3_bucket.data.arn}"] },
        ],
      },
    },
  },
};

describe("AWS-definitions payloads", () => {
  it("takes container definitions, the web ACL and policy documents out of a stack, and reports JSON that does not parse", () => {
    const { payloads, findings } = awsPayloads({ name: "t-ecs", terraform: BROKEN, production: false });
    expect(payloads.map((p) => [p.type, p.address])).toEqual([
      ["ecs-task-definition", "aws_ecs_task_definition.api"],
      ["wafv2-web-acl", "aws_wafv2_web_acl.acl"],
      ["iam-policy", "aws_iam_role_policy.read"],
    ]);
    expect(findings.map((f) => [f.address, f.attribute, f.code])).toEqual([
      ["aws_ecs_task_definition.invalid", "container_definitions", "JSON_INVALID"],
      ["aws_ecr_lifecycle_policy.keep", "policy", "JSON_INVALID"],
    ]);
    const policy = payloads[2]!;
    expect(policy.via).toBe("data.aws_iam_policy_document.read");
    expect(policy.value).toMatchObject({
      Version: "2012-10-17",
      Statement: [{ Sid: "Misspelled", Effect: "Allow", Action: ["s3:GetObjekt"], Resource: ["${aws_s3_bucket.data.arn}/*"] }, {}, {}, {}],
    });
  });

  it("renders principals and conditions of a data source as IAM's JSON, and checks a data source no resource uses", () => {
    const terraform: TerraformJson = {
      data: {
        aws_iam_policy_document: {
          unused: {
            statement: [
              {
                actions: ["sts:AssumeRole"],
                principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
                condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }],
              },
            ],
          },
        },
      },
    };
    const { payloads } = awsPayloads({ name: "t", terraform, production: false });
    expect(payloads).toEqual([
      expect.objectContaining({
        address: "data.aws_iam_policy_document.unused",
        value: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["sts:AssumeRole"],
              Principal: { Service: ["ecs-tasks.amazonaws.com"] },
              Condition: { StringEquals: { "aws:SourceAccount": ["111122223333"] } },
            },
          ],
        },
      }),
    ]);
  });
});

describe("AWS-definitions step against botocore's models and parliament's database", () => {
  const python = awsModelsVenv("the AWS-definitions scan tests");
  const maybe = python ? it : it.skip;
  let workDir = "";
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "scan-aws-"));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  maybe(
    "reports a wrong type, an unknown enum value, an unknown member, a rate limit below the minimum, a misspelled action and ARNs of the wrong type",
    () => {
      const result = checkAwsDefinitions([{ name: "t-ecs", terraform: BROKEN }], python!, ROOT, workDir);
      expect(result.errors).toEqual([]);
      const seen = result.failures.map((f) => `${f.address} ${f.code} ${f.path}`);
      expect(seen).toEqual(
        expect.arrayContaining([
          "aws_ecs_task_definition.invalid JSON_INVALID ",
          "aws_ecr_lifecycle_policy.keep JSON_INVALID ",
          "aws_ecs_task_definition.api API_TYPE containerDefinitions[0].cpu",
          "aws_ecs_task_definition.api API_ENUM containerDefinitions[0].portMappings[0].protocol",
          "aws_ecs_task_definition.api API_UNKNOWN_MEMBER containerDefinitions[0].stopTimeoutSeconds",
          "aws_wafv2_web_acl.acl API_RANGE Rules[0].Statement.RateBasedStatement.Limit",
          'aws_iam_role_policy.read IAM_UNKNOWN_ACTION statement "Misspelled"',
          'aws_iam_role_policy.read IAM_RESOURCE_MISMATCH statement "ObjectActionOnBucket"',
          'aws_iam_role_policy.read IAM_RESOURCE_MISMATCH statement "QueueActionOnLiteralBucket"',
        ]),
      );
      // A wildcard with fitting actions and a `null` member (absent for the provider) are not findings.
      expect(seen.filter((s) => s.includes('"Fine"') || s.endsWith(".user"))).toEqual([]);
      expect(result.failures.find((f) => f.code === "IAM_UNKNOWN_ACTION")?.message).toContain("s3:GetObjekt");
      expect(awsExitCode(result)).toBe(1);
    },
  );

  maybe("finds nothing that fails in the fixture and configured environments", () => {
    const environments = [...FIXTURE_ENVIRONMENTS.map(fixtureEnvironment), ...configuredEnvironments()];
    const stacks = environments.flatMap((environment) => policyStacks(environment));
    const result = checkAwsDefinitions(stacks, python!, ROOT, workDir);
    expect(formatAwsReport({ ...result, reported: [], suppressed: [] })).toEqual([expect.stringMatching(/^AWS definitions/)]);
    expect(result.checked["ecs-task-definition"]).toBeGreaterThan(0);
    expect(result.checked["wafv2-web-acl"]).toBeGreaterThan(0);
    expect(result.checked["iam-policy"]).toBeGreaterThan(0);
  });
});
