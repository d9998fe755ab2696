import { type Cidr, cidrSubnets, overlaps, parseCidr } from "../lib/network/cidr";

// Expected values printed by `terraform console` (Terraform 1.11.4) for the same calls, so the subnet
// layout computed at synth time is the one Terraform's cidrsubnets() would produce.
const TERRAFORM_CIDRSUBNETS: [string, number[], string[]][] = [
  [
    "10.20.0.0/16",
    [4, 4, 8, 8, 8, 8],
    ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/24", "10.20.33.0/24", "10.20.34.0/24", "10.20.35.0/24"],
  ],
  [
    "10.30.0.0/16",
    [4, 4, 4, 8, 8, 8, 8, 8, 8],
    [
      "10.30.0.0/20",
      "10.30.16.0/20",
      "10.30.32.0/20",
      "10.30.48.0/24",
      "10.30.49.0/24",
      "10.30.50.0/24",
      "10.30.51.0/24",
      "10.30.52.0/24",
      "10.30.53.0/24",
    ],
  ],
  // Out-of-order sizes: each block is aligned to its own size, leaving gaps exactly as Terraform does.
  ["10.0.0.0/20", [8, 4, 8, 2], ["10.0.0.0/28", "10.0.1.0/24", "10.0.2.0/28", "10.0.4.0/22"]],
  ["172.16.0.0/22", [2, 4, 4, 3], ["172.16.0.0/24", "172.16.1.0/26", "172.16.1.64/26", "172.16.1.128/25"]],
];

describe("cidrSubnets", () => {
  it.each(TERRAFORM_CIDRSUBNETS)("cidrsubnets(%s, %j) matches terraform console", (base, newbits, expected) => {
    const block = parseCidr(base);
    if (typeof block === "string") throw new Error(block);
    expect(cidrSubnets(block, newbits)).toEqual(expected);
  });

  it("places blocks around reserved (explicit) blocks, each still aligned to its own size", () => {
    const block = parseCidr("10.0.0.0/16");
    const reserved = ["10.0.0.0/24", "10.0.201.0/24", "10.0.48.0/22"].map((c) => parseCidr(c) as Cidr);
    if (typeof block === "string") throw new Error(block);
    expect(cidrSubnets(block, [4, 4, 8, 8], reserved)).toEqual(["10.0.16.0/20", "10.0.32.0/20", "10.0.52.0/24", "10.0.53.0/24"]);
    expect(cidrSubnets(block, [1, 1], reserved)).toBeUndefined();
  });

  it("returns undefined when the blocks do not fit", () => {
    const block = parseCidr("10.0.0.0/24");
    if (typeof block === "string") throw new Error(block);
    expect(cidrSubnets(block, [1, 1, 1])).toBeUndefined();
    expect(cidrSubnets(block, [9])).toBeUndefined();
  });
});

describe("parseCidr", () => {
  it("explains malformed blocks and blocks with host bits", () => {
    expect(parseCidr("10.0.0.0/33")).toBe('"10.0.0.0/33" is not an IPv4 CIDR block such as 10.0.0.0/16');
    expect(parseCidr("10.1.2.3/16")).toBe('"10.1.2.3/16" has host bits set; the network address is 10.1.0.0/16');
  });

  it.each([
    "010.0.0.0/16",
    "10.0.0/16",
    "0x0a.0.0.0/16",
    " 10.0.0.0/16",
    "10.0.0.0/16 ",
    "10.0.0.0/-1",
    "256.0.0.0/8",
    "4294967295/0",
    "10.0.0.0",
  ])("refuses %j: only four decimal octets and a prefix 0-32", (text) => {
    expect(parseCidr(text)).toBe(`"${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`);
  });

  it("gives the bounds of a block, from /0 to /32", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ cidr: "0.0.0.0/0", prefix: 0, first: 0n, last: 4294967295n });
    expect(parseCidr("10.1.2.3/32")).toEqual({ cidr: "10.1.2.3/32", prefix: 32, first: 167838211n, last: 167838211n });
    expect(parseCidr("172.16.0.0/12")).toEqual({ cidr: "172.16.0.0/12", prefix: 12, first: 2886729728n, last: 2887778303n });
  });

  it("detects overlap at the edges only when blocks share an address", () => {
    const [a, b, c] = ["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25"].map(parseCidr) as Exclude<ReturnType<typeof parseCidr>, string>[];
    expect(overlaps(a!, b!)).toBe(false);
    expect(overlaps(a!, c!)).toBe(true);
  });
});
