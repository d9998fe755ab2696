import { matchesEcrTagPattern } from "../lib/ecs/ecr-tag-pattern";
import {
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  FARGATE_PLATFORM_VERSION,
  FARGATE_TASK_SIZES,
  fargateSizeProblem,
  fargateSpotProblem,
} from "../lib/ecs/fargate";
import { isTimeZone, scheduleExpressionProblem } from "../lib/ecs/schedule-expression";
import { drainProblems } from "../lib/load-balancer/draining";
import { albKeepAliveProblem, NLB_TCP_IDLE_TIMEOUT, nlbKeepAliveProblem } from "../lib/load-balancer/idle-timeouts";
import { isSecretName, secretsIn } from "../lib/secret-looking";
import type { EcsServiceSettings, EcsSettings } from "./ecs";
import { albCertificateArn, albProblems, sharedAlbsInUse } from "./ecs-albs";
import { deregistrationDelaySeconds, maxTasks } from "./ecs-derived";
import { workerProblems } from "./ecs-worker-guards";
import type { GuardProblem } from "./errors";

// Cross-field guards of the `ecs:` section. Each is a pure function from settings to problems
// (path relative to `ecs`, message saying both values, what would go wrong, and the fix), so the
// schema's superRefine reports them in the contract format and tests can call them directly.

export type EcsProblem = GuardProblem;

type Service = EcsServiceSettings;
type Guard = (name: string, service: Service, ecs: EcsSettings, production: boolean) => EcsProblem[];

const at = (name: string, ...rest: (string | number)[]) => ["services", name, ...rest];

/** The most tasks during a deployment: maxTasks scaled by deploymentMaximumPercent. */
export function peakTasks(service: Service): number {
  return Math.ceil((maxTasks(service) * service.deploymentMaximumPercent) / 100);
}

export const imageSource: Guard = (name, s) => {
  if ((s.image.uri === undefined) === (s.image.tag === undefined)) {
    return [
      { path: at(name, "image"), message: "set exactly one of uri (an external image) or tag (from the service's own ECR repository)" },
    ];
  }
  const { tag, protectedTagPatterns: patterns } = s.image;
  if (patterns && tag === undefined) {
    return [
      {
        path: at(name, "image", "protectedTagPatterns"),
        message: "applies to the service's own ECR repository only; remove it or deploy a tag instead of uri",
      },
    ];
  }
  // Lesson 12: CI may push more than keepLastImages images; the image the service runs must never expire.
  if (patterns && tag !== undefined && !patterns.some((pattern) => matchesEcrTagPattern(pattern, tag))) {
    return [
      {
        path: at(name, "image", "protectedTagPatterns"),
        message: `${patterns.join(", ")} do not match the deployed tag "${tag}", so the lifecycle policy could expire the image the service runs once CI pushes more than keepLastImages images; add a pattern that matches ${tag} (or omit the list to protect the deployed tag alone)`,
      },
    ];
  }
  return [];
};

export const fargateSize: Guard = (name, s) => {
  const problem = fargateSizeProblem(s.cpu, s.memoryMiB);
  return problem ? [{ path: at(name, FARGATE_TASK_SIZES[s.cpu] ? "memoryMiB" : "cpu"), message: problem }] : [];
};

export const capacity: Guard = (name, s) => {
  const problems: EcsProblem[] = [];
  const { fargateWeight, fargateSpotWeight } = s.capacity;
  if (fargateWeight + fargateSpotWeight === 0) {
    problems.push({
      path: at(name, "capacity"),
      message: "fargateWeight and fargateSpotWeight are both 0, so ECS places no task; give one a weight",
    });
  }
  // FARGATE_SPOT runs X86_64 and (on platform 1.4.0+, which LATEST is) ARM64 tasks.
  const spot = fargateSpotWeight > 0 ? fargateSpotProblem(s.cpuArchitecture, FARGATE_PLATFORM_VERSION) : undefined;
  if (spot) problems.push({ path: at(name, "capacity", "fargateSpotWeight"), message: `is ${fargateSpotWeight}, but ${spot}` });
  return problems;
};

