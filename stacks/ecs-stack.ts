import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EcsServiceSettings, EcsSettings } from "../config/ecs";
import { deregistrationDelaySeconds, minTasks } from "../config/ecs-derived";
import { EcsCluster } from "../lib/ecs/ecs-cluster";
import { EcsKey } from "../lib/ecs/ecs-key";
import { FargateService } from "../lib/ecs/fargate-service";
import { ImageRepository } from "../lib/ecs/image-repository";
import { ServiceAlarms } from "../lib/ecs/service-alarms";
import { ServiceScaling } from "../lib/ecs/service-scaling";
import { ServiceTaskDefinition } from "../lib/ecs/service-task-definition";
import { SharedAlbAlarms } from "../lib/ecs/shared-alb-alarms";
import { justify } from "../lib/justify";
import { AccessLogBucket } from "../lib/load-balancer/access-log-bucket";
import { AlbServiceTarget } from "../lib/load-balancer/alb-service-target";
import { elbName } from "../lib/load-balancer/names";
import { NlbServiceTarget } from "../lib/load-balancer/nlb-service-target";
import { RateLimitWebAcl } from "../lib/load-balancer/rate-limit-web-acl";
import type { ServiceTarget } from "../lib/load-balancer/service-target";
import { SharedAlb } from "../lib/load-balancer/shared-alb";
import { compareText } from "../lib/order";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import type { NetworkOutputs } from "./network-stack";

export interface EcsStackProps extends EnvironmentStackProps {
  readonly network: NetworkOutputs;
}

/** Days the ECS Exec session log group keeps events: who ran what inside a task is audit data. */
const EXEC_LOG_RETENTION_DAYS = 365;
/** Days the WAF request log group keeps events. */
const WAF_LOG_RETENTION_DAYS = 90;

/**
 * `<env>-ecs`: a Fargate cluster whose services each sit behind the shared ALB or their own NLB
 * (one switch per service), scaled by target tracking and schedules, with saturation alarms.
 */
export class EcsStack extends EnvironmentStack {
  readonly key: EcsKey;
  readonly cluster: EcsCluster;
  readonly alb?: SharedAlb;
  readonly services: Record<string, FargateService> = {};

  constructor(scope: Construct, props: EcsStackProps) {
    super(scope, "ecs", props);
    const { aws, production } = this.environment;
    const ecs = this.environment.ecs as EcsSettings;
    const { network } = props;
    const prefix = this.namePrefix;

    this.key = new EcsKey(this, "key", {
      namePrefix: prefix,
      accountId: aws.accountId,
      region: aws.region,
      production,
      logGroupNamePatterns: [`/ecs/${prefix}/*`, `aws-waf-logs-${prefix}`],
    });
    const kmsKeyArn = this.key.key.arn;
    this.cluster = new EcsCluster(this, "cluster", {
      namePrefix: prefix,
      kmsKeyArn,
      execLogRetentionDays: EXEC_LOG_RETENTION_DAYS,
      production,
    });

    const albServices = Object.values(ecs.services).some((s) => s.loadBalancer === "alb");
    if (albServices) {
      const logs = new AccessLogBucket(this, "access-logs", {
        namePrefix: prefix,
        accountId: aws.accountId,
        region: aws.region,
        retentionDays: ecs.alb.accessLogRetentionDays,
        production,
      });
      this.alb = new SharedAlb(this, "alb", {
        namePrefix: prefix,
        vpcId: network.vpcId,
        subnetIds: ecs.alb.internal ? network.privateSubnetIds : network.publicSubnetIds,
        internal: ecs.alb.internal,
        ingressCidrs: ecs.alb.ingressCidrs,
        idleTimeoutSeconds: ecs.alb.idleTimeoutSeconds,
        certificateArn: ecs.alb.certificateArn,
        allowPlainHttp: ecs.alb.allowPlainHttp,
        desyncMitigationMode: ecs.alb.desyncMitigationMode,
        accessLogBucketName: logs.bucketName,
        accessLogBucketPolicy: logs.storage.policy,
        production,
      });
      new SharedAlbAlarms(this, "alb-alarms", {
        resourceName: `${prefix}-alb`,
        loadBalancerArnSuffix: this.alb.loadBalancer.arnSuffix,
        alarmTopicArn: ecs.alarmTopicArn,
      });
      if (ecs.alb.rateLimit) {
        new RateLimitWebAcl(this, "rate-limit", {
          namePrefix: prefix,
          loadBalancerArn: this.alb.loadBalancer.arn,
          requestsPerWindow: ecs.alb.rateLimit.requestsPerWindow,
          windowSeconds: ecs.alb.rateLimit.windowSeconds,
          kmsKeyArn,
          logRetentionDays: WAF_LOG_RETENTION_DAYS,
          production,
        });
        justify(
          this.alb.loadBalancer,
          "CKV2_AWS_76",
          "The web ACL implements request-rate protection (429); managed rule groups such as Log4j are a per-application decision.",
        );
      } else {
        justify(
          this.alb.loadBalancer,
          "CKV2_AWS_28",
          "This environment configures no ecs.alb.rateLimit, so no web ACL; set one to answer floods with 429 at the edge.",
        );
      }
    }

    for (const [name, settings] of Object.entries(ecs.services).sort(([a], [b]) => compareText(a, b))) {
      this.addService(name, settings, ecs, network);
    }
  }

