import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { terminationHandlerOf } from "../config/schema";
import { TERMINATION_HANDLER_MANAGED_TAG } from "../lib/eks/self-managed-spot-node-group";
import { TerminationHandlerRelease } from "../lib/spot-interruption/termination-handler-release";
import { PropsError } from "../lib/validation";
import {
  type EksStack,
  SYSTEM_NODE_LABEL,
  SYSTEM_NODE_TAINT,
  TERMINATION_HANDLER_NAMESPACE,
  TERMINATION_HANDLER_SERVICE_ACCOUNT,
} from "./eks-stack";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";

export interface EksAddonsStackProps extends EnvironmentStackProps {
  /** The environment's eks stack: this stack deploys after it and reads the cluster by name. */
  readonly eks: EksStack;
}

/**
 * `<env>-eks-addons`: Kubernetes software installed with Helm. The Helm provider is configured from data
 * sources that look the cluster up by its name (a plain string), so `terraform plan` can configure it
 * without values that exist only after `<env>-eks` is applied. Today it holds aws-node-termination-handler,
 * and exists only where a self-managed spot node group needs it.
 */
export class EksAddonsStack extends EnvironmentStack {
  readonly terminationHandler: TerminationHandlerRelease;

  constructor(scope: Construct, props: EksAddonsStackProps) {
    super(scope, "eks-addons", props);
    const { eks: eksStack } = props;
    const { clusterName, interruptionQueueUrl } = eksStack.outputs;
    const eks = this.environment.eks;
    if (!eks || !interruptionQueueUrl) {
      throw new PropsError(
        this,
        "needs an eks stack with a self-managed spot node group; managed node groups drain spot interruptions themselves",
      );
    }
    this.addDependency(eksStack);

    const cluster = new DataAwsEksCluster(this, "cluster", { name: clusterName });
    const auth = new DataAwsEksClusterAuth(this, "cluster-auth", { name: clusterName });
    new HelmProvider(this, "helm", {
      kubernetes: {
        host: cluster.endpoint,
        clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
        token: auth.token,
      },
    });

    const handler = terminationHandlerOf(eks);
    this.terminationHandler = new TerminationHandlerRelease(this, "aws-node-termination-handler", {
      chartVersion: handler.chartVersion,
      namespace: TERMINATION_HANDLER_NAMESPACE,
      serviceAccount: TERMINATION_HANDLER_SERVICE_ACCOUNT,
      queueUrl: interruptionQueueUrl,
      region: this.environment.aws.region,
      replicas: handler.replicas,
      managedTag: TERMINATION_HANDLER_MANAGED_TAG,
      nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
      tolerations: [{ key: SYSTEM_NODE_TAINT.key, operator: "Exists", effect: SYSTEM_NODE_TAINT.effect }],
      heartbeatIntervalSeconds: handler.heartbeatIntervalSeconds,
    });
  }
}
