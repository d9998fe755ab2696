import type { Block } from "./types";

/** A value as the report shows it: JSON, `(unset)` for a missing one. */
export function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}

/**
 * The value at a dotted attribute path. Terraform JSON writes a nested block as an object or as a
 * list of objects; a list is read through its first element, as for the max-one blocks that matter here.
 */
export function valueAt(body: Block | undefined, path: string): unknown {
  let current: unknown = body;
  for (const name of path.split(".")) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

/** A list attribute as a list (a missing one is empty, a single value a list of one). */
export function listAt(body: Block | undefined, path: string): unknown[] {
  const value = valueAt(body, path);
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}
