import { join } from "node:path";
import { App } from "cdktf";
import { CREDENTIALS_VARIABLE, credentialsMode } from "./config/credentials";
import { ConfigError } from "./config/errors";
import { loadEnvironments, selectEnvironments } from "./config/loader";
import { PropsError } from "./lib/validation";
import { addEnvironmentStacks } from "./stacks";
import { LOCK_DIR } from "./stacks/provider-locks";
import { synthOutput } from "./stacks/synth-output";

// Wiring only: YAML -> validated config -> one set of stacks per environment -> Terraform JSON.
// A bad configuration prints one line per problem and exits 1 before anything is written (contract 3).
// Arguments (or INFRA_ENVIRONMENTS=a,b) select environments; the others' output stays as it was.
try {
  const environments = loadEnvironments();
  // CI sets INFRA_AWS_CREDENTIALS=ambient: the job's own OIDC role, never aws.deployRoleArn (docs/ci.md#credentials).
  const credentials = credentialsMode(process.env[CREDENTIALS_VARIABLE]);
  const fromArgs = process.argv.length > 2;
  const selected = selectEnvironments(
    environments,
    fromArgs ? process.argv.slice(2) : (process.env.INFRA_ENVIRONMENTS ?? "").split(","),
    fromArgs ? "command line" : "INFRA_ENVIRONMENTS",
  );
  const app = new App({ outdir: process.env.CDKTF_OUTDIR });
  for (const environment of selected) addEnvironmentStacks(app, environment, { credentials });
  synthOutput(
    app,
    environments.filter((environment) => !selected.includes(environment)).map((environment) => environment.name),
    // cdktf runs the app in the project folder; the lock files are then where `terraform init` looks.
    join(process.cwd(), LOCK_DIR),
  );
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof PropsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
