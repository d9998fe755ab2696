// Issue 17 items 5, 7, 8 and 9 on the synthesized JSON: ECS Exec with a read-only root, images that the
// ECR lifecycle policy can never expire while deployed, secrets that resolve with an exact grant, and
// ARM64 tasks on FARGATE_SPOT.
import { type App, TerraformStack, Testing } from "cdktf";
import type { EnvironmentConfig } from "../config/schema";
import { ImageRepository } from "../lib/ecs/image-repository";
import { ECS_EXEC_AGENT_PATHS, ServiceTaskDefinition, type ServiceTaskDefinitionProps } from "../lib/ecs/service-task-definition";
import { expiredImages, type RepositoryImage } from "./ecr-lifecycle-evaluator";
import {
  configuredEnvironments,
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  fixtureEnvironment,
  resources,
  type SynthesizedStack,
  stackOf,
  synthEnvironment,
} from "./helpers";

type Body = Record<string, unknown>;
interface Container {
  readonlyRootFilesystem: boolean;
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
}

const ecsStack = (environment: EnvironmentConfig) => stackOf(synthEnvironment(environment), "ecs");
function named(stack: SynthesizedStack, type: string, prefix: string): Body {
  const found = Object.entries(resources(stack, type)).filter(([key]) => key.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}* in ${stack.name}, found ${found.length}`);
  return found[0]![1];
}
function task(stack: SynthesizedStack, service: string): { volume: { name: string }[]; container: Container } {
  const definition = named(stack, "aws_ecs_task_definition", `${service}-task_`);
  const [container] = JSON.parse(definition.container_definitions as string) as Container[];
  return { volume: (definition.volume ?? []) as { name: string }[], container: container! };
}

const yaml = (service: string) => `
repository: github.com/acme/fx
aws: { region: eu-west-1, accountId: "111122223333" }
network: { cidr: 10.1.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
ecs:
  alb: { allowPlainHttp: true }
  services:
    api:
      loadBalancer: alb
      cpu: 256
      memoryMiB: 512
      containerPort: 8080
      keepAliveTimeoutSeconds: 75
      gracefulShutdownSeconds: 10
      alb: { priority: 1, paths: ["/*"] }
      scaling: { maxCapacity: 2 }
${service}`;

describe("ECS Exec with a read-only root filesystem (item 5)", () => {
  const agentPaths = ECS_EXEC_AGENT_PATHS.map((p) => p.path);
  const agentMounts = (container: Container) =>
    (container.mountPoints ?? []).filter((m) => agentPaths.includes(m.containerPath)).map((m) => m.containerPath);

  it("dev (Exec on, root read-only) mounts a writable task-local volume at every path the SSM agent writes", () => {
    const { volume, container } = task(ecsStack(fixtureEnvironment("dev")), "api");
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(agentMounts(container)).toEqual(["/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"]);
    for (const mount of container.mountPoints!) {
      expect(mount.readOnly).toBe(false);
      // A Fargate bind mount without a host path: ephemeral task storage, gone with the task.
      expect(volume).toContainEqual({ name: mount.sourceVolume });
    }
  });

  it("prod (Exec off) mounts nothing for the agent", () => {
    expect(agentMounts(task(ecsStack(fixtureEnvironment("prod")), "api").container)).toEqual([]);
  });

  it.each(
    configuredEnvironments()
      .filter((e) => e.ecs)
      .map((e) => [e.name, e] as const),
  )("%s: every service with Exec on and a read-only root has writable agent paths", (_, environment) => {
    const stack = ecsStack(environment);
    for (const [name, service] of Object.entries(environment.ecs!.services)) {
      if (!service.enableExecuteCommand || !service.readonlyRootFilesystem) continue;
      expect(agentMounts(task(stack, name).container).sort()).toEqual([...agentPaths].sort());
    }
  });

  it("a writable root needs no agent volumes; a path already in writablePaths is mounted once", () => {
    const writableRoot = ecsStack(
      environmentFromYaml(
        yaml("      image: { uri: public.ecr.aws/acme/api:1 }\n      enableExecuteCommand: true\n      readonlyRootFilesystem: false"),
      ),
    );
    expect(task(writableRoot, "api").volume).toEqual([]);
    const shared = task(
      ecsStack(
        environmentFromYaml(
          yaml(
            "      image: { uri: public.ecr.aws/acme/api:1 }\n      enableExecuteCommand: true\n      writablePaths: [/tmp, /var/log/amazon/ssm]",
          ),
        ),
      ),
      "api",
    );
    expect(shared.container.mountPoints!.map((m) => m.containerPath)).toEqual([
      "/tmp",
      "/var/log/amazon/ssm",
      "/managed-agents",
      "/var/lib/amazon/ssm",
    ]);
    expect(shared.volume.map((v) => v.name)).toEqual(shared.container.mountPoints!.map((m) => m.sourceVolume));
  });
});

describe("ECR lifecycle: the deployed image never expires (item 7)", () => {
  /** The deployed tag pushed first, then `pushes` newer CI images (sha-tagged, every third untagged). */
  const history = (deployed: string, pushes: number, releases: string[] = []): RepositoryImage[] => [
    { id: "deployed", tags: [deployed], pushedAtDay: 0 },
    ...releases.map((tag, i) => ({ id: tag, tags: [tag], pushedAtDay: 0.1 * (i + 1) })),
    ...Array.from({ length: pushes }, (_, i) => ({ id: `ci-${i}`, tags: i % 3 === 2 ? [] : [`sha-${i}`], pushedAtDay: i + 1 })),
  ];
  const repositories = (environment: EnvironmentConfig) =>
    Object.entries(environment.ecs?.services ?? {})
      .filter(([, s]) => s.image.tag !== undefined)
      .map(([name, s]) => ({ name, tag: s.image.tag!, keep: s.image.keepLastImages }));

  it.each([
    ...FIXTURE_ENVIRONMENTS.map((name) => [`fixture ${name}`, fixtureEnvironment(name)] as const),
    ...configuredEnvironments().map((e) => [e.name, e] as const),
  ])("%s: after 3 x keepLastImages newer pushes the deployed tag is still there, and only the newest N others", (_, environment) => {
    const stack = ecsStack(environment);
    for (const { name, tag, keep } of repositories(environment)) {
      const policy = named(stack, "aws_ecr_lifecycle_policy", `${name}-repository`).policy as string;
      const images = history(tag, 3 * keep);
      const expired = expiredImages(policy, images, 3 * keep + 1);
      expect(expired.has("deployed")).toBe(false);
      // The N newest pushes stay; everything older except the deployed image expires.
      expect(expired.size).toBe(images.length - keep - 1);
    }
  });

  it("protects with rules before the keep-last-N rule: one tag pattern each, a count no repository reaches", () => {
    const policy = JSON.parse(named(ecsStack(fixtureEnvironment("prod")), "aws_ecr_lifecycle_policy", "api-repository").policy as string);
    expect(policy.rules).toEqual([
      {
        rulePriority: 1,
        description: "Never expire images tagged 1.0.0",
        selection: { tagStatus: "tagged", tagPatternList: ["1.0.0"], countType: "imageCountMoreThan", countNumber: 999999 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: "Keep the last 50 images and the protected tags",
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
        action: { type: "expire" },
      },
    ]);
  });

  it("protectedTagPatterns keep every release for a rollback, while CI builds beyond N still expire", () => {
    const environment = environmentFromYaml(
      yaml("      image: { tag: v1.4.0, keepLastImages: 5, protectedTagPatterns: [v*, release-*] }"),
      "fx",
    );
    const policy = named(ecsStack(environment), "aws_ecr_lifecycle_policy", "api-repository").policy as string;
    const releases = ["v1.0.0", "v1.1.0", "release-2026-01", "nightly-1"];
    const expired = expiredImages(policy, history("v1.4.0", 20, releases), 21);
    expect(["deployed", "v1.0.0", "v1.1.0", "release-2026-01"].filter((id) => expired.has(id))).toEqual([]);
    expect(expired.has("nightly-1")).toBe(true);
    expect(expired.has("ci-0")).toBe(true);
  });

  it("the construct refuses patterns that leave the deployed tag unprotected, and invalid ones", () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, "s");
    const repository = (id: string, protectedTagPatterns: string[]) => () =>
      new ImageRepository(stack, id, {
        repositoryName: "x/api",
        kmsKeyArn: "k",
        keepLastImages: 5,
        production: false,
        deployedTag: "1.2.3",
        protectedTagPatterns,
      });
    expect(repository("a", ["v*"])).toThrow(
      's/a: protectedTagPatterns (v*) do not match the deployed tag "1.2.3", so the lifecycle policy could expire the image the service runs; add a pattern that matches it',
    );
    expect(repository("b", ["*.*.*.*.*.*"])).toThrow('"*.*.*.*.*.*" has 6 wildcards; ECR allows at most 4 per pattern');
    expect(repository("c", ["*"])).toThrow('"*" matches every tag');
    expect(repository("d", ["*.*.*"])).not.toThrow();
  });
});

describe("secrets that resolve at task start (item 8)", () => {
  const props = (secrets: Record<string, string>): ServiceTaskDefinitionProps => ({
    family: "t-api",
    containerName: "api",
    image: "public.ecr.aws/acme/api:1",
    cpu: 256,
    memoryMiB: 512,
    cpuArchitecture: "X86_64",
    containerPort: 8080,
    environment: {},
    secrets,
    readonlyRootFilesystem: true,
    stopTimeoutSeconds: 30,
    logGroupName: "/ecs/t/api",
    logRetentionDays: 30,
    kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abc",
    region: "eu-west-1",
    accountId: "111122223333",
    production: false,
  });

  it("a partial Secrets Manager ARN (no -AbCdEf suffix) is refused: the exact grant would not match the real ARN", () => {
    const stack = new TerraformStack(Testing.app() as App, "s");
    expect(
      () =>
        new ServiceTaskDefinition(
          stack,
          "api",
          props({ DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url" }),
        ),
    ).toThrow(
      's/api: secrets.DATABASE_URL is a partial ARN: it names secret "prod/api/database-url" without the "-" and 6 characters Secrets Manager appends to its ARN',
    );
  });

  it("the execution role may read exactly each full secret ARN, also where valueFrom names a JSON key", () => {
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, "s");
    new ServiceTaskDefinition(
      stack,
      "api",
      props({
        DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url-AbCdEf",
        DB_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-x1Y2z3:password:AWSCURRENT:",
      }),
    );
    const json = JSON.parse(Testing.synth(stack)) as { data: { aws_iam_policy_document: Record<string, { statement: Body[] }> } };
    const [, execution] = Object.entries(json.data.aws_iam_policy_document).find(([k]) => k.startsWith("api_execution-policy-document"))!;
    expect(execution.statement.find((s) => s.sid === "ReadSecrets")!.resources).toEqual([
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/database-url-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-x1Y2z3",
    ]);
  });
});

describe("ARM64 on FARGATE_SPOT (item 9)", () => {
  it("an ARM64 service with a FARGATE_SPOT weight synthesizes on platform LATEST (1.4.0)", () => {
    const stack = ecsStack(
      environmentFromYaml(
        yaml(
          "      image: { uri: public.ecr.aws/acme/api:1 }\n      cpuArchitecture: ARM64\n      capacity: { fargateWeight: 1, fargateSpotWeight: 3 }",
        ),
      ),
    );
    expect(named(stack, "aws_ecs_task_definition", "api-task_").runtime_platform).toEqual({
      operating_system_family: "LINUX",
      cpu_architecture: "ARM64",
    });
    const service = named(stack, "aws_ecs_service", "api-service_");
    expect(service.platform_version).toBe("LATEST");
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 0 },
      { capacity_provider: "FARGATE_SPOT", weight: 3 },
    ]);
  });
});
