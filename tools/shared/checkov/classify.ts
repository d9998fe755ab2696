import { compareText } from "../../../lib/order";
/**
 * Pure classification of a checkov result against the synthesized stacks.
 *
 * Input: checkov's parsed `-o json` output (framework terraform_json, run over a folder
 * holding one sub-folder per stack) and the stacks' documents. Output: summary rows,
 * failures, justified failures, stale justifications, errors, report lines, and a
 * checkov `--baseline` document per stack. No file system access, no stdout.
 */

import type { Justification } from "../../../lib/justify";
import { blockLineRanges, isObject, type Json, type JsonObject } from "./sanitize";

/** One entry of checkov's passed_checks / failed_checks, reduced to what we use. */
export interface CheckRecord {
  checkId: string;
  checkName: string;
  /** checkov's `resource` field, e.g. `aws_s3_bucket.logs` (graph checks) or `resource.logs` (python checks). */
  resource: string;
  fileAbsPath: string;
  filePath: string;
  lineRange?: [number, number];
}

export interface CheckovResults {
  passed: CheckRecord[];
  failed: CheckRecord[];
  skipped: CheckRecord[];
  /** Absolute paths of files checkov could not parse. */
  parsingErrors: string[];
}

export interface StackInput {
  /** Stack name: the folder name under `stacks/`. */
  name: string;
  /** The synthesized (or sanitized) document; justifications are read from its `"//"` keys. */
  document: JsonObject;
  /** Absolute path of the file checkov scanned for this stack. */
  scannedFile?: string;
  /** Text of the scanned file; lets results be mapped to resources by line range. */
  scannedText?: string;
}

/** A resource or data source of a stack. */
export interface Block {
  /** `<type>.<name>` or `data.<type>.<name>`. */
  address: string;
  kind: "resource" | "data";
  type: string;
  name: string;
  /** Justifications whose rule is a checkov id (others belong to other tools and are ignored). */
  justifications: Justification[];
}

export interface Finding {
  stack: string;
  /** Resource address (`<type>.<name>`), or checkov's own string when it names no resource of the stack. */
  address: string;
  checkId: string;
  checkName: string;
  /** The `resource` string checkov used (what a baseline file must contain). */
  checkovResource: string;
}

export interface JustifiedFinding extends Finding {
  reason: string;
}

export interface StaleJustification {
  stack: string;
  address: string;
  checkId: string;
  reason: string;
}

export interface SummaryRow {
  stack: string;
  passed: number;
  /** Failed checks without a justification. */
  failed: number;
  /** Failed checks with a justification. */
  justified: number;
}

export interface ScanResult {
  rows: SummaryRow[];
  failures: Finding[];
  justified: JustifiedFinding[];
  stale: StaleJustification[];
  errors: string[];
}

export interface BaselineFile {
  failed_checks: { file: string; findings: { resource: string; check_ids: string[] }[] }[];
}

/** Checkov check ids: CKV_AWS_18, CKV2_AWS_5, CKV_TF_1, CKV_SECRET_2, ... */
export const CHECKOV_ID = /^CKV\d*_[A-Z0-9]+_\d+$/;

export function isCheckovId(rule: string): boolean {
  return CHECKOV_ID.test(rule);
}

