// npm run deploy-environments [-- --only <env>] [--plan-role <arn>] [--deploy-role <arn>] [--github-output] [--summary]:
// the deploy workflow's matrices from config/environments. Non-production and production environments are
// separate lists: production deploys only after every non-production environment of the same commit has
// (.github/workflows/deploy.yml). Environments without a `state` section keep their state in local files, which a
// CI runner forgets: skipped. Roles: the environment's aws.planRoleArn / aws.deployRoleArn, else the repository
// variables passed as --plan-role / --deploy-role; an environment with neither is skipped with a notice.
import { appendFileSync } from "node:fs";
import { loadEnvironmentsOrExit } from "../../config/loader";
import type { EnvironmentConfig } from "../../config/schema";
import { compareText } from "../../lib/order";

export interface DeployEntry {
  readonly environment: string;
  readonly region: string;
  /** Plans the environment before the approval (read-only). */
  readonly planRole: string;
  /** Applies the approved plans, in the GitHub environment of the same name. */
  readonly deployRole: string;
}

export interface DeployPlan {
  readonly nonProduction: readonly DeployEntry[];
  readonly production: readonly DeployEntry[];
  /** One sentence per environment that is not deployed, saying why. */
  readonly notices: readonly string[];
}

export interface DefaultRoles {
  readonly planRole?: string;
  readonly deployRole?: string;
}

/** The role ARNs an environment file sets (both optional), else the repository-wide defaults. */
function rolesOf(e: EnvironmentConfig, defaults: DefaultRoles): { planRole: string; deployRole: string } {
  const aws = e.aws;
  return { planRole: aws.planRoleArn || defaults.planRole || "", deployRole: aws.deployRoleArn || defaults.deployRole || "" };
}

/** The environments to deploy (all, or only `only`); throws for an unknown `only`. */
export function deployPlan(environments: readonly EnvironmentConfig[], only?: string, defaults: DefaultRoles = {}): DeployPlan {
  if (only !== undefined && !environments.some((e) => e.name === only)) {
    throw new Error(`there is no environment "${only}"; environments: ${environments.map((e) => e.name).join(", ")}`);
  }
  const selected = environments.filter((e) => only === undefined || e.name === only);
  const notices: string[] = [];
  const deployable = selected
    .filter((e) => {
      if (!e.state) {
        notices.push(
          `${e.name} is not deployed by CI: it keeps its state in local files (no state section in ${e.file}); add state.bucket to deploy it from CI`,
        );
        return false;
      }
      const { planRole, deployRole } = rolesOf(e, defaults);
      const missing = [
        planRole ? "" : "plan role (aws.planRoleArn or AWS_PLAN_ROLE_ARN)",
        deployRole ? "" : "deploy role (aws.deployRoleArn or AWS_DEPLOY_ROLE_ARN)",
      ].filter(Boolean);
      if (missing.length > 0) notices.push(`${e.name} is not deployed by CI: it has no ${missing.join(" and no ")} (docs/ci.md)`);
      return missing.length === 0;
    })
    .sort((a, b) => compareText(a.name, b.name));
  const entry = (e: EnvironmentConfig): DeployEntry => ({ environment: e.name, region: e.aws.region, ...rolesOf(e, defaults) });
  return {
    nonProduction: deployable.filter((e) => !e.production).map(entry),
    production: deployable.filter((e) => e.production).map(entry),
    notices,
  };
}

/** The deploy order as the run's summary states it, including when no non-production environment goes first. */
export function deployOrderSummary(plan: DeployPlan): string {
  const names = (entries: readonly DeployEntry[]) => entries.map((e) => `\`${e.environment}\``).join(", ");
  const lines = ["### Deploy order", ""];
  if (plan.nonProduction.length === 0 && plan.production.length === 0) lines.push("Nothing to deploy.");
  else {
    if (plan.nonProduction.length > 0)
      lines.push(
        `1. Non-production: ${names(plan.nonProduction)}, each stack planned, approved where its environment requires it, then applied.`,
      );
    if (plan.production.length > 0) {
      lines.push(
        plan.nonProduction.length > 0
          ? `2. Production: ${names(plan.production)}, only after every non-production environment above deployed.`
          : `1. Production: ${names(plan.production)}.`,
      );
      if (plan.nonProduction.length === 0) {
        lines.push(
          "",
          "> [!WARNING]",
          "> No non-production environment is deployed by this run (none has a `state` section and roles), so this commit reaches production without having been applied anywhere else first. Give a non-production environment remote state to deploy it first (docs/deploying.md).",
        );
      }
    }
  }
  if (plan.notices.length > 0) lines.push("", ...plan.notices.map((n) => `- ${n}`));
  lines.push("");
  return lines.join("\n");
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  // An empty value (push to main, no workflow_dispatch input; an unset variable) means none.
  return index >= 0 ? args[index + 1] || undefined : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    const plan = deployPlan(loadEnvironmentsOrExit(), option(args, "--only"), {
      planRole: option(args, "--plan-role"),
      deployRole: option(args, "--deploy-role"),
    });
    const lines = [`non-production=${JSON.stringify(plan.nonProduction)}`, `production=${JSON.stringify(plan.production)}`];
    if (args.includes("--github-output") && process.env.GITHUB_OUTPUT) {
      appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
      for (const notice of plan.notices) console.log(`::notice title=not deployed::${notice}`);
    } else {
      for (const notice of plan.notices) console.log(`notice: ${notice}`);
    }
    if (args.includes("--summary") && process.env.GITHUB_STEP_SUMMARY)
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, deployOrderSummary(plan));
    console.log(lines.join("\n"));
  } catch (error) {
    process.stderr.write(`deploy-environments: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
