import { TerraformElement } from "cdktf";
import type { Construct } from "constructs";
import { assertProps } from "./validation";

export interface ForgottenResourceProps {
  /** Address the resource had in this stack's state, e.g. aws_eks_access_entry.access_node-0_17885E8B. */
  readonly address: string;
  /** Why it must outlive its removal from the code; written into the block as a JSON comment. */
  readonly reason: string;
}

/**
 * A Terraform `removed` block with `destroy = false` (Terraform 1.7+): the next apply drops the resource
 * from the state and leaves it in AWS. For a resource the code stops managing while something outside
 * Terraform still depends on it; a plain deletion from the code would destroy it.
 */
export class ForgottenResource extends TerraformElement {
  private readonly props: ForgottenResourceProps;

  constructor(scope: Construct, id: string, props: ForgottenResourceProps) {
    super(scope, id, "removed");
    assertProps(this, [
      !/^aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/.test(props.address) &&
        `address: "${props.address}" is not a resource address such as aws_iam_role.name_1234ABCD`,
    ]);
    this.props = props;
  }

  override toTerraform(): Record<string, unknown> {
    return { removed: [{ "//": this.props.reason, from: this.props.address, lifecycle: { destroy: false } }] };
  }
}
