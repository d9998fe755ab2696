// Generated configurations for the scaling benchmark: `environments` files, each a two-zone network and
// `services` Fargate services (nine of ten on the shared ALB, every tenth on its own NLB), all valid.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One environment's YAML with `services` services; `index` keeps CIDRs and names distinct. */
export function scaledEnvironmentYaml(index: number, services: number): string {
  const lines = [
    "repository: github.com/acme/platform-infra",
    `aws: { region: eu-west-1, accountId: "${String(100000000000 + index).padStart(12, "0")}" }`,
    "tags: { team: platform }",
    "network:",
    `  cidr: 10.${index}.0.0/16`,
    "  availabilityZones: [eu-west-1a, eu-west-1b]",
    "  natGateways: single",
    "  flowLogs: { destinations: [s3] }",
    "ecs:",
    "  alb: { allowPlainHttp: true, accessLogRetentionDays: 14 }",
    "  services:",
  ];
  for (let i = 1; i <= services; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    const nlb = i % 10 === 0;
    lines.push(
      `    ${name}:`,
      `      loadBalancer: ${nlb ? "nlb" : "alb"}`,
      '      image: { tag: "1.0.0" }',
      "      cpu: 256",
      "      memoryMiB: 512",
      `      containerPort: ${nlb ? 9000 : 8080}`,
      `      keepAliveTimeoutSeconds: ${nlb ? 300 : 75}`,
      "      gracefulShutdownSeconds: 10",
      ...(nlb
        ? [
            "      targetHealthCheck: { protocol: TCP, intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 3 }",
            `      nlb: { port: 9000, ingressCidrs: [10.${index}.0.0/16] }`,
          ]
        : [`      alb: { priority: ${i}, paths: ["/${name}/*"] }`]),
      "      scaling:",
      "        minCapacity: 1",
      "        maxCapacity: 4",
      "        cpu: { target: 60 }",
      '        schedules: [{ name: nights-off, schedule: "cron(0 20 ? * MON-FRI *)", timezone: Europe/Berlin, minCapacity: 0, maxCapacity: 0, widenBounds: true }]',
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Writes `environments` files (b01.yaml, b02.yaml, ...) into `dir`; returns `dir`. */
export function writeScaledEnvironments(dir: string, environments: number, services: number): string {
  mkdirSync(dir, { recursive: true });
  for (let e = 1; e <= environments; e++) {
    writeFileSync(join(dir, `b${String(e).padStart(2, "0")}.yaml`), scaledEnvironmentYaml(e, services));
  }
  return dir;
}
