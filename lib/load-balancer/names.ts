import { createHash } from "node:crypto";

/** Load balancer and target group names: at most 32 characters; longer ones keep a prefix and a stable hash. */
export function elbName(name: string): string {
  if (name.length <= 32) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, 25).replace(/-+$/, "")}-${hash}`;
}

/**
 * The arguments of a target group that force its replacement and that synth knows (the AWS provider's
 * internal/service/elbv2/target_group.go marks port, protocol, protocol_version, target_type, vpc_id,
 * ip_address_type, name and name_prefix ForceNew). vpc_id is a cross-stack reference, unknown at synth;
 * a new VPC replaces the whole layer anyway.
 */
export interface TargetGroupIdentity {
  readonly protocol: string;
  readonly port: number;
  readonly targetType: string;
}

/**
 * A target group name that changes whenever the group must be replaced: `<base>-<6 hex>`, at most 32
 * characters. With create_before_destroy the new group is created under its new name while the old one
 * still holds the old name and its listener, so a changed containerPort applies in one run (a fixed name
 * fails: AWS refuses the duplicate name, and the old group while a listener uses it).
 */
export function targetGroupName(base: string, identity: TargetGroupIdentity): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([base, identity.protocol, identity.port, identity.targetType]))
    .digest("hex")
    .slice(0, 6);
  return `${base.slice(0, 25).replace(/-+$/, "")}-${hash}`;
}
