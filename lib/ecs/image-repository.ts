import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";
import { ecrTagPatternProblem, matchesEcrTagPattern } from "./ecr-tag-pattern";

export interface ImageRepositoryProps {
  /** Repository name, e.g. prod/api. */
  readonly repositoryName: string;
  readonly kmsKeyArn: string;
  /** Images kept; older ones expire (a rollback needs the recent ones). */
  readonly keepLastImages: number;
  /** The tag the environment deploys; it never expires. @default - no deployed tag (nothing beyond protectedTagPatterns is kept) */
  readonly deployedTag?: string;
  /**
   * Tag patterns (`*` wildcards, at most 4 each) whose images never expire, e.g. every release a rollback may
   * need; one of them must match deployedTag. @default - deployedTag alone
   */
  readonly protectedTagPatterns?: readonly string[];
  /** Production: prevent_destroy, and deleting a repository that holds images is refused. */
  readonly production: boolean;
}

/**
 * A protecting rule keeps this many matching images before it would expire any: above ECR's default
 * images-per-repository quota (100,000), so it never expires one (cloudposse/terraform-aws-ecr uses 999999 too).
 */
const NEVER_EXPIRE_COUNT = 999_999;

/**
 * An ECR repository (lesson 12): scan on push, immutable tags, KMS, lifecycle keeping the last N images
 * and, whatever CI pushes, every image whose tag the environment deploys or protects.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const protectedPatterns = [...new Set(props.protectedTagPatterns ?? (props.deployedTag ? [props.deployedTag] : []))];
    assertProps(this, [
      ...protectedPatterns.map((pattern) => ecrTagPatternProblem(pattern)),
      props.deployedTag !== undefined &&
        !protectedPatterns.some((pattern) => matchesEcrTagPattern(pattern, props.deployedTag!)) &&
        `protectedTagPatterns (${protectedPatterns.join(", ")}) do not match the deployed tag "${props.deployedTag}", so the lifecycle policy could expire the image the service runs; add a pattern that matches it`,
      (!Number.isInteger(props.keepLastImages) || props.keepLastImages < 1) &&
        `keepLastImages (${props.keepLastImages}) must be a whole number, at least 1`,
      !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(props.repositoryName) &&
        `repositoryName "${props.repositoryName}" is not an ECR repository name; use lowercase letters, digits, ._- and /`,
    ]);
    this.repository = protectFromDestroy(
      new EcrRepository(this, "repository", {
        name: props.repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
        // Outside production `terraform destroy` may delete a repository that still holds images.
        forceDelete: !props.production,
      }),
      props.production,
    );
    // ECR applies rules by priority, and an image that matches the tags of a higher-priority rule is never
    // expired by a lower one: the protecting rules come first, the "any" rule (which must be last) thins the rest.
    const protect = protectedPatterns.map((pattern, i) => ({
      rulePriority: i + 1,
      description: `Never expire images tagged ${pattern}`,
      selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber: NEVER_EXPIRE_COUNT },
      action: { type: "expire" },
    }));
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          ...protect,
          {
            rulePriority: protect.length + 1,
            description: `Keep the last ${props.keepLastImages} images${protect.length ? " and the protected tags" : ""}`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepLastImages },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
