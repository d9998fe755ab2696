import type { Justification } from "../../../lib/justify";
import { COMPUTE_RULES } from "./compute";
import { DATA_LOSS_RULES } from "./data-loss";
import { IAM_RULES } from "./iam";
import { KMS_RULES } from "./kms";
import { LOG_RULES } from "./logs";
import { NETWORK_RULES } from "./network";
import { S3_RULES } from "./s3";
import { SECRET_RULES } from "./secrets";
import { TAGGING_RULES } from "./tagging";
import { blockAt, blocks, resourcesOf } from "./terraform";
import type { Finding, Rule, Stack, StackInput, TerraformJson } from "./types";

// What the other gates use of the suite (the scan's AWS-definitions step, the Terraform check); the rest is internal.
export { type PolicyDocument, policyDocuments, type Statement } from "./documents";
export { readSynthOutput } from "./synth-output";
export { dataOf, resourcesOf } from "./terraform";
export type { Block, Finding, Rule, Stack, StackInput, TerraformJson } from "./types";

/** Every rule of the suite, by area. Ids are stable: justifications name them. */
export const ALL_RULES: readonly Rule[] = [
  ...IAM_RULES,
  ...KMS_RULES,
  ...S3_RULES,
  ...NETWORK_RULES,
  ...LOG_RULES,
  ...COMPUTE_RULES,
  ...TAGGING_RULES,
  ...DATA_LOSS_RULES,
  ...SECRET_RULES,
];

/** A finding a `justify(resource, rule, reason)` next to the resource turned into an accepted exception. */
export interface PolicyException extends Finding {
  readonly reason: string;
}

/** A justification naming a POL rule that excepted nothing (stale, or an unknown rule id). */
export interface UnusedJustification {
  readonly stack: string;
  readonly address: string;
  readonly rule: string;
  readonly reason: string;
}

export interface RuleResult {
  readonly id: string;
  readonly title: string;
  /** Stacks where the rule found nothing. */
  readonly passed: number;
  /** Violations (findings without a justification). */
  readonly failed: number;
  /** Findings excepted by a justification. */
  readonly excepted: number;
  readonly status: "passed" | "failed" | "excepted";
}

export interface PolicyResult {
  readonly stacks: readonly string[];
  readonly rules: readonly RuleResult[];
  readonly violations: readonly Finding[];
  readonly exceptions: readonly PolicyException[];
  readonly unusedJustifications: readonly UnusedJustification[];
}

function justificationsAt(stack: Stack, address: string): Justification[] {
  const comment = blockAt(stack, address)?.["//"] as { justifications?: unknown } | undefined;
  return blocks(comment?.justifications).filter(
    (j): j is Justification & Record<string, unknown> => typeof j.rule === "string" && typeof j.reason === "string",
  );
}

/** Runs every rule over every stack. Pure: no I/O, the same input gives the same result. */
export function runPolicySuite(inputs: readonly StackInput[], rules: readonly Rule[] = ALL_RULES): PolicyResult {
  const stacks: Stack[] = inputs.map((s) => ({ name: s.name, terraform: s.terraform as TerraformJson, production: s.production ?? false }));
  const violations: Finding[] = [];
  const exceptions: PolicyException[] = [];
  const used = new Set<string>();
  const results: RuleResult[] = rules.map((rule) => {
    let passed = 0;
    let failed = 0;
    let excepted = 0;
    for (const stack of stacks) {
      let findings: Finding[];
      try {
        findings = rule.check(stack);
      } catch (error) {
        // A rule that crashes on unexpected input fails loudly instead of passing silently.
        findings = [
          {
            rule: rule.id,
            stack: stack.name,
            address: "(rule)",
            message: `crashed: ${error instanceof Error ? error.message : String(error)}`,
          },
        ];
      }
      if (findings.length === 0) passed++;
      for (const finding of findings) {
        const justification = justificationsAt(stack, finding.address).find((j) => j.rule === rule.id);
        if (justification) {
          used.add(`${stack.name} ${finding.address} ${rule.id}`);
          exceptions.push({ ...finding, reason: justification.reason });
          excepted++;
        } else {
          violations.push(finding);
          failed++;
        }
      }
    }
    return {
      id: rule.id,
      title: rule.title,
      passed,
      failed,
      excepted,
      status: failed > 0 ? "failed" : excepted > 0 ? "excepted" : "passed",
    };
  });
  const unusedJustifications: UnusedJustification[] = [];
  for (const stack of stacks) {
    for (const resource of resourcesOf(stack)) {
      for (const { rule, reason } of justificationsAt(stack, resource.address)) {
        if (rule.startsWith("POL-") && !used.has(`${stack.name} ${resource.address} ${rule}`)) {
          unusedJustifications.push({ stack: stack.name, address: resource.address, rule, reason });
        }
      }
    }
  }
  return { stacks: stacks.map((s) => s.name), rules: results, violations, exceptions, unusedJustifications };
}

/** The result as lines for a terminal or CI log: a summary, a table per rule, every violation and exception. */
export function formatPolicyReport(result: PolicyResult): string[] {
  const count = (status: RuleResult["status"]) => result.rules.filter((r) => r.status === status).length;
  const lines = [
    `Policy suite: ${result.stacks.length} stacks, ${result.rules.length} rules: ${count("passed")} passed, ${count("failed")} failed, ${count("excepted")} excepted ` +
      `(${result.violations.length} violations, ${result.exceptions.length} exceptions)`,
    "",
    `${"RULE".padEnd(11)} ${"STATUS".padEnd(8)} ${"PASSED".padStart(6)} ${"FAILED".padStart(6)} ${"EXCEPTED".padStart(8)}  TITLE`,
  ];
  for (const r of result.rules) {
    lines.push(
      `${r.id.padEnd(11)} ${r.status.padEnd(8)} ${String(r.passed).padStart(6)} ${String(r.failed).padStart(6)} ${String(r.excepted).padStart(8)}  ${r.title}`,
    );
  }
  if (result.violations.length) {
    lines.push("", "Violations:");
    for (const v of result.violations) lines.push(`  FAIL   ${v.rule} ${v.stack} ${v.address}: ${v.message}`);
  }
  if (result.exceptions.length) {
    lines.push("", "Exceptions (justified next to the resource):");
    for (const e of result.exceptions)
      lines.push(`  EXCEPT ${e.rule} ${e.stack} ${e.address}: ${e.message}`, `         reason: ${e.reason}`);
  }
  if (result.unusedJustifications.length) {
    lines.push("", "Justifications that excepted nothing (remove them, or fix the rule id):");
    for (const u of result.unusedJustifications) lines.push(`  UNUSED ${u.rule} ${u.stack} ${u.address}: ${u.reason}`);
  }
  return lines;
}

/** The rule table of docs/policy-suite.md, generated from ALL_RULES (a test keeps the document in sync). */
export function ruleTableMarkdown(rules: readonly Rule[] = ALL_RULES): string[] {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "| Rule | Requires | Why | Source |",
    "|---|---|---|---|",
    ...rules.map((r) => `| ${r.id} | ${cell(r.title)} | ${cell(r.rationale)} | ${cell(r.source)} |`),
  ];
}
