// The container definition ECS reads from the task definition's JSON string. Typed here and
// serialized with a fixed key order, so the synthesized JSON is deterministic and tests (and the
// policy suite, which checkov cannot replace here) parse and assert it.
import { compareText } from "../order";

export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: true;
  readonly command?: readonly string[];
  readonly portMappings: readonly { containerPort: number; protocol: "tcp" }[];
  readonly environment: readonly { name: string; value: string }[];
  readonly secrets: readonly { name: string; valueFrom: string }[];
  readonly readonlyRootFilesystem: boolean;
  readonly mountPoints: readonly { sourceVolume: string; containerPath: string; readOnly: false }[];
  readonly privileged: false;
  readonly stopTimeout: number;
  readonly healthCheck?: { command: readonly string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  readonly linuxParameters: { initProcessEnabled: boolean };
  readonly logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
}

/** JSON of the definitions with keys in declaration order and name-sorted environment and secrets. */
export function containerDefinitionsJson(definitions: readonly ContainerDefinition[]): string {
  return JSON.stringify(
    definitions.map((d) => ({
      name: d.name,
      image: d.image,
      essential: d.essential,
      ...(d.command ? { command: d.command } : {}),
      portMappings: d.portMappings,
      environment: [...d.environment].sort((a, b) => compareText(a.name, b.name)),
      secrets: [...d.secrets].sort((a, b) => compareText(a.name, b.name)),
      readonlyRootFilesystem: d.readonlyRootFilesystem,
      ...(d.mountPoints.length ? { mountPoints: d.mountPoints } : {}),
      privileged: d.privileged,
      stopTimeout: d.stopTimeout,
      ...(d.healthCheck ? { healthCheck: d.healthCheck } : {}),
      linuxParameters: d.linuxParameters,
      logConfiguration: {
        logDriver: d.logConfiguration.logDriver,
        options: Object.fromEntries(Object.entries(d.logConfiguration.options).sort(([a], [b]) => compareText(a, b))),
      },
    })),
  );
}