// ---------------------------------------------------------------------------
// checkov output

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function toRecord(raw: unknown): CheckRecord {
  if (!isObject(raw) || typeof raw.check_id !== "string") {
    throw new Error(`unexpected checkov record: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const range = raw.file_line_range;
  const record: CheckRecord = {
    checkId: raw.check_id,
    checkName: str(raw.check_name),
    resource: str(raw.resource),
    fileAbsPath: str(raw.file_abs_path),
    filePath: str(raw.file_path),
  };
  if (Array.isArray(range) && range.length === 2 && typeof range[0] === "number" && typeof range[1] === "number") {
    record.lineRange = [range[0], range[1]];
  }
  return record;
}

function records(value: Json | undefined): CheckRecord[] {
  return Array.isArray(value) ? value.map(toRecord) : [];
}

/**
 * Normalizes checkov's `-o json` output. Checkov prints one report object (with
 * `results`), a list of them (several frameworks or `-d` folders), or, when it found
 * nothing to scan, only the summary object.
 */
export function parseCheckovOutput(output: unknown): CheckovResults {
  const reports = Array.isArray(output) ? output : [output];
  const result: CheckovResults = { passed: [], failed: [], skipped: [], parsingErrors: [] };
  for (const report of reports) {
    if (!isObject(report)) throw new Error("unexpected checkov output: not a JSON object");
    const results = report.results;
    if (results === undefined) {
      if (!("passed" in report) && !isObject(report.summary)) {
        throw new Error("unexpected checkov output: neither results nor summary");
      }
      continue;
    }
    if (!isObject(results)) throw new Error("unexpected checkov output: results is not an object");
    result.passed.push(...records(results.passed_checks));
    result.failed.push(...records(results.failed_checks));
    result.skipped.push(...records(results.skipped_checks));
    const errors = results.parsing_errors;
    if (Array.isArray(errors)) result.parsingErrors.push(...errors.map((e) => String(e)));
  }
  return result;
}

// ---------------------------------------------------------------------------
// stacks and justifications

/** Resources and data sources of a document, with their checkov justifications, plus errors in those. */
export function collectBlocks(stack: string, document: JsonObject): { blocks: Block[]; errors: string[] } {
  const blocks: Block[] = [];
  const errors: string[] = [];
  for (const kind of ["resource", "data"] as const) {
    const section = document[kind];
    if (!isObject(section)) continue;
    for (const [type, byName] of Object.entries(section)) {
      if (type === "//" || !isObject(byName)) continue;
      for (const [name, config] of Object.entries(byName)) {
        if (name === "//") continue;
        const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        const justifications: Justification[] = [];
        const configs = Array.isArray(config) ? config : [config];
        for (const one of configs) {
          const comment = isObject(one) ? one["//"] : undefined;
          const list = isObject(comment) ? comment.justifications : undefined;
          if (list === undefined) continue;
          if (!Array.isArray(list)) {
            errors.push(`${stack}: ${address}: "//".justifications must be an array of { rule, reason }`);
            continue;
          }
          list.forEach((entry, index) => {
            const where = `${stack}: ${address}: justification #${index + 1}`;
            if (!isObject(entry) || typeof entry.rule !== "string" || entry.rule.trim() === "") {
              errors.push(`${where}: must be an object with a non-empty string "rule" and a string "reason"`);
              return;
            }
            const rule = entry.rule.trim();
            if (!isCheckovId(rule)) {
              if (/^CKV/i.test(rule)) {
                errors.push(`${where}: "${rule}" looks like a checkov id but is malformed (expected e.g. CKV_AWS_18 or CKV2_AWS_5)`);
              }
              return; // another tool's rule (e.g. POL-IAM-1): not ours to judge
            }
            const reason = typeof entry.reason === "string" ? entry.reason.trim() : "";
            if (reason === "") {
              errors.push(`${stack}: ${address}: ${rule} justification has an empty reason; write why the finding is acceptable`);
              return;
            }
            justifications.push({ rule, reason });
          });
        }
        blocks.push({ address, kind, type, name, justifications });
      }
    }
  }
  return { blocks, errors };
}

