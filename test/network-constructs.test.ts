import { TerraformStack, Testing } from "cdktf";
import { VpcEndpoints } from "../lib/network/vpc-endpoints";
import { VpcNetwork, type VpcNetworkProps } from "../lib/network/vpc-network";
import { PropsError } from "../lib/validation";

const validProps: VpcNetworkProps = {
  namePrefix: "t",
  cidr: "10.0.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
  privateSubnetCidrs: ["10.0.16.0/20", "10.0.32.0/20"],
  intraSubnetCidrs: ["10.0.2.0/24", "10.0.3.0/24"],
};
const stack = () => new TerraformStack(Testing.app(), "s");

describe("VpcNetwork props", () => {
  it("accepts consistent props", () => {
    expect(() => new VpcNetwork(stack(), "vpc", validProps)).not.toThrow();
  });

  it("names the construct and lists every problem with how to fix it", () => {
    const build = () =>
      new VpcNetwork(stack(), "vpc", {
        ...validProps,
        availabilityZones: ["eu-west-1a"],
        privateSubnetCidrs: ["10.0.16.0/20", "10.0.0.128/25"],
        intraSubnetCidrs: ["10.1.2.0/24", "10.0.3.0/24"],
      });
    expect(build).toThrow(PropsError);
    expect(build).toThrow(
      [
        "s/vpc: availabilityZones: give at least 2 zones (got 1); load balancers need two",
        "s/vpc: publicSubnetCidrs: give one CIDR per zone (1), got 2",
        "s/vpc: privateSubnetCidrs: give one CIDR per zone (1), got 2",
        "s/vpc: intraSubnetCidrs: give one CIDR per zone (1), got 2",
        "s/vpc: subnet 10.0.0.128/25 overlaps 10.0.0.0/24; subnets must not overlap",
        "s/vpc: subnet 10.1.2.0/24 is outside the VPC 10.0.0.0/16; allocate subnets from the VPC CIDR",
      ].join("\n"),
    );
  });
});

describe("VpcEndpoints props", () => {
  it("refuses gateway endpoints AWS does not offer", () => {
    const build = () =>
      new VpcEndpoints(stack(), "endpoints", {
        namePrefix: "t",
        region: "eu-west-1",
        vpcId: "vpc",
        vpcCidr: "10.0.0.0/16",
        routeTableIds: [],
        subnetIds: [],
        gatewayServices: ["sqs"],
      });
    expect(build).toThrow("s/endpoints: gatewayServices: AWS offers gateway endpoints for s3 and dynamodb only");
  });
});
