import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { justify } from "../justify";
import { assertProps } from "../validation";
import { ALB_IDLE_TIMEOUT } from "./idle-timeouts";
import { elbName } from "./names";

/** TLS 1.3 only (the ALB's 2021-06 TLS 1.3 policy family). */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-3-2021-06";

/** An ALB's scheme, in AWS's words: reachable from the internet, or only from inside the VPC. */
export const ALB_SCHEMES = ["internet-facing", "internal"] as const;
export type AlbScheme = (typeof ALB_SCHEMES)[number];
/** The group of services that name none: one shared ALB per scheme and group. */
export const DEFAULT_ALB_GROUP = "main";

/** Listeners a shared ALB has: HTTPS plus the port-80 redirect, or one plain HTTP listener. */
export function sharedAlbListenerCount(plainHttp: boolean): number {
  return plainHttp ? 1 : 2;
}

export interface SharedAlbProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Public subnets for an internet-facing ALB, private ones for an internal ALB. */
  readonly subnetIds: string[];
  readonly internal: boolean;
  /** Client CIDR blocks admitted on the listener ports. */
  readonly ingressCidrs: readonly string[];
  readonly idleTimeoutSeconds: number;
  /** @default - no HTTPS listener; allowPlainHttp must then be true */
  readonly certificateArn?: string;
  /** Serve plain HTTP on port 80 without a certificate; refused in production. @default false */
  readonly allowPlainHttp?: boolean;
  readonly desyncMitigationMode: "defensive" | "strictest";
  readonly accessLogBucketName: string;
  /** The bucket policy that lets ELB write access logs; AWS checks it when logging is turned on, so the ALB waits for it. */
  readonly accessLogBucketPolicy: ITerraformDependable;
  /** Production: deletion protection. */
  readonly production: boolean;
}

/**
 * An ALB that the `alb` services of one scheme and group share. HTTPS (TLS 1.3) with the certificate and a
 * port-80 listener that only redirects, or plain HTTP where explicitly allowed outside production.
 * Invalid header fields dropped, desync mitigation at least defensive, access logs on, and a default
 * action of 404: only listener rules of services route anywhere.
 */
export class SharedAlb extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  /** The listener service rules attach to (HTTPS, or HTTP where plain HTTP is allowed). */
  readonly listener: LbListener;
  readonly listenerPort: number;
  readonly listenerCount: number;

  constructor(scope: Construct, id: string, props: SharedAlbProps) {
    super(scope, id);
    const plain = !props.certificateArn;
    assertProps(this, [
      plain && !props.allowPlainHttp && "certificateArn is required for HTTPS; outside production set allowPlainHttp to serve plain HTTP",
      plain && props.production && "plain HTTP is refused in production; give certificateArn",
      (props.idleTimeoutSeconds < ALB_IDLE_TIMEOUT.minSeconds || props.idleTimeoutSeconds > ALB_IDLE_TIMEOUT.maxSeconds) &&
        `idleTimeoutSeconds (${props.idleTimeoutSeconds}) must be between ${ALB_IDLE_TIMEOUT.minSeconds} and ${ALB_IDLE_TIMEOUT.maxSeconds}`,
      props.subnetIds.length < 2 && "an ALB needs subnets in at least two availability zones",
    ]);
    this.listenerPort = plain ? 80 : 443;
    const ports = plain ? [80] : [80, 443];
    this.listenerCount = sharedAlbListenerCount(plain);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.namePrefix}-alb`,
      description: `Shared ALB of ${props.namePrefix}: admits clients on the listener ports only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-alb` },
    });
    for (const port of ports) {
      for (const cidr of props.ingressCidrs) {
        const rule = new VpcSecurityGroupIngressRule(this, `ingress-${port}-${cidr.replace(/[./]/g, "-")}`, {
          securityGroupId: this.securityGroup.id,
          description:
            port === 443 || plain
              ? `Clients to the ${plain ? "HTTP" : "HTTPS"} listener`
              : "Clients to the HTTP listener that redirects to HTTPS",
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
        // checkov's CKV_AWS_260 flags port 80 open to the internet only (an internal ALB's ranges pass it).
        if (port === 80 && cidr === "0.0.0.0/0") {
          justify(
            rule,
            "CKV_AWS_260",
            plain
              ? "Port 80 is the listener of this non-production ALB, where plain HTTP is allowed explicitly."
              : "Port 80 only answers with a redirect to HTTPS, so clients that type http:// still arrive.",
          );
        }
      }
    }

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: elbName(`${props.namePrefix}-alb`),
      loadBalancerType: "application",
      internal: props.internal,
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      idleTimeout: props.idleTimeoutSeconds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: props.desyncMitigationMode,
      enableDeletionProtection: props.production,
      accessLogs: { bucket: props.accessLogBucketName, enabled: true },
      dependsOn: [props.accessLogBucketPolicy],
    });
    if (!props.production) {
      justify(this.loadBalancer, "CKV_AWS_150", "Outside production the ALB stays destroyable with the rest of the environment.");
    }

    const notFound = [
      { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } },
    ];
    if (plain) {
      this.listener = new LbListener(this, "http", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: notFound,
      });
      justify(this.listener, "CKV_AWS_2", "Plain HTTP is allowed explicitly in this non-production environment, which has no certificate.");
      justify(
        this.listener,
        "CKV_AWS_103",
        "Plain HTTP is allowed explicitly in this non-production environment; there is no TLS to version.",
      );
      justify(
        this.loadBalancer,
        "CKV2_AWS_20",
        "Plain HTTP is allowed explicitly in this non-production environment, so there is no HTTPS to redirect to.",
      );
    } else {
      this.listener = new LbListener(this, "https", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: ALB_TLS_POLICY,
        certificateArn: props.certificateArn,
        defaultAction: notFound,
      });
      new LbListener(this, "http-redirect", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
    }
  }
}