function sameRange(a: [number, number] | undefined, b: [number, number] | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/**
 * Maps checkov's `resource` string to an address. checkov 3.3.30's terraform_json runner
 * names python-check results `resource.<name>` / `data.<name>` (without the type) and
 * graph-check results `<type>.<name>`; the type is recovered from the stack's blocks,
 * using the line range when two blocks share a name.
 */
export function resolveAddress(record: CheckRecord, blocks: Block[], ranges?: Map<string, [number, number]>): string | undefined {
  if (blocks.some((b) => b.address === record.resource)) return record.resource;
  const match = /^(resource|data)\.([^.]+)$/.exec(record.resource);
  if (!match) return undefined;
  const [, kind, name] = match;
  let candidates = blocks.filter((b) => b.kind === kind && b.name === name);
  if (candidates.length > 1 && ranges) {
    candidates = candidates.filter((b) => sameRange(ranges.get(b.address), record.lineRange));
  }
  return candidates.length === 1 ? candidates[0]?.address : undefined;
}

function stackOf(record: CheckRecord, stacks: StackInput[]): StackInput | undefined {
  const byAbs = stacks.find((s) => s.scannedFile !== undefined && s.scannedFile === record.fileAbsPath);
  if (byAbs) return byAbs;
  const rel = record.filePath.replace(/^\/+/, "");
  return stacks.find((s) => rel === `${s.name}/cdk.tf.json` || record.fileAbsPath.endsWith(`/${s.name}/cdk.tf.json`));
}

function byKey<T extends { stack: string; address: string; checkId: string }>(a: T, b: T): number {
  return (
    a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address) || a.checkId.localeCompare(b.checkId, "en", { numeric: true })
  );
}

