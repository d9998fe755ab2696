import { App } from "cdktf";
import { ConfigError } from "./config/errors";
import { loadEnvironments } from "./config/loader";
import { PropsError } from "./lib/validation";
import { addEnvironmentStacks } from "./stacks";
import { pruneStaleStacks } from "./stacks/synth-output";

// Wiring only: YAML -> validated config -> one set of stacks per environment -> Terraform JSON.
// A bad configuration prints one line per problem and exits 1 before anything is written (contract 3).
try {
  const environments = loadEnvironments();
  const app = new App({ outdir: process.env.CDKTF_OUTDIR });
  for (const environment of environments) addEnvironmentStacks(app, environment);
  app.synth();
  pruneStaleStacks(app);
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof PropsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
