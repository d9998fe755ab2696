import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { arnPartition } from "../aws-partition";
import { PodIdentityRole } from "../eks/pod-identity-role";

/** Actions aws-node-termination-handler (1.25, queue processor) calls, by what it calls them on. */
export const TERMINATION_HANDLER_ACTIONS = {
  queue: ["sqs:DeleteMessage", "sqs:ReceiveMessage"],
  autoscalingGroups: ["autoscaling:CompleteLifecycleAction"],
  heartbeat: ["autoscaling:RecordLifecycleActionHeartbeat"],
  unscoped: ["ec2:DescribeInstances"],
  unscopedHeartbeat: ["autoscaling:DescribeLifecycleHooks"],
} as const;

export interface TerminationHandlerRoleProps {
  readonly clusterName: string;
  /** The cluster's ARN: the role's trust admits this cluster's Pod Identity sessions only. */
  readonly clusterArn: string;
  readonly accountId: string;
  readonly region: string;
  readonly queueArn: string;
  /** Auto Scaling groups whose lifecycle actions the handler completes. */
  readonly autoscalingGroupNames: string[];
  /** Grant lifecycle heartbeats (the handler's heartbeatInterval is set). */
  readonly heartbeats: boolean;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * The handler's IAM role, bound to its service account by an EKS Pod Identity association, with exactly
 * the calls the handler makes: read and delete queue messages, look up the instance (node name, managed
 * tag), complete (and with heartbeats, extend) the lifecycle action of this cluster's groups.
 */
export class TerminationHandlerRole extends Construct {
  readonly role: PodIdentityRole;
  readonly policy: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: TerminationHandlerRoleProps) {
    super(scope, id);
    const partition = arnPartition(props.region);
    this.role = new PodIdentityRole(this, "role", {
      roleName: `${props.clusterName}-node-termination-handler`,
      description: `aws-node-termination-handler of ${props.clusterName}: drain self-managed spot nodes`,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
    });
    const groupArns = props.autoscalingGroupNames.map(
      (name) => `arn:${partition}:autoscaling:${props.region}:${props.accountId}:autoScalingGroup:*:autoScalingGroupName/${name}`,
    );
    const a = TERMINATION_HANDLER_ACTIONS;
    this.policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        { sid: "ReadInterruptionQueue", effect: "Allow", actions: [...a.queue], resources: [props.queueArn] },
        {
          sid: "CompleteLifecycleActions",
          effect: "Allow",
          actions: [...a.autoscalingGroups, ...(props.heartbeats ? a.heartbeat : [])],
          resources: groupArns,
        },
        {
          sid: "DescribeInstances",
          effect: "Allow",
          actions: [...a.unscoped, ...(props.heartbeats ? a.unscopedHeartbeat : [])],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "policy", { name: "drain-spot-nodes", role: this.role.role.id, policy: this.policy.json });
    new EksPodIdentityAssociation(this, "pod-identity", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.role.arn,
    });
  }
}
