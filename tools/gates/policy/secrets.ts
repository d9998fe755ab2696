import { isSecretName, secretsIn } from "../../../lib/secret-looking";
import { defineRule } from "./terraform";
import type { Stack } from "./types";

// Synthesized JSON is committed, reviewed and uploaded as CI artifacts: a secret in it is a leaked secret.
// The scan walks every string of the stack (cdktf's "//" metadata and justifications excepted).

// The detection itself lives in lib/secret-looking.ts, shared with the config guard (one source).
export { entropy, isSecretName, secretsIn } from "../../../lib/secret-looking";

/** Keys whose values are digests, not secrets. */
const DIGEST_KEY = /(hash|etag|checksum|fingerprint|thumbprint|digest)/i;

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
