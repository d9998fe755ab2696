import { isSecretName, secretsIn } from "./secrets";
import { blocks, defineRule, isTrue, type Located, resourcesOf } from "./terraform";
import type { Block, Stack } from "./types";

// ECS container definitions are one JSON string per task definition; checkov does not parse it.

interface Container {
  readonly task: Located;
  readonly name: string;
  readonly definition: Block;
}

function containers(stack: Stack): { containers: Container[]; unparsed: { task: Located; reason: string }[] } {
  const found: Container[] = [];
  const unparsed: { task: Located; reason: string }[] = [];
  for (const task of resourcesOf(stack, "aws_ecs_task_definition")) {
    const text = task.body.container_definitions;
    if (typeof text !== "string") {
      unparsed.push({ task, reason: "container_definitions is missing or not a string" });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      unparsed.push({
        task,
        reason: "container_definitions is not literal JSON (jsonencode() or a reference); pass JSON.stringify(...) of the definitions",
      });
      continue;
    }
    blocks(parsed).forEach((definition, i) => {
      found.push({ task, name: typeof definition.name === "string" ? definition.name : `#${i}`, definition });
    });
  }
  return { containers: found, unparsed };
}

function containerRule(
  id: string,
  title: string,
  rationale: string,
  source: string,
  problem: (container: Container) => string | undefined,
) {
  return defineRule({
    id,
    title,
    rationale,
    source,
    check(stack, report) {
      for (const container of containers(stack).containers) {
        const message = problem(container);
        if (message) report(container.task.address, `container "${container.name}" ${message}`);
      }
    },
  });
}

export const ecsReadOnlyRoot = containerRule(
  "POL-ECS-1",
  "ECS containers have a read-only root filesystem (readonlyRootFilesystem: true) unless justified",
  "A writable root lets an intruder drop tools and persist; writes belong in declared volumes.",
  "AWS Security Hub ECS.5",
  (c) =>
    c.definition.readonlyRootFilesystem === true
      ? undefined
      : "does not set readonlyRootFilesystem: true; mount a volume for paths it writes",
);

export const ecsNotPrivileged = containerRule(
  "POL-ECS-2",
  "ECS containers are not privileged",
  "A privileged container is root on the host.",
  "AWS Security Hub ECS.4",
  (c) => (c.definition.privileged === true ? "runs privileged; remove privileged: true" : undefined),
);

export const ecsLogging = containerRule(
  "POL-ECS-4",
  "ECS containers have a logConfiguration",
  "Without logs a failing task leaves nothing to troubleshoot with.",
  "AWS Security Hub ECS.9; field-notes #2 and #10 (trace faults, restart on health)",
  (c) => {
    const config = c.definition.logConfiguration as Block | undefined;
    return config && typeof config.logDriver === "string" ? undefined : "has no logConfiguration with a logDriver";
  },
);

export const ecsNoSecretEnvironment = containerRule(
  "POL-ECS-5",
  "ECS container environment holds no secret-looking names or values (use `secrets` with valueFrom)",
  "Environment values are plain text in the task definition, the console and the synth output.",
  "AWS Security Hub ECS.8",
  (c) => {
    const problems = blocks(c.definition.environment).flatMap((entry) => {
      const name = String(entry.name ?? "");
      const value = typeof entry.value === "string" ? entry.value : "";
      if (isSecretName(name)) return [`${name} (secret-looking name)`];
      const found = secretsIn(value);
      return found.length ? [`${name} (value contains ${found.join(", ")})`] : [];
    });
    return problems.length ? `passes secrets in environment: ${problems.join(", ")}; use secrets with valueFrom` : undefined;
  },
);

export const ecsNoHostNamespaces = defineRule({
  id: "POL-ECS-3",
  title: "ECS task definitions do not share the host's PID namespace (pid_mode != host)",
  rationale: "Host PID lets a container see and signal every process on the instance.",
  source: "AWS Security Hub ECS.3",
  check(stack, report) {
    for (const task of resourcesOf(stack, "aws_ecs_task_definition")) {
      if (task.body.pid_mode === "host") report(task.address, 'pid_mode is "host"; use "task" or leave it unset');
    }
  },
});

export const ecsCheckable = defineRule({
  id: "POL-ECS-6",
  title: "ECS container definitions are literal JSON the suite can check",
  rationale: "Definitions built with jsonencode() would pass every container rule unchecked.",
  source: "This suite: checkov does not parse container_definitions",
  check(stack, report) {
    for (const { task, reason } of containers(stack).unparsed) report(task.address, reason);
  },
});

export const imdsV2 = defineRule({
  id: "POL-EC2-1",
  title: "Launch templates and instances require IMDSv2 (metadata_options.http_tokens = required)",
  rationale: "IMDSv1 lets a server-side request forgery read the instance role's credentials.",
  source: "AWS Security Hub EC2.8 / EC2.170",
  check(stack, report) {
    for (const resource of resourcesOf(stack, "aws_launch_template", "aws_instance")) {
      const options = blocks(resource.body.metadata_options);
      if (!options.some((o) => o.http_tokens === "required"))
        report(resource.address, 'metadata_options.http_tokens is not "required"; require IMDSv2');
    }
  },
});

export const encryptedVolumes = defineRule({
  id: "POL-EC2-2",
  title: "Launch templates and instances encrypt their EBS volumes (or the stack enables EBS encryption by default)",
  rationale: "Node volumes hold container images, logs and secrets mounted into pods.",
  source: "AWS Security Hub EC2.3 / EC2.7",
  check(stack, report) {
    if (resourcesOf(stack, "aws_ebs_encryption_by_default").some((r) => r.body.enabled === undefined || isTrue(r.body.enabled))) return;
    for (const template of resourcesOf(stack, "aws_launch_template")) {
      const volumes = blocks(template.body.block_device_mappings).flatMap((m) => blocks(m.ebs));
      if (volumes.length === 0) {
        report(
          template.address,
          "declares no block_device_mappings; the root volume inherits the AMI's encryption; map it with ebs.encrypted = true",
        );
      } else if (!volumes.every((v) => isTrue(v.encrypted))) {
        report(template.address, "has block_device_mappings without ebs.encrypted = true");
      }
    }
    for (const instance of resourcesOf(stack, "aws_instance")) {
      const volumes = [...blocks(instance.body.root_block_device), ...blocks(instance.body.ebs_block_device)];
      if (volumes.length === 0 || !volumes.every((v) => isTrue(v.encrypted)))
        report(instance.address, "has a root or EBS volume without encrypted = true");
    }
  },
});

export const COMPUTE_RULES = [
  ecsReadOnlyRoot,
  ecsNotPrivileged,
  ecsNoHostNamespaces,
  ecsLogging,
  ecsNoSecretEnvironment,
  ecsCheckable,
  imdsV2,
  encryptedVolumes,
];
