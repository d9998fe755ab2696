/**
 * EventBridge's matching for the subset of event patterns this project writes: every field the
 * pattern names must be in the event; a list of values matches when the event's value (or, for a
 * list in the event, any of its elements) equals one of them; nested objects match recursively.
 * Content filters (prefix, anything-but, numeric, exists, ...) are refused rather than misjudged.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== "object" || Array.isArray(pattern)) throw new Error("a pattern is an object of fields");
  if (event === null || typeof event !== "object" || Array.isArray(event)) return false;
  for (const [field, expected] of Object.entries(pattern)) {
    const actual = (event as Record<string, unknown>)[field];
    if (actual === undefined) return false;
    if (Array.isArray(expected)) {
      if (expected.some((value) => value !== null && typeof value === "object"))
        throw new Error(`content filter in ${field}: not supported here`);
      const values = Array.isArray(actual) ? actual : [actual];
      if (!values.some((value) => expected.includes(value))) return false;
    } else if (!matchesPattern(expected, actual)) {
      return false;
    }
  }
  return true;
}
