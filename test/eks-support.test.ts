import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { EKS_VERSIONS, type EksVersionSupport, KUBERNETES_VERSIONS } from "../config/eks-versions";
import {
  formatSupportReport,
  type SupportPhase,
  supportFindings,
  USD_PER_CLUSTER_HOUR,
  versionSupportOn,
  WARNING_DAYS,
} from "../tools/gates/eks-support";
import { fixtureEnvironment, problemLines, runTs } from "./helpers";

const ROOT = join(__dirname, "..");
const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
const addMonths = (date: string, months: number) => {
  const d = new Date(day(date));
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

describe("the EKS version table (config/eks-versions.ts)", () => {
  it("is what eks.version accepts, ascending, one minor version apart", () => {
    expect(KUBERNETES_VERSIONS).toEqual(EKS_VERSIONS.map((row) => row.version));
    const minors = KUBERNETES_VERSIONS.map((v) => Number(v.split(".")[1]));
    expect(minors.slice(1).map((minor, i) => minor - minors[i]!)).toEqual(minors.slice(1).map(() => 1));
    const fixture = parse(readFileSync(join(ROOT, "test/fixtures/environments/prod.yaml"), "utf8")) as { eks: { version: string } };
    fixture.eks.version = "1.31"; // past its end of extended support (2026-11-26): EKS no longer offers it
    expect(problemLines(fixture, "prod")).toEqual([`prod.yaml: eks.version: must be one of ${KUBERNETES_VERSIONS.join(", ")}, got "1.31"`]);
  });

  it.each(EKS_VERSIONS.map((row) => [row.version, row] as [string, EksVersionSupport]))(
    "%s: release, end of standard support (14 months later, a day of tolerance) and of extended support (12 months after), with a dated source",
    (_, row) => {
      for (const date of [row.eksRelease, row.endOfStandardSupport, row.endOfExtendedSupport, row.source.read])
        expect(new Date(day(date)).toISOString().slice(0, 10)).toBe(date);
      expect(Math.abs(day(row.endOfStandardSupport) - day(addMonths(row.eksRelease, 14))) / 86_400_000).toBeLessThanOrEqual(1);
      expect(row.endOfExtendedSupport).toBe(addMonths(row.endOfStandardSupport, 12));
      expect(row.source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/awsdocs|aws\.amazon\.com)\//);
    },
  );
});

describe("versionSupportOn: where a version stands on a given day", () => {
  // A table of its own, so these cases hold whatever versions config/eks-versions.ts lists.
  const table: EksVersionSupport[] = [
    {
      version: "1.40",
      eksRelease: "2030-01-10",
      endOfStandardSupport: "2031-03-10",
      endOfExtendedSupport: "2032-03-10",
      source: { url: "u", read: "2030-01-11" },
    },
    {
      version: "1.41",
      eksRelease: "2030-05-10",
      endOfStandardSupport: "2031-07-10",
      endOfExtendedSupport: "2032-07-10",
      source: { url: "u", read: "2030-05-11" },
    },
  ];
  it.each<[string, SupportPhase, number]>([
    ["2030-01-10", "standard", 424],
    ["2031-01-08", "standard", 61],
    ["2031-01-09", "ending", 60],
    ["2031-03-09", "ending", 1],
    ["2031-03-10", "extended", 0], // extended-support billing starts on the calendar's end day
    ["2032-03-09", "extended", -365],
    ["2032-03-10", "ended", -366],
  ])("1.40 on %s: %s, %i day(s) to the end of standard support", (today, phase, days) => {
    const status = versionSupportOn("1.40", today, table);
    expect([status.phase, status.daysToEndOfStandardSupport, status.next?.version]).toEqual([phase, days, "1.41"]);
  });

  it("warns 60 days ahead", () => {
    expect(WARNING_DAYS).toBe(60);
  });

  it("refuses a day that is not a date and a version the table lacks", () => {
    expect(() => versionSupportOn("1.40", "2031-02-30", table)).toThrow('today "2031-02-30" is not a date; give YYYY-MM-DD');
    expect(() => versionSupportOn("1.39", "2031-01-01", table)).toThrow("Kubernetes 1.39 is not in config/eks-versions.ts");
  });
});

describe("supportFindings: the warning each environment gets", () => {
  const environments = [
    { name: "prod", file: "prod.yaml", eks: { version: "1.34" } },
    { name: "dev", file: "dev.yaml" },
    { name: "qa", file: "qa.yaml", eks: { version: "1.35" } },
  ];

  it("on 2026-12-07, warns that 1.34 left standard support, says what EKS does and what extended support costs", () => {
    const findings = supportFindings(environments, "2026-12-07");
    expect(findings.map((f) => [f.environment, f.status.phase])).toEqual([
      ["prod", "extended"],
      ["qa", "standard"],
    ]);
    expect(findings[0]!.message).toBe(
      'prod: eks.version 1.34: standard support ended 2026-12-02, 5 days ago; upgrade to 1.35 (one minor version per update; docs/eks-spot.md, "Upgrading Kubernetes") now: the cluster\'s upgrade policy is STANDARD (lib/eks/eks-cluster.ts), so from that day on EKS upgrades the control plane itself, at a time it does not announce, leaving nodes and add-ons behind, and the next apply fails trying to go back to 1.34; with upgrade policy EXTENDED extended support costs $0.60 per cluster-hour instead of $0.10 ($0.50 more, about $365 a month per cluster) until 2027-12-02',
    );
    expect(findings[1]!.message).toBe("qa: eks.version 1.35: standard support until 2027-03-27 (110 days)");
    expect(formatSupportReport(findings, "2026-12-07").at(-1)).toBe(
      "eks-support: 1 of 2 configured Kubernetes versions are within 60 days of, or past, the end of standard support (as of 2026-12-07)",
    );
  });

  it("warns 60 days before the end (1.35 from 2027-01-26) and not the day before", () => {
    expect(supportFindings(environments, "2027-01-25")[1]!.status.phase).toBe("standard");
    const finding = supportFindings(environments, "2027-01-26")[1]!;
    expect(finding.status.phase).toBe("ending");
    expect(finding.message).toMatch(
      /^qa: eks\.version 1\.35: standard support ends 2027-03-27, in 60 days; upgrade to 1\.36 .* before then: /,
    );
  });

  it("prices extended support as AWS does: $0.60 per cluster-hour against $0.10", () => {
    expect(USD_PER_CLUSTER_HOUR).toEqual({ standard: 0.1, extended: 0.6 });
  });

  it("finds the shipped prod fixture in standard support for more than 60 days on 2026-12-07", () => {
    const prod = fixtureEnvironment("prod");
    expect(supportFindings([prod], "2026-12-07").map((f) => f.status.phase)).toEqual(["standard"]);
  });
});

describe("npm run eks-support", () => {
  it("prints a line per environment with a cluster and exits 0 on warnings, annotating them in GitHub Actions", async () => {
    const result = await runTs(["tools/gates/eks-support.ts", "--today", "2027-02-01"], {
      INFRA_CONFIG_DIR: join(ROOT, "test/fixtures/environments"),
      GITHUB_ACTIONS: "true",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^WARNING prod: eks\.version 1\.35: standard support ends 2027-03-27, in 54 days;/m);
    expect(result.stdout).toMatch(/^::warning file=.*prod\.yaml,title=EKS version support::prod: eks\.version 1\.35/m);
  });

  it("refuses a bad date with one line", async () => {
    const result = await runTs(["tools/gates/eks-support.ts", "--today", "tomorrow"], {
      INFRA_CONFIG_DIR: join(ROOT, "test/fixtures/environments"),
    });
    expect([result.code, result.stderr]).toEqual([1, 'eks-support: today "tomorrow" is not a date; give YYYY-MM-DD\n']);
  });
});
