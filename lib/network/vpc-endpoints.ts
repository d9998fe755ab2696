import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { assertProps } from "../validation";

export interface VpcEndpointsProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Route tables that get a route to each gateway endpoint. */
  readonly routeTableIds: readonly string[];
  /** Subnets (one per zone) that hold the interface endpoints' network interfaces. */
  readonly subnetIds: readonly string[];
  /**
   * Gateway endpoints (no hourly cost): S3 and DynamoDB traffic stays off the NAT gateways.
   * @default ["s3", "dynamodb"]
   */
  readonly gatewayServices?: readonly string[];
  /**
   * Interface endpoints with private DNS, reachable on 443 from the VPC only.
   * @default [] - none (each costs per hour and zone)
   */
  readonly interfaceServices?: readonly string[];
}

/** Gateway and interface VPC endpoints, and the security group that admits HTTPS from the VPC to the latter. */
export class VpcEndpoints extends Construct {
  readonly gateway: Record<string, VpcEndpoint> = {};
  readonly interface: Record<string, VpcEndpoint> = {};
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const gatewayServices = props.gatewayServices ?? ["s3", "dynamodb"];
    const interfaceServices = props.interfaceServices ?? [];
    assertProps(this, [
      gatewayServices.some((s) => s !== "s3" && s !== "dynamodb") &&
        "gatewayServices: AWS offers gateway endpoints for s3 and dynamodb only",
      interfaceServices.length > 0 && props.subnetIds.length === 0 && "subnetIds: interface endpoints need at least one subnet",
    ]);
    const serviceName = (service: string) => `com.amazonaws.${props.region}.${service}`;

    for (const service of gatewayServices) {
      this.gateway[service] = new VpcEndpoint(this, `gateway-${service}`, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Gateway",
        routeTableIds: [...props.routeTableIds],
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
    if (interfaceServices.length === 0) return;

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.namePrefix}-vpc-endpoints`,
      description: "HTTPS from inside the VPC to interface VPC endpoints",
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the VPC to AWS service endpoints",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    for (const service of interfaceServices) {
      this.interface[service] = new VpcEndpoint(this, `interface-${service}`, {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.securityGroup.id],
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
  }
}
