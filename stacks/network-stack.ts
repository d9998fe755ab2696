import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { VpcFlowLogs } from "../lib/flow-logs/vpc-flow-logs";
import { VpcEndpoints } from "../lib/network/vpc-endpoints";
import { VpcNetwork } from "../lib/network/vpc-network";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";

/** What later layers (ecs, eks) take from the network, passed as stack props. */
export interface NetworkOutputs {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly intraSubnetIds: string[];
}

/** `<env>-network`: the VPC, its subnet tiers, NAT, endpoints, and flow logs with their analysis. */
export class NetworkStack extends EnvironmentStack {
  readonly network: VpcNetwork;
  readonly endpoints: VpcEndpoints;
  readonly flowLogs: VpcFlowLogs;
  readonly outputs: NetworkOutputs;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    super(scope, "network", props);
    const { network, subnetCidrs, aws, production } = this.environment;

    this.network = new VpcNetwork(this, "vpc", {
      namePrefix: this.namePrefix,
      cidr: network.cidr,
      availabilityZones: network.availabilityZones,
      publicSubnetCidrs: subnetCidrs.public,
      privateSubnetCidrs: subnetCidrs.private,
      intraSubnetCidrs: subnetCidrs.intra,
      natGateways: network.natGateways,
    });

    this.endpoints = new VpcEndpoints(this, "endpoints", {
      namePrefix: this.namePrefix,
      region: aws.region,
      vpcId: this.network.vpc.id,
      vpcCidr: network.cidr,
      routeTableIds: this.network.routeTables.map((table) => table.id),
      subnetIds: this.network.private.subnets.map((subnet) => subnet.id),
      gatewayServices: network.gatewayEndpoints,
      interfaceServices: network.interfaceEndpoints,
    });

    const accountId = aws.accountId;
    this.flowLogs = new VpcFlowLogs(this, "flow-logs", {
      namePrefix: this.namePrefix,
      vpcId: this.network.vpc.id,
      vpcCidrs: [network.cidr],
      accountId,
      region: aws.region,
      production,
      settings: network.flowLogs,
      natGatewayInterfaceIds: this.network.natGateways.map((nat) => nat.networkInterfaceId),
    });

    this.outputs = {
      vpcId: this.network.vpc.id,
      vpcCidr: this.network.vpc.cidrBlock,
      publicSubnetIds: this.network.public.subnets.map((s) => s.id),
      privateSubnetIds: this.network.private.subnets.map((s) => s.id),
      intraSubnetIds: this.network.intra.subnets.map((s) => s.id),
    };
    for (const [name, value] of Object.entries(this.outputs)) {
      new TerraformOutput(this, snakeCase(name), { value, description: `${name} of the ${this.environment.name} network` });
    }
  }
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
