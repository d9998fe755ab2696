import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseEnvironment } from "../config/loader";
import type { EnvironmentConfig } from "../config/schema";
import { addEnvironmentStacks } from "../stacks";
import type { EnvironmentStack } from "../stacks/environment-stack";

export const ENVIRONMENTS_DIR = join(__dirname, "..", "config", "environments");
export const SHIPPED_ENVIRONMENTS = ["dev", "prod"] as const;

/** A shipped environment file, validated; throws with the problems if it is invalid. */
export function shippedEnvironment(name: string): EnvironmentConfig {
  const file = join(ENVIRONMENTS_DIR, `${name}.yaml`);
  return environmentFromYaml(readFileSync(file, "utf8"), name);
}

/** Validates YAML text as environment `name`; throws with the problems if it is invalid. */
export function environmentFromYaml(text: string, name = "test"): EnvironmentConfig {
  const result = parseEnvironment(`${name}.yaml`, name, text);
  if ("problems" in result) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return result.environment;
}

/** Synthesized Terraform JSON of one stack, parsed. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: string;
  readonly terraform: TerraformJson;
}

export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Builds every stack of an environment through the same wiring as main.ts and synthesizes each. */
export function synthEnvironment(environment: EnvironmentConfig): SynthesizedStack[] {
  const app = Testing.app();
  const stacks: EnvironmentStack[] = addEnvironmentStacks(app, environment);
  return stacks.map((stack) => {
    const json = Testing.synth(stack);
    return { name: stack.node.id, json, terraform: JSON.parse(json) as TerraformJson };
  });
}

/** The stack named `<env>-<layer>`; fails the test when the environment does not have it. */
export function stackOf(stacks: readonly SynthesizedStack[], layer: string): SynthesizedStack {
  const stack = stacks.find((s) => s.name.endsWith(`-${layer}`));
  if (!stack) throw new Error(`no ${layer} stack among ${stacks.map((s) => s.name).join(", ")}`);
  return stack;
}

/** All resources of one type, keyed by Terraform name. */
export function resources(stack: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return stack.terraform.resource?.[type] ?? {};
}

/** The one resource of a type; fails when there are none or several. */
export function onlyResource(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const all = Object.values(resources(stack, type));
  if (all.length !== 1) throw new Error(`expected one ${type} in ${stack.name}, found ${all.length}`);
  return all[0]!;
}

/**
 * The stack's JSON for snapshots, with values that change without an infrastructure change masked
 * (the cdktf version in the metadata), so a snapshot diff is exactly what a reviewer must read.
 */
export function snapshotOf(stack: SynthesizedStack): unknown {
  return JSON.parse(stack.json.replace(/"version": "\d+\.\d+\.\d+"/, '"version": "<cdktf>"'));
}

/**
 * Every stack of an environment as the policy suite reads it: the JSON main.ts writes, with cdktf's "//"
 * blocks (where justify() records exceptions) that Testing.synth strips, and the environment's production flag.
 */
export function policyStacks(environment: EnvironmentConfig): { name: string; terraform: TerraformJson; production: boolean }[] {
  const app = Testing.app();
  return addEnvironmentStacks(app, environment).map((stack) => {
    Testing.synth(stack); // runs the aspects, as synth does
    return {
      name: stack.node.id,
      terraform: JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson,
      production: environment.production,
    };
  });
}
