import { Release } from "@cdktf/provider-helm/lib/release";
import { Construct } from "constructs";
import { TERMINATION_HANDLER } from "../eks/system-workloads";
import { assertProps } from "../validation";

/** The chart's OCI registry (the handler's README: helm upgrade --install ... oci://public.ecr.aws/aws-ec2/helm/...). */
export const TERMINATION_HANDLER_CHART_REPOSITORY = "oci://public.ecr.aws/aws-ec2/helm";
export const TERMINATION_HANDLER_CHART = "aws-node-termination-handler";

export interface TerminationHandlerReleaseProps {
  /** Exact chart version, e.g. 0.27.6. */
  readonly chartVersion: string;
  readonly namespace: string;
  /** Service account the Pod Identity association names. */
  readonly serviceAccount: string;
  readonly queueUrl: string;
  readonly region: string;
  /** Two or more: the chart adds the pod disruption budget only above one replica. */
  readonly replicas: number;
  /** Instance tag the handler requires before draining (propagated by the self-managed groups). */
  readonly managedTag: string;
  /** Where the handler runs: the system node group's label and the taint it tolerates. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly { readonly key: string; readonly operator: "Exists"; readonly effect: string }[];
  /**
   * Lifecycle heartbeat interval, seconds.
   * @default - no heartbeats
   */
  readonly heartbeatIntervalSeconds?: number;
}

/**
 * aws-node-termination-handler from its chart, in queue-processor mode: it reads the interruption
 * queue, cordons and drains the node an event names (if the instance carries the managed tag), and
 * completes the Auto Scaling lifecycle action so the instance terminates only after the drain.
 */
export class TerminationHandlerRelease extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: TerminationHandlerReleaseProps) {
    super(scope, id);
    assertProps(this, [
      !/^\d+\.\d+\.\d+$/.test(props.chartVersion) && `chartVersion "${props.chartVersion}": pin an exact version such as 0.27.6`,
      props.replicas < 2 &&
        `replicas ${props.replicas}: use 2 or more, or draining the handler's own node leaves none (and no disruption budget)`,
    ]);
    const values = {
      // Queue-processor mode: every event on the queue is cordoned and drained, so which events the handler
      // acts on is chosen by the EventBridge rules; enableRebalanceMonitoring/-Draining are IMDS-mode keys.
      enableSqsTerminationDraining: true,
      queueURL: props.queueUrl,
      awsRegion: props.region,
      // Drain only instances carrying the tag: EC2 events reach the queue for every instance of the account.
      // Only the current keys: the chart (0.27.6 values.yaml) marks checkASGTagBeforeDraining and
      // managedAsgTag [DEPRECATED] and the handler (pkg/config/config.go) uses the newer key when both are set.
      checkTagBeforeDraining: true,
      managedTag: props.managedTag,
      // Keep the message when the node is not found (pkg/interruptionevent/draincordon/handler.go, v1.25.6):
      // "not found" there is any error reading the node, and with true the handler then runs the post-drain
      // task anyway, completing this cluster's lifecycle action (the instance terminates undrained) and
      // deleting the message. With false the message comes back after the visibility timeout and is retried
      // until the queue drops it (300 s) or the hook times out. The queue is this cluster's, its lifecycle rule
      // this cluster's groups; the EC2 and Health rules are account-wide, so another cluster's tagged instances
      // in the same account and region also arrive here: false retries those until they expire (log noise).
      deleteSqsMsgIfNodeNotFound: false,
      replicas: props.replicas,
      podDisruptionBudget: { maxUnavailable: 1 },
      serviceAccount: { create: true, name: props.serviceAccount },
      nodeSelector: { ...props.nodeSelector },
      tolerations: props.tolerations.map((t) => ({ ...t })),
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": TERMINATION_HANDLER_CHART } },
        },
      ],
      // Requests the system node group's sizing counts on (lib/eks/system-workloads.ts).
      resources: {
        requests: { cpu: `${TERMINATION_HANDLER.cpuMillicores}m`, memory: `${TERMINATION_HANDLER.memoryMiB}Mi` },
        limits: { memory: "128Mi" },
      },
      ...(props.heartbeatIntervalSeconds ? { heartbeatInterval: props.heartbeatIntervalSeconds } : {}),
    };
    this.release = new Release(this, "release", {
      name: TERMINATION_HANDLER_CHART,
      repository: TERMINATION_HANDLER_CHART_REPOSITORY,
      chart: TERMINATION_HANDLER_CHART,
      version: props.chartVersion,
      namespace: props.namespace,
      values: [JSON.stringify(values, null, 2)],
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 300,
      maxHistory: 10,
    });
  }
}
