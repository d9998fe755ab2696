// ECR's lifecycle policy evaluator as the ECR user guide states it ("Lifecycle policy evaluation rules",
// "Lifecycle policy properties"), for tests that ask which images a synthesized policy expires:
// - every rule selects its images; they are then applied by rulePriority, lowest first;
// - an image that matches the tagging requirements of a higher-priority rule is never expired by a lower one,
//   and an image is expired by one rule at most;
// - tagPatternList / tagPrefixList: an image is selected if every listed pattern (prefix) matches one of its tags;
// - imageCountMoreThan: images sorted youngest to oldest by push time, those beyond countNumber expire;
// - sinceImagePushed: images pushed more than countNumber days before `now` expire.
import { matchesEcrTagPattern } from "../lib/ecs/ecr-tag-pattern";

export interface RepositoryImage {
  readonly id: string;
  readonly tags: readonly string[];
  /** Push time in days, larger is newer. */
  readonly pushedAtDay: number;
}

interface Rule {
  rulePriority: number;
  selection: {
    tagStatus: "tagged" | "untagged" | "any";
    tagPatternList?: string[];
    tagPrefixList?: string[];
    countType: "imageCountMoreThan" | "sinceImagePushed";
    countNumber: number;
  };
  action: { type: string };
}

function selects(rule: Rule, image: RepositoryImage): boolean {
  const { tagStatus, tagPatternList, tagPrefixList } = rule.selection;
  if (tagStatus === "any") return true;
  if (tagStatus === "untagged") return image.tags.length === 0;
  if (tagPatternList) return tagPatternList.every((p) => image.tags.some((tag) => matchesEcrTagPattern(p, tag)));
  return (tagPrefixList ?? []).every((p) => image.tags.some((tag) => tag.startsWith(p)));
}

/** The ids of the images the policy expires, evaluated at day `now`. */
export function expiredImages(policyJson: string, images: readonly RepositoryImage[], now: number): Set<string> {
  const rules = (JSON.parse(policyJson) as { rules: Rule[] }).rules.sort((a, b) => a.rulePriority - b.rulePriority);
  const anyRules = rules.filter((r) => r.selection.tagStatus === "any");
  if (anyRules.length > 1 || (anyRules.length === 1 && rules.at(-1) !== anyRules[0])) {
    throw new Error("a rule with tagStatus any must be the only one and have the highest rulePriority");
  }
  const expired = new Set<string>();
  rules.forEach((rule, index) => {
    const higher = rules.slice(0, index);
    const selected = images.filter((image) => selects(rule, image)).sort((a, b) => b.pushedAtDay - a.pushedAtDay);
    const { countType, countNumber } = rule.selection;
    const candidates =
      countType === "imageCountMoreThan" ? selected.slice(countNumber) : selected.filter((i) => now - i.pushedAtDay > countNumber);
    for (const image of candidates) {
      if (rule.action.type !== "expire" || expired.has(image.id)) continue;
      if (higher.some((h) => selects(h, image))) continue;
      expired.add(image.id);
    }
  });
  return expired;
}
