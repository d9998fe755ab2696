/** Synthesized Terraform JSON of one stack, as cdktf writes it to cdk.tf.json. */
export interface TerraformJson {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  provider?: Record<string, Block[]>;
  [key: string]: unknown;
}

/** One resource or data block's body. */
export type Block = Record<string, unknown>;

/** What the runner is given: a stack's name, its synthesized JSON, and whether its environment is production. */
export interface StackInput {
  readonly name: string;
  readonly terraform: object;
  /** The environment has `production: true`: data-loss guards apply. @default false */
  readonly production?: boolean;
}

/** What rules see: the same stack, normalized. */
export interface Stack {
  readonly name: string;
  readonly terraform: TerraformJson;
  readonly production: boolean;
}

/** One rule broken at one address. */
export interface Finding {
  /** Rule id, `POL-<AREA>-<n>`. */
  readonly rule: string;
  readonly stack: string;
  /** Terraform address: `aws_s3_bucket.logs_1234`, `data.aws_iam_policy_document.x`, or `provider.aws[0]`. */
  readonly address: string;
  readonly message: string;
}

export interface Rule {
  /** `POL-<AREA>-<n>`; the id `justify(resource, id, reason)` names. */
  readonly id: string;
  /** What the rule requires, in one line. */
  readonly title: string;
  /** Why, in one line. */
  readonly rationale: string;
  /** Field-notes lesson (`field-notes #9`) or AWS control (`Security Hub S3.5`) it comes from. */
  readonly source: string;
  check(stack: Stack): Finding[];
}
