// npm run eks-support [-- --today YYYY-MM-DD]: is every environment's Kubernetes version in EKS standard
// support for at least 60 more days? One line per environment; a warning for each version within 60 days of,
// or past, the end of standard support, saying what happens then and what extended support costs.
// Warnings do not fail the run (exit 0); a bad --today or configuration exits 1. In GitHub Actions
// (GITHUB_ACTIONS=true) each warning is also a ::warning annotation on the environment file.
// CI runs it, and `npm run scan` prints it. The dates are config/eks-versions.ts; synth never reads a clock.

import { EKS_VERSIONS, type EksVersionSupport } from "../../config/eks-versions";
import { loadEnvironmentsOrExit } from "../../config/loader";

/** Warn this many days before standard support ends: AWS announces an end at least 60 days ahead (EKS user guide, version FAQ). */
export const WARNING_DAYS = 60;

/**
 * Control-plane price per cluster-hour (AWS, "Amazon EKS extended support for Kubernetes versions pricing",
 * https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/, and
 * https://aws.amazon.com/eks/pricing/): $0.10 in standard support, $0.60 in total in extended support.
 */
export const USD_PER_CLUSTER_HOUR = { standard: 0.1, extended: 0.6 } as const;
const HOURS_PER_MONTH = 730;

export type SupportPhase = "standard" | "ending" | "extended" | "ended";

export interface VersionSupportStatus {
  readonly version: string;
  readonly phase: SupportPhase;
  /** Days from today to the end of standard support; negative once it has passed. */
  readonly daysToEndOfStandardSupport: number;
  readonly row: EksVersionSupport;
  /** The next minor version in the table, the one EKS can update to in one step. */
  readonly next?: EksVersionSupport;
}

export interface SupportFinding {
  readonly environment: string;
  readonly file: string;
  readonly status: VersionSupportStatus;
  /** One line; a warning for every phase but "standard". */
  readonly message: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function utcDay(date: string, what: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date)
    throw new Error(`${what} "${date}" is not a date; give YYYY-MM-DD`);
  return time;
}

/**
 * Where `version` stands on `today` (a UTC day, YYYY-MM-DD). Standard support covers every day before
 * the calendar's end-of-standard-support day, on which extended-support billing starts (EKS user guide).
 */
