import { IPv4CidrRange, Validator } from "ip-num";

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

/** Answers per text: config checks, constructs and subnet layout parse the same blocks again, and ip-num takes 60 µs a block. */
const parsedCidrs = new Map<string, Cidr | string>();

function parseCidrText(text: string): Cidr | string {
  const [valid] = Validator.isValidIPv4CidrNotation(text);
  if (!valid) return `"${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`;
  const [address, prefixText] = text.split("/") as [string, string];
  const prefix = Number(prefixText);
  const [aligned] = Validator.isValidIPv4CidrRange(text);
  if (!aligned) {
    const size = 2n ** BigInt(32 - prefix);
    const value = IPv4CidrRange.fromCidr(`${address}/32`).getFirst().getValue();
    const start = (value / size) * size;
    return `"${text}" has host bits set; the network address is ${toCidr(start, prefix)}`;
  }
  const range = IPv4CidrRange.fromCidr(text);
  return { cidr: text, prefix, first: range.getFirst().getValue(), last: range.getLast().getValue() };
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
