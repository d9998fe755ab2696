import type { TerraformResource } from "cdktf";
import { compareText } from "./order";
import { PropsError } from "./validation";

/** A written reason why a resource does not follow a checkov check or a policy-suite rule. */
export interface Justification {
  /** checkov check id (CKV_AWS_18) or policy-suite rule id (POL-S3-1). */
  readonly rule: string;
  readonly reason: string;
}

const justified = new WeakMap<TerraformResource, Justification[]>();

/**
 * Records, next to the resource in code, why it is exempt from `rule`. The reason is synthesized into
 * the resource's "//" comment block (ignored by Terraform), where `npm run scan` reads it: a suppression
 * without a written reason cannot exist.
 */
export function justify(resource: TerraformResource, rule: string, reason: string): void {
  if (!/^(CKV2?_[A-Z0-9]+_\d+|POL-[A-Z0-9]+-\d+)$/.test(rule)) {
    throw new PropsError(resource, `justify(): "${rule}" is not a checkov id (CKV_AWS_18) or policy rule id (POL-S3-1)`);
  }
  if (reason.trim().length < 20) {
    throw new PropsError(resource, `justify(${rule}): write the reason in a sentence (at least 20 characters)`);
  }
  const list = justified.get(resource) ?? [];
  list.push({ rule, reason: reason.trim() });
  list.sort((a, b) => compareText(a.rule, b.rule));
  justified.set(resource, list);
  resource.addOverride("//.justifications", list);
}
