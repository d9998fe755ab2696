import { attributeName, renderPath } from "../paths";
import { listAt, show, valueAt } from "../values";
import { leaving, pairs, type RiskRule } from "./context";

/** Resources whose removal turns encryption or logging off. */
const REMOVED: Readonly<Record<string, string>> = {
  aws_kms_key: "KMS key removed: it is scheduled for deletion, and what it encrypts becomes unreadable when the deletion window ends",
  aws_s3_bucket_server_side_encryption_configuration: "bucket default encryption configuration removed",
  aws_flow_log: "VPC flow log removed: network traffic is no longer recorded",
  aws_wafv2_web_acl_logging_configuration: "web ACL logging removed: blocked and allowed requests are no longer recorded",
  aws_s3_bucket_logging: "bucket access logging removed",
};

/** An attribute that holds an encryption setting (a KMS key, an SSE switch). */
const ENCRYPTION = /(^|_)(kms|sse|encrypt|encryption|encrypted)(_|$)/;
const LOGS = ["access_logs.enabled", "connection_logs.enabled"];

/** Encryption or logging switched off: keys, SSE settings, access logs, flow logs, EKS control-plane log types. */
export const encryptionAndLogging: RiskRule = (stack, note) => [
  ...leaving(stack)
    .filter((item) => REMOVED[item.type])
    .map((item) => note(item.address, REMOVED[item.type]!)),
  ...stack.changed
    .filter((c) => !c.old.data)
    .flatMap((item) =>
      item.changes
        .filter((change) => {
          const name = attributeName(change.path).split(".").pop() ?? "";
          const off = change.kind === "removed" || change.new === false || change.new === "" || change.new === null;
          return ENCRYPTION.test(name) && off && change.old !== false;
        })
        .map((change) =>
          note(
            item.address,
            `encryption setting removed or turned off (\`${renderPath(change.path)}\` was ${show(change.old)}, now ${show(change.new)})`,
          ),
        ),
    ),
  ...pairs(stack).flatMap(({ before, after }) => {
    if (!before) return [];
    const notes: string[] = [];
    for (const path of LOGS) {
      if (valueAt(before.body, path) === true && valueAt(after.body, path) !== true)
        notes.push(`\`${path.split(".")[0]}\` turned off: requests are no longer logged`);
    }
    const dropped = listAt(before.body, "enabled_cluster_log_types").filter(
      (t) => !listAt(after.body, "enabled_cluster_log_types").includes(t),
    );
    if (dropped.length > 0) notes.push(`EKS control-plane logging reduced: ${dropped.join(", ")} no longer exported`);
    return notes.map((message) => note(after.address, message));
  }),
];
