import { AT_SIGTERM, type DrainSettings, drainProblems, drainTimeline, NLB_NEW_FLOWS_STOP_SECONDS } from "../lib/load-balancer/draining";
import { targetGroupName } from "../lib/load-balancer/names";

// Lessons 1 and 8 as a timeline: ECS deregisters the task, waits for the deregistration delay, then
// sends SIGTERM, then SIGKILL after stopTimeout. The table asserts, per load balancer kind and
// connection-termination setting, who ends the open connections and when.

const base = { gracefulShutdownSeconds: 10, stopTimeoutSeconds: 30, keepAliveTimeoutSeconds: 300 };
const settings = (kind: "alb" | "nlb", deregistrationDelaySeconds: number, connectionTermination = false): DrainSettings => ({
  ...base,
  kind,
  deregistrationDelaySeconds,
  connectionTermination,
});
const order = (s: DrainSettings) => drainTimeline(s).map((e) => `${e.atSeconds} ${e.event}`);

describe("drain timeline", () => {
  it.each<[string, DrainSettings, string[]]>([
    [
      "ALB: requests in flight get the delay, the ALB closes its connections, then SIGTERM",
      settings("alb", 30),
      ["0 deregistered", "30 lb-closes-connections", "30 sigterm", "40 app-drained", "60 sigkill"],
    ],
    [
      "NLB, termination off (default): flows stay open through SIGTERM; the app closes them itself",
      settings("nlb", 120),
      ["0 deregistered", "120 new-flows-stop", "120 sigterm", "130 app-drained", "150 sigkill"],
    ],
    [
      "NLB, termination on, 15 s (the old prod ingest): every open flow is reset before the app learns of the stop",
      settings("nlb", 15, true),
      ["0 deregistered", "15 lb-closes-connections", "15 sigterm", "25 app-drained", "45 sigkill", "120 new-flows-stop"],
    ],
  ])("%s", (_, s, expected) => {
    expect(order(s)).toEqual(expected);
  });

  it("SIGTERM never precedes the load balancer's own close: the application cannot end connections the load balancer already cut", () => {
    for (const s of [settings("alb", 30), settings("nlb", 15, true), settings("nlb", 400, true)]) {
      const events = drainTimeline(s);
      const cut = events.findIndex((e) => e.event === "lb-closes-connections");
      expect(cut).toBeGreaterThanOrEqual(0);
      expect(cut).toBeLessThan(events.findIndex((e) => e.event === "sigterm"));
    }
    expect(drainTimeline(settings("nlb", 120)).map((e) => e.event)).not.toContain("lb-closes-connections");
  });

  it("says what the application must do at SIGTERM for each kind", () => {
    expect(drainTimeline(settings("alb", 30)).find((e) => e.event === "sigterm")?.what).toContain(AT_SIGTERM.alb);
    expect(AT_SIGTERM.alb).toMatch(/stop accepting.*finish the requests in flight.*close idle keep-alive connections/);
    expect(AT_SIGTERM.nlb).toMatch(/stop accepting.*Connection: close.*close idle keep-alive connections.*end to end/);
  });
});

describe("drain problems", () => {
  it.each<[string, DrainSettings, string[]]>([
    ["ALB, delay covers the drain", settings("alb", 30), []],
    ["ALB, delay shorter than the drain", settings("alb", 5), ["deregistrationDelaySeconds: 5 is shorter than gracefulShutdownSeconds"]],
    ["NLB default: 120 s, termination off", settings("nlb", NLB_NEW_FLOWS_STOP_SECONDS), []],
    [
      "NLB, termination off, delay shorter than the drain is fine (nothing is cut)",
      { ...settings("nlb", 120), gracefulShutdownSeconds: 125, stopTimeoutSeconds: 130 },
      [],
    ],
    ["NLB, 15 s: SIGTERM while new flows still arrive", settings("nlb", 15), ["deregistrationDelaySeconds: 15 is shorter than the 120 s"]],
    [
      "NLB, termination on at 120 s with a 300 s keep-alive: idle pooled connections are reset",
      settings("nlb", 120, true),
      ["deregistrationDelaySeconds: 120 is not longer than keepAliveTimeoutSeconds (300) while nlb.connectionTermination is on"],
    ],
    ["NLB, termination on, delay beyond the keep-alive", settings("nlb", 301, true), []],
    [
      "NLB, termination on, 15 s (the old prod ingest)",
      settings("nlb", 15, true),
      [
        "deregistrationDelaySeconds: 15 is shorter than the 120 s",
        "deregistrationDelaySeconds: 15 is not longer than keepAliveTimeoutSeconds (300)",
      ],
    ],
  ])("%s", (_, s, expected) => {
    const found = drainProblems(s).map((p) => `${p.field}: ${p.message}`);
    expect(found).toHaveLength(expected.length);
    expected.forEach((start, i) => {
      expect(found[i]).toContain(start);
    });
  });
});

describe("target group names", () => {
  const identity = { protocol: "HTTP", port: 8080, targetType: "ip" };
  it("fit AWS's 32 characters and pattern, and keep the service's name readable", () => {
    for (const base of ["prod-api", "a-very-long-environment-name-with-a-long-service"]) {
      const name = targetGroupName(base, identity);
      expect(name.length).toBeLessThanOrEqual(32);
      expect(name).toMatch(/^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/);
      expect(name.startsWith(base.slice(0, 20))).toBe(true);
    }
  });

  it("change with every replacement-forcing argument and stay put otherwise", () => {
    const names = [
      targetGroupName("prod-api", identity),
      targetGroupName("prod-api", { ...identity, port: 8081 }),
      targetGroupName("prod-api", { ...identity, protocol: "TCP" }),
      targetGroupName("prod-api", { ...identity, targetType: "instance" }),
      targetGroupName("prod-web", identity),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(targetGroupName("prod-api", { ...identity })).toBe(names[0]);
  });

  it("keep two long service names apart that share their first 25 characters", () => {
    expect(targetGroupName("prod-a-very-long-service-name-1", identity)).not.toBe(
      targetGroupName("prod-a-very-long-service-name-2", identity),
    );
  });
});
