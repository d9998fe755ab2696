import type { Path } from "./types";

/** `vpc_config.subnet_ids[1]`, `policy.Statement[0].Condition["aws:SourceArn"]`: the path as a reader types it. */
export function renderPath(path: Path): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** The attribute names of a path without list indices (`scaling_config.max_size`), as the replacement table names them. */
export function attributeName(path: Path): string {
  return path.filter((part): part is string => typeof part === "string").join(".");
}
