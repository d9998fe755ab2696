import type { EcsServiceSettings } from "./ecs";

// Environment variables the stack sets on a service's container so the application finds its queues and
// topics without hard-coded names: what each names, by variable.

export type MessagingReference =
  | { readonly kind: "own-queue" }
  | { readonly kind: "queue"; readonly service: string }
  | { readonly kind: "topic"; readonly topic: string };

const upper = (name: string) => name.toUpperCase().replace(/-/g, "_");

/** Variable name -> what it refers to: a worker's own queue URL, and the queues and topics its permissions name. */
export function messagingEnvironment(name: string, s: EcsServiceSettings): Record<string, MessagingReference> {
  const variables: Record<string, MessagingReference> = {};
  if (s.loadBalancer === "none" && s.queue) variables.SQS_QUEUE_URL = { kind: "own-queue" };
  for (const p of s.permissions) {
    if (p.topic !== undefined) variables[`SNS_TOPIC_${upper(p.topic)}_ARN`] = { kind: "topic", topic: p.topic };
    if (p.queue !== undefined && p.queue !== name) variables[`SQS_QUEUE_${upper(p.queue)}_URL`] = { kind: "queue", service: p.queue };
  }
  return variables;
}
