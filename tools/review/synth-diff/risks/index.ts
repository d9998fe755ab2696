import { compareText } from "../../../../lib/order";
import type { Downstream, Replacement, Risk, StackDiff } from "../types";
import type { RiskRule } from "./context";
import { encryptionAndLogging } from "./encryption-logging";
import { natGateways } from "./nat-gateways";
import { networkInterfaces } from "./network-interfaces";
import { permissions } from "./permissions";
import { planErrors } from "./plan-errors";
import { protection } from "./protection";
import { publicIngress } from "./public-ingress";
import { scaling } from "./scaling";
import { timeouts } from "./timeouts";

/** Every kind of risk note; add a rule here to extend the report. */
export const RISK_RULES: readonly RiskRule[] = [
  publicIngress,
  permissions,
  protection,
  natGateways,
  scaling,
  timeouts,
  encryptionAndLogging,
  networkInterfaces,
  planErrors,
];

/** The risk notes of every stack, by stack, then address, then message. */
export function findRisks(
  stacks: readonly StackDiff[],
  replacements: readonly Replacement[] = [],
  downstream: readonly Downstream[] = [],
): Risk[] {
  const context = { replacements, downstream };
  const risks = stacks.flatMap((stack) =>
    RISK_RULES.flatMap((rule) => rule(stack, (address, message) => ({ stack: stack.name, address, message }), context)),
  );
  return risks.sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address) || compareText(a.message, b.message));
}
