import { defineRule } from "./terraform";
import type { Stack } from "./types";

// Synthesized JSON is committed, reviewed and uploaded as CI artifacts: a secret in it is a leaked secret.
// The scan walks every string of the stack (cdktf's "//" metadata and justifications excepted).

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

/** Keys whose values are digests, not secrets. */
const DIGEST_KEY = /(hash|etag|checksum|fingerprint|thumbprint|digest)/i;

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

function isLiteralSecretValue(value: string): boolean {
  return value.trim() !== "" && !/^\$\{[^}]*\}$/.test(value) && !value.startsWith("arn:");
}

function decodedUserData(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return Buffer.from(value, "base64").toString("utf8");
}

/** Terraform address of a JSON path: resource.<type>.<name>... -> <type>.<name>, data.<type>.<name>, else the dotted head. */
function addressOf(path: readonly string[]): string {
  if (path[0] === "resource" && path.length >= 3) return `${path[1]}.${path[2]}`;
  if (path[0] === "data" && path.length >= 3) return `data.${path[1]}.${path[2]}`;
  return path.slice(0, 2).join(".");
}

export const noSecrets = defineRule({
  id: "POL-SEC-1",
  title: "No secrets in synthesized output (access keys, private keys, tokens, literal passwords, high-entropy strings)",
  rationale: "Synth output is committed, diffed in pull requests and kept as CI artifacts; pass secrets by reference.",
  source: "field-notes #9 (everything reviewed as code, so nothing secret may be in the code); AWS Security Hub ECS.8",
  check(stack: Stack, report) {
    const visit = (value: unknown, path: string[]) => {
      // depends_on and replace_triggered_by hold bare addresses (cdktf ids look random), never literal values.
      if (path[3] === "depends_on" || (path[3] === "lifecycle" && path[4] === "replace_triggered_by")) return;
      if (typeof value === "string") {
        const key = path[path.length - 1] ?? "";
        if (DIGEST_KEY.test(key)) return;
        const where = path.slice(path[0] === "resource" || path[0] === "data" ? 3 : 2).join(".");
        if (isSecretName(key) && isLiteralSecretValue(value)) {
          report(addressOf(path), `${where} holds a literal value; pass the secret by reference (Secrets Manager, SSM, a variable)`);
          return;
        }
        const decoded = /user_data/.test(key) ? decodedUserData(value) : undefined;
        for (const what of secretsIn(decoded ?? value))
          report(addressOf(path), `${where}${decoded ? " (base64-decoded)" : ""} contains ${what}`);
        return;
      }
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) visit(v, [...path, String(i)]);
      } else if (typeof value === "object" && value !== null) {
        for (const [k, v] of Object.entries(value)) if (k !== "//") visit(v, [...path, k]);
      }
    };
    visit(stack.terraform, []);
  },
});

export const SECRET_RULES = [noSecrets];
