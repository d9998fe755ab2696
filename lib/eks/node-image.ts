/**
 * One release of the EKS-optimized Amazon Linux 2023 AMIs, named as a managed node group's
 * release_version names it: `<kubernetes major.minor.patch>-<build date>`, e.g. 1.34.9-20260714
 * (awslabs/amazon-eks-ami CHANGELOG.md, "Release version" column; the AMIs of that release are named
 * amazon-eks-node-al2023-<arch>-standard-<major.minor>-v<build date>).
 */
export interface NodeImageRelease {
  /** As given, e.g. 1.34.9-20260714. */
  readonly releaseVersion: string;
  /** Kubernetes minor the AMIs are built for, e.g. 1.34. */
  readonly kubernetesVersion: string;
  /** Build date as the AMI names carry it, e.g. 20260714. */
  readonly date: string;
}

const RELEASE = /^(\d+\.\d+)\.\d+-(\d{8})$/;

/** The release, or what is wrong with the text. */
export function parseNodeImageRelease(releaseVersion: string): NodeImageRelease | string {
  const match = RELEASE.exec(releaseVersion);
  if (!match) {
    return `"${releaseVersion}" is not an EKS AL2023 AMI release version; use <kubernetes major.minor.patch>-<YYYYMMDD> such as 1.34.9-20260714`;
  }
  return { releaseVersion, kubernetesVersion: match[1]!, date: match[2]! };
}

/** What is wrong with running `releaseVersion` on a cluster of `kubernetesVersion`, if anything. */
export function nodeImageReleaseProblem(releaseVersion: string, kubernetesVersion: string): string | undefined {
  const release = parseNodeImageRelease(releaseVersion);
  if (typeof release === "string") return release;
  if (release.kubernetesVersion !== kubernetesVersion) {
    return `${releaseVersion} is built for Kubernetes ${release.kubernetesVersion}; use a release of the cluster version ${kubernetesVersion} (its AMIs carry kubelet ${kubernetesVersion})`;
  }
  return undefined;
}

/**
 * The SSM parameter AWS publishes for one AMI of one release (EKS user guide, "Retrieve recommended
 * Amazon Linux AMI IDs"). Unlike `.../recommended/image_id` its value never changes, so a plan reads
 * the same AMI until the release in the configuration changes.
 */
export function nodeImageParameterName(release: NodeImageRelease, architecture: "x86_64" | "arm64"): string {
  const k8s = release.kubernetesVersion;
  return `/aws/service/eks/optimized-ami/${k8s}/amazon-linux-2023/${architecture}/standard/amazon-eks-node-al2023-${architecture}-standard-${k8s}-v${release.date}/image_id`;
}
