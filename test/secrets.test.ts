// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform references are literal "${...}" strings in synthesized JSON
import { runPolicySuite } from "../tools/gates/policy";
import { entropy, noSecrets, secretsIn } from "../tools/gates/policy/secrets";
import { configuredEnvironments, synthEnvironment } from "./helpers";

// biome-ignore lint/suspicious/noExplicitAny: planted synthesized JSON
const scan = (terraform: Record<string, any>) =>
  runPolicySuite([{ name: "fx-app", terraform }], [noSecrets]).violations.map((v) => `${v.address}: ${v.message}`);

const PRIVATE_KEY = ["-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA", "-----END RSA PRIVATE KEY-----"].join("\n");

describe("secret scan", () => {
  it("finds planted secrets wherever they are in the stack", () => {
    const userData = Buffer.from(`#!/bin/bash\nexport GITHUB_TOKEN=ghp_${"a1B2c3D4e5".repeat(4)}\n`).toString("base64");
    expect(
      scan({
        provider: { aws: [{ region: "eu-west-1", access_key: "AKIAIOSFODNN7EXAMPLE" }] },
        resource: {
          aws_db_instance: { main: { engine: "postgres", password: "correct-horse-battery" } },
          aws_launch_template: { nodes: { user_data: userData } },
          aws_secretsmanager_secret_version: { tls: { secret_string: PRIVATE_KEY } },
          aws_ssm_parameter: { webhook: { value: "https://hooks.example.com/T0/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } },
        },
        output: { token: { value: "xoxb-1234567890-abcdefghij" } },
      }),
    ).toEqual([
      "provider.aws: 0.access_key holds a literal value; pass the secret by reference (Secrets Manager, SSM, a variable)",
      "aws_db_instance.main: password holds a literal value; pass the secret by reference (Secrets Manager, SSM, a variable)",
      "aws_launch_template.nodes: user_data (base64-decoded) contains a GitHub token",
      "aws_launch_template.nodes: user_data (base64-decoded) contains a password/secret/token assignment",
      "aws_secretsmanager_secret_version.tls: secret_string holds a literal value; pass the secret by reference (Secrets Manager, SSM, a variable)",
      "aws_ssm_parameter.webhook: value contains a high-entropy string (com/T0..., 4.9 bits/char)",
      "output.token: value contains a Slack token",
    ]);
  });

  it("ignores references, ARNs, digests, cdktf ids and secret-named attributes that hold references", () => {
    expect(
      scan({
        "//": { metadata: { uniqueId: "vpc_private-eu-west-1a_375A27E3", hash: "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5" } },
        resource: {
          aws_db_instance: {
            main: { password: "${aws_secretsmanager_secret_version.db.secret_string}", manage_master_user_password: true },
          },
          aws_ecs_task_definition: {
            app: {
              container_definitions: JSON.stringify([
                {
                  image: "repo/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                  secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf" }],
                },
              ]),
            },
          },
          aws_launch_template: { nodes: { metadata_options: { http_tokens: "required" } } },
          aws_appautoscaling_scheduled_action: {
            a: {
              depends_on: ["aws_appautoscaling_policy.web-scaling_memory-tracking_A1B2C3D4"],
              lifecycle: { replace_triggered_by: ["aws_appautoscaling_policy.web-scaling_memory-tracking_A1B2C3D4.arn"] },
            },
          },
          aws_lambda_function: { f: { source_code_hash: "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5" } },
          aws_iam_role: { r: { name: "ThisIsALongDescriptiveRoleNameForTheApp2024" } },
          aws_glue_catalog_table: {
            t: {
              storage_descriptor: {
                location:
                  "s3://${aws_s3_bucket.logs.bucket}/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/",
              },
            },
          },
        },
      }),
    ).toEqual([]);
  });

  it("finds nothing in the stacks of any configured environment", () => {
    for (const environment of configuredEnvironments()) {
      const stacks = synthEnvironment(environment);
      expect(
        runPolicySuite(
          stacks.map((s) => ({ name: s.name, terraform: s.terraform })),
          [noSecrets],
        ).violations,
      ).toEqual([]);
    }
  });

  it("measures entropy in bits per character", () => {
    expect(entropy("aaaa")).toBe(0);
    expect(entropy("abcd")).toBe(2);
    expect(secretsIn("plain words only")).toEqual([]);
  });
});
