import ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block; `first`/`last` are the numeric bounds used for containment and overlap. */
export interface Cidr {
  readonly cidr: string;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * Parses a CIDR block, or returns a message saying what is wrong with it.
 * A block whose address has host bits set (10.0.0.1/16) is refused with the block it probably meant.
 */
export function parseCidr(text: string): Cidr | string {
  let parsed = parsedCidrs.get(text);
  if (parsed === undefined) {
    parsed = parseCidrText(text);
    parsedCidrs.set(text, parsed);
  }
  return parsed;
}

/** Answers per text: config checks, constructs and subnet layout parse the same blocks again. */
const parsedCidrs = new Map<string, Cidr | string>();

function parseCidrText(text: string): Cidr | string {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return `"${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`;
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  const value = address.toByteArray().reduce((number, octet) => number * 256n + BigInt(octet), 0n);
  const size = 2n ** BigInt(32 - prefix);
  const first = (value / size) * size;
  if (first !== value) return `"${text}" has host bits set; the network address is ${toCidr(first, prefix)}`;
  return { cidr: text, prefix, first, last: first + size - 1n };
}

function toCidr(first: bigint, prefix: number): string {
  const octets = [24n, 16n, 8n, 0n].map((shift) => Number((first >> shift) & 255n));
  return `${octets.join(".")}/${prefix}`;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Terraform's `cidrsubnets(base, newbits...)`: each block is placed at the first address after the
 * previous one that is aligned to its own size, so the layout matches what `terraform console` prints.
 * Blocks in `reserved` (subnets placed explicitly) are skipped over; without them the result is exactly
 * cidrsubnets(). Returns undefined when the blocks do not fit in the base.
 */
export function cidrSubnets(base: Cidr, newbits: readonly number[], reserved: readonly Cidr[] = []): string[] | undefined {
  const result: string[] = [];
  let next = base.first;
  for (const bits of newbits) {
    const prefix = base.prefix + bits;
    if (bits < 1 || prefix > 32) return undefined;
    const size = 2n ** BigInt(32 - prefix);
    let start = ((next + size - 1n) / size) * size;
    for (let clash = findClash(start, size, reserved); clash; clash = findClash(start, size, reserved)) {
      start = ((clash.last + 1n + size - 1n) / size) * size;
    }
    if (start + size - 1n > base.last) return undefined;
    result.push(toCidr(start, prefix));
    next = start + size;
  }
  return result;
}

function findClash(start: bigint, size: bigint, reserved: readonly Cidr[]): Cidr | undefined {
  return reserved.find((block) => block.first <= start + size - 1n && start <= block.last);
}
