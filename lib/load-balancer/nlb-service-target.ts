import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { justify } from "../justify";
import { assertProps } from "../validation";
import { NLB_NEW_FLOWS_STOP_SECONDS } from "./draining";
import { clientMaxIdleSeconds, NLB_TCP_IDLE_TIMEOUT, nlbKeepAliveProblem } from "./idle-timeouts";
import { elbName } from "./names";
import { type ServiceTarget, ServiceTargetGroup, type TargetHealthCheck } from "./service-target";
import { ALB_TLS_POLICY } from "./shared-alb";

export interface NlbServiceTargetProps {
  /** NLB and target group name, at most 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  /** Private subnets for an internal NLB, public ones for an internet-facing NLB. */
  readonly subnetIds: string[];
  readonly internal: boolean;
  readonly ingressCidrs: readonly string[];
  readonly port: number;
  readonly protocol: "TCP" | "TLS";
  /** Required for TLS. */
  readonly certificateArn?: string;
  readonly tcpIdleTimeoutSeconds: number;
  readonly crossZone: boolean;
  readonly preserveClientIp: boolean;
  readonly proxyProtocolV2: boolean;
  readonly containerPort: number;
  readonly healthCheck: TargetHealthCheck;
  /** At least NLB_NEW_FLOWS_STOP_SECONDS: the NLB may open new flows to a deregistered target until then. */
  readonly deregistrationDelaySeconds: number;
  /**
   * Reset the flows still open when the deregistration delay ends (before the task gets SIGTERM).
   * @default false - the task closes its connections itself after SIGTERM (lesson 1)
   */
  readonly connectionTermination?: boolean;
  /** The server's keep-alive timeout; must be below the NLB TCP idle timeout (lesson 1). */
  readonly keepAliveTimeoutSeconds: number;
  /** Production: deletion protection. */
  readonly production: boolean;
}

/**
 * A service's own NLB: flows pass through to the tasks (lesson 5). Its security group is attached at
 * creation because an NLB created without one can never get one; the listener's TCP idle timeout is
 * explicit, cross-zone is explicit, and a deregistered task's flows stay open for the task to close
 * after SIGTERM (the NLB resets them only with connectionTermination, lib/load-balancer/draining.ts).
 */
export class NlbServiceTarget extends Construct implements ServiceTarget {
  readonly kind = "nlb" as const;
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly listener: LbListener;
  readonly targetGroup;
  readonly loadBalancerSecurityGroupId: string;
  readonly targetPorts: readonly number[];
  readonly loadBalancerArnSuffix: string;
  readonly attachment: LbListener;
  readonly clientMaxIdleSeconds: number;

  constructor(scope: Construct, id: string, props: NlbServiceTargetProps) {
    super(scope, id);
    const keepAliveProblem = nlbKeepAliveProblem(props.keepAliveTimeoutSeconds, props.tcpIdleTimeoutSeconds);
    const connectionTermination = props.connectionTermination ?? false;
    const delay = props.deregistrationDelaySeconds;
    assertProps(this, [
      delay < NLB_NEW_FLOWS_STOP_SECONDS &&
        `deregistrationDelaySeconds (${delay}) must be at least ${NLB_NEW_FLOWS_STOP_SECONDS}: the NLB may still open new flows to a deregistered task until then, and SIGTERM comes when the delay ends`,
      connectionTermination &&
        delay <= props.keepAliveTimeoutSeconds &&
        `deregistrationDelaySeconds (${delay}) must exceed keepAliveTimeoutSeconds (${props.keepAliveTimeoutSeconds}) with connectionTermination, or the NLB resets idle pooled client connections (lesson 1)`,
      keepAliveProblem && `keepAliveTimeoutSeconds (${props.keepAliveTimeoutSeconds}) ${keepAliveProblem}`,
      (props.tcpIdleTimeoutSeconds < NLB_TCP_IDLE_TIMEOUT.minSeconds || props.tcpIdleTimeoutSeconds > NLB_TCP_IDLE_TIMEOUT.maxSeconds) &&
        `tcpIdleTimeoutSeconds (${props.tcpIdleTimeoutSeconds}) must be between ${NLB_TCP_IDLE_TIMEOUT.minSeconds} and ${NLB_TCP_IDLE_TIMEOUT.maxSeconds}`,
      props.protocol === "TLS" && !props.certificateArn && "a TLS listener needs certificateArn",
      props.subnetIds.length < 2 && "an NLB needs subnets in at least two availability zones",
    ]);
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-nlb`,
      description: `NLB of ${props.name}: admits clients on the listener port only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-nlb` },
    });
    for (const cidr of props.ingressCidrs) {
      new VpcSecurityGroupIngressRule(this, `ingress-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: this.securityGroup.id,
        description: `Clients to the ${props.protocol} listener`,
        ipProtocol: "tcp",
        fromPort: props.port,
        toPort: props.port,
        cidrIpv4: cidr,
      });
    }
    this.loadBalancer = new Lb(this, "load-balancer", {
      name: elbName(`${props.name}-nlb`),
      loadBalancerType: "network",
      internal: props.internal,
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      enableCrossZoneLoadBalancing: props.crossZone,
      enableDeletionProtection: props.production,
    });
    justify(
      this.loadBalancer,
      "CKV_AWS_91",
      "NLB access logs cover TLS listeners only; TCP flows of this NLB are recorded by the VPC flow logs of the network layer.",
    );
    if (!props.production) {
      justify(this.loadBalancer, "CKV_AWS_150", "Outside production the NLB stays destroyable with the rest of the environment.");
    }
    this.targetGroup = new ServiceTargetGroup(this, "target", {
      name: props.name,
      vpcId: props.vpcId,
      protocol: "TCP",
      port: props.containerPort,
      healthCheck: props.healthCheck,
      deregistrationDelaySeconds: props.deregistrationDelaySeconds,
      preserveClientIp: props.preserveClientIp,
      proxyProtocolV2: props.proxyProtocolV2,
      connectionTermination,
    }).targetGroup;
    this.listener = new LbListener(this, "listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.port,
      protocol: props.protocol,
      ...(props.protocol === "TLS" ? { certificateArn: props.certificateArn, sslPolicy: ALB_TLS_POLICY } : {}),
      // Explicit, so the keep-alive guard and the published client idle time match what AWS applies.
      tcpIdleTimeoutSeconds: props.protocol === "TCP" ? props.tcpIdleTimeoutSeconds : undefined,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });
    this.attachment = this.listener;
    this.loadBalancerSecurityGroupId = this.securityGroup.id;
    this.targetPorts = [...new Set([props.containerPort, props.healthCheck.port ?? props.containerPort])];
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    // The flow is end to end: the client must close idle connections before the server (which closes before the NLB).
    this.clientMaxIdleSeconds = clientMaxIdleSeconds(Math.min(props.keepAliveTimeoutSeconds, props.tcpIdleTimeoutSeconds));
  }
}
