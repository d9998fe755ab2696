import { ACCESS_LEVELS, accessLevelProblem, type ResourceType, resourceTypeOf } from "../lib/iam/task-permissions";
import { filterPolicyProblem } from "../lib/messaging/filter-policy";
import { queueTimingProblems } from "../lib/messaging/queue-timing";
import type { EcsServiceSettings, EcsSettings } from "./ecs";
import { messagingEnvironment } from "./ecs-messaging-env";
import type { GuardProblem } from "./errors";

// Guards of queue workers (loadBalancer: none), topics and task permissions (issue #19 items 1-3).
// Pure functions from settings to problems, paths relative to `ecs`, like config/ecs-guards.ts.

export type WorkerProblem = GuardProblem;

const at = (name: string, ...rest: (string | number)[]) => ["services", name, ...rest];

/** Which fields a service needs or must not have for its kind: a worker has a queue and no load balancer settings. */
export function workerShape(name: string, s: EcsServiceSettings): WorkerProblem[] {
  const problems: WorkerProblem[] = [];
  if (s.loadBalancer !== "none") {
    if (s.containerPort === undefined) {
      problems.push({
        path: at(name, "containerPort"),
        message: `is required for an ${s.loadBalancer} service: the port its load balancer forwards to`,
      });
    }
    if (s.keepAliveTimeoutSeconds === undefined) {
      problems.push({
        path: at(name, "keepAliveTimeoutSeconds"),
        message: `is required for an ${s.loadBalancer} service: the server's HTTP keep-alive timeout (lesson 1)`,
      });
    }
    if (s.queue)
      problems.push({ path: at(name, "queue"), message: "applies to workers only (loadBalancer: none); remove it or switch loadBalancer" });
    if (s.scaling.backlogPerTask) {
      problems.push({
        path: at(name, "scaling", "backlogPerTask"),
        message: "applies to workers only (loadBalancer: none), which own a queue; scale on cpu, memory or requestsPerTarget",
      });
    }
    return problems;
  }
  if (!s.queue)
    problems.push({
      path: at(name, "queue"),
      message: "is required for a worker (loadBalancer: none): at least maxProcessingSeconds and visibilityTimeoutSeconds",
    });
  if (s.keepAliveTimeoutSeconds !== undefined) {
    problems.push({
      path: at(name, "keepAliveTimeoutSeconds"),
      message: "does not apply to a worker: no load balancer keeps connections to it; remove it",
    });
  }
  if (s.deregistrationDelaySeconds !== undefined) {
    problems.push({
      path: at(name, "deregistrationDelaySeconds"),
      message: "does not apply to a worker: it is in no target group; remove it",
    });
  }
  if (s.scaling.minCapacity === 0 && !s.scaling.backlogPerTask) {
    problems.push({
      path: at(name, "scaling", "minCapacity"),
      message:
        "is 0, but nothing would start a task when messages arrive (cpu and memory tracking need a running task); add scaling.backlogPerTask, which also scales out from zero",
    });
  }
  return problems;
}

/** Lesson 8 for workers: visibility vs processing and stopTimeout, long polling, retention vs the alarms. */
export function queueTiming(name: string, s: EcsServiceSettings): WorkerProblem[] {
  if (s.loadBalancer !== "none" || !s.queue) return [];
  return queueTimingProblems({ ...s.queue, stopTimeoutSeconds: s.stopTimeoutSeconds }).map((p) => ({
    path: at(name, "queue", p.field),
    message: p.message,
  }));
}

/** Each subscription names a topic of ecs.topics once, with a filter policy SNS accepts. */
export function subscriptions(name: string, s: EcsServiceSettings, ecs: EcsSettings): WorkerProblem[] {
  const problems: WorkerProblem[] = [];
  const seen = new Set<string>();
  (s.queue?.subscriptions ?? []).forEach((sub, i) => {
    if (!ecs.topics[sub.topic]) {
      const known = Object.keys(ecs.topics);
      problems.push({
        path: at(name, "queue", "subscriptions", i, "topic"),
        message: `names no topic of ecs.topics (${known.length ? known.join(", ") : "none declared"}); declare it there`,
      });
    }
    if (seen.has(sub.topic))
      problems.push({
        path: at(name, "queue", "subscriptions", i, "topic"),
        message: `"${sub.topic}" is subscribed twice; subscribe once (merge the filter policies)`,
      });
    seen.add(sub.topic);
    const policy = sub.filterPolicy && filterPolicyProblem(JSON.stringify(sub.filterPolicy), sub.filterPolicyScope);
    if (policy) problems.push({ path: at(name, "queue", "subscriptions", i, "filterPolicy"), message: policy });
  });
  return problems;
}