  private addService(name: string, s: EcsServiceSettings, ecs: EcsSettings, network: NetworkOutputs): void {
    const { aws, production } = this.environment;
    const resourceName = `${this.namePrefix}-${name}`;
    const kmsKeyArn = this.key.key.arn;

    const repository = s.image.tag
      ? new ImageRepository(this, `${name}-repository`, {
          repositoryName: `${this.namePrefix}/${name}`,
          kmsKeyArn,
          keepLastImages: s.image.keepLastImages,
          deployedTag: s.image.tag,
          protectedTagPatterns: s.image.protectedTagPatterns,
          production,
        }).repository
      : undefined;
    const image = repository ? `${repository.repositoryUrl}:${s.image.tag}` : (s.image.uri as string);

    const task = new ServiceTaskDefinition(this, `${name}-task`, {
      family: resourceName,
      containerName: name,
      image,
      ecrRepositoryArn: repository?.arn,
      cpu: s.cpu,
      memoryMiB: s.memoryMiB,
      cpuArchitecture: s.cpuArchitecture,
      containerPort: s.containerPort,
      command: s.command,
      environment: s.environment,
      secrets: s.secrets,
      secretsKmsKeyArn: s.secretsKmsKeyArn,
      healthCheck: s.healthCheck,
      readonlyRootFilesystem: s.readonlyRootFilesystem,
      writablePaths: s.writablePaths,
      stopTimeoutSeconds: s.stopTimeoutSeconds,
      logGroupName: `/ecs/${this.namePrefix}/${name}`,
      logRetentionDays: s.logRetentionDays,
      kmsKeyArn,
      region: aws.region,
      accountId: aws.accountId,
      execLogGroupArn: s.enableExecuteCommand ? this.cluster.execLogGroup.arn : undefined,
      production,
    });

    const healthCheck = { ...s.targetHealthCheck };
    let target: ServiceTarget;
    if (s.loadBalancer === "alb") {
      const routing = s.alb!;
      target = new AlbServiceTarget(this, `${name}-alb-target`, {
        name: elbName(resourceName),
        alb: this.alb!,
        vpcId: network.vpcId,
        containerPort: s.containerPort,
        healthCheck,
        deregistrationDelaySeconds: deregistrationDelaySeconds(s),
        priority: routing.priority,
        hosts: routing.hosts,
        paths: routing.paths,
        keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
        idleTimeoutSeconds: ecs.alb.idleTimeoutSeconds,
      });
    } else {
      const nlb = s.nlb!;
      target = new NlbServiceTarget(this, `${name}-nlb`, {
        name: elbName(resourceName),
        vpcId: network.vpcId,
        subnetIds: nlb.internal ? network.privateSubnetIds : network.publicSubnetIds,
        internal: nlb.internal,
        ingressCidrs: nlb.ingressCidrs,
        port: nlb.port,
        protocol: nlb.protocol,
        certificateArn: nlb.certificateArn,
        tcpIdleTimeoutSeconds: nlb.tcpIdleTimeoutSeconds,
        crossZone: nlb.crossZone,
        preserveClientIp: nlb.preserveClientIp,
        proxyProtocolV2: nlb.proxyProtocolV2,
        containerPort: s.containerPort,
        healthCheck,
        deregistrationDelaySeconds: deregistrationDelaySeconds(s),
        connectionTermination: nlb.connectionTermination,
        keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds,
        production,
      });
    }

    const service = new FargateService(this, `${name}-service`, {
      serviceName: name,
      resourceName,
      clusterArn: this.cluster.cluster.arn,
      clusterCapacityProviders: this.cluster.capacityProviders,
      taskDefinitionArn: task.taskDefinition.arn,
      containerName: name,
      containerPort: s.containerPort,
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      privateSubnetIds: network.privateSubnetIds,
      target,
      initialDesiredCount: s.scaling.minCapacity,
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
      deploymentMinimumHealthyPercent: s.deploymentMinimumHealthyPercent,
      deploymentMaximumPercent: s.deploymentMaximumPercent,
      fargateWeight: s.capacity.fargateWeight,
      fargateSpotWeight: s.capacity.fargateSpotWeight,
      fargateBase: s.capacity.fargateBase,
      enableExecuteCommand: s.enableExecuteCommand,
    });
    this.services[name] = service;

    const scaling = new ServiceScaling(this, `${name}-scaling`, {
      resourceName,
      clusterName: this.cluster.cluster.name,
      serviceName: service.service.name,
      minCapacity: s.scaling.minCapacity,
      maxCapacity: s.scaling.maxCapacity,
    });
    if (s.scaling.cpu) scaling.scaleOnCpu(s.scaling.cpu);
    if (s.scaling.memory) scaling.scaleOnMemory(s.scaling.memory);
    if (s.scaling.requestsPerTarget) {
      scaling.scaleOnRequestCount(s.scaling.requestsPerTarget, `${target.loadBalancerArnSuffix}/${target.targetGroup.arnSuffix}`);
    }
    // The config's schedule vocabulary (schedule, timeZone) to the scheduled action's argument names.
    for (const { timeZone, ...schedule } of s.scaling.schedules)
      scaling.scaleOnSchedule(schedule.name, { ...schedule, timezone: timeZone });

    new ServiceAlarms(this, `${name}-alarms`, {
      resourceName,
      clusterName: this.cluster.cluster.name,
      serviceName: service.service.name,
      loadBalancerKind: target.kind,
      loadBalancerArnSuffix: target.loadBalancerArnSuffix,
      targetGroupArnSuffix: target.targetGroup.arnSuffix,
      alarmTopicArn: ecs.alarmTopicArn,
      // A service that schedules or a minimum of 0 take to zero tasks has no healthy target by plan.
      alwaysRunning: minTasks(s) > 0,
    });

    const output = name.replace(/-/g, "_");
    new TerraformOutput(this, `${output}_client_max_idle_seconds`, {
      value: target.clientMaxIdleSeconds,
      description: `${name}: the longest an HTTP client pool should keep an idle connection through its ${target.kind.toUpperCase()} (seconds; docs/ecs-services.md)`,
    });
    if (repository) {
      new TerraformOutput(this, `${output}_repository_url`, {
        value: repository.repositoryUrl,
        description: `${name}: ECR repository to push images to`,
      });
    }
  }
}
