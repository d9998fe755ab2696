import type { KubeletReservations } from "./kubelet-reservations";

/** Cluster facts a self-managed node needs to join (nodeadm reads them instead of calling DescribeCluster). */
export interface NodeClusterDetails {
  readonly name: string;
  readonly apiServerEndpoint: string;
  /** Base64 PEM of the cluster CA, as aws_eks_cluster.certificate_authority[0].data holds it. */
  readonly certificateAuthority: string;
  /** Kubernetes service IPv4 range. */
  readonly serviceCidr: string;
}

export interface NodeKubeletSettings {
  readonly reservations: KubeletReservations;
  readonly maxPods: number;
  /**
   * Node labels and taints the kubelet registers with (self-managed nodes only; managed node groups set them through EKS).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly {
    readonly key: string;
    readonly value: string;
    readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  }[];
}

// No characters that need quoting: the text goes through Terraform's base64encode() and stays readable in review.
const BOUNDARY = "NODEADM-BOUNDARY";

/**
 * An AL2023 nodeadm NodeConfig (apiVersion node.eks.aws/v1alpha1) as YAML text. With `cluster` it
 * joins the node to the cluster (self-managed); without, it only carries kubelet settings and nodeadm
 * merges it with the NodeConfig EKS writes for a managed node group.
 */
export function nodeConfig(kubelet: NodeKubeletSettings, cluster?: NodeClusterDetails): string {
  const { reservations } = kubelet;
  const lines = ["---", "apiVersion: node.eks.aws/v1alpha1", "kind: NodeConfig", "spec:"];
  if (cluster) {
    lines.push(
      "  cluster:",
      `    name: ${cluster.name}`,
      `    apiServerEndpoint: ${cluster.apiServerEndpoint}`,
      `    certificateAuthority: ${cluster.certificateAuthority}`,
      `    cidr: ${cluster.serviceCidr}`,
    );
  }
  const map = (indent: string, values: Readonly<Record<string, string>>) =>
    Object.entries(values).map(([key, value]) => `${indent}${key}: ${value}`);
  lines.push(
    "  kubelet:",
    "    config:",
    `      maxPods: ${kubelet.maxPods}`,
    "      kubeReserved:",
    ...map("        ", reservations.kubeReserved),
    "      systemReserved:",
    ...map("        ", reservations.systemReserved),
    "      evictionHard:",
    ...map("        ", reservations.evictionHard),
  );
  const labels = Object.entries(kubelet.labels ?? {});
  const taints = kubelet.taints ?? [];
  if (labels.length > 0 || taints.length > 0) {
    lines.push("    flags:");
    if (labels.length > 0) lines.push(`      - --node-labels=${labels.map(([k, v]) => `${k}=${v}`).join(",")}`);
    if (taints.length > 0) lines.push(`      - --register-with-taints=${taints.map((t) => `${t.key}=${t.value}:${t.effect}`).join(",")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The NodeConfig wrapped as MIME multipart user data, the format EKS requires in a launch template of
 * a managed node group (and nodeadm accepts everywhere).
 */
export function mimeUserData(config: string): string {
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary=${BOUNDARY}`,
    "",
    `--${BOUNDARY}`,
    "Content-Type: application/node.eks.aws",
    "",
    config,
    `--${BOUNDARY}--`,
    "",
  ].join("\n");
}