export function versionSupportOn(version: string, today: string, table: readonly EksVersionSupport[] = EKS_VERSIONS): VersionSupportStatus {
  const index = table.findIndex((row) => row.version === version);
  const row = table[index];
  if (!row) throw new Error(`Kubernetes ${version} is not in config/eks-versions.ts`);
  const now = utcDay(today, "today");
  const days = Math.round((utcDay(row.endOfStandardSupport, `${version} end of standard support`) - now) / DAY_MS);
  const extendedEnded = now >= utcDay(row.endOfExtendedSupport, `${version} end of extended support`);
  const phase: SupportPhase = extendedEnded ? "ended" : days <= 0 ? "extended" : days <= WARNING_DAYS ? "ending" : "standard";
  return { version, phase, daysToEndOfStandardSupport: days, row, next: table[index + 1] };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** What staying costs, in the words of the warning. */
export function extendedSupportCost(): string {
  const extra = USD_PER_CLUSTER_HOUR.extended - USD_PER_CLUSTER_HOUR.standard;
  return `extended support costs ${usd(USD_PER_CLUSTER_HOUR.extended)} per cluster-hour instead of ${usd(USD_PER_CLUSTER_HOUR.standard)} (${usd(extra)} more, about $${Math.round(extra * HOURS_PER_MONTH)} a month per cluster)`;
}

/** The line for one environment's version on `today`. */
export function supportMessage(environment: string, status: VersionSupportStatus): string {
  const { version, row, next, daysToEndOfStandardSupport: days } = status;
  const where = `${environment}: eks.version ${version}`;
  const upgrade = next
    ? `upgrade to ${next.version} (one minor version per update; docs/eks-spot.md, "Upgrading Kubernetes")`
    : "upgrade to the next version once config/eks-versions.ts lists it";
  // lib/eks/eks-cluster.ts sets upgrade_policy STANDARD: no extended-support charge, EKS upgrades instead.
  const policy = (when: string) =>
    `the cluster's upgrade policy is STANDARD (lib/eks/eks-cluster.ts), so ${when} EKS upgrades the control plane itself, at a time it does not announce, leaving nodes and add-ons behind, and the next apply fails trying to go back to ${version}; with upgrade policy EXTENDED ${extendedSupportCost()} until ${row.endOfExtendedSupport}`;
  switch (status.phase) {
    case "standard":
      return `${where}: standard support until ${row.endOfStandardSupport} (${days} days)`;
    case "ending":
      return `${where}: standard support ends ${row.endOfStandardSupport}, in ${days} day${days === 1 ? "" : "s"}; ${upgrade} before then: ${policy("after that day")}`;
    case "extended":
      return `${where}: standard support ended ${row.endOfStandardSupport}, ${-days} day${days === -1 ? "" : "s"} ago; ${upgrade} now: ${policy("from that day on")}`;
    case "ended":
      return `${where}: extended support ended ${row.endOfExtendedSupport}; EKS no longer runs ${version} and upgrades remaining control planes itself; ${upgrade} now and remove ${version} from config/eks-versions.ts`;
  }
}

/** One finding per environment with a cluster, in the order given. */
export function supportFindings(
  environments: readonly { readonly name: string; readonly file: string; readonly eks?: { readonly version: string } }[],
  today: string,
  table: readonly EksVersionSupport[] = EKS_VERSIONS,
): SupportFinding[] {
  return environments.flatMap((environment) => {
    if (!environment.eks) return [];
    const status = versionSupportOn(environment.eks.version, today, table);
    return [{ environment: environment.name, file: environment.file, status, message: supportMessage(environment.name, status) }];
  });
}

export const isWarning = (finding: SupportFinding) => finding.status.phase !== "standard";

/** The report: a line per environment, warnings prefixed, and a closing count. */
export function formatSupportReport(findings: readonly SupportFinding[], today: string): string[] {
  if (findings.length === 0) return [`eks-support: no environment has an eks section (${today})`];
  const warnings = findings.filter(isWarning).length;
  return [
    ...findings.map((finding) => `${isWarning(finding) ? "WARNING " : ""}${finding.message}`),
    `eks-support: ${warnings === 0 ? "every" : `${warnings} of ${findings.length}`} configured Kubernetes version${warnings === 0 ? " is" : "s are"} ${warnings === 0 ? `in standard support for more than ${WARNING_DAYS} days` : `within ${WARNING_DAYS} days of, or past, the end of standard support`} (as of ${today})`,
  ];
}

function todayArgument(argv: readonly string[]): string {
  const at = argv.indexOf("--today");
  const inline = argv.find((arg) => arg.startsWith("--today="));
  const value = inline ? inline.slice("--today=".length) : at >= 0 ? argv[at + 1] : undefined;
  const unknown = argv.filter((arg, i) => arg !== "--today" && !arg.startsWith("--today=") && argv[i - 1] !== "--today");
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}; usage: npm run eks-support [-- --today YYYY-MM-DD]`);
  if (at >= 0 && value === undefined) throw new Error("--today needs a date, YYYY-MM-DD");
  return value ?? new Date().toISOString().slice(0, 10);
}

if (require.main === module) {
  try {
    const today = todayArgument(process.argv.slice(2));
    const findings = supportFindings(loadEnvironmentsOrExit(), today);
    process.stdout.write(`${formatSupportReport(findings, today).join("\n")}\n`);
    if (process.env.GITHUB_ACTIONS === "true")
      for (const finding of findings.filter(isWarning))
        process.stdout.write(`::warning file=${finding.file},title=EKS version support::${finding.message}\n`);
  } catch (error) {
    process.stderr.write(`eks-support: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