export const loadBalancerSection: Guard = (name, s) => {
  if (s.loadBalancer === "none") {
    return (["alb", "nlb"] as const)
      .filter((kind) => s[kind])
      .map((kind) => ({
        path: at(name, kind),
        message: `does not apply: loadBalancer is none (a worker without a load balancer); remove ${kind} or switch loadBalancer`,
      }));
  }
  const other = s.loadBalancer === "alb" ? "nlb" : "alb";
  const problems: EcsProblem[] = [];
  if (!s[s.loadBalancer]) {
    problems.push({
      path: at(name, s.loadBalancer),
      message:
        s.loadBalancer === "alb"
          ? "is required for an alb service: the listener rule's priority and its hosts and/or paths"
          : "is required for an nlb service: at least its port and ingressCidrs",
    });
  }
  if (s[other])
    problems.push({
      path: at(name, other),
      message: `does not apply: loadBalancer is ${s.loadBalancer}; remove ${other} or switch loadBalancer`,
    });
  return problems;
};

/** Per ALB (unique priorities, rules no earlier rule shadows, AWS quotas): config/ecs-albs.ts. */
export const routing: Guard = (name, s) => {
  if (s.loadBalancer !== "alb" || !s.alb) return [];
  if (s.alb.hosts.length === 0 && s.alb.paths.length === 0) {
    return [{ path: at(name, "alb"), message: "matches nothing; list hosts and/or paths for the listener rule" }];
  }
  return [];
};

export const idleTimeouts: Guard = (name, s, ecs) => {
  // Workers have no load balancer; a missing keep-alive of an alb/nlb service is workerShape's finding.
  if (s.loadBalancer === "none" || s.keepAliveTimeoutSeconds === undefined) return [];
  const problem =
    s.loadBalancer === "alb"
      ? albKeepAliveProblem(s.keepAliveTimeoutSeconds, ecs.alb.idleTimeoutSeconds)
      : s.nlb && nlbKeepAliveProblem(s.keepAliveTimeoutSeconds, s.nlb.tcpIdleTimeoutSeconds);
  return problem ? [{ path: at(name, "keepAliveTimeoutSeconds"), message: `${s.keepAliveTimeoutSeconds} ${problem}` }] : [];
};

export const nlbListener: Guard = (name, s) => {
  if (s.loadBalancer !== "nlb" || !s.nlb) return [];
  if (s.nlb.protocol === "TLS" && !s.nlb.certificateArn) {
    return [
      {
        path: at(name, "nlb", "certificateArn"),
        message: "is required for a TLS listener; give an ACM certificate ARN or use protocol TCP",
      },
    ];
  }
  if (s.nlb.protocol === "TLS" && s.nlb.tcpIdleTimeoutSeconds !== NLB_TCP_IDLE_TIMEOUT.defaultSeconds) {
    return [
      {
        path: at(name, "nlb", "tcpIdleTimeoutSeconds"),
        message: `${s.nlb.tcpIdleTimeoutSeconds} cannot apply: a TLS listener's idle timeout is fixed at ${NLB_TCP_IDLE_TIMEOUT.defaultSeconds} s (only TCP listeners take another); remove it or use protocol TCP`,
      },
    ];
  }
  if (s.nlb.protocol === "TCP" && s.nlb.certificateArn) {
    return [{ path: at(name, "nlb", "certificateArn"), message: "is only used by a TLS listener; set protocol TLS or remove it" }];
  }
  return [];
};

