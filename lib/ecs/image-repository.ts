import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { protectFromDestroy } from "../protection";
import { assertProps } from "../validation";

export interface ImageRepositoryProps {
  /** Repository name, e.g. prod/api. */
  readonly repositoryName: string;
  readonly kmsKeyArn: string;
  /** Images kept; older ones expire (a rollback needs the recent ones). */
  readonly keepLastImages: number;
  /** Production: prevent_destroy, and deleting a repository that holds images is refused. */
  readonly production: boolean;
}

/** An ECR repository (lesson 12): scan on push, immutable tags, KMS, lifecycle keeping the last N images. */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    assertProps(this, [
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
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${props.keepLastImages} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepLastImages },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
