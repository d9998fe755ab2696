import { type Block, dataOf, type PolicyDocument, policyDocuments, resourcesOf, type Stack, type Statement } from "../policy";

// What the AWS-definitions step checks, taken out of one stack's Terraform JSON. Terraform's structure
// (data sources, JSON strings, references) is resolved here, with the policy suite's document parser;
// tools/gates/scan/aws_models.py only judges the payloads against botocore's models and parliament's database.

export type PayloadType = "ecs-task-definition" | "wafv2-web-acl" | "event-rule" | "iam-policy";

export interface Payload {
  readonly type: PayloadType;
  readonly stack: string;
  /** Terraform address of the resource (or data source) that carries the payload. */
  readonly address: string;
  readonly attribute: string;
  /** Where the document came from, when it was a data source. */
  readonly via?: string;
  /** The resource's arguments (ECS, WAF, EventBridge) or the IAM policy document as JSON. */
  readonly value: Block;
  /** aws_ecs_task_definition: the parsed container_definitions JSON string. */
  readonly containerDefinitions?: unknown;
  /** iam-policy: identity, trust or resource policy. */
  readonly documentKind?: string;
}

/** A payload that cannot be handed to the models at all (not JSON), reported like any finding. */
export interface ExtractionFinding {
  readonly stack: string;
  readonly address: string;
  readonly attribute: string;
  readonly code: "JSON_INVALID" | "IAM_UNCHECKABLE";
  readonly message: string;
}

/** Meta-arguments and provider-only arguments that no API shape has. */
const NOT_API = new Set(["//", "tags", "tags_all", "depends_on", "lifecycle", "provider", "count", "for_each", "timeouts"]);

/**
 * JSON strings whose content no botocore shape describes (the ECR lifecycle policy grammar, an add-on's
 * configuration schema that only DescribeAddonConfiguration returns): checked to parse, nothing more.
 */
const JSON_ONLY: readonly (readonly [string, string])[] = [
  ["aws_ecr_lifecycle_policy", "policy"],
  ["aws_eks_addon", "configuration_values"],
];

function apiArguments(body: Block): Block {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !NOT_API.has(key)));
}

function isReference(value: string): boolean {
  return /^\$\{[^}]*\}$/.test(value.trim());
}

/** Every payload of the stack the AWS-definitions step checks, and what could not be extracted. */
export function awsPayloads(stack: Stack): { payloads: Payload[]; findings: ExtractionFinding[] } {
  const payloads: Payload[] = [];
  const findings: ExtractionFinding[] = [];
  const base = { stack: stack.name };

  for (const r of resourcesOf(stack, "aws_ecs_task_definition")) {
    const text = r.body.container_definitions;
    if (typeof text !== "string" || isReference(text)) continue;
    try {
      const containerDefinitions: unknown = JSON.parse(text);
      payloads.push({
        ...base,
        type: "ecs-task-definition",
        address: r.address,
        attribute: "container_definitions",
        value: apiArguments(r.body),
        containerDefinitions,
      });
    } catch (e) {
      findings.push({
        ...base,
        address: r.address,
        attribute: "container_definitions",
        code: "JSON_INVALID",
        message: `is not JSON: ${(e as Error).message}`,
      });
    }
  }
  for (const r of resourcesOf(stack, "aws_wafv2_web_acl")) {
    payloads.push({ ...base, type: "wafv2-web-acl", address: r.address, attribute: "(arguments)", value: apiArguments(r.body) });
  }
  for (const r of resourcesOf(stack, "aws_cloudwatch_event_rule")) {
    const pattern = r.body.event_pattern;
    if (typeof pattern === "string" && !isReference(pattern)) {
      try {
        JSON.parse(pattern);
      } catch (e) {
        findings.push({
          ...base,
          address: r.address,
          attribute: "event_pattern",
          code: "JSON_INVALID",
          message: `is not JSON: ${(e as Error).message}`,
        });
        continue;
      }
    }
    payloads.push({ ...base, type: "event-rule", address: r.address, attribute: "(arguments)", value: apiArguments(r.body) });
  }

  // JSON strings without an API shape of their own: they must at least parse.
  for (const [type, attribute] of JSON_ONLY) {
    for (const r of resourcesOf(stack, type)) {
      const text = r.body[attribute];
      if (typeof text !== "string" || isReference(text)) continue;
      try {
        JSON.parse(text);
      } catch (e) {
        findings.push({ ...base, address: r.address, attribute, code: "JSON_INVALID", message: `is not JSON: ${(e as Error).message}` });
      }
    }
  }

  const { documents, uncheckable } = policyDocuments(stack);
  for (const document of documents) payloads.push(iamPayload(stack.name, document));
  for (const u of uncheckable) {
    findings.push({ ...base, address: u.owner.address, attribute: u.attribute, code: "IAM_UNCHECKABLE", message: u.reason });
  }
  // A policy document data source no resource uses is still a policy someone may attach later.
  const used = new Set(documents.map((d) => d.via));
  for (const data of dataOf(stack, "aws_iam_policy_document")) {
    if (used.has(data.address)) continue;
    const probe = { resource: { unused: { document: { policy: `\${${data.address}.json}` } } } };
    const statements = policyDocuments({ ...stack, terraform: { ...stack.terraform, ...probe } });
    for (const d of statements.documents) {
      payloads.push({ ...iamPayload(stack.name, d), address: data.address, attribute: "json", via: undefined, documentKind: "identity" });
    }
  }
  return { payloads, findings };
}

function iamPayload(stack: string, document: PolicyDocument): Payload {
  return {
    type: "iam-policy",
    stack,
    address: document.owner.address,
    attribute: document.attribute,
    via: document.via,
    documentKind: document.kind,
    value: document.literal ?? { Version: "2012-10-17", Statement: document.statements.map(jsonStatement) },
  };
}

/** A data.aws_iam_policy_document statement in IAM's JSON grammar (what the data source renders). */
function jsonStatement(s: Statement): Block {
  const out: Block = { Effect: s.effect };
  const sid = /^statement "(.*)"$/.exec(s.label)?.[1];
  if (sid) out.Sid = sid;
  if (s.actions.length) out.Action = [...s.actions];
  if (s.notActions.length) out.NotAction = [...s.notActions];
  if (s.resources.length) out.Resource = [...s.resources];
  if (s.notResources.length) out.NotResource = [...s.notResources];
  const principals = (list: Statement["principals"]) =>
    list.some((p) => p.type === "*") ? "*" : Object.fromEntries(list.map((p) => [p.type, [...p.identifiers]]));
  if (s.principals.length) out.Principal = principals(s.principals);
  if (s.notPrincipals.length) out.NotPrincipal = principals(s.notPrincipals);
  if (s.conditions.length) {
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const c of s.conditions) {
      conditions[c.test] ??= {};
      conditions[c.test]![c.variable] = [...(conditions[c.test]![c.variable] ?? []), ...c.values];
    }
    out.Condition = conditions;
  }
  return out;
}