export const healthChecks: Guard = (name, s) => {
  const problems: EcsProblem[] = [];
  const hc = s.targetHealthCheck;
  // The target health check and its grace period concern load balancers; a worker (none) has neither.
  const balanced = s.loadBalancer !== "none";
  if (balanced && hc.timeoutSeconds >= hc.intervalSeconds) {
    problems.push({
      path: at(name, "targetHealthCheck", "timeoutSeconds"),
      message: `${hc.timeoutSeconds} is not less than intervalSeconds (${hc.intervalSeconds}); a check would still run when the next starts and AWS rejects it. Lower timeoutSeconds or raise intervalSeconds`,
    });
  }
  if (s.loadBalancer === "alb" && hc.protocol === "TCP") {
    problems.push({
      path: at(name, "targetHealthCheck", "protocol"),
      message: "TCP health checks exist on NLBs only; an ALB checks over HTTP",
    });
  }
  const timeToHealthy = hc.healthyThreshold * hc.intervalSeconds;
  if (balanced && s.healthCheckGracePeriodSeconds < timeToHealthy) {
    problems.push({
      path: at(name, "healthCheckGracePeriodSeconds"),
      message: `${s.healthCheckGracePeriodSeconds} is shorter than the time a new task needs to turn healthy (healthyThreshold ${hc.healthyThreshold} x intervalSeconds ${hc.intervalSeconds} = ${timeToHealthy} s); ECS would replace tasks that are still starting. Raise it to at least ${timeToHealthy} or check more often`,
    });
  }
  const container = s.healthCheck;
  if (container && container.timeoutSeconds >= container.intervalSeconds) {
    problems.push({
      path: at(name, "healthCheck", "timeoutSeconds"),
      message: `${container.timeoutSeconds} is not less than intervalSeconds (${container.intervalSeconds}); lower timeoutSeconds or raise intervalSeconds`,
    });
  }
  return problems;
};

export const gracefulShutdown: Guard = (name, s) => {
  const problems: EcsProblem[] = [];
  if (s.stopTimeoutSeconds > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    problems.push({
      path: at(name, "stopTimeoutSeconds"),
      message: `${s.stopTimeoutSeconds} exceeds Fargate's maximum of ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s between SIGTERM and SIGKILL; use at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} and make the server drain faster`,
    });
  } else if (s.gracefulShutdownSeconds >= s.stopTimeoutSeconds) {
    problems.push({
      path: at(name, "gracefulShutdownSeconds"),
      message: `${s.gracefulShutdownSeconds} is not less than stopTimeoutSeconds (${s.stopTimeoutSeconds}); ECS sends SIGKILL mid-drain and in-flight requests fail. Raise stopTimeoutSeconds above ${s.gracefulShutdownSeconds} (at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}) or shorten the drain`,
    });
  }
  if (s.deploymentMaximumPercent <= s.deploymentMinimumHealthyPercent) {
    problems.push({
      path: at(name, "deploymentMaximumPercent"),
      message: `${s.deploymentMaximumPercent} is not above deploymentMinimumHealthyPercent (${s.deploymentMinimumHealthyPercent}); ECS could neither start a new task nor stop an old one, so deployments stall. Raise deploymentMaximumPercent`,
    });
  }
  return problems;
};

/** Lessons 1 and 8: deregistration, delay, SIGTERM and the drain in the order ECS runs them (lib/load-balancer/draining.ts). */
export const draining: Guard = (name, s) =>
  s.loadBalancer === "none" || s.keepAliveTimeoutSeconds === undefined
    ? []
    : drainProblems({
        kind: s.loadBalancer,
        deregistrationDelaySeconds: deregistrationDelaySeconds(s),
        connectionTermination: s.loadBalancer === "nlb" && (s.nlb?.connectionTermination ?? false),
        gracefulShutdownSeconds: s.gracefulShutdownSeconds,
        stopTimeoutSeconds: s.stopTimeoutSeconds,
        keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
      }).map((problem) => ({ path: at(name, problem.field), message: problem.message }));

