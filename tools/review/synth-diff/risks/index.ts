import { compareText } from "../../../../lib/order";
import type { Risk, StackDiff } from "../types";
import type { RiskRule } from "./context";
import { encryptionAndLogging } from "./encryption-logging";
import { natGateways } from "./nat-gateways";
import { protection } from "./protection";
import { publicIngress } from "./public-ingress";
import { scaling } from "./scaling";
import { timeouts } from "./timeouts";

/** Every kind of risk note; add a rule here to extend the report. */
export const RISK_RULES: readonly RiskRule[] = [publicIngress, protection, natGateways, scaling, timeouts, encryptionAndLogging];

/** The risk notes of every stack, by stack, then address, then message. */
export function findRisks(stacks: readonly StackDiff[]): Risk[] {
  const risks = stacks.flatMap((stack) =>
    RISK_RULES.flatMap((rule) => rule(stack, (address, message) => ({ stack: stack.name, address, message }))),
  );
  return risks.sort((a, b) => compareText(a.stack, b.stack) || compareText(a.address, b.address) || compareText(a.message, b.message));
}
