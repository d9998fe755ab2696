// Listener rules that can never match: the ALB evaluates a listener's rules from the lowest priority
// number up and stops at the first whose conditions all hold, so a later rule whose every request an
// earlier rule also matches gets no traffic ("Listener rules for your Application Load Balancer",
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html).
// Host patterns compare case-insensitively, path patterns case-sensitively; `*` matches zero or more
// characters and `?` exactly one (rule-condition-types.html, "Host conditions", "Path conditions").

/** The host/path part of a listener rule. An empty list is no condition: every host, or every path. */
export interface HostPathRule {
  readonly priority: number;
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
}

/** Pattern text with each run of wildcards in one order (`?` before `*`, one `*`): `*?` and `?*` match the same strings. */
function normalize(pattern: string): string {
  return pattern.replace(/[*?]+/g, (run) => {
    const singles = run.replace(/\*/g, "");
    return run.includes("*") ? `${singles}*` : singles;
  });
}

/**
 * Every string `inner` matches is matched by `outer`. Decided by matching outer against inner's text, where
 * outer's `*` may absorb any of inner's characters or wildcards, outer's `?` one character or `?`, and
 * literals only literals. Sound: true only when the inclusion holds. It can miss an inclusion that needs
 * several of outer's pieces to cover one wildcard of inner, which only ever lets a rule through.
 */
export function patternIncludes(outer: string, inner: string): boolean {
  const o = normalize(outer);
  const i = normalize(inner);
  const memo = new Map<number, boolean>();
  const match = (a: number, b: number): boolean => {
    const key = a * (i.length + 1) + b;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (a === o.length) result = b === i.length;
    else if (o[a] === "*") result = match(a + 1, b) || (b < i.length && match(a, b + 1));
    else if (b === i.length) result = false;
    else if (o[a] === "?") result = i[b] !== "*" && match(a + 1, b + 1);
    else result = i[b] !== "*" && i[b] !== "?" && o[a] === i[b] && match(a + 1, b + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/** Paths always begin with a slash, so `/*` covers every path; a host pattern needs a dot, so none covers every host. */
const ANY_PATH = "/*";
const ANY_HOST = "*";

/** `outer`'s patterns match every value `inner`'s do (an empty list meaning any value, `any` standing for it). */
function covers(outer: readonly string[], inner: readonly string[], any: string): boolean {
  if (outer.length === 0) return true;
  const wanted = inner.length === 0 ? [any] : inner;
  return wanted.every((value) => outer.some((pattern) => patternIncludes(pattern, value)));
}

/** `earlier` is evaluated first (lower priority number) and matches every request `later` matches. */
export function shadows(earlier: HostPathRule, later: HostPathRule): boolean {
  const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());
  return (
    earlier.priority < later.priority &&
    covers(lower(earlier.hosts), lower(later.hosts), ANY_HOST) &&
    covers(earlier.paths, later.paths, ANY_PATH)
  );
}

/** For each rule of one listener that an earlier rule shadows, that earlier rule (the one with the lowest priority). */
export function shadowedRules<T extends HostPathRule>(rules: readonly T[]): { rule: T; by: T }[] {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  return ordered.flatMap((rule) => {
    const by = ordered.find((earlier) => shadows(earlier, rule));
    return by ? [{ rule, by }] : [];
  });
}
