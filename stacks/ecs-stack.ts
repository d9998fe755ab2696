import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EcsServiceSettings, EcsSettings } from "../config/ecs";
import {
  albCertificateArn,
  albIngressCidrs,
  albPlacement,
  describeAlb,
  isOriginalAlb,
  type SharedAlbUse,
  sharedAlbsInUse,
} from "../config/ecs-albs";
import { deregistrationDelaySeconds, maxTasks, minTasks } from "../config/ecs-derived";
import { messagingEnvironment } from "../config/ecs-messaging-env";
import type { QueueSettings } from "../config/ecs-queue";
import { EcsCluster } from "../lib/ecs/ecs-cluster";
import { EcsKey } from "../lib/ecs/ecs-key";
import { FargateService } from "../lib/ecs/fargate-service";
import { ImageRepository } from "../lib/ecs/image-repository";
import { ServiceAlarms } from "../lib/ecs/service-alarms";
import { ServiceScaling } from "../lib/ecs/service-scaling";
import { ServiceTaskDefinition } from "../lib/ecs/service-task-definition";
import { SharedAlbAlarms } from "../lib/ecs/shared-alb-alarms";
import { WorkerAlarms } from "../lib/ecs/worker-alarms";
import { resourceTypeOf, type TaskGrant, TaskPermissions } from "../lib/iam/task-permissions";
import { justify } from "../lib/justify";
import { AccessLogBucket } from "../lib/load-balancer/access-log-bucket";
import { AlbServiceTarget } from "../lib/load-balancer/alb-service-target";
import { elbName } from "../lib/load-balancer/names";
import { NlbServiceTarget } from "../lib/load-balancer/nlb-service-target";
import { RateLimitWebAcl } from "../lib/load-balancer/rate-limit-web-acl";
import type { ServiceTarget } from "../lib/load-balancer/service-target";
import { DEFAULT_ALB_GROUP, SharedAlb } from "../lib/load-balancer/shared-alb";
import { EventTopic } from "../lib/messaging/topic";
import { WorkerQueue } from "../lib/messaging/worker-queue";
import { compareText } from "../lib/order";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import type { NetworkOutputs } from "./network-stack";

/**
 * Construct ID and name prefix of a shared ALB. The original one keeps `alb` and `<env>-alb`, so a fork's
 * existing ALB, listeners and security group keep their Terraform addresses and names (both ForceNew).
 */
