import { compareText } from "../../../lib/order";
import type { Body, StackJson } from "./types";

/** Resource blocks of a stack by type, then by Terraform name. */
export type Resources = Readonly<Record<string, Readonly<Record<string, Body>>>>;

export const resourcesOf = (stack: StackJson): Resources => (stack.resource ?? {}) as Resources;

/** Bodies of one resource type, in name order. */
export function bodies(resources: Resources, type: string): [string, Body][] {
  return Object.entries(resources[type] ?? {}).sort(([a], [b]) => compareText(a, b));
}

/** The resource name a `${type.name.attribute}` reference points to, or undefined. */
export function referencedName(value: unknown, type: string): string | undefined {
  if (typeof value !== "string") return undefined;
  return new RegExp(`\\$\\{${type}\\.([^.}]+)[.}]`).exec(value)?.[1];
}

/** The AWS provider's region (the stack's only aws provider). */
export function regionOf(stack: StackJson): string | undefined {
  const provider = (stack.provider as Record<string, Body[] | Body> | undefined)?.aws;
  const first = Array.isArray(provider) ? provider[0] : provider;
  return typeof first?.region === "string" ? first.region : undefined;
}

/** Count of a list attribute (subnets of a load balancer or endpoint). */
export const listLength = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/** A block attribute written as an object or a one-element list. */
export function block(value: unknown): Body | undefined {
  if (Array.isArray(value)) return value[0] as Body | undefined;
  return value !== null && typeof value === "object" ? (value as Body) : undefined;
}
