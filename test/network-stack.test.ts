import { type App, Testing } from "cdktf";
import { credentialsMode } from "../config/credentials";
import { addEnvironmentStacks } from "../stacks";
import {
  environmentFromYaml,
  FIXTURE_ENVIRONMENTS,
  fixtureEnvironment,
  onlyResource,
  resources,
  snapshotOf,
  stackOf,
  synthEnvironment,
  type TerraformJson,
} from "./helpers";

const synthesized = Object.fromEntries(
  FIXTURE_ENVIRONMENTS.map((name) => [name, stackOf(synthEnvironment(fixtureEnvironment(name)), "network")]),
);

describe.each(FIXTURE_ENVIRONMENTS)("%s-network", (name) => {
  const stack = synthesized[name]!;
  const environment = fixtureEnvironment(name);
  const zones = environment.network.availabilityZones;

  it("matches the reviewed snapshot", () => {
    expect(snapshotOf(stack)).toMatchSnapshot();
  });

  it("creates the VPC from the config CIDR with DNS support and hostnames", () => {
    expect(onlyResource(stack, "aws_vpc")).toMatchObject({
      cidr_block: environment.network.cidr,
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  it("creates one subnet per tier and zone, in the resolved CIDRs, none assigning public IPs", () => {
    const subnets = Object.values(resources(stack, "aws_subnet"));
    expect(subnets).toHaveLength(3 * zones.length);
    for (const tier of ["public", "private", "intra"] as const) {
      const tierSubnets = subnets.filter((s) => (s.tags as Record<string, string>).tier === tier);
      expect(tierSubnets.map((s) => [s.availability_zone, s.cidr_block])).toEqual(
        zones.map((zone, i) => [zone, environment.subnetCidrs[tier][i]]),
      );
    }
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it("strips every rule from the default security group", () => {
    const group = onlyResource(stack, "aws_default_security_group");
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  it("routes the public tier to the internet gateway and nothing else to it", () => {
    const routes = Object.values(resources(stack, "aws_route"));
    const viaGateway = routes.filter((r) => r.gateway_id);
    expect(viaGateway).toHaveLength(1);
    expect(String(viaGateway[0]!.route_table_id)).toContain("public");
  });

  it("gives the intra tier no route out of the VPC", () => {
    const intraTables = Object.keys(resources(stack, "aws_route_table")).filter((key) => key.includes("intra"));
    expect(intraTables).toHaveLength(1);
    const routesFromIntra = Object.values(resources(stack, "aws_route")).filter((r) => String(r.route_table_id).includes("intra"));
    expect(routesFromIntra).toEqual([]);
  });

  it("places S3 and DynamoDB gateway endpoints on every route table", () => {
    const tables = Object.keys(resources(stack, "aws_route_table"));
    const gateways = Object.values(resources(stack, "aws_vpc_endpoint")).filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways.map((e) => e.service_name).sort()).toEqual([
      `com.amazonaws.${environment.aws.region}.dynamodb`,
      `com.amazonaws.${environment.aws.region}.s3`,
    ]);
    for (const endpoint of gateways) expect(endpoint.route_table_ids).toHaveLength(tables.length);
  });

  it("exports the ids later layers consume", () => {
    // cdktf adds cross-stack-output-* outputs for the values a later layer (ecs, eks) reads.
    const named = Object.keys(stack.terraform.output ?? {}).filter((key) => !key.startsWith("cross-stack-output-"));
    expect(named.sort()).toEqual(["intra_subnet_ids", "private_subnet_ids", "public_subnet_ids", "vpc_cidr", "vpc_id"]);
  });
});

describe("NAT gateway modes", () => {
  const base = (mode: string) => `
repository: test
aws: { region: eu-west-1, accountId: "111122223333" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
  natGateways: ${mode}
`;
  const networkFor = (mode: string) => stackOf(synthEnvironment(environmentFromYaml(base(mode))), "network");
  const natRoutes = (stack: ReturnType<typeof networkFor>) => Object.values(resources(stack, "aws_route")).filter((r) => r.nat_gateway_id);

  it("none: no NAT gateway, no elastic IP, private tables without a default route", () => {
    const stack = networkFor("none");
    expect(resources(stack, "aws_nat_gateway")).toEqual({});
    expect(resources(stack, "aws_eip")).toEqual({});
    expect(natRoutes(stack)).toEqual([]);
  });

  it("single: one NAT gateway in the first zone's public subnet, shared by one private table", () => {
    const stack = networkFor("single");
    const nat = onlyResource(stack, "aws_nat_gateway");
    expect(String(nat.subnet_id)).toContain("public-eu-west-1a");
    expect(natRoutes(stack)).toHaveLength(1);
    expect(Object.keys(resources(stack, "aws_route_table")).filter((k) => k.includes("private"))).toHaveLength(1);
  });

  it("per-az: a NAT gateway and a private route table per zone, each zone routed through its own NAT", () => {
    const stack = networkFor("per-az");
    const nats = resources(stack, "aws_nat_gateway");
    expect(Object.keys(nats)).toHaveLength(3);
    const routes = natRoutes(stack);
    expect(routes).toHaveLength(3);
    for (const zone of ["eu-west-1a", "eu-west-1b", "eu-west-1c"]) {
      const route = routes.find((r) => String(r.route_table_id).includes(`private-${zone}`));
      expect(String(route?.nat_gateway_id)).toContain(`nat-${zone}`);
    }
  });
});

describe("interface endpoints", () => {
  const prod = synthesized.prod!;

  it("are private-DNS endpoints in the private subnets behind one security group", () => {
    const endpoints = Object.values(resources(prod, "aws_vpc_endpoint")).filter((e) => e.vpc_endpoint_type === "Interface");
    expect(endpoints.map((e) => e.service_name)).toEqual(["ecr.api", "ecr.dkr", "logs", "sts"].map((s) => `com.amazonaws.eu-west-1.${s}`));
    for (const endpoint of endpoints) {
      expect(endpoint.private_dns_enabled).toBe(true);
      expect((endpoint.subnet_ids as string[]).every((id) => id.includes("private"))).toBe(true);
    }
  });

  it("admit HTTPS from the VPC CIDR only, and nothing else", () => {
    const rule = onlyResource(prod, "aws_vpc_security_group_ingress_rule");
    expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.30.0.0/16" });
    expect(resources(prod, "aws_vpc_security_group_egress_rule")).toEqual({});
  });

  it("are absent in dev, which lists none", () => {
    expect(resources(synthesized.dev!, "aws_security_group")).toEqual({});
  });
});

describe("provider and backend", () => {
  it("dev: local backend with a checkout-independent path, default tags, provider locked to its own account", () => {
    const { terraform } = synthesized.dev!;
    expect(terraform.terraform?.backend).toEqual({ local: { path: "../../../terraform.dev-network.tfstate" } });
    const provider = terraform.provider?.aws?.[0];
    expect(provider?.default_tags).toEqual([
      {
        tags: {
          environment: "dev",
          "managed-by": "cdktf",
          repository: "github.com/acme/platform-infra",
          team: "platform",
          "cost-center": "engineering",
        },
      },
    ]);
    expect(provider?.allowed_account_ids).toEqual([fixtureEnvironment("dev").aws.accountId]);
    expect(provider?.assume_role).toBeUndefined();
  });

  it("prod: encrypted S3 state, one key per stack, S3-native locking, provider locked to the account", () => {
    const { terraform } = synthesized.prod!;
    expect(terraform.terraform?.backend).toEqual({
      s3: {
        bucket: "acme-platform-tfstate-111122223333",
        key: "prod/prod-network.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
        allowed_account_ids: ["111122223333"],
        assume_role: { role_arn: "arn:aws:iam::111122223333:role/platform-deploy" },
      },
    });
    const provider = terraform.provider?.aws?.[0];
    expect(provider?.allowed_account_ids).toEqual(["111122223333"]);
    expect(provider?.assume_role).toEqual([
      { role_arn: "arn:aws:iam::111122223333:role/platform-deploy", session_name: "cdktf-prod-network" },
    ]);
  });

  // CI synthesizes with INFRA_AWS_CREDENTIALS=ambient: the job's OIDC role is used as it is, so a pull request's
  // plan (plan role) never goes through aws.deployRoleArn; the account stays pinned.
  it("prod with ambient credentials: neither the provider nor the backend assumes the deploy role, both still pinned to the account", () => {
    const app = Testing.app() as App;
    const network = addEnvironmentStacks(app, fixtureEnvironment("prod"), { credentials: "ambient" })[0]!;
    const json = JSON.parse(Testing.synth(network)) as TerraformJson;
    const backend = (json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    expect(backend.assume_role).toBeUndefined();
    expect(backend.allowed_account_ids).toEqual(["111122223333"]);
    expect(json.provider?.aws?.[0]?.assume_role).toBeUndefined();
    expect(json.provider?.aws?.[0]?.allowed_account_ids).toEqual(["111122223333"]);
  });

  it("reads the credentials mode from INFRA_AWS_CREDENTIALS, refusing an unknown one in the contract format", () => {
    expect(credentialsMode(undefined)).toBe("assume-deploy-role");
    expect(credentialsMode("")).toBe("assume-deploy-role");
    expect(credentialsMode("ambient")).toBe("ambient");
    expect(() => credentialsMode("plan")).toThrow(
      'INFRA_AWS_CREDENTIALS: (environment variable): "plan" is not a credentials mode; use assume-deploy-role or ambient (or leave it unset)',
    );
  });
});
