import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { justify } from "../justify";
import { assertProps } from "../validation";
import { targetGroupName } from "./names";

/** What a Fargate service needs from the load balancer in front of it, whichever kind it is (lesson 5). */
export interface ServiceTarget {
  readonly kind: "alb" | "nlb";
  readonly targetGroup: LbTargetGroup;
  /** The load balancer's security group; the service admits only it. */
  readonly loadBalancerSecurityGroupId: string;
  /** Ports the load balancer connects to on each task: the traffic port and the health-check port. */
  readonly targetPorts: readonly number[];
  /** arn_suffix of the load balancer, for CloudWatch dimensions and ALBRequestCountPerTarget. */
  readonly loadBalancerArnSuffix: string;
  /** The listener or listener rule that attaches the target group; ECS refuses a target group without one. */
  readonly attachment: ITerraformDependable;
  /** Seconds an HTTP client pool should keep an idle connection through this load balancer at most (lesson 1). */
  readonly clientMaxIdleSeconds: number;
}

export interface TargetHealthCheck {
  readonly protocol: "HTTP" | "TCP";
  /** HTTP only. */
  readonly path: string;
  /** HTTP only. */
  readonly matcher: string;
  /** @default the traffic port */
  readonly port?: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface ServiceTargetGroupProps {
  /** Base of the target group name; a hash of the arguments that force a replacement is appended (at most 32 characters in all). */
  readonly name: string;
  readonly vpcId: string;
  readonly protocol: "HTTP" | "TCP";
  readonly port: number;
  readonly healthCheck: TargetHealthCheck;
  readonly deregistrationDelaySeconds: number;
  /** NLB only: targets see the client's address. */
  readonly preserveClientIp?: boolean;
  /** NLB only: send a PROXY v2 header. */
  readonly proxyProtocolV2?: boolean;
  /**
   * NLB only: reset the flows still open when the deregistration delay ends. That is before ECS sends
   * SIGTERM, so the application never gets to close them itself (docs/alb-vs-nlb.md, Draining).
   * @default false - flows stay open until the application closes them after SIGTERM
   */
  readonly connectionTermination?: boolean;
}

/**
 * The part both load-balancer kinds share: an IP target group (Fargate tasks register by IP) with an
 * explicit health check whose timeout is below its interval, and the deregistration delay that lets
 * in-flight requests finish (lesson 8). Its name changes with every argument that forces a replacement,
 * and the new group is created before the old one is destroyed: the listener (rule) and the ECS service
 * switch to it by ARN in the same apply, then the old group is deleted.
 */
export class ServiceTargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    const hc = props.healthCheck;
    const nlb = props.protocol === "TCP";
    assertProps(this, [
      !/^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/.test(props.name) &&
        `name "${props.name}" must be letters, digits and hyphens, not starting or ending with a hyphen (AWS target group names)`,
      hc.timeoutSeconds >= hc.intervalSeconds &&
        `healthCheck.timeoutSeconds (${hc.timeoutSeconds}) must be less than intervalSeconds (${hc.intervalSeconds}), or checks overlap`,
      !nlb && hc.protocol === "TCP" && "healthCheck.protocol TCP is for NLB target groups; an ALB checks over HTTP",
    ]);
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: targetGroupName(props.name, { protocol: props.protocol, port: props.port, targetType: "ip" }),
      vpcId: props.vpcId,
      targetType: "ip",
      protocol: props.protocol,
      port: props.port,
      deregistrationDelay: String(props.deregistrationDelaySeconds),
      ...(nlb
        ? {
            // Explicit either way: on, the NLB resets open flows when the delay ends, before the app's SIGTERM.
            connectionTermination: props.connectionTermination ?? false,
            preserveClientIp: String(props.preserveClientIp ?? true),
            proxyProtocolV2: props.proxyProtocolV2 ?? false,
          }
        : {}),
      healthCheck: {
        enabled: true,
        protocol: hc.protocol,
        port: hc.port ? String(hc.port) : "traffic-port",
        ...(hc.protocol === "HTTP" ? { path: hc.path, matcher: hc.matcher } : {}),
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold,
      },
      // A changed port or protocol replaces the group: create the new one (new name) before deleting the old.
      lifecycle: { createBeforeDestroy: true },
    });
    if (!nlb) {
      justify(
        this.targetGroup,
        "CKV_AWS_378",
        "TLS ends at the ALB; the hop to the tasks is HTTP to private IPs that admit only the ALB's security group.",
      );
    }
  }
}
