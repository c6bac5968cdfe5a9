import { Cidr, type IpFamily } from "../model/cidr";

/** A closed range of addresses of one family; `first <= last`. */
export interface AddressInterval {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** The union of the blocks as sorted, disjoint, non-adjacent intervals (IPv4 first). */
export function toIntervals(cidrs: Iterable<Cidr>): AddressInterval[] {
  const sorted = [...cidrs].sort(Cidr.compare);
  const merged: { family: IpFamily; first: bigint; last: bigint }[] = [];
  for (const cidr of sorted) {
    const previous = merged[merged.length - 1];
    // Adjacent blocks merge too (x.0/25 + x.128/25): that is what lets aggregation find x.0/24.
    if (previous && previous.family === cidr.family && cidr.first <= previous.last + 1n) {
      if (cidr.last > previous.last) previous.last = cidr.last;
    } else {
      merged.push({ family: cidr.family, first: cidr.first, last: cidr.last });
    }
  }
  return merged;
}

/**
 * The fewest CIDR blocks whose union is exactly the union of `cidrs`: no address added, none
 * lost. Greedy per interval (at each start, the largest aligned block that still fits) is
 * optimal: every block of any exact cover lies inside one interval, and inside an interval the
 * greedy block at the left edge contains every block a cover could place there.
 * Sorted with `Cidr.compare`.
 */
export function minimalCover(cidrs: Iterable<Cidr>): Cidr[] {
  const blocks: Cidr[] = [];
  for (const interval of toIntervals(cidrs)) blocks.push(...intervalToCidrs(interval));
  return blocks;
}

export function intervalToCidrs({ family, first, last }: AddressInterval): Cidr[] {
  const width = family === 4 ? 32 : 128;
  const blocks: Cidr[] = [];
  let start = first;
  while (start <= last) {
    // Largest power of two that both divides `start` (alignment) and fits before `last`.
    let hostBits = 0;
    while (
      hostBits < width &&
      (start & ((1n << BigInt(hostBits + 1)) - 1n)) === 0n &&
      start + (1n << BigInt(hostBits + 1)) - 1n <= last
    ) {
      hostBits++;
    }
    blocks.push(Cidr.fromRange(family, start, width - hostBits));
    start += 1n << BigInt(hostBits);
  }
  return blocks;
}