/** Classifies checkov's output (parsed JSON) against the stacks. */
export function classify(checkovOutput: unknown, stacks: StackInput[]): ScanResult {
  const results = parseCheckovOutput(checkovOutput);
  const errors: string[] = [];
  const failures: Finding[] = [];
  const justified: JustifiedFinding[] = [];
  const stale: StaleJustification[] = [];
  const rows: SummaryRow[] = [];

  const perStack = new Map<string, { passed: CheckRecord[]; failed: CheckRecord[] }>();
  for (const s of stacks) perStack.set(s.name, { passed: [], failed: [] });
  for (const [kind, list] of [
    ["passed", results.passed],
    ["failed", results.failed],
  ] as const) {
    for (const record of list) {
      const stack = stackOf(record, stacks);
      if (!stack) {
        errors.push(
          `checkov reported ${record.checkId} on ${record.resource} in a file of no known stack: ${record.fileAbsPath || record.filePath}`,
        );
        continue;
      }
      perStack.get(stack.name)?.[kind].push(record);
    }
  }
  for (const file of results.parsingErrors) {
    const stack = stacks.find((s) => s.scannedFile === file || file.endsWith(`/${s.name}/cdk.tf.json`));
    errors.push(`${stack ? `${stack.name}: ` : ""}checkov could not parse ${file}`);
  }

  for (const stack of [...stacks].sort((a, b) => compareText(a.name, b.name))) {
    const { blocks, errors: justificationErrors } = collectBlocks(stack.name, stack.document);
    errors.push(...justificationErrors);
    const ranges = stack.scannedText !== undefined ? blockLineRanges(stack.scannedText) : undefined;
    const found = perStack.get(stack.name) ?? { passed: [], failed: [] };
    const row: SummaryRow = { stack: stack.name, passed: found.passed.length, failed: 0, justified: 0 };
    const seen = new Set<string>();
    const failedKeys = new Set<string>();
    for (const record of found.failed) {
      const resolved = resolveAddress(record, blocks, ranges);
      const address = resolved ?? record.resource;
      const key = `${address}\u0000${record.checkId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      failedKeys.add(key);
      const finding: Finding = {
        stack: stack.name,
        address,
        checkId: record.checkId,
        checkName: record.checkName,
        checkovResource: record.resource,
      };
      const block = resolved !== undefined ? blocks.find((b) => b.address === resolved) : undefined;
      const justification = block?.justifications.find((j) => j.rule === record.checkId);
      if (justification) {
        justified.push({ ...finding, reason: justification.reason });
        row.justified += 1;
      } else {
        failures.push(finding);
        row.failed += 1;
      }
    }
    for (const block of blocks) {
      for (const j of block.justifications) {
        if (!failedKeys.has(`${block.address}\u0000${j.rule}`)) {
          stale.push({ stack: stack.name, address: block.address, checkId: j.rule, reason: j.reason });
        }
      }
    }
    if (blocks.some((b) => b.kind === "resource") && found.passed.length + found.failed.length === 0 && !results.parsingErrors.length) {
      errors.push(
        `${stack.name}: checkov returned no results for a stack with resources (was ${stack.scannedFile ?? "its file"} scanned?)`,
      );
    }
    rows.push(row);
  }

  failures.sort(byKey);
  justified.sort(byKey);
  stale.sort(byKey);
  return { rows, failures, justified, stale, errors };
}

// ---------------------------------------------------------------------------
// output

export function formatTable(rows: SummaryRow[]): string[] {
  const header = ["stack", "passed", "failed", "justified"];
  const total: SummaryRow = rows.reduce(
    (t, r) => ({ stack: "total", passed: t.passed + r.passed, failed: t.failed + r.failed, justified: t.justified + r.justified }),
    { stack: "total", passed: 0, failed: 0, justified: 0 },
  );
  const body = [...rows, ...(rows.length > 1 ? [total] : [])].map((r) => [
    r.stack,
    String(r.passed),
    String(r.failed),
    String(r.justified),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)];
}

export function failureLine(f: Finding): string {
  return `${f.stack}: ${f.address}: ${f.checkId} ${f.checkName}`;
}

export function justifiedLine(f: JustifiedFinding): string {
  return `${f.stack}: ${f.address}: ${f.checkId} justified: ${f.reason}`;
}

export function staleLine(s: StaleJustification): string {
  return `warning: ${s.stack}: ${s.address}: ${s.checkId} justification is stale: the check did not fail on this resource`;
}

/** The whole human-readable report, table first. */
export function formatReport(result: ScanResult): string[] {
  const lines = [...formatTable(result.rows)];
  if (result.failures.length) {
    lines.push("", `Failures (${result.failures.length}):`, ...result.failures.map(failureLine));
  }
  if (result.justified.length) {
    lines.push("", `Justified (${result.justified.length}):`, ...result.justified.map(justifiedLine));
  }
  if (result.stale.length) {
    lines.push("", `Stale justifications (${result.stale.length}):`, ...result.stale.map(staleLine));
  }
  if (result.errors.length) {
    lines.push("", `Errors (${result.errors.length}):`, ...result.errors.map((e) => `error: ${e}`));
  }
  lines.push("", verdict(result));
  return lines;
}

export function verdict(result: ScanResult): string {
  const ok = exitCode(result) === 0;
  return `checkov ${ok ? "passed" : "FAILED"}: ${result.failures.length} unjustified failure(s), ${result.justified.length} justified, ${result.stale.length} stale justification(s), ${result.errors.length} error(s)`;
}

export function exitCode(result: ScanResult): 0 | 1 {
  return result.failures.length > 0 || result.errors.length > 0 ? 1 : 0;
}

/**
 * checkov `--baseline` document for one stack, built from its justifications (only
 * checkov ids with a non-empty reason). Resource strings are the ones checkov used for
 * the matching failures (`resource.<name>` for python checks) and the address itself.
 * checkov matches baseline entries on resource and check id; `file` is informational.
 */
export function buildBaseline(stack: StackInput, result: ScanResult, file = "/cdk.tf.json"): BaselineFile {
  const { blocks } = collectBlocks(stack.name, stack.document);
  const byResource = new Map<string, Set<string>>();
  const add = (resource: string, checkId: string): void => {
    const ids = byResource.get(resource) ?? new Set<string>();
    ids.add(checkId);
    byResource.set(resource, ids);
  };
  for (const block of blocks) {
    for (const j of block.justifications) {
      const used = result.justified.filter((f) => f.stack === stack.name && f.address === block.address && f.checkId === j.rule);
      add(block.address, j.rule);
      for (const f of used) add(f.checkovResource, j.rule);
    }
  }
  const findings = [...byResource.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([resource, ids]) => ({ resource, check_ids: [...ids].sort() }));
  return { failed_checks: findings.length ? [{ file, findings }] : [] };
}
