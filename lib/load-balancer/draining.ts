// Lessons 1 and 8: what happens to a task's connections when ECS stops it behind a load balancer,
// as facts the config guards, the constructs and the guides share. ECS deregisters the task from the
// target group, waits until the target is `unused` (at most the deregistration delay), and only then
// sends SIGTERM, then SIGKILL after the container's stopTimeout (AWS ECS developer guide, "Optimize load
// balancer connection draining parameters"). What the load balancer does with open connections at the
// end of the delay decides whether the application can still end them gracefully after SIGTERM.

export type LoadBalancerKind = "alb" | "nlb";

/** Deregistration delay when a service sets none: ALB 30 s; NLB 120 s, see NLB_NEW_FLOWS_STOP_SECONDS. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS: Readonly<Record<LoadBalancerKind, number>> = { alb: 30, nlb: 120 };

/**
 * Seconds after deregistration during which an NLB may still open new flows to the target: AWS's NLB
 * guide (Deregistration delay) says a draining target may still receive connections because of
 * configuration propagation and recommends a delay of at least 120 s; users measure about two minutes
 * (aws/containers-roadmap#470, kubernetes-sigs/aws-load-balancer-controller#2366).
 */
export const NLB_NEW_FLOWS_STOP_SECONDS = 120;

/** What the application must do when SIGTERM arrives, per load balancer kind (docs/alb-vs-nlb.md, Draining). */
export const AT_SIGTERM: Readonly<Record<LoadBalancerKind, string>> = {
  alb:
    "stop accepting connections, finish the requests in flight, close idle keep-alive connections, then exit; " +
    "the ALB stopped sending requests when the task was deregistered",
  nlb:
    "stop accepting connections, finish the requests in flight and answer them with Connection: close, close idle " +
    "keep-alive connections, then exit; the flows are end to end, so these closes reach the clients, which open new " +
    "connections through the NLB to the remaining tasks",
};

export interface DrainSettings {
  readonly kind: LoadBalancerKind;
  /** The target group's deregistration delay. */
  readonly deregistrationDelaySeconds: number;
  /** NLB only: reset open flows when the delay ends. */
  readonly connectionTermination: boolean;
  /** Seconds the application needs after SIGTERM to finish requests and close its connections. */
  readonly gracefulShutdownSeconds: number;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** The server's keep-alive (idle) timeout. */
  readonly keepAliveTimeoutSeconds: number;
}

export interface DrainEvent {
  /** Seconds after ECS deregistered the task (at the latest; the target turns unused early once no connection is open). */
  readonly atSeconds: number;
  readonly event: "deregistered" | "new-flows-stop" | "lb-closes-connections" | "sigterm" | "app-drained" | "sigkill";
  readonly what: string;
}

/** The load balancer itself ends the task's open connections at the end of the delay (ALB, or NLB with connection termination). */
export function loadBalancerClosesConnections(s: Pick<DrainSettings, "kind" | "connectionTermination">): boolean {
  return s.kind === "alb" || s.connectionTermination;
}

/** The stop of one task, in order: what the load balancer, ECS and the application do, and when. */
export function drainTimeline(s: DrainSettings): DrainEvent[] {
  const delay = s.deregistrationDelaySeconds;
  const events: DrainEvent[] = [
    {
      atSeconds: 0,
      event: "deregistered",
      what:
        s.kind === "alb"
          ? "ECS deregisters the task; the ALB sends it no new requests, requests in flight continue"
          : "ECS deregisters the task; the NLB opens no new flows to it (after propagation), open flows keep carrying requests",
    },
  ];
  if (s.kind === "nlb") {
    events.push({ atSeconds: NLB_NEW_FLOWS_STOP_SECONDS, event: "new-flows-stop", what: "the last new flows may still arrive until here" });
  }
  if (loadBalancerClosesConnections(s)) {
    events.push({
      atSeconds: delay,
      event: "lb-closes-connections",
      what:
        s.kind === "alb"
          ? "the delay ends: the ALB closes its connections to the task"
          : "the delay ends: the NLB resets every flow still open, idle pooled client connections included",
    });
  }
  events.push(
    { atSeconds: delay, event: "sigterm", what: `ECS sends SIGTERM; the application must ${AT_SIGTERM[s.kind]}` },
    { atSeconds: delay + s.gracefulShutdownSeconds, event: "app-drained", what: "the application has closed its connections and exits" },
    { atSeconds: delay + s.stopTimeoutSeconds, event: "sigkill", what: "ECS sends SIGKILL; whatever is still open is reset" },
  );
  return events.sort((a, b) => a.atSeconds - b.atSeconds);
}

export interface DrainProblem {
  readonly field: "deregistrationDelaySeconds" | "gracefulShutdownSeconds";
  /** Starts with the offending value; says what goes wrong on the wire and the fix. */
  readonly message: string;
}

/**
 * Where the timeline breaks a connection instead of letting it end: the load balancer cutting requests
 * it let in flight, the NLB still opening flows after SIGTERM, or resetting pooled connections that
 * were merely idle. (SIGKILL during the drain is the stopTimeout guard's concern.)
 */
export function drainProblems(s: DrainSettings): DrainProblem[] {
  const problems: DrainProblem[] = [];
  const delay = s.deregistrationDelaySeconds;
  if (loadBalancerClosesConnections(s) && delay < s.gracefulShutdownSeconds) {
    problems.push({
      field: "deregistrationDelaySeconds",
      message: `${delay} is shorter than gracefulShutdownSeconds (${s.gracefulShutdownSeconds}); the load balancer closes connections of a deregistered task before its requests finish (dropped requests on every deploy and scale-in). Raise it to at least ${s.gracefulShutdownSeconds}`,
    });
  }
  if (s.kind === "nlb" && delay < NLB_NEW_FLOWS_STOP_SECONDS) {
    problems.push({
      field: "deregistrationDelaySeconds",
      message: `${delay} is shorter than the ${NLB_NEW_FLOWS_STOP_SECONDS} s during which an NLB may still open new flows to a deregistered target (AWS recommends at least ${NLB_NEW_FLOWS_STOP_SECONDS}); SIGTERM would arrive while clients still connect, and a server that stopped accepting refuses them. Raise it to at least ${NLB_NEW_FLOWS_STOP_SECONDS}`,
    });
  }
  if (s.kind === "nlb" && s.connectionTermination && delay <= s.keepAliveTimeoutSeconds) {
    problems.push({
      field: "deregistrationDelaySeconds",
      message: `${delay} is not longer than keepAliveTimeoutSeconds (${s.keepAliveTimeoutSeconds}) while nlb.connectionTermination is on: the NLB resets every flow still open when the delay ends, before the application gets SIGTERM, so pooled client connections die while idle and the next request on them fails ("connection prematurely closed", lesson 1). Raise it above ${s.keepAliveTimeoutSeconds} so the server closes idle connections first (clients must also cap connection lifetime below it), or turn connectionTermination off and close connections after SIGTERM`,
    });
  }
  return problems;
}
