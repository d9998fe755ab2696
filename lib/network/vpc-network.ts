import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { assertProps } from "../validation";
import { contains, overlaps, parseCidr } from "./cidr";

export type NatGatewayMode = "none" | "single" | "per-az";

export interface VpcNetworkProps {
  /** Prefix of every Name tag, e.g. `prod`. */
  readonly namePrefix: string;
  /** VPC IPv4 CIDR block (/16 to /28). */
  readonly cidr: string;
  /** Availability zones, in order; subnet lists are in the same order. */
  readonly availabilityZones: readonly string[];
  /** Subnets for load balancers and NAT gateways, one per zone. */
  readonly publicSubnetCidrs: readonly string[];
  /** Subnets for workloads, one per zone; egress through NAT when natGateways is not `none`. */
  readonly privateSubnetCidrs: readonly string[];
  /** Subnets with no route to the internet at all, one per zone. */
  readonly intraSubnetCidrs: readonly string[];
  /**
   * NAT gateways for the private tier.
   * @default "single" - one NAT gateway in the first zone
   */
  readonly natGateways?: NatGatewayMode;
}

/** The route tables and subnets of one tier. */
export interface TierRouting {
  readonly routeTables: readonly RouteTable[];
  readonly subnets: readonly Subnet[];
}

/**
 * A VPC with public, private and intra subnet tiers across zones, an internet gateway, NAT gateways
 * as configured and a route table per tier (per zone where NAT is per zone). Nothing in it is open:
 * the default security group has no rules and no subnet assigns public IPs on launch.
 */
export class VpcNetwork extends Construct {
  readonly vpc: Vpc;
  readonly public: TierRouting;
  readonly private: TierRouting;
  readonly intra: TierRouting;
  readonly natGateways: readonly NatGateway[];

  constructor(scope: Construct, id: string, props: VpcNetworkProps) {
    super(scope, id);
    validate(this, props);
    const zones = props.availabilityZones;
    const natMode = props.natGateways ?? "single";
    const name = (suffix: string) => ({ Name: `${props.namePrefix}-${suffix}` });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name("vpc"),
    });

    // Manage the default security group only to strip its rules: nothing should ever use it.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      tags: name("default-do-not-use"),
    });

    const subnets = (tier: string, cidrs: readonly string[]) =>
      zones.map(
        (zone, i) =>
          new Subnet(this, `${tier}-${zone}`, {
            vpcId: this.vpc.id,
            availabilityZone: zone,
            cidrBlock: cidrs[i]!,
            // Even public subnets: load balancers and NAT gateways get addresses explicitly.
            mapPublicIpOnLaunch: false,
            tags: { ...name(`${tier}-${zone}`), tier },
          }),
      );
    const publicSubnets = subnets("public", props.publicSubnetCidrs);
    const privateSubnets = subnets("private", props.privateSubnetCidrs);
    const intraSubnets = subnets("intra", props.intraSubnetCidrs);

    const internetGateway = new InternetGateway(this, "internet-gateway", { vpcId: this.vpc.id, tags: name("igw") });
    const publicTable = this.routeTable("public", [publicSubnets], name("public"));
    new Route(this, "public-default-route", {
      routeTableId: publicTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: internetGateway.id,
    });
    this.public = { routeTables: [publicTable], subnets: publicSubnets };

    const natZones = natMode === "per-az" ? zones : natMode === "single" ? zones.slice(0, 1) : [];
    this.natGateways = natZones.map((zone, i) => {
      const address = new Eip(this, `nat-eip-${zone}`, { domain: "vpc", tags: name(`nat-${zone}`) });
      return new NatGateway(this, `nat-${zone}`, {
        allocationId: address.allocationId,
        subnetId: publicSubnets[i]!.id,
        connectivityType: "public",
        tags: name(`nat-${zone}`),
        dependsOn: [internetGateway],
      });
    });

    // Per-zone private tables when each zone has its own NAT, so one zone's NAT failure stays in that zone.
    const privateTables =
      natMode === "per-az"
        ? zones.map((zone, i) => this.routeTable(`private-${zone}`, [[privateSubnets[i]!]], name(`private-${zone}`)))
        : [this.routeTable("private", [privateSubnets], name("private"))];
    privateTables.forEach((table, i) => {
      const nat = this.natGateways[Math.min(i, this.natGateways.length - 1)];
      if (!nat) return;
      new Route(this, `${table.node.id.replace(/-route-table$/, "")}-default-route`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      });
    });
    this.private = { routeTables: privateTables, subnets: privateSubnets };

    // Intra: local routes only (and gateway endpoints, added by VpcEndpoints).
    this.intra = { routeTables: [this.routeTable("intra", [intraSubnets], name("intra"))], subnets: intraSubnets };
  }

  /** Every route table, for gateway endpoints. */
  get routeTables(): RouteTable[] {
    return [...this.public.routeTables, ...this.private.routeTables, ...this.intra.routeTables];
  }

  private routeTable(id: string, subnetGroups: Subnet[][], tags: Record<string, string>): RouteTable {
    const table = new RouteTable(this, `${id}-route-table`, { vpcId: this.vpc.id, tags });
    for (const subnet of subnetGroups.flat()) {
      new RouteTableAssociation(this, `${subnet.node.id}-association`, { subnetId: subnet.id, routeTableId: table.id });
    }
    return table;
  }
}

function validate(scope: Construct, props: VpcNetworkProps): void {
  const vpc = parseCidr(props.cidr);
  const zones = props.availabilityZones.length;
  const tiers = {
    publicSubnetCidrs: props.publicSubnetCidrs,
    privateSubnetCidrs: props.privateSubnetCidrs,
    intraSubnetCidrs: props.intraSubnetCidrs,
  };
  const blocks = Object.values(tiers).flat().map(parseCidr);
  const problems: (string | false)[] = [
    typeof vpc === "string" && `cidr: ${vpc}`,
    zones < 2 && `availabilityZones: give at least 2 zones (got ${zones}); load balancers need two`,
    new Set(props.availabilityZones).size !== zones && "availabilityZones: list each zone once",
    ...Object.entries(tiers).map(([key, list]) => list.length !== zones && `${key}: give one CIDR per zone (${zones}), got ${list.length}`),
    ...blocks.map((block, i) => typeof block === "string" && `subnet CIDR ${i}: ${block}`),
  ];
  if (typeof vpc !== "string") {
    const valid = blocks.filter((b) => typeof b !== "string");
    valid.forEach((block, i) => {
      if (!contains(vpc, block)) problems.push(`subnet ${block.cidr} is outside the VPC ${props.cidr}; allocate subnets from the VPC CIDR`);
      const clash = valid.slice(0, i).find((other) => overlaps(other, block));
      if (clash) problems.push(`subnet ${block.cidr} overlaps ${clash.cidr}; subnets must not overlap`);
    });
  }
  assertProps(scope, problems);
}
