import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { CredentialsMode } from "../config/credentials";
import type { EnvironmentConfig } from "../config/schema";
import type { Layer } from "./layers";

export type { Layer } from "./layers";

/** Terraform >= 1.10: S3-native state locking (use_lockfile) replaces the DynamoDB lock table. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10.0";

export interface EnvironmentStackProps {
  readonly environment: EnvironmentConfig;
  /**
   * Whether the AWS provider and the S3 backend assume `aws.deployRoleArn` or use the caller's credentials
   * as they are (CI: the job's OIDC role, so a pull request's plan never holds the deploy role).
   * @default "assume-deploy-role"
   */
  readonly credentials?: CredentialsMode;
}

/**
 * Base of every layer stack: named `<env>-<layer>` (contract 1), with the AWS provider locked to the
 * environment's account and the state backend the environment asks for.
 */
export abstract class EnvironmentStack extends TerraformStack {
  readonly environment: EnvironmentConfig;
  /** The provider's default_tags; resources those cannot reach (Auto Scaling groups) set them themselves. */
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly credentials: CredentialsMode;

  protected constructor(scope: Construct, layer: Layer, props: EnvironmentStackProps) {
    const { environment } = props;
    super(scope, `${environment.name}-${layer}`);
    this.environment = environment;
    const { aws } = environment;
    this.credentials = props.credentials ?? "assume-deploy-role";
    const assumedRole = this.assumedRoleArn;
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    this.defaultTags = {
      ...environment.tags,
      environment: environment.name,
      "managed-by": "cdktf",
      repository: environment.repository,
    };

    new AwsProvider(this, "aws", {
      region: aws.region,
      allowedAccountIds: [aws.accountId],
      assumeRole: assumedRole ? [{ roleArn: assumedRole, sessionName: `cdktf-${this.node.id}` }] : undefined,
      defaultTags: [{ tags: { ...this.defaultTags } }],
    });

    if (environment.state) {
      const { state } = environment;
      new S3Backend(this, {
        bucket: state.bucket,
        key: `${state.keyPrefix ?? environment.name}/${this.node.id}.tfstate`,
        region: state.region ?? aws.region,
        encrypt: true,
        kmsKeyId: state.kmsKeyArn,
        allowedAccountIds: [aws.accountId],
        assumeRole: assumedRole ? { roleArn: assumedRole } : undefined,
      });
      // S3-native state locking (Terraform >= 1.10) replaces the DynamoDB lock table; cdktf 0.21 has no typed option.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Terraform runs in cdktf.out/stacks/<stack>/; keep state at the project root, outside the
      // folder synth rewrites, with a relative path so the synthesized bytes do not depend on the checkout.
      new LocalBackend(this, { path: `../../../terraform.${this.node.id}.tfstate` });
    }
  }

  /** The role the providers and the backend assume, if any: `aws.deployRoleArn` unless the credentials are ambient. */
  get assumedRoleArn(): string | undefined {
    return this.credentials === "ambient" ? undefined : this.environment.aws.deployRoleArn;
  }

  /** Prefix for AWS resource names: `<env>` (names must stay unique per account and region). */
  get namePrefix(): string {
    return this.environment.name;
  }
}