export function sharedAlbIdentity(prefix: string, use: Pick<SharedAlbUse, "scheme" | "group">, original: boolean) {
  if (original) return { id: "alb", namePrefix: prefix };
  const scheme = use.scheme === "internal" ? "internal" : "public";
  const name = use.group === DEFAULT_ALB_GROUP ? scheme : `${scheme}-${use.group}`;
  return { id: `alb-${name}`, namePrefix: `${prefix}-${name}` };
}

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
  /** The ALB of the default scheme's main group (construct ID `alb` since before schemes), where services use it. */
  readonly alb?: SharedAlb;
  /** Every shared ALB, by `<scheme>/<group>`. */
  readonly albs: Record<string, SharedAlb> = {};
  readonly services: Record<string, FargateService> = {};
  readonly topics: Record<string, EventTopic> = {};
  readonly queues: Record<string, WorkerQueue> = {};

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
      // SNS delivers to the encrypted worker queues on behalf of the subscribed topics only.
      snsTopicNamePatterns: subscribedTopics(ecs).map((topic) => `${prefix}-${topic}`),
    });
    const kmsKeyArn = this.key.key.arn;
    this.cluster = new EcsCluster(this, "cluster", {
      namePrefix: prefix,
      kmsKeyArn,
      execLogRetentionDays: EXEC_LOG_RETENTION_DAYS,
      production,
    });

    const albs = sharedAlbsInUse(ecs);
    if (albs.length > 0) {
      const logs = new AccessLogBucket(this, "access-logs", {
        namePrefix: prefix,
        accountId: aws.accountId,
        region: aws.region,
        retentionDays: ecs.alb.accessLogRetentionDays,
        production,
      });
      let rateLimit: RateLimitWebAcl | undefined;
      for (const use of albs) {
        const { id, namePrefix } = sharedAlbIdentity(prefix, use, isOriginalAlb(use, ecs));
        const internal = use.scheme === "internal";
        const alb = new SharedAlb(this, id, {
          namePrefix,
          vpcId: network.vpcId,
          subnetIds: internal ? network.privateSubnetIds : network.publicSubnetIds,
          internal,
          // The VPC's block as configured: the network stack's output is a token, unusable in rule IDs.
          ingressCidrs: albIngressCidrs(ecs, use.scheme, this.environment.network.cidr),
          idleTimeoutSeconds: ecs.alb.idleTimeoutSeconds,
          certificateArn: albCertificateArn(ecs, use.scheme),
          allowPlainHttp: ecs.alb.allowPlainHttp,
          desyncMitigationMode: ecs.alb.desyncMitigationMode,
          // One bucket for every ALB: AWS names each log object after its load balancer.
          accessLogBucketName: logs.bucketName,
          accessLogBucketPolicy: logs.storage.policy,
          production,
        });
        this.albs[`${use.scheme}/${use.group}`] = alb;
        if (isOriginalAlb(use, ecs)) this.alb = alb;
        new SharedAlbAlarms(this, `${id}-alarms`, {
          resourceName: `${namePrefix}-alb`,
          loadBalancerArnSuffix: alb.loadBalancer.arnSuffix,
          alarmTopicArn: ecs.alarmTopicArn,
        });
        new TerraformOutput(this, `${id.replace(/-/g, "_")}_dns_name`, {
          value: alb.loadBalancer.dnsName,
          description: `DNS name of ${describeAlb(use)} (services: ${use.services.map(([name]) => name).join(", ")})`,
        });
        if (ecs.alb.rateLimit) {
          // One web ACL for every ALB: internal callers can flood a service as well (lesson 11).
          if (rateLimit) rateLimit.protect(`association-${id}`, alb.loadBalancer.arn);
          else {
            rateLimit = new RateLimitWebAcl(this, "rate-limit", {
              namePrefix: prefix,
              loadBalancerArn: alb.loadBalancer.arn,
              requestsPerWindow: ecs.alb.rateLimit.requestsPerWindow,
              windowSeconds: ecs.alb.rateLimit.windowSeconds,
              kmsKeyArn,
              logRetentionDays: WAF_LOG_RETENTION_DAYS,
              production,
            });
          }
          // checkov's Log4j rule-group check (CKV2_AWS_76) looks at internet-facing ALBs only.
          if (!internal)
            justify(
              alb.loadBalancer,
              "CKV2_AWS_76",
              "The web ACL implements request-rate protection (429); managed rule groups such as Log4j are a per-application decision.",
            );
        } else {
          justify(
            alb.loadBalancer,
            "CKV2_AWS_28",
            "This environment configures no ecs.alb.rateLimit, so no web ACL; set one to answer floods with 429 at the edge.",
          );
        }
      }
    }

    // Topics and worker queues first: any service may be granted access to them (permissions).
    for (const topic of Object.keys(ecs.topics).sort(compareText)) {
      this.topics[topic] = new EventTopic(this, `topic-${topic}`, { topicName: `${prefix}-${topic}`, kmsKeyArn });
    }
    const services = Object.entries(ecs.services).sort(([a], [b]) => compareText(a, b));
    for (const [name, settings] of services) {
      if (settings.queue) this.addQueue(name, settings.queue, ecs);
    }
    for (const [name, settings] of services) {
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
      environment: { ...s.environment, ...this.messagingVariables(name, s) },
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

    const grants = this.taskGrants(name, s);
    if (grants.length > 0) new TaskPermissions(this, `${name}-permissions`, { roleId: task.taskRole.id, grants });

    const healthCheck = { ...s.targetHealthCheck };
    let target: ServiceTarget | undefined;
    if (s.loadBalancer === "alb") {
      const routing = s.alb!;
      const placement = albPlacement(s, ecs)!;
      const alb = this.albs[`${placement.scheme}/${placement.group}`]!;
      target = new AlbServiceTarget(this, `${name}-alb-target`, {
        name: elbName(resourceName),
        alb,
        vpcId: network.vpcId,
        containerPort: s.containerPort!,
        healthCheck,
        deregistrationDelaySeconds: deregistrationDelaySeconds(s),
        priority: routing.priority,
        hosts: routing.hosts,
        paths: routing.paths,
        keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds!,
        idleTimeoutSeconds: ecs.alb.idleTimeoutSeconds,
      });
      new TerraformOutput(this, `${name.replace(/-/g, "_")}_load_balancer`, {
        value: { kind: "alb", scheme: placement.scheme, group: placement.group, dns_name: alb.loadBalancer.dnsName },
        description: `${name}: the shared ALB it sits on (${describeAlb(placement)}, rule priority ${routing.priority})`,
      });
    } else if (s.loadBalancer === "nlb") {
      const nlb = s.nlb!;
      const own = new NlbServiceTarget(this, `${name}-nlb`, {
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
        containerPort: s.containerPort!,
        healthCheck,
        deregistrationDelaySeconds: deregistrationDelaySeconds(s),
        connectionTermination: nlb.connectionTermination,
        keepAliveTimeoutSeconds: s.keepAliveTimeoutSeconds!,
        production,
      });
      target = own;
      new TerraformOutput(this, `${name.replace(/-/g, "_")}_load_balancer`, {
        value: { kind: "nlb", scheme: nlb.internal ? "internal" : "internet-facing", dns_name: own.loadBalancer.dnsName },
        description: `${name}: its own NLB`,
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
    if (s.scaling.requestsPerTarget && target) {
      scaling.scaleOnRequestCount(s.scaling.requestsPerTarget, `${target.loadBalancerArnSuffix}/${target.targetGroup.arnSuffix}`);
    }
    const queue = this.queues[name];
    if (queue && s.scaling.backlogPerTask) {
      const source = { queueName: queue.queue.name, clusterName: this.cluster.cluster.name, serviceName: service.service.name };
      scaling.scaleOnBacklogPerTask(s.scaling.backlogPerTask, source);
      // Target tracking on a per-task ratio has no value at zero tasks; a step policy starts the first one.
      if (minTasks(s) === 0) scaling.scaleOutFromZero(source);
    }
    // The config's schedule vocabulary (schedule, timeZone) to the scheduled action's argument names.
    for (const { timeZone, ...schedule } of s.scaling.schedules)
      scaling.scaleOnSchedule(schedule.name, { ...schedule, timezone: timeZone });
    if (queue) {
      new WorkerAlarms(this, `${name}-worker-alarms`, {
        resourceName,
        queueName: queue.queue.name,
        clusterName: this.cluster.cluster.name,
        serviceName: service.service.name,
        maxTasks: maxTasks(s),
        alarmTopicArn: ecs.alarmTopicArn,
      });
    }

    new ServiceAlarms(this, `${name}-alarms`, {
      resourceName,
      clusterName: this.cluster.cluster.name,
      serviceName: service.service.name,
      loadBalancerKind: target?.kind ?? "none",
      loadBalancerArnSuffix: target?.loadBalancerArnSuffix,
      targetGroupArnSuffix: target?.targetGroup.arnSuffix,
      alarmTopicArn: ecs.alarmTopicArn,
      // A service that schedules or a minimum of 0 take to zero tasks has no healthy target by plan.
      alwaysRunning: minTasks(s) > 0,
    });

    const output = name.replace(/-/g, "_");
    if (target) {
      new TerraformOutput(this, `${output}_client_max_idle_seconds`, {
        value: target.clientMaxIdleSeconds,
        description: `${name}: the longest an HTTP client pool should keep an idle connection through its ${target.kind.toUpperCase()} (seconds; docs/ecs-services.md)`,
      });
    }
    if (queue) {
      new TerraformOutput(this, `${output}_queue_url`, {
        value: queue.queue.url,
        description: `${name}: the SQS queue the worker consumes`,
      });
    }
    if (repository) {
      new TerraformOutput(this, `${output}_repository_url`, {
        value: repository.repositoryUrl,
        description: `${name}: ECR repository to push images to`,
      });
    }
  }

  /** A worker's own queue, fed by the topics it subscribes to (issue #19 items 2 and 3). */
  private addQueue(name: string, q: QueueSettings, ecs: EcsSettings): void {
    const s = ecs.services[name]!;
    this.queues[name] = new WorkerQueue(this, `${name}-queue`, {
      queueName: `${this.namePrefix}-${name}`,
      kmsKeyArn: this.key.key.arn,
      visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
      messageRetentionSeconds: q.messageRetentionSeconds,
      deadLetterRetentionSeconds: q.deadLetterRetentionSeconds,
      receiveWaitTimeSeconds: q.receiveWaitTimeSeconds,
      maxReceiveCount: q.maxReceiveCount,
      maxProcessingSeconds: q.maxProcessingSeconds,
      stopTimeoutSeconds: s.stopTimeoutSeconds,
      oldestMessageAlarmSeconds: q.oldestMessageAlarmSeconds,
      alarmReactionSeconds: q.alarmReactionSeconds,
      subscriptions: q.subscriptions.map((sub) => ({
        id: sub.topic,
        topicArn: this.topics[sub.topic]!.topic.arn,
        filterPolicy: sub.filterPolicy && JSON.stringify(sub.filterPolicy),
        filterPolicyScope: sub.filterPolicyScope,
      })),
      alarmTopicArn: ecs.alarmTopicArn,
      production: this.environment.production,
    });
  }

  /** Queue URLs and topic ARNs for the container (the guards refuse the same names in environment). */
  private messagingVariables(name: string, s: EcsServiceSettings): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [variable, ref] of Object.entries(messagingEnvironment(name, s))) {
      if (ref.kind === "own-queue") values[variable] = this.queues[name]!.queue.url;
      else if (ref.kind === "queue") values[variable] = this.queues[ref.service]!.queue.url;
      else values[variable] = this.topics[ref.topic]!.topic.arn;
    }
    return values;
  }

  /** The task role's grants: a worker consumes its own queue; every service gets what its permissions list. */
  private taskGrants(name: string, s: EcsServiceSettings): TaskGrant[] {
    const key = this.key.key.arn;
    const grants: TaskGrant[] = [];
    const own = this.queues[name];
    if (own) grants.push({ sid: "OwnQueue", type: "sqs", arn: own.queue.arn, levels: ["consume"], kmsKeyArn: key });
    s.permissions.forEach((p, i) => {
      if (p.topic !== undefined) {
        grants.push({ sid: `Grant${i}Topic`, type: "sns", arn: this.topics[p.topic]!.topic.arn, levels: p.access, kmsKeyArn: key });
      } else if (p.queue !== undefined) {
        grants.push({ sid: `Grant${i}Queue`, type: "sqs", arn: this.queues[p.queue]!.queue.arn, levels: p.access, kmsKeyArn: key });
      } else {
        const arn = p.resource!;
        grants.push({ sid: `Grant${i}Resource`, type: resourceTypeOf(arn)!, arn, levels: p.access, kmsKeyArn: p.kmsKeyArn });
      }
    });
    return grants;
  }
}

/** Topics some worker subscribes to: SNS delivers to encrypted queues on their behalf. */
function subscribedTopics(ecs: EcsSettings): string[] {
  const topics = Object.values(ecs.services).flatMap((s) => s.queue?.subscriptions.map((sub) => sub.topic) ?? []);
  return [...new Set(topics)].sort(compareText);
}
