// Lesson 1 of the field notes: the idle timeouts of every hop, as facts both the config guards and
// the constructs use. ALB: it terminates TCP and pools its own connections to targets, so the target
// must keep idle connections open longer than the ALB does. NLB: flows pass through end to end and the
// NLB silently forgets a flow idle longer than its TCP idle timeout, so the endpoints must close first.

/** The ALB's default idle timeout (seconds) and the range AWS accepts. */
export const ALB_IDLE_TIMEOUT = { defaultSeconds: 60, minSeconds: 1, maxSeconds: 4000 } as const;

/** The NLB TCP listener idle timeout (seconds): 350 unless set, configurable 60-6000 per TCP listener. */
export const NLB_TCP_IDLE_TIMEOUT = { defaultSeconds: 350, minSeconds: 60, maxSeconds: 6000 } as const;

/** Seconds an HTTP client pool should keep an idle connection at most, given the hop's idle limit. */
export function clientMaxIdleSeconds(hopIdleSeconds: number): number {
  // Close a few seconds before the other side does, so a reused connection is never one it just closed.
  return hopIdleSeconds > 10 ? hopIdleSeconds - 5 : Math.max(1, Math.floor(hopIdleSeconds / 2));
}

/** Why a target's keep-alive (the subject of the returned sentence) contradicts an ALB idle timeout (502s), or undefined. */
export function albKeepAliveProblem(keepAliveTimeoutSeconds: number, idleTimeoutSeconds: number): string | undefined {
  if (keepAliveTimeoutSeconds > idleTimeoutSeconds) return undefined;
  return (
    `must be longer than the ALB idle timeout (${idleTimeoutSeconds}); ` +
    "otherwise the server closes idle connections the ALB still reuses and clients get intermittent 502s. " +
    `Raise the server's keep-alive timeout above ${idleTimeoutSeconds} s or lower the ALB idleTimeoutSeconds below ${keepAliveTimeoutSeconds}`
  );
}

/** Why a server's keep-alive (the subject of the returned sentence) contradicts an NLB TCP idle timeout ("connection prematurely closed"), or undefined. */
export function nlbKeepAliveProblem(keepAliveTimeoutSeconds: number, tcpIdleTimeoutSeconds: number): string | undefined {
  if (keepAliveTimeoutSeconds < tcpIdleTimeoutSeconds) return undefined;
  return (
    `must be shorter than the NLB TCP idle timeout (${tcpIdleTimeoutSeconds}); ` +
    "otherwise the NLB silently drops the idle flow first and the next request on the pooled connection fails with a reset " +
    '("connection prematurely closed"). ' +
    `Lower the server's keep-alive below ${tcpIdleTimeoutSeconds} s or raise the listener's tcpIdleTimeoutSeconds above ${keepAliveTimeoutSeconds}`
  );
}
