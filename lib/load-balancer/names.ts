import { createHash } from "node:crypto";

/** Load balancer and target group names: at most 32 characters; longer ones keep a prefix and a stable hash. */
export function elbName(name: string): string {
  if (name.length <= 32) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, 25).replace(/-+$/, "")}-${hash}`;
}
