import type { ConfigProblem } from "./errors";

/**
 * Old key names still accepted, by the name that replaced them. Schedules were the one place ECS and EKS
 * spelt the same thing differently (`timezone`/`timeZone`, `schedule`/`recurrence`); both sections now use
 * `schedule` (the expression, in the format that section's AWS API takes) and `timeZone` (camelCase like
 * every other key).
 */
const RENAMED_IN_SCHEDULES: Readonly<Record<string, string>> = { timezone: "timeZone", recurrence: "schedule" };

/**
 * Renames deprecated keys in place (inside every list under a `schedules` key) and returns one notice per
 * rename, in the contract format. Both names at once is left for the schema to refuse (unknown key).
 */
export function renameDeprecatedKeys(document: unknown, file: string): ConfigProblem[] {
  const notices: ConfigProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, i]);
    } else if (node !== null && typeof node === "object") {
      const record = node as Record<string, unknown>;
      const inSchedules = path.length >= 2 && path[path.length - 2] === "schedules" && typeof path[path.length - 1] === "number";
      for (const key of Object.keys(record)) {
        const renamed = inSchedules ? RENAMED_IN_SCHEDULES[key] : undefined;
        if (renamed && !(renamed in record)) {
          record[renamed] = record[key];
          delete record[key];
          notices.push({
            file,
            path: [...path, key].join("."),
            message: `"${key}" is deprecated, use "${renamed}" (ECS and EKS schedules share one vocabulary: schedule, timeZone); accepted for now`,
          });
        } else walk(record[key], [...path, key]);
      }
    }
  };
  walk(document, []);
  return notices;
}
