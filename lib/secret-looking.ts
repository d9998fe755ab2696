// What looks like a secret: one definition for the config guard that refuses secret-looking plain
// environment values at synth (config/ecs-guards.ts) and the policy suite that scans the synthesized JSON
// (tools/gates/policy/secrets.ts, compute.ts POL-ECS-5), so both always agree.

const PATTERNS: readonly (readonly [string, RegExp])[] = [
  ["an AWS access key id", /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/],
  ["a private key block", /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/],
  ["a GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["credentials in a URL", /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@${}]+:[^\s@/${}]+@/i],
  [
    "a password/secret/token assignment",
    /(?<![a-z0-9])(password|passwd|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?(?!\$\{)[^\s"',;{}]{6,}/i,
  ],
];

/** Attribute or variable names that say "this is a secret". */
const SECRET_NAME =
  /(^|[_-])(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key|secret[_-]?key)([_-]|$)/i;

/** Whether a name (attribute, environment variable) says its value is secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/([a-z])([A-Z])/g, "$1_$2"));
}

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** What secret-looking content a string holds (empty when none). References `${...}`, ARNs and S3 URIs are not secrets. */
export function secretsIn(text: string): string[] {
  // References, ARNs and digests are long and random-looking (and ARNs contain ":secret:") but public.
  // S3 URIs go first, whole: their hive-style paths (aws-account-id=.../year=...) are long but public.
  const literal = text
    .replace(/s3:\/\/[^\s"',]*/g, " ")
    .replace(/\$\{[^}]*\}/g, " ")
    .replace(/arn:aws[a-z-]*:[^\s"',]*/g, " ")
    .replace(/sha(256|512):[0-9a-f]+/gi, " ");
  const found = PATTERNS.filter(([, pattern]) => pattern.test(literal)).map(([what]) => what);
  for (const token of literal.match(/[A-Za-z0-9+/_=-]{32,}/g) ?? []) {
    if (/^[0-9a-f]+$/i.test(token)) continue;
    if (/[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token) && entropy(token) >= 4.5) {
      found.push(`a high-entropy string (${token.slice(0, 6)}..., ${entropy(token).toFixed(1)} bits/char)`);
      break;
    }
  }
  return [...new Set(found)];
}
