import { attributeName, renderPath } from "../paths";
import { show } from "../values";
import type { RiskRule } from "./context";

/** What each timeout governs, in a reviewer's words (field-notes lessons 1, 8, 10, 13). */
const TIMEOUTS: readonly [RegExp, string][] = [
  [
    /^(idle_timeout|client_keep_alive|tcp_idle_timeout_seconds)$/,
    "idle timeout changed: client and target keep-alive timeouts must still fit around it, or pooled connections break",
  ],
  [/^deregistration_delay$/, "deregistration delay changed: in-flight requests get this long to finish when a target leaves"],
  [/^health_check(\..*)?$/, "health check changed: decides how fast failing targets are taken out and new ones put in service"],
  [/^health_check_grace_period_seconds$/, "health-check grace period changed: new tasks get this long before failing checks count"],
  [
    /^container_definitions\.(healthCheck|stopTimeout)(\..*)?$/,
    "container health check or stop timeout changed: affects restarts and graceful shutdown",
  ],
];

/** Idle and health-check timeouts are tuned from measurements; a change to one is a change in behaviour under load. */
export const timeouts: RiskRule = (stack, note) =>
  stack.changed
    .filter((c) => !c.old.data)
    .flatMap((item) =>
      item.changes.flatMap((change) => {
        const rule = TIMEOUTS.find(([pattern]) => pattern.test(attributeName(change.path)));
        return rule ? [note(item.address, `${rule[1]} (\`${renderPath(change.path)}\` ${show(change.old)} -> ${show(change.new)})`)] : [];
      }),
    );
