import { ConfigError } from "./errors";

/**
 * Where the AWS provider, the S3 backend and the Helm provider's token get their identity (docs/ci.md#credentials).
 * - `assume-deploy-role` (default): they assume `aws.deployRoleArn` when the environment sets it, from the
 *   caller's credentials. A person running `npm run deploy` or `npm run plan` needs nothing else.
 * - `ambient`: they assume nothing and use the credentials in the environment (CI: the role the job got
 *   through GitHub OIDC, the plan role or the deploy role). `allowed_account_ids` still pins the account.
 *   CI synthesizes with it so a pull request's plan never goes through the deploy role.
 */
export type CredentialsMode = "assume-deploy-role" | "ambient";

export const CREDENTIALS_MODES: readonly CredentialsMode[] = ["assume-deploy-role", "ambient"];

/** The environment variable the workflows set to `ambient`. */
export const CREDENTIALS_VARIABLE = "INFRA_AWS_CREDENTIALS";

/** The mode named by INFRA_AWS_CREDENTIALS (unset or empty: assume-deploy-role); a ConfigError for anything else. */
export function credentialsMode(value: string | undefined): CredentialsMode {
  if (value === undefined || value === "") return "assume-deploy-role";
  if ((CREDENTIALS_MODES as readonly string[]).includes(value)) return value as CredentialsMode;
  throw new ConfigError([
    {
      file: CREDENTIALS_VARIABLE,
      path: "(environment variable)",
      message: `"${value}" is not a credentials mode; use ${CREDENTIALS_MODES.join(" or ")} (or leave it unset)`,
    },
  ]);
}