export const scaling: Guard = (name, s) => {
  const problems: EcsProblem[] = [];
  const { minCapacity, maxCapacity, schedules } = s.scaling;
  if (minCapacity > maxCapacity) {
    problems.push({
      path: at(name, "scaling", "minCapacity"),
      message: `${minCapacity} is above maxCapacity (${maxCapacity}); lower it or raise maxCapacity`,
    });
  }
  if (s.scaling.requestsPerTarget && s.loadBalancer !== "alb") {
    problems.push({
      path: at(name, "scaling", "requestsPerTarget"),
      message: "needs an ALB (ALBRequestCountPerTarget); an nlb service scales on cpu or memory",
    });
  }
  const names = new Set<string>();
  schedules.forEach((schedule, i) => {
    const path = (...rest: string[]) => at(name, "scaling", "schedules", i, ...rest);
    if (names.has(schedule.name))
      problems.push({ path: path("name"), message: `"${schedule.name}" is used twice; name each schedule once` });
    names.add(schedule.name);
    const expression = scheduleExpressionProblem(schedule.schedule);
    if (expression) problems.push({ path: path("schedule"), message: expression });
    if (!isTimeZone(schedule.timeZone)) {
      problems.push({
        path: path("timeZone"),
        message: `"${schedule.timeZone}" is not an IANA time zone; use a name such as Europe/Berlin or UTC`,
      });
    }
    const { minCapacity: min, maxCapacity: max } = schedule;
    if (min === undefined && max === undefined) {
      problems.push({ path: path(), message: "sets neither minCapacity nor maxCapacity; a schedule must change at least one" });
      return;
    }
    if (min !== undefined && max !== undefined && min > max) {
      problems.push({
        path: path("minCapacity"),
        message: `${min} is above the schedule's maxCapacity (${max}); Application Auto Scaling rejects the action`,
      });
    }
    // No schedule sets the maximum, so it stays scaling.maxCapacity; AWS rejects a minimum above it when the action runs.
    if (schedule.widenBounds && min !== undefined && min > maxCapacity && schedules.every((s) => s.maxCapacity === undefined)) {
      problems.push({
        path: path("minCapacity"),
        message: `${min} is above scaling.maxCapacity (${maxCapacity}), the maximum in effect (no schedule sets one); Application Auto Scaling rejects the action when it runs. Give this schedule a maxCapacity too`,
      });
    }
    if (schedule.widenBounds) return;
    if (min !== undefined && min < minCapacity) {
      problems.push({
        path: path("minCapacity"),
        message: `${min} is below scaling.minCapacity (${minCapacity}); set widenBounds: true if the schedule lowers the floor on purpose`,
      });
    }
    if (min !== undefined && min > maxCapacity) {
      problems.push({
        path: path("minCapacity"),
        message: `${min} is above scaling.maxCapacity (${maxCapacity}); raise maxCapacity or set widenBounds: true to raise the ceiling on purpose`,
      });
    }
    if (max !== undefined && max > maxCapacity) {
      problems.push({
        path: path("maxCapacity"),
        message: `${max} is above scaling.maxCapacity (${maxCapacity}); set widenBounds: true if the schedule raises the ceiling on purpose (downstream budgets count it)`,
      });
    }
  });
  return problems;
};

/**
 * Plain environment values sit in clear text in the task definition, the console and the synth output. The
 * rule is the policy suite's own (lib/secret-looking.ts, POL-ECS-5), so synth refuses what the suite would.
 */
const plainEnvironment: Guard = (name, service) =>
  Object.entries(service.environment).flatMap(([key, value]) => {
    const why = isSecretName(key) ? ["a secret-looking name"] : secretsIn(value);
    if (why.length === 0) return [];
    return [
      {
        path: at(name, "environment", key),
        message: `looks like a secret (${why.join(", ")}): plain environment values are stored in clear text in the task definition; put it under secrets (${key}: <Secrets Manager or SSM parameter ARN>) instead`,
      },
    ];
  });

