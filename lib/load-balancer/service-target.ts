import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { justify } from "../justify";
import { assertProps } from "../validation";

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
  /** Target group name, at most 32 characters. */
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
}

/**
 * The part both load-balancer kinds share: an IP target group (Fargate tasks register by IP) with an
 * explicit health check whose timeout is below its interval, and the deregistration delay that lets
 * in-flight requests finish (lesson 8). The NLB additionally closes connections when it ends.
 */
export class ServiceTargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    const hc = props.healthCheck;
    const nlb = props.protocol === "TCP";
    assertProps(this, [
      props.name.length > 32 && `name "${props.name}" is longer than the 32 characters AWS allows for a target group`,
      hc.timeoutSeconds >= hc.intervalSeconds &&
        `healthCheck.timeoutSeconds (${hc.timeoutSeconds}) must be less than intervalSeconds (${hc.intervalSeconds}), or checks overlap`,
      !nlb && hc.protocol === "TCP" && "healthCheck.protocol TCP is for NLB target groups; an ALB checks over HTTP",
    ]);
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: props.name,
      vpcId: props.vpcId,
      targetType: "ip",
      protocol: props.protocol,
      port: props.port,
      deregistrationDelay: String(props.deregistrationDelaySeconds),
      ...(nlb
        ? {
            // The NLB keeps flows to a deregistered target open until they end; close them after the delay instead.
            connectionTermination: true,
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
