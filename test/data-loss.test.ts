import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformStack, Testing } from "cdktf";
import { protectFromDestroy } from "../lib/protection";
import { runPolicySuite } from "../tools/gates/policy";
import { DATA_LOSS_RULES, STATEFUL_TYPES } from "../tools/gates/policy/data-loss";
import { DELETION_PROTECTION } from "../tools/gates/policy/provider-lists.generated";
import { configuredEnvironments, FIXTURE_ENVIRONMENTS, fixtureEnvironment, policyStacks, synthEnvironment } from "./helpers";

/** Resources `terraform destroy` cannot delete while they hold something unless this attribute is set. */
const FORCE_DESTROY = [
  ["aws_s3_bucket", "force_destroy"],
  ["aws_athena_workgroup", "force_destroy"],
  ["aws_ecr_repository", "force_delete"],
] as const;

// The fixtures pin one production and one non-production scenario; every configured environment is checked too.
const environments = [
  ...FIXTURE_ENVIRONMENTS.map((name) => [`fixture ${name}`, fixtureEnvironment(name)] as const),
  ...configuredEnvironments().map((environment) => [`config/environments/${environment.name}`, environment] as const),
];

describe.each(environments)("%s: data-loss guards", (_label, environment) => {
  const stacks = synthEnvironment(environment);

  it("pass every data-loss rule with the environment's production flag", () => {
    const result = runPolicySuite(policyStacks(environment), DATA_LOSS_RULES);
    expect(result.violations).toEqual([]);
  });

  it("protect every stateful resource from destroy exactly when the environment is production", () => {
    for (const stack of stacks) {
      for (const type of STATEFUL_TYPES) {
        for (const [resourceName, body] of Object.entries(stack.terraform.resource?.[type] ?? {})) {
          const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
          expect({ resource: `${type}.${resourceName}`, preventDestroy: lifecycle?.prevent_destroy === true }).toEqual({
            resource: `${type}.${resourceName}`,
            preventDestroy: environment.production,
          });
        }
      }
    }
  });

  // Each environment is production or not: the other case's test shows as skipped, not as a pass.
  (environment.production ? it : it.skip)(
    "turn deletion protection on wherever it is offered in production, and never force_destroy",
    () => {
      for (const stack of stacks) {
        for (const [type, attribute] of DELETION_PROTECTION) {
          for (const body of Object.values(stack.terraform.resource?.[type] ?? {})) expect(body[attribute]).toBeTruthy();
        }
        expect(stack.json).not.toMatch(/"force_(destroy|delete)": true/);
      }
    },
  );

  (environment.production ? it.skip : it)(
    "outside production, let terraform destroy remove buckets, Athena workgroups and repositories with their contents",
    () => {
      for (const stack of stacks) {
        for (const [type, attribute] of FORCE_DESTROY) {
          for (const [resourceName, body] of Object.entries(stack.terraform.resource?.[type] ?? {})) {
            expect({ resource: `${type}.${resourceName}`, [attribute]: body[attribute] }).toEqual({
              resource: `${type}.${resourceName}`,
              [attribute]: true,
            });
          }
        }
      }
    },
  );
});

it("the fixtures hold a production and a non-production environment (the guards above are not vacuous)", () => {
  expect(fixtureEnvironment("prod").production).toBe(true);
  expect(fixtureEnvironment("dev").production).toBe(false);
});

describe("protectFromDestroy and the data-loss rules on real constructs", () => {
  const synth = (production: boolean, protect: boolean) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "fx-data");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const bucket = new S3Bucket(stack, "logs", { bucket: "fx-logs", forceDestroy: !production });
    const key = new KmsKey(stack, "key", { enableKeyRotation: true, deletionWindowInDays: production ? 30 : 7 });
    new Lb(stack, "lb", { name: "fx", enableDeletionProtection: production && protect });
    if (protect) for (const resource of [bucket, key]) protectFromDestroy(resource, production);
    return runPolicySuite([{ name: "fx-data", terraform: JSON.parse(Testing.synth(stack)), production }], DATA_LOSS_RULES).violations.map(
      (v) => `${v.rule} ${v.address}: ${v.message}`,
    );
  };

  it("production without protection: every guard fires", () => {
    expect(synth(true, false)).toEqual([
      "POL-DL-1 aws_kms_key.key: is stateful and has no lifecycle.prevent_destroy in production; wrap it in protectFromDestroy()",
      "POL-DL-1 aws_s3_bucket.logs: is stateful and has no lifecycle.prevent_destroy in production; wrap it in protectFromDestroy()",
      "POL-DL-2 aws_lb.lb: enable_deletion_protection is not true in production",
    ]);
  });

  it("production with protectFromDestroy and deletion protection: clean", () => {
    expect(synth(true, true)).toEqual([]);
  });

  it("dev: force_destroy, short windows and no protection are allowed", () => {
    expect(synth(false, true)).toEqual([]);
    expect(synth(false, false)).toEqual([]);
  });
});
