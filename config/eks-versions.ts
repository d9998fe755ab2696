// The Kubernetes versions Amazon EKS offers, with the dates that decide when each must be left. The schema's
// eks.version enum is derived from this table, so a version is configurable exactly when its dates are here.
// Nothing here reads a clock: synth output does not depend on the day (contract 5); the dated check is
// tools/gates/eks-support.ts, run in CI and in `npm run scan`.
//
// To add a version: copy its row of the "Amazon EKS Kubernetes release calendar" (EKS user guide,
// https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar,
// or `aws eks describe-cluster-versions --cluster-versions <v>`), name the source and the day you read it.
// Drop a version once its end of extended support has passed: EKS no longer creates clusters on it.

/** Where a row's dates come from and when they were read. */
export interface VersionSource {
  readonly url: string;
  /** Day the source was read (UTC), YYYY-MM-DD. */
  readonly read: string;
  /** What the source is, when it is not AWS's calendar itself, and anything derived rather than copied. */
  readonly note?: string;
}

/** One Kubernetes minor version on EKS. Dates are UTC days, YYYY-MM-DD, as in AWS's calendar. */
export interface EksVersionSupport {
  readonly version: string;
  /** First day EKS offers the version (the calendar's "Amazon EKS release"). */
  readonly eksRelease: string;
  /** The calendar's "End of standard support": extended-support billing starts on this day. */
  readonly endOfStandardSupport: string;
  /** The calendar's "End of extended support": EKS upgrades remaining control planes after it. */
  readonly endOfExtendedSupport: string;
  readonly source: VersionSource;
}

const CALENDAR = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar";
/** The calendar's source file, at the newest commit of awsdocs/amazon-eks-user-guide reachable here (it lists 1.29-1.34). */
const CALENDAR_SOURCE =
  "https://github.com/awsdocs/amazon-eks-user-guide/blob/013856044148d6eeed4723027a45aa2180536bcb/latest/ug/versioning/kubernetes-versions.adoc";

/** Ascending; the schema lists them in this order. */
export const EKS_VERSIONS = [
  {
    version: "1.32",
    eksRelease: "2025-01-23",
    endOfStandardSupport: "2026-03-23",
    endOfExtendedSupport: "2027-03-23",
    source: { url: CALENDAR_SOURCE, read: "2026-12-07" },
  },
  {
    version: "1.33",
    eksRelease: "2025-05-29",
    endOfStandardSupport: "2026-07-29",
    endOfExtendedSupport: "2027-07-29",
    source: { url: CALENDAR_SOURCE, read: "2026-12-07" },
  },
  {
    version: "1.34",
    eksRelease: "2025-10-02",
    endOfStandardSupport: "2026-12-02",
    endOfExtendedSupport: "2027-12-02",
    source: { url: CALENDAR_SOURCE, read: "2026-12-07" },
  },
  {
    version: "1.35",
    eksRelease: "2026-01-27",
    endOfStandardSupport: "2027-03-27",
    endOfExtendedSupport: "2028-03-27",
    source: {
      url: CALENDAR,
      read: "2026-12-07",
      note: "the calendar row as quoted in public tooling that parses AWS's page (the page itself was out of reach); endoflife.date/amazon-eks, built from the same table, agrees",
    },
  },
  {
    version: "1.36",
    eksRelease: "2026-06-02",
    endOfStandardSupport: "2027-08-02",
    endOfExtendedSupport: "2028-08-02",
    source: {
      url: CALENDAR,
      read: "2026-12-07",
      note: "as mirrored from AWS's calendar by endoflife.date/amazon-eks and by a public dataset checked against AWS's page on 2026-06-04",
    },
  },
  {
    version: "1.37",
    eksRelease: "2026-10-02",
    endOfStandardSupport: "2027-12-01",
    endOfExtendedSupport: "2028-12-01",
    source: {
      url: "https://aws.amazon.com/about-aws/whats-new/2026/10/amazon-eks-distro-kubernetes-version-1-37/",
      read: "2026-12-07",
      note: "release day from AWS's announcement; end of standard support 2027-12-01 as `aws eks describe-cluster-versions` reported it (quoted in a public runbook), one day before the 14-month rule gives; end of extended support derived (+12 months). Replace with the calendar row",
    },
  },
] as const satisfies readonly EksVersionSupport[];

export type KubernetesVersion = (typeof EKS_VERSIONS)[number]["version"];

/** The versions eks.version accepts, ascending. */
export const KUBERNETES_VERSIONS = EKS_VERSIONS.map((row) => row.version) as [KubernetesVersion, ...KubernetesVersion[]];

/** The table row of a configured version. */
export function eksVersionSupport(version: KubernetesVersion): EksVersionSupport {
  const row = EKS_VERSIONS.find((r) => r.version === version);
  if (!row) throw new Error(`no support dates for Kubernetes ${version}`);
  return row;
}
