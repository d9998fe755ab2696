import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { Construct } from "constructs";
import { assertProps } from "../validation";
import { albKeepAliveProblem, clientMaxIdleSeconds } from "./idle-timeouts";
import { type ServiceTarget, ServiceTargetGroup, type TargetHealthCheck } from "./service-target";
import type { SharedAlb } from "./shared-alb";

export interface AlbServiceTargetProps {
  /** Target group name, at most 32 characters. */
  readonly name: string;
  readonly alb: SharedAlb;
  readonly vpcId: string;
  readonly containerPort: number;
  readonly healthCheck: TargetHealthCheck;
  readonly deregistrationDelaySeconds: number;
  /** Listener rule priority, unique on the ALB; lower wins. */
  readonly priority: number;
  /** @default [] - any host */
  readonly hosts?: readonly string[];
  /** @default [] - any path */
  readonly paths?: readonly string[];
  /** The server's keep-alive timeout; must exceed the ALB idle timeout (lesson 1). */
  readonly keepAliveTimeoutSeconds: number;
  readonly idleTimeoutSeconds: number;
}

/** A service's place on the shared ALB: an HTTP target group and a host/path listener rule forwarding to it. */
export class AlbServiceTarget extends Construct implements ServiceTarget {
  readonly kind = "alb" as const;
  readonly targetGroup;
  readonly rule: LbListenerRule;
  readonly loadBalancerSecurityGroupId: string;
  readonly targetPorts: readonly number[];
  readonly loadBalancerArnSuffix: string;
  readonly attachment: LbListenerRule;
  readonly clientMaxIdleSeconds: number;

  constructor(scope: Construct, id: string, props: AlbServiceTargetProps) {
    super(scope, id);
    const hosts = props.hosts ?? [];
    const paths = props.paths ?? [];
    const keepAliveProblem = albKeepAliveProblem(props.keepAliveTimeoutSeconds, props.idleTimeoutSeconds);
    assertProps(this, [
      keepAliveProblem && `keepAliveTimeoutSeconds (${props.keepAliveTimeoutSeconds}) ${keepAliveProblem}`,
      hosts.length === 0 && paths.length === 0 && "give hosts and/or paths; a rule without conditions is not allowed",
      (props.priority < 1 || props.priority > 50000) && `priority (${props.priority}) must be between 1 and 50000`,
    ]);
    this.targetGroup = new ServiceTargetGroup(this, "target", {
      name: props.name,
      vpcId: props.vpcId,
      protocol: "HTTP",
      port: props.containerPort,
      healthCheck: props.healthCheck,
      deregistrationDelaySeconds: props.deregistrationDelaySeconds,
    }).targetGroup;
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.alb.listener.arn,
      priority: props.priority,
      action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      condition: [
        ...(hosts.length ? [{ hostHeader: { values: [...hosts] } }] : []),
        ...(paths.length ? [{ pathPattern: { values: [...paths] } }] : []),
      ],
    });
    this.attachment = this.rule;
    this.loadBalancerSecurityGroupId = props.alb.securityGroup.id;
    this.targetPorts = [...new Set([props.containerPort, props.healthCheck.port ?? props.containerPort])];
    this.loadBalancerArnSuffix = props.alb.loadBalancer.arnSuffix;
    // Clients talk to the ALB, which closes their idle connections after its idle timeout.
    this.clientMaxIdleSeconds = clientMaxIdleSeconds(props.idleTimeoutSeconds);
  }
}
