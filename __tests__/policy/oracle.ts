/**
 * Brute-force oracles for the policy property tests. Deliberately independent of lib/policy:
 * only the `Cidr` value object (family, first, last, prefixLength) is read from lib.
 */
import type { Cidr, IpFamily } from "../../lib/model/cidr";

export const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** A closed range of addresses of one family. */
export interface Span {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** An aligned block, as plain data, so oracles never need to construct a `Cidr`. */
export interface Block {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly prefixLength: number;
}

export const blockKey = (b: Block): string => `${b.family}|${b.first}|${b.prefixLength}`;
export const spanOf = (c: Cidr): Span => ({ family: c.family, first: c.first, last: c.last });
export const blockOf = (c: Cidr): Block => ({ family: c.family, first: c.first, prefixLength: c.prefixLength });
export const blockSize = (b: Block): bigint => 1n << BigInt(WIDTH[b.family] - b.prefixLength);
export const blockLast = (b: Block): bigint => b.first + blockSize(b) - 1n;

function compareSpan(a: Span, b: Span): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.first < b.first ? -1 : a.first > b.first ? 1 : 0;
}

/** Union as sorted, disjoint, non-adjacent spans (per family). */
export function mergeSpans(spans: Iterable<Span>): Span[] {
  const sorted = [...spans].sort(compareSpan);
  const out: { family: IpFamily; first: bigint; last: bigint }[] = [];
  for (const s of sorted) {
    const top = out[out.length - 1];
    if (top && top.family === s.family && s.first <= top.last + 1n) top.last = s.last > top.last ? s.last : top.last;
    else out.push({ ...s });
  }
  return out;
}

/**
 * The maximal aligned blocks inside a span, found by walking the binary trie of the address
 * space from the root: a node fully inside is used (its parent was not fully inside, or we would
 * have stopped there), a node disjoint is dropped, a straddling node is split. These maximal
 * blocks are the unique minimal exact cover.
 */
export function trieBlocks(span: Span): Block[] {
  const width = WIDTH[span.family];
  const out: Block[] = [];
  const walk = (first: bigint, prefixLength: number): void => {
    const last = first + (1n << BigInt(width - prefixLength)) - 1n;
    if (last < span.first || first > span.last) return;
    if (span.first <= first && last <= span.last) {
      out.push({ family: span.family, first, prefixLength });
      return;
    }
    const half = 1n << BigInt(width - prefixLength - 1);
    walk(first, prefixLength + 1);
    walk(first + half, prefixLength + 1);
  };
  walk(0n, 0);
  return out;
}

/** Minimal exact cover of a union of spans, by the trie oracle. */
export function oracleCover(spans: Iterable<Span>): Block[] {
  return mergeSpans(spans).flatMap(trieBlocks);
}

/**
 * A small window of the address space (at most a few thousand addresses) in which sets are
 * kept as bitmaps, so exactness is checked address by address.
 */
export interface Universe {
  readonly family: IpFamily;
  readonly base: bigint;
  readonly hostBits: number;
}

export class Bitmap {
  readonly bits: Uint8Array;
  constructor(readonly universe: Universe) {
    this.bits = new Uint8Array(1 << universe.hostBits);
  }

  inside(b: Block): boolean {
    const u = this.universe;
    return b.family === u.family && b.first >= u.base && blockLast(b) <= u.base + BigInt(this.bits.length) - 1n;
  }

  add(b: Block): void {
    if (!this.inside(b)) throw new Error(`oracle: ${blockKey(b)} outside the universe`);
    const start = Number(b.first - this.universe.base);
    this.bits.fill(1, start, start + Number(blockSize(b)));
  }

  /**
   * The brute-force minimal cover: a block is used iff it is fully covered and its parent is
   * not (the universe root has no usable parent: addresses outside it are never set).
   */
  blocks(): Block[] {
    const { family, base, hostBits } = this.universe;
    const width = WIDTH[family];
    const out: Block[] = [];
    // full[level][i]: the i-th aligned block of 2^level addresses is fully set.
    let full: boolean[] = Array.from(this.bits, (bit) => bit === 1);
    const levels: boolean[][] = [full];
    for (let level = 1; level <= hostBits; level++) {
      const next: boolean[] = [];
      for (let i = 0; i < full.length; i += 2) next.push(full[i] && full[i + 1]);
      levels.push(next);
      full = next;
    }
    for (let level = 0; level <= hostBits; level++) {
      levels[level].forEach((isFull, i) => {
        const parentFull = level < hostBits && levels[level + 1][i >> 1];
        if (isFull && !parentFull) {
          out.push({ family, first: base + (BigInt(i) << BigInt(level)), prefixLength: width - level });
        }
      });
    }
    return out;
  }

  equals(other: Bitmap): boolean {
    return this.bits.length === other.bits.length && this.bits.every((bit, i) => bit === other.bits[i]);
  }
}
