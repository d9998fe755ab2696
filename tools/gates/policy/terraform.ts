import type { Block, Finding, Rule, Stack } from "./types";

/** One resource (or data source) of a stack with its Terraform address. */
export interface Located {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly body: Block;
}

/** Every resource of the given types (every resource when no type is given), in file order. */
export function resourcesOf(stack: Stack, ...types: string[]): Located[] {
  const found: Located[] = [];
  for (const [type, byName] of Object.entries(stack.terraform.resource ?? {})) {
    if (types.length > 0 && !types.includes(type)) continue;
    for (const [name, body] of Object.entries(byName ?? {})) found.push({ type, name, address: `${type}.${name}`, body: body ?? {} });
  }
  return found;
}

/** Every data source of one type. */
export function dataOf(stack: Stack, type: string): Located[] {
  return Object.entries(stack.terraform.data?.[type] ?? {}).map(([name, body]) => ({
    type,
    name,
    address: `data.${type}.${name}`,
    body: body ?? {},
  }));
}

/** The block at a Terraform address, or undefined. */
export function blockAt(stack: Stack, address: string): Block | undefined {
  const parts = address.split(".");
  if (parts[0] === "data" && parts.length === 3) return stack.terraform.data?.[parts[1]!]?.[parts[2]!];
  if (parts.length === 2) return stack.terraform.resource?.[parts[0]!]?.[parts[1]!];
  return undefined;
}

/** cdktf writes a nested block as an object or as a list of objects; both read as a list here. */
export function blocks(value: unknown): Block[] {
  if (Array.isArray(value)) return value.filter((v): v is Block => typeof v === "object" && v !== null);
  if (typeof value === "object" && value !== null) return [value as Block];
  return [];
}

/** A string or list of strings as a list; anything else as empty. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** true for `true` and `"true"` (Terraform accepts both). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/**
 * Whether `value` refers to `target` (a Terraform address): `${aws_s3_bucket.logs.id}`, `${aws_lb.api.arn}`.
 * `attributes` limits which attributes count (id, bucket, arn, ...); any when omitted.
 */
export function refersTo(value: unknown, target: Located, attributes?: readonly string[]): boolean {
  for (const text of strings(value)) {
    const match = new RegExp(`^\\$\\{${escapeRegExp(target.address)}\\.([a-z_]+)\\}$`).exec(text);
    if (match && (!attributes || attributes.includes(match[1]!))) return true;
  }
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A finding factory bound to one rule and stack. */
export function reporter(rule: Pick<Rule, "id">, stack: Stack): (address: string, message: string) => Finding {
  return (address, message) => ({ rule: rule.id, stack: stack.name, address, message });
}

/** Rule shorthand: fields plus a check that receives a `report(address, message)` collector. */
export function defineRule(
  rule: Omit<Rule, "check"> & { check(stack: Stack, report: (address: string, message: string) => void): void },
): Rule {
  return {
    id: rule.id,
    title: rule.title,
    rationale: rule.rationale,
    source: rule.source,
    check(stack) {
      const findings: Finding[] = [];
      const make = reporter(rule, stack);
      rule.check(stack, (address, message) => findings.push(make(address, message)));
      return findings;
    },
  };
}
