// npm run deploy-environments [-- --only <env>] [--github-output]: the deploy workflow's matrices from
// config/environments. Non-production and production environments are separate lists: production deploys
// only after every non-production environment of the same commit has (.github/workflows/deploy.yml).
// Environments without a `state` section keep their state in local files, which a CI runner forgets: skipped.
import { appendFileSync } from "node:fs";
import { loadEnvironmentsOrExit } from "../../config/loader";
import type { EnvironmentConfig } from "../../config/schema";
import { compareText } from "../../lib/order";

export interface DeployEntry {
  readonly environment: string;
  readonly region: string;
}

export interface DeployPlan {
  readonly nonProduction: readonly DeployEntry[];
  readonly production: readonly DeployEntry[];
  /** One sentence per environment that is not deployed, saying why. */
  readonly notices: readonly string[];
}

/** The environments to deploy (all, or only `only`); throws for an unknown `only`. */
export function deployPlan(environments: readonly EnvironmentConfig[], only?: string): DeployPlan {
  if (only !== undefined && !environments.some((e) => e.name === only)) {
    throw new Error(`there is no environment "${only}"; environments: ${environments.map((e) => e.name).join(", ")}`);
  }
  const selected = environments.filter((e) => only === undefined || e.name === only);
  const notices = selected
    .filter((e) => !e.state)
    .map(
      (e) =>
        `${e.name} is not deployed by CI: it keeps its state in local files (no state section in ${e.file}); add state.bucket to deploy it from CI`,
    );
  const entry = (e: EnvironmentConfig): DeployEntry => ({ environment: e.name, region: e.aws.region });
  const deployable = selected.filter((e) => e.state).sort((a, b) => compareText(a.name, b.name));
  return {
    nonProduction: deployable.filter((e) => !e.production).map(entry),
    production: deployable.filter((e) => e.production).map(entry),
    notices,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf("--only");
  // An empty --only (push to main, no workflow_dispatch input) means every environment.
  const only = onlyIndex >= 0 ? args[onlyIndex + 1] || undefined : undefined;
  try {
    const plan = deployPlan(loadEnvironmentsOrExit(), only);
    const lines = [`non-production=${JSON.stringify(plan.nonProduction)}`, `production=${JSON.stringify(plan.production)}`];
    if (args.includes("--github-output") && process.env.GITHUB_OUTPUT) {
      appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
      for (const notice of plan.notices) console.log(`::notice title=not deployed::${notice}`);
    } else {
      for (const notice of plan.notices) console.log(`notice: ${notice}`);
    }
    console.log(lines.join("\n"));
  } catch (error) {
    process.stderr.write(`deploy-environments: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
