/**
 * Replaces every string that holds a JSON object or array (IAM policies, container definitions, event
 * patterns, ...) with its parsed value, recursively, so a diff can point into it instead of at one long string.
 */
export function parseJsonStrings(value: unknown): unknown {
  if (typeof value === "string") {
    const parsed = parsedObject(value);
    return parsed === undefined ? value : parseJsonStrings(parsed);
  }
  if (Array.isArray(value)) return value.map(parseJsonStrings);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, parseJsonStrings(inner)]));
  }
  return value;
}

function parsedObject(text: string): object | undefined {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}
