import * as ipaddr from "ipaddr.js";
import type { Cidr, IpFamily } from "../model/cidr";

/**
 * Address arithmetic for the audit, written apart from `lib/policy/aggregate.ts` on purpose:
 * the coverage proof is a second pair of eyes, so it shares no code with the rule generator.
 */

/** A closed range of addresses of one family. */
export interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function rangeOf(cidr: Cidr): AddressRange {
  const size = 1n << BigInt(BITS[cidr.family] - cidr.prefixLength);
  return { family: cidr.family, first: cidr.first, last: cidr.first + size - 1n };
}

/** IPv4 first, then by first address, then by last. */
function compareRanges(a: AddressRange, b: AddressRange): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.first !== b.first) return a.first < b.first ? -1 : 1;
  return a.last === b.last ? 0 : a.last < b.last ? -1 : 1;
}

/** The union as sorted, disjoint ranges; touching ranges are joined so equal sets compare equal. */
export function union(ranges: Iterable<AddressRange>): AddressRange[] {
  const out: AddressRange[] = [];
  for (const range of [...ranges].sort(compareRanges)) {
    const top = out[out.length - 1];
    if (top && top.family === range.family && range.first <= top.last + 1n) {
      if (range.last > top.last) out[out.length - 1] = { ...top, last: range.last };
    } else {
      out.push(range);
    }
  }
  return out;
}

/**
 * Addresses in `a` and not in `b`; both must be normalised by `union`. One pass per range of `a`
 * over only the cuts that reach it (found by binary search): `mailgate ranges check` subtracts
 * a response of hundreds of thousands of ranges, which cutting piece lists cut by cut made
 * quadratic.
 */
export function subtract(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  for (const range of a) {
    const { family } = range;
    let next = range.first;
    for (let i = firstReaching(b, range); i < b.length && b[i].family === family && b[i].first <= range.last; i++) {
      if (b[i].first > next) out.push({ family, first: next, last: b[i].first - 1n });
      next = b[i].last + 1n;
    }
    if (next <= range.last) out.push({ family, first: next, last: range.last });
  }
  return out;
}

/** Index of the first range of sorted, disjoint `b` that ends at or after `range` starts. */
function firstReaching(b: readonly AddressRange[], range: AddressRange): number {
  let low = 0;
  let high = b.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const cut = b[mid];
    if (cut.family < range.family || (cut.family === range.family && cut.last < range.first)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function addressCount(ranges: readonly AddressRange[]): bigint {
  return ranges.reduce((sum, r) => sum + (r.last - r.first + 1n), 0n);
}

export function sameRanges(a: readonly AddressRange[], b: readonly AddressRange[]): boolean {
  return a.length === b.length && a.every((r, i) => compareRanges(r, b[i]) === 0);
}

/**
 * How many CIDR blocks the smallest exact cover of these (normalised) ranges has. Each range
 * is cut independently: from its start, the block is bounded by the start's alignment (its
 * lowest set bit) and by the room left before the range's end.
 */
export function fewestBlocks(ranges: readonly AddressRange[]): number {
  let count = 0;
  for (const { family, first, last } of ranges) {
    let start = first;
    while (start <= last) {
      let size = start === 0n ? 1n << BigInt(BITS[family]) : start & -start;
      while (start + size - 1n > last) size >>= 1n;
      start += size;
      count++;
    }
  }
  return count;
}

/** `141.193.184.0-141.193.184.31`, or a lone address; IPv6 in RFC 5952 form. */
export function formatRange({ family, first, last }: AddressRange): string {
  const a = formatAddress(family, first);
  return first === last ? a : `${a}-${formatAddress(family, last)}`;
}

/**
 * Formatted addresses by family. The proofs format the same few hundred HubSpot addresses once per
 * (target, port), on both sides of every comparison: through ipaddr.js each time that was ~40 ms
 * of a 10,000-domain synth. Cleared when large, so arbitrary inputs cannot grow it without bound.
 */
const formatted: Record<IpFamily, Map<bigint, string>> = { 4: new Map(), 6: new Map() };
const MAX_FORMATTED = 10_000;

function formatAddress(family: IpFamily, value: bigint): string {
  const cache = formatted[family];
  let text = cache.get(value);
  if (text === undefined) {
    if (cache.size >= MAX_FORMATTED) cache.clear();
    cache.set(value, (text = formatAddressOnce(family, value)));
  }
  return text;
}

function formatAddressOnce(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let shift = BITS[family] - 8; shift >= 0; shift -= 8) bytes.push(Number((value >> BigInt(shift)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}
