// An SNS subscription filter policy, checked before AWS sees it: the provider only checks that the
// string is JSON (validation.StringIsJSON on filter_policy), so a policy SNS rejects fails the apply.
// SNS's "filter policy constraints": every key leads to an array of rules (objects nest keys only with
// the MessageBody scope), and the combinations of values (the product of the arrays' lengths) stay
// within 150.

export const FILTER_POLICY_MAX_COMBINATIONS = 150;

type Scope = "MessageAttributes" | "MessageBody";

/** Why a filter policy is not one SNS accepts, or undefined. */
export function filterPolicyProblem(text: string, scope: Scope = "MessageAttributes"): string | undefined {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    return 'is not valid JSON; write a JSON object such as {"type": ["order-created"]}';
  }
  if (typeof policy !== "object" || policy === null || Array.isArray(policy) || Object.keys(policy).length === 0) {
    return 'must be a non-empty JSON object of attribute names to arrays of values, e.g. {"type": ["order-created"]}';
  }
  const problems: string[] = [];
  const combinations = countCombinations(policy as Record<string, unknown>, scope, [], problems);
  if (problems.length) return problems[0];
  if (combinations > FILTER_POLICY_MAX_COMBINATIONS) {
    return `has ${combinations} combinations of values (the product of its arrays' lengths); SNS allows ${FILTER_POLICY_MAX_COMBINATIONS}`;
  }
  return undefined;
}

function countCombinations(node: Record<string, unknown>, scope: Scope, path: string[], problems: string[]): number {
  let total = 1;
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key].join(".");
    if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${at}: an empty array matches nothing; list at least one value`);
      total *= Math.max(value.length, 1);
    } else if (typeof value === "object" && value !== null && scope === "MessageBody") {
      total *= countCombinations(value as Record<string, unknown>, scope, [...path, key], problems);
    } else if (typeof value === "object" && value !== null) {
      problems.push(`${at}: nested keys need filterPolicyScope MessageBody; with MessageAttributes each key takes an array of values`);
    } else {
      problems.push(`${at}: must be an array of values, e.g. ["${String(value)}"]`);
    }
  }
  return total;
}
