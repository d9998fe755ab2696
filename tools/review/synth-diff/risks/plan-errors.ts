import { PLAN_ERRORS } from "../replacement";
import type { RiskRule } from "./context";

/** Changes the provider refuses at plan time (a CustomizeDiff error): the plan fails, nothing is applied. */
export const planErrors: RiskRule = (stack, note) =>
  stack.changed
    .filter((c) => !c.old.data)
    .flatMap((item) =>
      PLAN_ERRORS.filter((rule) => rule.type === item.type && rule.when(item)).map((rule) =>
        note(item.address, `**the plan fails**: ${rule.why}`),
      ),
    );
