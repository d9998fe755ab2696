import type { CostDiff } from "../cost";

/** One resource or data block's body, as cdktf writes it to cdk.tf.json. */
export type Block = Record<string, unknown>;

/** A path into a block: attribute names and list indices (JSON-string attributes are entered like objects). */
export type Path = readonly (string | number)[];

/** One attribute-level difference. `old` is absent for `added`, `new` for `removed`. */
export interface AttributeChange {
  readonly kind: "added" | "removed" | "changed";
  readonly path: Path;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** A resource (`type.name`) or data source (`data.type.name`) of one stack. */
export interface Item {
  readonly address: string;
  readonly type: string;
  /** Body without the "//" metadata, JSON strings parsed. */
  readonly body: Block;
  /** The justify() suppressions in its "//" block: reason by rule id. */
  readonly justifications: Readonly<Record<string, string>>;
  /** Whether it is a data source: data sources are read, never replaced. */
  readonly data: boolean;
}

export interface ChangedItem {
  readonly address: string;
  readonly type: string;
  /** Address before a declared state move (`moved` block, `moveTo()`), when there was one. */
  readonly movedFrom?: string;
  readonly old: Item;
  readonly new: Item;
  readonly changes: readonly AttributeChange[];
  /**
   * Edits of attributes under the new configuration's `lifecycle.ignore_changes`: Terraform does not apply them
   * (design contract 8), so they raise no replacement or risk note. `new.body` holds the old values there.
   * @default - none
   */
  readonly ignored?: readonly AttributeChange[];
  /** One line per justification added, removed or reworded. */
  readonly justificationChanges: readonly string[];
}

/** A removed and an added resource that differ only in name: Terraform destroys and recreates it. */
export interface Rename {
  readonly type: string;
  readonly from: string;
  readonly to: string;
}

export interface StackDiff {
  readonly name: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly added: readonly Item[];
  readonly removed: readonly Item[];
  readonly changed: readonly ChangedItem[];
  readonly renamed: readonly Rename[];
  /**
   * Removed addresses that a `removed` block with `destroy = false` drops from the state: left in AWS, not destroyed.
   * @default - none
   */
  readonly forgotten?: readonly string[];
  /** Changes outside resources and data sources: terraform (backend, versions), provider, output, ... */
  readonly settings: readonly AttributeChange[];
  /** The stack's items before and after (empty on the missing side), for checks over the whole stack. */
  readonly oldItems: readonly Item[];
  readonly newItems: readonly Item[];
}

/** A change that makes Terraform destroy and recreate a resource (or register a new revision). */
export interface Replacement {
  readonly stack: string;
  readonly address: string;
  /** Attribute paths that force it, rendered. */
  readonly attributes: readonly string[];
  /** What happens, in plain words. */
  readonly effect: string;
  /**
   * `replace`: destroy and recreate; `revision`: a new immutable revision, the consumer updates in place;
   * `consequence`: replaced because a value it references in a replacing attribute changes (a replaced resource's id).
   */
  readonly kind: "replace" | "revision" | "rename" | "consequence";
}

/** A resource of another stack that changes when that stack is next deployed, because upstream outputs it reads change. */
export interface Downstream {
  /** The downstream stack (deployed after the upstream one). */
  readonly stack: string;
  readonly address: string;
  /** Attribute paths that read the changing outputs. */
  readonly attributes: readonly string[];
  /** The upstream stacks whose outputs change. */
  readonly upstream: readonly string[];
  /** What upstream causes it, as `<stack> <address>` (a replaced subnet, ...). */
  readonly sources: readonly string[];
  /** Whether the change replaces it (the replacement is listed too). */
  readonly replaced: boolean;
}

/** A change a reviewer must not miss, in plain words. */
export interface Risk {
  readonly stack: string;
  /** Resource address, or the stack itself for stack-wide notes. */
  readonly address: string;
  readonly message: string;
}

export interface SynthDiff {
  readonly stacks: readonly StackDiff[];
  /** The monthly cost estimate before and after (tools/review/cost), or why there is none. */
  readonly cost?: CostDiff | { readonly error: string };
  readonly replacements: readonly Replacement[];
  readonly risks: readonly Risk[];
  /** Resources of stacks that read changing outputs: they change at their own deploy, not in this diff. */
  readonly downstream: readonly Downstream[];
  /** Changed resource types the replacement table does not know (replacement not checked for them). */
  readonly uncheckedTypes: readonly string[];
}
