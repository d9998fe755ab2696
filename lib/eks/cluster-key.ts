import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { accountAdministersKey, addCustomerManagedKey, cloudWatchLogsMayUseKey } from "../kms/customer-managed-key";

export interface ClusterKeyProps {
  readonly clusterName: string;
  readonly accountId: string;
  readonly region: string;
  /** Log group the key encrypts (CloudWatch Logs gets use of the key for it only). */
  readonly logGroupName: string;
  /** Production: prevent_destroy and a 30-day deletion window. */
  readonly production: boolean;
}

/**
 * The customer-managed key for the cluster's Kubernetes secrets (envelope encryption) and its
 * control-plane log group. Rotated yearly. EKS uses it through the cluster role's IAM policy (root
 * statement); CloudWatch Logs only for this log group (encryption-context condition).
 */
export class ClusterKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: ClusterKeyProps) {
    super(scope, id);
    this.key = addCustomerManagedKey(this, {
      description: `${props.clusterName} Kubernetes secrets and control-plane logs`,
      name: props.clusterName,
      production: props.production,
      statements: [
        accountAdministersKey(props.accountId, props.region),
        cloudWatchLogsMayUseKey("CloudWatchLogsControlPlaneLogGroup", { ...props, logGroupNames: [props.logGroupName] }),
      ],
    });
  }
}
