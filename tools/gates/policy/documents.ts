import { blocks, dataOf, type Located, resourcesOf, strings } from "./terraform";
import type { Block, Stack } from "./types";

// checkov's terraform_json checks do not parse policy documents held in JSON strings, so the suite
// parses them itself: literal JSON, and references to data.aws_iam_policy_document in the same stack.

/** identity: what a principal may do; trust: who may assume a role; resource: who may use a resource. */
export type DocumentKind = "identity" | "trust" | "resource";

export interface Principal {
  /** AWS, Service, Federated, CanonicalUser, or `*` for `"Principal": "*"`. */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** `statement "<sid>"` or `statement #<n>`, for messages. */
  readonly label: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

export interface PolicyDocument {
  /** The resource that carries the document (exceptions are read there). */
  readonly owner: Located;
  readonly attribute: string;
  readonly kind: DocumentKind;
  /** The data source the document came from, when it was a reference. */
  readonly via?: string;
  readonly statements: readonly Statement[];
  /** The document as written, when it was literal JSON (the scan's IAM database check reads it whole). */
  readonly literal?: Block;
}

export interface UncheckablePolicy {
  readonly owner: Located;
  readonly attribute: string;
  readonly reason: string;
}

/** Where documents live: resource type -> attribute -> kind. `inline_policy` of aws_iam_role is a block list. */
const POLICY_ATTRIBUTES: Record<string, Record<string, DocumentKind>> = {
  aws_iam_role: { assume_role_policy: "trust", "inline_policy.policy": "identity" },
  aws_iam_policy: { policy: "identity" },
  aws_iam_role_policy: { policy: "identity" },
  aws_iam_user_policy: { policy: "identity" },
  aws_iam_group_policy: { policy: "identity" },
  aws_ssoadmin_permission_set_inline_policy: { inline_policy: "identity" },
  aws_cloudwatch_log_resource_policy: { policy_document: "resource" },
  aws_opensearch_domain: { access_policies: "resource" },
  aws_opensearch_domain_policy: { access_policies: "resource" },
};

/** Any other resource's `policy` attribute is a resource policy (bucket, key, queue, topic, endpoint, registry, ...). */
const DEFAULT_ATTRIBUTES: Record<string, DocumentKind> = { policy: "resource" };

/** Types whose `policy` is not an IAM document (ECR lifecycle rules). */
const NOT_IAM_POLICY: readonly string[] = ["aws_ecr_lifecycle_policy"];

const DATA_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.(json|minified_json)\}$/;

/** Every policy document of the stack, parsed, and the ones that cannot be parsed (with why). */
export function policyDocuments(stack: Stack): { documents: PolicyDocument[]; uncheckable: UncheckablePolicy[] } {
  const documents: PolicyDocument[] = [];
  const uncheckable: UncheckablePolicy[] = [];
  for (const owner of resourcesOf(stack)) {
    if (NOT_IAM_POLICY.includes(owner.type)) continue;
    const attributes = POLICY_ATTRIBUTES[owner.type] ?? DEFAULT_ATTRIBUTES;
    for (const [attribute, kind] of Object.entries(attributes)) {
      const [outer, inner] = attribute.split(".") as [string, string | undefined];
      const values = inner ? blocks(owner.body[outer]).map((b) => b[inner]) : [owner.body[outer]];
      for (const value of values) {
        if (value === undefined || value === null || value === "") continue;
        const parsed = parseDocument(stack, value, new Set());
        if ("reason" in parsed) uncheckable.push({ owner, attribute, reason: parsed.reason });
        else documents.push({ owner, attribute, kind, via: parsed.via, statements: parsed.statements, literal: parsed.literal });
      }
    }
  }
  return { documents, uncheckable };
}

type Parsed = { statements: Statement[]; via?: string; literal?: Block } | { reason: string };

function parseDocument(stack: Stack, value: unknown, seen: Set<string>): Parsed {
  if (typeof value === "object" && value !== null) return { statements: jsonStatements(value as Block), literal: value as Block };
  if (typeof value !== "string") return { reason: `is ${typeof value}, not a policy document` };
  const reference = DATA_REFERENCE.exec(value);
  if (reference) return dataDocument(stack, reference[1]!, seen);
  if (value.trimStart().startsWith("{")) {
    try {
      const literal = JSON.parse(value) as Block;
      return { statements: jsonStatements(literal), literal };
    } catch {
      return { reason: "is not valid JSON" };
    }
  }
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return {
    reason: `is ${shown}, which the suite cannot resolve; use a data.aws_iam_policy_document in the same stack or a literal JSON document`,
  };
}

function dataDocument(stack: Stack, name: string, seen: Set<string>): Parsed {
  const address = `data.aws_iam_policy_document.${name}`;
  const source = dataOf(stack, "aws_iam_policy_document").find((d) => d.name === name);
  if (!source) return { reason: `refers to ${address}, which is not in this stack` };
  if (seen.has(address)) return { reason: `refers to ${address}, which includes itself` };
  seen.add(address);
  const statements: Statement[] = [];
  for (const attribute of ["source_policy_documents", "override_policy_documents"]) {
    for (const included of strings(source.body[attribute])) {
      const parsed = parseDocument(stack, included, seen);
      if ("reason" in parsed) return { reason: `${address}.${attribute} ${parsed.reason}` };
      statements.push(...parsed.statements);
    }
  }
  blocks(source.body.statement).forEach((s, i) => {
    statements.push({
      label: typeof s.sid === "string" ? `statement "${s.sid}"` : `statement #${i}`,
      effect: s.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      notResources: strings(s.not_resources),
      principals: blocks(s.principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
      notPrincipals: blocks(s.not_principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
      conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: strings(c.values) })),
    });
  });
  return { statements, via: address };
}

function jsonStatements(document: Block): Statement[] {
  return blocks(document.Statement).map((s, i) => ({
    label: typeof s.Sid === "string" && s.Sid ? `statement "${s.Sid}"` : `statement #${i}`,
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principals: jsonPrincipals(s.Principal),
    notPrincipals: jsonPrincipals(s.NotPrincipal),
    conditions: Object.entries((s.Condition as Record<string, Record<string, unknown>> | undefined) ?? {}).flatMap(([test, entries]) =>
      Object.entries(entries ?? {}).map(([variable, values]) => ({ test, variable, values: strings(values).concat(scalars(values)) })),
    ),
  }));
}

function scalars(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v) => typeof v === "number" || typeof v === "boolean").map(String);
}

function jsonPrincipals(value: unknown): Principal[] {
  if (value === undefined) return [];
  if (value === "*") return [{ type: "*", identifiers: ["*"] }];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value as Record<string, unknown>).map(([type, ids]) => ({ type, identifiers: strings(ids) }));
}

/** Whether a statement applies to everyone: `Principal: "*"` or `{"AWS": "*"}`. */
export function isPublic(principals: readonly Principal[]): boolean {
  return principals.some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"));
}

/** `where` for messages: `aws_iam_role.x assume_role_policy (via data.aws_iam_policy_document.y) statement "Sid"`. */
export function describe(document: PolicyDocument, statement: Statement): string {
  return `${document.attribute}${document.via ? ` (${document.via})` : ""} ${statement.label}`;
}
