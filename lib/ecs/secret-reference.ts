// What a container's `secrets[].valueFrom` may name, and the IAM resource the execution role needs
// for it. Secrets Manager appends "-" and 6 random characters to every secret's ARN; the execution
// role is granted exactly the secret (no `-??????` wildcard, which would also match a secret deleted
// and re-created under the same name), so a partial ARN would pass synth and fail at task start
// with AccessDenied.

/** arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>] */
const SECRETS_MANAGER = /^arn:([\w-]+):secretsmanager:[a-z0-9-]+:\d{12}:secret:([\w/+=.@-]+?)(:[^:]*:[\w-]*:[\w-]*)?$/;
/** Secrets Manager's suffix: a hyphen and six random letters or digits. */
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** The secret's own ARN without the JSON key, version stage and version id (ECS's valueFrom extensions). */
export function secretsManagerArn(valueFrom: string): string | undefined {
  const match = SECRETS_MANAGER.exec(valueFrom);
  return match ? valueFrom.slice(0, valueFrom.length - (match[3]?.length ?? 0)) : undefined;
}

/** Why a Secrets Manager valueFrom cannot resolve with an exact grant, or undefined (also for SSM parameter ARNs). */
export function secretReferenceProblem(valueFrom: string): string | undefined {
  if (!valueFrom.includes(":secretsmanager:")) return undefined;
  const arn = secretsManagerArn(valueFrom);
  if (!arn)
    return `"${valueFrom}" is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)`;
  if (RANDOM_SUFFIX.test(arn)) return undefined;
  const name = arn.slice(arn.indexOf(":secret:") + ":secret:".length);
  return `is a partial ARN: it names secret "${name}" without the "-" and 6 characters Secrets Manager appends to its ARN (as in ...:secret:${name}-AbCdEf); the execution role is granted exactly this ARN, so ECS would fail with AccessDenied at task start. Use the full ARN: aws secretsmanager describe-secret --secret-id ${name} --query ARN`;
}
