import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ServiceTarget } from "../load-balancer/service-target";
import { assertProps } from "../validation";
import { FARGATE_PLATFORM_VERSION } from "./fargate";

export interface FargateServiceProps {
  /** Service name, unique in the cluster. */
  readonly serviceName: string;
  /** Name prefix of the security group, e.g. prod-api. */
  readonly resourceName: string;
  readonly clusterArn: string;
  /**
   * The cluster's capacity-provider association: ECS refuses a strategy naming FARGATE or FARGATE_SPOT
   * before they are associated with the cluster, and nothing else orders the two.
   */
  readonly clusterCapacityProviders: ITerraformDependable;
  readonly taskDefinitionArn: string;
  readonly containerName: string;
  /** @default - none (a worker without a load balancer) */
  readonly containerPort?: number;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: string[];
  /** @default - no load balancer: a queue worker, whose security group admits nothing */
  readonly target?: ServiceTarget;
  /** Tasks at creation; Application Auto Scaling owns the count afterwards. */
  readonly initialDesiredCount: number;
  /** Load-balanced services only (ignored without a target). */
  readonly healthCheckGracePeriodSeconds: number;
  /** @default 100 - no running task stops before its replacement is healthy */
  readonly deploymentMinimumHealthyPercent?: number;
  /** @default 200 */
  readonly deploymentMaximumPercent?: number;
  readonly fargateWeight: number;
  readonly fargateSpotWeight: number;
  readonly fargateBase: number;
  /** @default false */
  readonly enableExecuteCommand?: boolean;
}

/**
 * A Fargate service in the private subnets without public IPs, behind its load-balancer target.
 * Deployments keep 100 % healthy by default, roll back on the circuit breaker, and ignore the
 * desired count after creation so a deploy never undoes autoscaling. Its security group admits only
 * the load balancer's, on the container and health-check ports.
 */
export class FargateService extends Construct {
  readonly service: EcsService;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const minimum = props.deploymentMinimumHealthyPercent ?? 100;
    const maximum = props.deploymentMaximumPercent ?? 200;
    assertProps(this, [
      maximum <= minimum &&
        `deploymentMaximumPercent (${maximum}) must exceed deploymentMinimumHealthyPercent (${minimum}), or deployments cannot make progress`,
      props.fargateWeight + props.fargateSpotWeight === 0 && "fargateWeight and fargateSpotWeight are both 0; ECS could place no task",
      props.privateSubnetIds.length === 0 && "privateSubnetIds is empty; tasks run in private subnets",
      props.target && props.containerPort === undefined && "containerPort is required with a target: the load balancer forwards to it",
    ]);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.resourceName}-service`,
      description: props.target
        ? `Tasks of ${props.serviceName}: admits only its ${props.target.kind.toUpperCase()}`
        : `Tasks of ${props.serviceName}: a worker, admits no inbound traffic`,
      vpcId: props.vpcId,
      tags: { Name: `${props.resourceName}-service` },
    });
    const target = props.target;
    for (const port of target?.targetPorts ?? []) {
      if (!target) continue;
      new VpcSecurityGroupIngressRule(this, `from-load-balancer-${port}`, {
        securityGroupId: this.securityGroup.id,
        description: `${target.kind.toUpperCase()} to the tasks on ${port === props.containerPort ? "the container" : "the health-check"} port`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: target.loadBalancerSecurityGroupId,
      });
      new VpcSecurityGroupEgressRule(this, `load-balancer-to-${port}`, {
        securityGroupId: target.loadBalancerSecurityGroupId,
        description: `${target.kind.toUpperCase()} to the ${props.serviceName} tasks on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.securityGroup.id,
      });
    }
    new VpcSecurityGroupEgressRule(this, "to-aws-apis", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to AWS APIs, ECR and external HTTPS dependencies",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupEgressRule(this, "to-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "TCP to dependencies inside the VPC (databases, caches, other services)",
      ipProtocol: "tcp",
      fromPort: 0,
      toPort: 65535,
      cidrIpv4: props.vpcCidr,
    });

    this.service = new EcsService(this, "service", {
      name: props.serviceName,
      cluster: props.clusterArn,
      taskDefinition: props.taskDefinitionArn,
      desiredCount: props.initialDesiredCount,
      platformVersion: FARGATE_PLATFORM_VERSION,
      capacityProviderStrategy: [
        { capacityProvider: "FARGATE", weight: props.fargateWeight, base: props.fargateBase },
        ...(props.fargateSpotWeight > 0 ? [{ capacityProvider: "FARGATE_SPOT", weight: props.fargateSpotWeight }] : []),
      ],
      networkConfiguration: { subnets: props.privateSubnetIds, securityGroups: [this.securityGroup.id], assignPublicIp: false },
      ...(target
        ? {
            loadBalancer: [
              { targetGroupArn: target.targetGroup.arn, containerName: props.containerName, containerPort: props.containerPort ?? 0 },
            ],
            healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds,
          }
        : {}),
      deploymentMinimumHealthyPercent: minimum,
      deploymentMaximumPercent: maximum,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // Provider 6.x refuses an in-place capacity_provider_strategy change without it (ecs/service.go,
      // capacityProviderStrategyCustomizeDiff); the cost: any in-place update of the service rolls its tasks.
      forceNewDeployment: true,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      // Application Auto Scaling owns the task count after creation; applying the initial count again would undo a scale-out.
      lifecycle: { ignoreChanges: ["desired_count"] },
      // ECS refuses a target group that no listener (rule) uses yet, and a strategy whose providers the
      // cluster does not have yet.
      dependsOn: target ? [target.attachment, props.clusterCapacityProviders] : [props.clusterCapacityProviders],
    });
  }
}
