import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { justify } from "../justify";
import { addEncryptedLogGroup } from "../logs/encrypted-log-group";
import { assertProps } from "../validation";

export interface RateLimitWebAclProps {
  readonly namePrefix: string;
  readonly loadBalancerArn: string;
  /** Requests one client IP may send per window before it gets 429. */
  readonly requestsPerWindow: number;
  /** Evaluation window: 60, 120, 300 or 600 seconds. */
  readonly windowSeconds: number;
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly production: boolean;
}

/**
 * Lesson 11: overload is answered with 429 Too Many Requests rather than absorbed. A regional WAF web
 * ACL on the ALB with one rate-based rule per client IP whose block action is a custom 429 response
 * with Retry-After, logging to an encrypted log group (WAF requires the aws-waf-logs- prefix).
 */
export class RateLimitWebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;

  /** Puts another load balancer behind the same rule (a web ACL may protect several regional resources). */
  protect(id: string, loadBalancerArn: string): Wafv2WebAclAssociation {
    return new Wafv2WebAclAssociation(this, id, { resourceArn: loadBalancerArn, webAclArn: this.webAcl.arn });
  }

  constructor(scope: Construct, id: string, props: RateLimitWebAclProps) {
    super(scope, id);
    assertProps(this, [
      ![60, 120, 300, 600].includes(props.windowSeconds) && `windowSeconds (${props.windowSeconds}) must be 60, 120, 300 or 600`,
      (props.requestsPerWindow < 10 || !Number.isInteger(props.requestsPerWindow)) &&
        `requestsPerWindow (${props.requestsPerWindow}) must be a whole number, at least 10 (the WAF minimum)`,
    ]);
    const metric = (name: string) => ({ cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true });
    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name: `${props.namePrefix}-rate-limit`,
      description: `Answers 429 above ${props.requestsPerWindow} requests per ${props.windowSeconds} s per client IP`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      customResponseBody: [{ key: "too-many-requests", contentType: "APPLICATION_JSON", content: '{"error":"too many requests"}' }],
      rule: [
        {
          name: "rate-limit-per-ip",
          priority: 1,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: "too-many-requests",
                responseHeader: [{ name: "Retry-After", value: String(props.windowSeconds) }],
              },
            },
          },
          statement: {
            rate_based_statement: {
              limit: props.requestsPerWindow,
              evaluation_window_sec: props.windowSeconds,
              aggregate_key_type: "IP",
            },
          },
          visibilityConfig: metric(`${props.namePrefix}-rate-limit-per-ip`),
        },
      ],
      visibilityConfig: metric(`${props.namePrefix}-rate-limit`),
    });
    justify(
      this.webAcl,
      "CKV_AWS_192",
      "This web ACL implements request-rate protection only; managed rule groups (Log4j and others) are a separate, per-application decision.",
    );
    this.protect("association", props.loadBalancerArn);
    const logGroup = addEncryptedLogGroup(this, "log-group", {
      name: `aws-waf-logs-${props.namePrefix}`,
      retentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
      production: props.production,
      shortRetentionReason: `WAF request logs are high-volume; ${props.logRetentionDays} days cover incident analysis and rate-limit tuning, longer costs more than it tells.`,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [logGroup.arn],
    });
  }
}