/** Every permission names one resource the model knows, with levels of that resource's type (item 1). */
export function permissions(name: string, s: EcsServiceSettings, ecs: EcsSettings): WorkerProblem[] {
  const problems: WorkerProblem[] = [];
  s.permissions.forEach((entry, i) => {
    const path = (...rest: string[]) => at(name, "permissions", i, ...rest);
    const named = (["resource", "topic", "queue"] as const).filter((key) => entry[key] !== undefined);
    if (named.length !== 1) {
      problems.push({
        path: path(),
        message: `names ${named.length === 0 ? "no resource" : named.join(" and ")}; give exactly one of resource (an ARN), topic (of ecs.topics) or queue (a worker service)`,
      });
      return;
    }
    let type: ResourceType | undefined;
    if (entry.topic !== undefined) {
      type = "sns";
      if (!ecs.topics[entry.topic])
        problems.push({
          path: path("topic"),
          message: `names no topic of ecs.topics (${Object.keys(ecs.topics).join(", ") || "none declared"})`,
        });
    } else if (entry.queue !== undefined) {
      type = "sqs";
      const owner = ecs.services[entry.queue];
      if (owner?.loadBalancer !== "none") {
        const workers = Object.entries(ecs.services)
          .filter(([, o]) => o.loadBalancer === "none")
          .map(([n]) => n);
        problems.push({
          path: path("queue"),
          message: `names no worker service (loadBalancer: none) of this environment (${workers.join(", ") || "none"}); only workers own queues`,
        });
      }
      if (entry.queue === name && entry.access.includes("consume")) {
        problems.push({ path: path("access"), message: "consume on the service's own queue is granted already; remove it" });
      }
    } else {
      type = resourceTypeOf(entry.resource!);
    }
    if ((entry.topic !== undefined || entry.queue !== undefined) && entry.kmsKeyArn !== undefined) {
      problems.push({
        path: path("kmsKeyArn"),
        message: "does not apply: the stack's own topics and queues use the ECS key, which the grant includes; remove it",
      });
    }
    if (!type) return; // the schema reported the ARN
    entry.access.forEach((level, j) => {
      const problem = accessLevelProblem(type, level);
      if (problem) problems.push({ path: [...path("access"), j], message: problem });
    });
    if (new Set(entry.access).size !== entry.access.length)
      problems.push({ path: path("access"), message: "lists a level twice; list each once" });
  });
  return problems;
}

/** The variables the stack sets (queue URLs, topic ARNs) must not be set by hand too. */
export function messagingVariables(name: string, s: EcsServiceSettings): WorkerProblem[] {
  return Object.keys(messagingEnvironment(name, s))
    .filter((variable) => s.environment[variable] !== undefined || s.secrets[variable] !== undefined)
    .map((variable) => ({
      path: at(name, s.environment[variable] !== undefined ? "environment" : "secrets", variable),
      message: "is set by the stack (the URL or ARN of a queue or topic this service uses); remove it here",
    }));
}

/** The levels the model offers, for messages and docs. */
export const LEVELS_BY_TYPE = Object.fromEntries(Object.entries(ACCESS_LEVELS).map(([type, levels]) => [type, Object.keys(levels)]));

/** Every worker, topic and permission problem of the ecs section. */
export function workerProblems(ecs: EcsSettings): WorkerProblem[] {
  return Object.entries(ecs.services).flatMap(([name, s]) => [
    ...workerShape(name, s),
    ...queueTiming(name, s),
    ...subscriptions(name, s, ecs),
    ...permissions(name, s, ecs),
    ...messagingVariables(name, s),
  ]);
}
