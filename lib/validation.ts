import type { IConstruct } from "constructs";

/**
 * A construct refused its props. The message names the construct path and says how to fix it;
 * main.ts prints it without a stack trace, like a configuration error.
 */
export class PropsError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = "PropsError";
  }
}

/** Collects every problem of a construct's props and throws them together, one per line. */
export function assertProps(scope: IConstruct, problems: readonly (string | false | undefined)[]): void {
  const found = problems.filter((p): p is string => typeof p === "string" && p.length > 0);
  if (found.length > 0) throw new PropsError(scope, found.join(`\n${scope.node.path}: `));
}
