// ECR lifecycle `tagPatternList` patterns: image-tag characters and `*` wildcards (any run of
// characters, also none), at most four wildcards per pattern (ECR user guide, "Lifecycle policy properties").

export const ECR_TAG_PATTERN_MAX_WILDCARDS = 4;

/** Why a pattern is not an ECR tag pattern that protects some but not all tags, or undefined. */
export function ecrTagPatternProblem(pattern: string): string | undefined {
  if (!/^[\w.*-]{1,128}$/.test(pattern)) {
    return `"${pattern}" is not an ECR tag pattern; use 1-128 tag characters (letters, digits, _ . -) and * wildcards, e.g. v* or *.*.*`;
  }
  const wildcards = pattern.split("*").length - 1;
  if (wildcards > ECR_TAG_PATTERN_MAX_WILDCARDS) {
    return `"${pattern}" has ${wildcards} wildcards; ECR allows at most ${ECR_TAG_PATTERN_MAX_WILDCARDS} per pattern`;
  }
  if (/^\**$/.test(pattern)) {
    return `"${pattern}" matches every tag, so no tagged image would ever expire and the repository grows until pushes fail; protect the release tags only, e.g. v* or *.*.*`;
  }
  return undefined;
}

/** Whether ECR's pattern matching selects this tag: `*` matches any characters, everything else itself. */
export function matchesEcrTagPattern(pattern: string, tag: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(tag);
}
