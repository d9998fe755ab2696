import type { TerraformResource } from "cdktf";

/**
 * Marks a stateful resource (bucket, KMS key, log group, state) so that `terraform destroy` or a
 * replacing change fails in production instead of deleting data. Outside production it is a no-op,
 * so dev environments stay disposable.
 */
export function protectFromDestroy<T extends TerraformResource>(resource: T, production: boolean): T {
  if (production) resource.lifecycle = { ...resource.lifecycle, preventDestroy: true };
  return resource;
}
