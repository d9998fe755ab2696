import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { assertProps } from "../validation";

export interface NodeLaunchTemplateProps {
  /** Name of the template, e.g. prod-eks-spot-workers. */
  readonly name: string;
  /** User data as plain text (base64-encoded here). */
  readonly userData: string;
  readonly securityGroupIds: string[];
  /** Root volume size. */
  readonly diskSizeGiB: number;
  /**
   * IMDSv2 hop limit; 1 keeps pods from the node role's credentials.
   * @default 1
   */
  readonly metadataHopLimit?: number;
  /**
   * AMI to launch.
   * @default - none; a managed node group chooses the EKS AMI of its ami_type
   */
  readonly imageId?: string;
  /**
   * Instance profile ARN.
   * @default - none; a managed node group sets its node role itself
   */
  readonly instanceProfileArn?: string;
  /** Tags on the instances and volumes launched from the template. */
  readonly instanceTags: Readonly<Record<string, string>>;
}

/**
 * Launch template of EKS nodes: IMDSv2 only, encrypted gp3 root volume (AL2023 mounts it as /dev/xvda),
 * detailed monitoring, the node security group and the nodeadm user data.
 */
export class NodeLaunchTemplate extends Construct {
  readonly template: LaunchTemplate;

  constructor(scope: Construct, id: string, props: NodeLaunchTemplateProps) {
    super(scope, id);
    const hopLimit = props.metadataHopLimit ?? 1;
    assertProps(this, [
      (hopLimit < 1 || hopLimit > 64) && `metadataHopLimit: ${hopLimit} is outside 1..64`,
      (props.diskSizeGiB < 20 || props.diskSizeGiB > 16384) && `diskSizeGiB: ${props.diskSizeGiB} is outside 20..16384`,
    ]);
    this.template = new LaunchTemplate(this, "template", {
      name: props.name,
      description: `EKS nodes ${props.name}`,
      imageId: props.imageId,
      iamInstanceProfile: props.instanceProfileArn ? { arn: props.instanceProfileArn } : undefined,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: props.securityGroupIds,
      userData: Fn.base64encode(props.userData),
      ebsOptimized: "true",
      monitoring: { enabled: true },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: hopLimit,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: props.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { ...props.instanceTags },
      })),
      tags: { Name: props.name },
    });
  }
}
