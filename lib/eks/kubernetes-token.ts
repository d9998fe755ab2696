/** A Kubernetes client's exec credential plugin (the Helm and Kubernetes providers' `exec` block). */
export interface ExecCredential {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
}

export interface EksTokenProps {
  readonly clusterName: string;
  readonly region: string;
  /**
   * Role to take the token as; give the role the AWS provider assumes, so Kubernetes sees the same identity.
   * @default - the caller's own credentials (what the AWS provider uses without assume_role)
   */
  readonly roleArn?: string;
}

/**
 * `aws eks get-token` as the exec plugin: a fresh token each time the provider connects, taken with the
 * credentials of the process that runs Terraform at that moment. The token of data.aws_eks_cluster_auth is
 * read once at plan time and stored in a saved plan: after 15 minutes it expires, and it carries the plan's
 * identity into the apply (cookpad/terraform-aws-eks#231; Kubernetes provider docs, "Exec plugins").
 */
export function eksTokenExec(props: EksTokenProps): ExecCredential {
  return {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "aws",
    args: [
      "eks",
      "get-token",
      "--cluster-name",
      props.clusterName,
      "--region",
      props.region,
      ...(props.roleArn ? ["--role-arn", props.roleArn] : []),
      "--output",
      "json",
    ],
  };
}