const SERVICE_GUARDS: readonly Guard[] = [
  plainEnvironment,
  imageSource,
  fargateSize,
  capacity,
  loadBalancerSection,
  routing,
  idleTimeouts,
  nlbListener,
  healthChecks,
  gracefulShutdown,
  draining,
  scaling,
];

/** Plain HTTP only when explicitly allowed, and never in production. */
export function albListeners(ecs: EcsSettings, production: boolean): EcsProblem[] {
  const schemes = new Set(sharedAlbsInUse(ecs).map((use) => use.scheme));
  if (schemes.size === 0) return [];
  const { allowPlainHttp } = ecs.alb;
  // An ALB without a certificate of its own scheme serves plain HTTP, or refuses to synthesize.
  const withoutCertificate = [...schemes].filter((scheme) => !albCertificateArn(ecs, scheme));
  const certificateArn = withoutCertificate.length === 0 ? (ecs.alb.certificateArn ?? ecs.alb.internalCertificateArn) : undefined;
  if (allowPlainHttp && production) {
    return [
      {
        path: ["alb", "allowPlainHttp"],
        message: "is refused in production: traffic and cookies would cross the network in clear text; give certificateArn instead",
      },
    ];
  }
  if (allowPlainHttp && certificateArn) {
    return [
      {
        path: ["alb", "allowPlainHttp"],
        message: "contradicts certificateArn: with a certificate port 80 only redirects to HTTPS; remove allowPlainHttp",
      },
    ];
  }
  if (!allowPlainHttp && !certificateArn) {
    return [
      {
        path: ["alb", "certificateArn"],
        message: production
          ? "is required in production for the ALB's HTTPS listener"
          : "is required for the ALB's HTTPS listener; outside production you may instead set allowPlainHttp: true to serve plain HTTP",
      },
    ];
  }
  return [];
}

/** Lesson 7: the sum over services of peak tasks x connections per task stays within each dependency's limit. */
export function connectionBudgets(ecs: EcsSettings): EcsProblem[] {
  const problems: EcsProblem[] = [];
  for (const [name, service] of Object.entries(ecs.services)) {
    for (const dependency of Object.keys(service.connections)) {
      if (!ecs.dependencies[dependency]) {
        const known = Object.keys(ecs.dependencies);
        problems.push({
          path: ["services", name, "connections", dependency],
          message: `names no dependency of ecs.dependencies (${known.length ? known.join(", ") : "none declared"}); declare it with its maxConnections`,
        });
      }
    }
  }
  for (const [dependency, { maxConnections }] of Object.entries(ecs.dependencies)) {
    const shares = Object.entries(ecs.services)
      .filter(([, s]) => s.connections[dependency] !== undefined)
      .map(([name, s]) => ({ name, tasks: peakTasks(s), perTask: s.connections[dependency]!, surge: s.deploymentMaximumPercent }));
    const total = shares.reduce((sum, share) => sum + share.tasks * share.perTask, 0);
    if (total <= maxConnections) continue;
    const detail = shares.map((s) => `${s.name} ${s.tasks} tasks x ${s.perTask} = ${s.tasks * s.perTask}`).join(", ");
    problems.push({
      path: ["dependencies", dependency, "maxConnections"],
      message: `${maxConnections} is less than the ${total} connections the services can open at full scale during a deployment (${detail}; tasks = max capacity incl. schedules x deploymentMaximumPercent); a scale-out would exhaust ${dependency}. Lower maxCapacity or connections per task, or raise the limit`,
    });
  }
  return problems;
}

/** Every problem of the ecs section; paths relative to `ecs`. */
export function ecsProblems(ecs: EcsSettings, production: boolean): EcsProblem[] {
  const problems = albListeners(ecs, production);
  for (const [name, service] of Object.entries(ecs.services)) {
    for (const guard of SERVICE_GUARDS) problems.push(...guard(name, service, ecs, production));
  }
  problems.push(...connectionBudgets(ecs));
  problems.push(...albProblems(ecs));
  problems.push(...workerProblems(ecs));
  return problems;
}
