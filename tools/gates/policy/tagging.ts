import { TAGGABLE_TYPES } from "./provider-lists.generated";
import { blocks, defineRule, isTrue, resourcesOf } from "./terraform";
import type { Block, Stack } from "./types";

/** Tags every resource carries through the provider's default_tags (config/schema.ts RESERVED_TAG_KEYS). */
export const REQUIRED_TAG_KEYS = ["environment", "managed-by", "repository"] as const;

/**
 * Resource types whose tags the provider's default_tags do not reach, with the attribute that carries
 * them instead. aws_autoscaling_group tags propagate to instances through its own `tag` blocks.
 */
export const PROVIDER_UNTAGGED: Readonly<Record<string, string>> = { aws_autoscaling_group: "tag" };

interface AwsProvider {
  readonly address: string;
  readonly alias: string | undefined;
  readonly tags: Record<string, unknown>;
}

function awsProviders(stack: Stack): AwsProvider[] {
  return (stack.terraform.provider?.aws ?? []).map((p: Block, i) => ({
    address: typeof p.alias === "string" ? `provider.aws.${p.alias}` : `provider.aws[${i}]`,
    alias: typeof p.alias === "string" ? p.alias : undefined,
    tags: Object.assign({}, ...blocks(p.default_tags).map((d) => (d.tags as Record<string, unknown>) ?? {})),
  }));
}

/** The provider a resource uses: `provider = "aws.<alias>"`, else the unaliased one. */
function providerOf(providers: AwsProvider[], body: Block): AwsProvider | undefined {
  const alias = typeof body.provider === "string" ? /^aws\.(.+)$/.exec(body.provider)?.[1] : undefined;
  return providers.find((p) => p.alias === alias);
}

export const providerDefaultTags = defineRule({
  id: "POL-TAG-1",
  title: "Every AWS provider sets default_tags environment, managed-by and repository (environment = the stack's environment)",
  rationale: "Cost reports, ownership and incident routing rely on every resource saying where it belongs.",
  source: "AWS Tagging Best Practices; field-notes #9 (everything in code, attributable)",
  check(stack, report) {
    const providers = awsProviders(stack);
    if (providers.length === 0 && resourcesOf(stack).some((r) => r.type.startsWith("aws_"))) {
      report("provider.aws", "is not configured; configure it with default_tags");
    }
    for (const provider of providers) {
      const missing = REQUIRED_TAG_KEYS.filter((k) => typeof provider.tags[k] !== "string" || provider.tags[k] === "");
      if (missing.length) report(provider.address, `default_tags lacks ${missing.join(", ")}`);
      const environment = provider.tags.environment;
      if (typeof environment === "string" && environment !== "" && !stack.name.startsWith(`${environment}-`)) {
        report(provider.address, `default_tags environment is "${environment}" but the stack is ${stack.name}`);
      }
    }
  },
});

export const noTagOverrides = defineRule({
  id: "POL-TAG-2",
  title: "No taggable resource overrides a required default tag with a different value",
  rationale: "A resource-level tag wins over default_tags; a different environment or repository tag misroutes cost and ownership.",
  source: "AWS Tagging Best Practices",
  check(stack, report) {
    const providers = awsProviders(stack);
    for (const resource of resourcesOf(stack)) {
      if (!TAGGABLE_TYPES.has(resource.type)) continue;
      const tags = resource.body.tags;
      if (typeof tags !== "object" || tags === null) continue;
      const defaults = providerOf(providers, resource.body)?.tags ?? {};
      for (const key of REQUIRED_TAG_KEYS) {
        const value = (tags as Record<string, unknown>)[key];
        if (value !== undefined && value !== defaults[key]) {
          report(
            resource.address,
            `tags.${key} is "${String(value)}" but default_tags say "${String(defaults[key])}"; remove the override`,
          );
        }
      }
    }
  },
});

export const untaggedByProvider = defineRule({
  id: "POL-TAG-3",
  title: "Resources default_tags cannot reach (aws_autoscaling_group) carry the required tags themselves, propagated at launch",
  rationale: "Instances launched by an Auto Scaling group get only the group's propagated tags.",
  source: "AWS provider docs: default_tags do not apply to aws_autoscaling_group",
  check(stack, report) {
    const providers = awsProviders(stack);
    for (const [type, attribute] of Object.entries(PROVIDER_UNTAGGED)) {
      for (const resource of resourcesOf(stack, type)) {
        const defaults = providerOf(providers, resource.body)?.tags ?? {};
        const tags = blocks(resource.body[attribute]);
        const missing = REQUIRED_TAG_KEYS.filter(
          (key) => !tags.some((t) => t.key === key && t.value === defaults[key] && isTrue(t.propagate_at_launch)),
        );
        if (missing.length)
          report(
            resource.address,
            `${attribute} blocks lack ${missing.join(", ")} (with the default_tags value and propagate_at_launch = true)`,
          );
      }
    }
  },
});

export const TAGGING_RULES = [providerDefaultTags, noTagOverrides, untaggedByProvider];
