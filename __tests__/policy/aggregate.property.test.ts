import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cidr, type IpFamily } from "../../lib/model/cidr";
import { intervalToCidrs, minimalCover, toIntervals } from "../../lib/policy/aggregate";
import {
  Bitmap,
  blockKey,
  blockOf,
  blockSize,
  mergeSpans,
  oracleCover,
  spanOf,
  trieBlocks,
  WIDTH,
  type Block,
  type Universe,
} from "./oracle";

const MAX4 = (1n << 32n) - 1n;
const MAX6 = (1n << 128n) - 1n;

/**
 * A window of `hostBits` addresses. Bases include both ends of each address space, and IPv6
 * windows whose integers equal IPv4 ones (::/120, ::1:0:0/120, ::ffff:ff00/120), so a merge
 * across families would show.
 */
function universe(family: IpFamily, hostBits: number): fc.Arbitrary<Universe> {
  const max = family === 4 ? MAX4 : MAX6;
  const size = 1n << BigInt(hostBits);
  const edges = family === 4 ? [0n, max + 1n - size] : [0n, max + 1n - size, 1n << 32n, (1n << 32n) - size];
  const random = fc.bigInt({ min: 0n, max: (max + 1n) / size - 1n }).map((i) => i * size);
  return fc.oneof(fc.constantFrom(...edges), random).map((base) => ({ family, base, hostBits }));
}

/**
 * Blocks inside the universe, sometimes crowded into a small sub-window so that they touch,
 * overlap and merge, sometimes spread out.
 */
function blocksIn(u: Universe, maxCount: number): fc.Arbitrary<Cidr[]> {
  const width = WIDTH[u.family];
  return fc.integer({ min: 2, max: u.hostBits }).chain((windowBits) =>
    fc
      .tuple(
        fc.integer({ min: 0, max: (1 << (u.hostBits - windowBits)) - 1 }),
        fc.array(
          fc.tuple(
            fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: Math.min(3, windowBits) }) }, {
              weight: 1,
              arbitrary: fc.integer({ min: 0, max: windowBits }),
            }),
            fc.integer({ min: 0, max: (1 << windowBits) - 1 }),
          ),
          { maxLength: maxCount },
        ),
      )
      .map(([window, specs]) =>
        specs.map(([hostBits, offset]) => {
          const aligned = (offset >> hostBits) << hostBits;
          const first = u.base + (BigInt(window) << BigInt(windowBits)) + BigInt(aligned);
          return Cidr.fromRange(u.family, first, width - hostBits);
        }),
      ),
  );
}

/** An IPv4 /22 window and an IPv6 /120 window, with random blocks in each. */
const mixedInput = fc
  .tuple(universe(4, 10), universe(6, 8))
  .chain(([u4, u6]) =>
    fc.tuple(fc.constant([u4, u6] as const), blocksIn(u4, 24), blocksIn(u6, 16)),
  )
  .map(([universes, v4, v6]) => ({ universes, cidrs: [...v4, ...v6] }));

const keys = (blocks: readonly Block[]) => blocks.map(blockKey).sort();
const texts = (cidrs: readonly Cidr[]) => cidrs.map((c) => c.toString());

function bitmapsOf(universes: readonly Universe[], cidrs: readonly Cidr[]): Bitmap[] {
  const maps = universes.map((u) => new Bitmap(u));
  for (const cidr of cidrs) {
    const b = blockOf(cidr);
    const map = maps.find((m) => m.inside(b));
    if (!map) throw new Error(`block ${cidr.toString()} lies outside every universe`);
    map.add(b);
  }
  return maps;
}

const RUNS = 300;

describe("minimalCover, against a brute-force bitmap oracle", () => {
  test("(a) exact: the output covers exactly the input's addresses, address for address", () => {
    fc.assert(
      fc.property(mixedInput, ({ universes, cidrs }) => {
        const expected = bitmapsOf(universes, cidrs);
        const actual = bitmapsOf(universes, minimalCover(cidrs));
        actual.forEach((map, i) => expect(map.equals(expected[i])).toBe(true));
      }),
      { numRuns: RUNS },
    );
  });

  test("(b) blocks are aligned and pairwise disjoint", () => {
    fc.assert(
      fc.property(mixedInput, ({ cidrs }) => {
        const out = minimalCover(cidrs);
        const misaligned = out.filter((c) => c.first % blockSize(blockOf(c)) !== 0n);
        expect(texts(misaligned)).toEqual([]);
        const overlapping = out.flatMap((a, i) => out.slice(i + 1).filter((b) => a.overlaps(b)).map((b) => `${a} ${b}`));
        expect(overlapping).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  test("(c) minimal: no two blocks are siblings, and the blocks are the oracle's maximal blocks", () => {
    fc.assert(
      fc.property(mixedInput, ({ universes, cidrs }) => {
        const out = minimalCover(cidrs);
        // Siblings share every bit above their own prefix; two of them would merge into the parent.
        const parents = out
          .filter((c) => c.prefixLength > 0)
          .map((c) => `${c.family}|${c.first >> BigInt(WIDTH[c.family] - c.prefixLength + 1)}|${c.prefixLength}`);
        expect(parents.length - new Set(parents).size).toBe(0);
        const oracle = bitmapsOf(universes, cidrs).flatMap((m) => m.blocks());
        expect(out).toHaveLength(oracle.length);
        expect(keys(out.map(blockOf))).toEqual(keys(oracle));
      }),
      { numRuns: RUNS },
    );
  });

  test("(d) order independent: shuffled and duplicated input gives the same output", () => {
    const withPermutation = mixedInput.chain(({ cidrs }) =>
      fc.tuple(
        fc.constant(cidrs),
        fc.shuffledSubarray(cidrs, { minLength: cidrs.length, maxLength: cidrs.length }),
        fc.subarray(cidrs),
      ),
    );
    fc.assert(
      fc.property(withPermutation, ([cidrs, shuffled, extra]) => {
        const expected = texts(minimalCover(cidrs));
        expect(texts(minimalCover(shuffled))).toEqual(expected);
        expect(texts(minimalCover([...extra, ...shuffled, ...extra]))).toEqual(expected);
        // Feeding the output back in is a fixed point.
        expect(texts(minimalCover(minimalCover(cidrs)))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  test("(e) the output is sorted by Cidr.compare, IPv4 first", () => {
    fc.assert(
      fc.property(mixedInput, ({ cidrs }) => {
        const out = minimalCover(cidrs);
        const unordered = out.slice(1).filter((c, i) => Cidr.compare(out[i], c) >= 0);
        expect(texts(unordered)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("toIntervals and intervalToCidrs, across the whole address space", () => {
  const span4 = fc
    .tuple(fc.bigInt({ min: 0n, max: MAX4 }), fc.bigInt({ min: 0n, max: MAX4 }))
    .map(([a, b]) => ({ family: 4 as const, first: a < b ? a : b, last: a < b ? b : a }));
  const span6 = fc
    .tuple(fc.bigInt({ min: 0n, max: MAX6 }), fc.bigInt({ min: 0n, max: MAX6 }))
    .map(([a, b]) => ({ family: 6 as const, first: a < b ? a : b, last: a < b ? b : a }));
  // Narrow spans near interesting edges, where off-by-one mistakes live.
  const narrow = fc
    .tuple(fc.constantFrom(0n, MAX4 - 40n, 1n << 31n, 1n << 24n), fc.nat({ max: 40 }), fc.nat({ max: 40 }))
    .map(([base, a, b]) => ({ family: 4 as const, first: base + BigInt(Math.min(a, b)), last: base + BigInt(Math.max(a, b)) }));
  // IPv6 spans cost ~250 blocks each; fewer of them keeps the run short.
  const anySpan = fc.oneof({ weight: 2, arbitrary: span4 }, { weight: 1, arbitrary: span6 }, { weight: 2, arbitrary: narrow });

  test("intervalToCidrs tiles the interval with the oracle's maximal blocks", () => {
    fc.assert(
      fc.property(anySpan, (span) => {
        const out = intervalToCidrs(span);
        expect(out.length).toBeGreaterThan(0);
        expect(out[0].first).toBe(span.first);
        expect(out[out.length - 1].last).toBe(span.last);
        expect(out.slice(1).every((c, i) => c.first === out[i].last + 1n)).toBe(true);
        expect(out.every((c) => c.family === span.family)).toBe(true);
        expect(keys(out.map(blockOf))).toEqual(keys(trieBlocks(span)));
        // At most two blocks per prefix length: one on the rising side, one on the falling side.
        expect(out.length).toBeLessThanOrEqual(2 * WIDTH[span.family]);
      }),
      { numRuns: RUNS },
    );
  });

  test("toIntervals gives the sorted, disjoint, non-adjacent union", () => {
    const cidrs = fc.array(
      fc.oneof(
        fc.tuple(fc.bigInt({ min: 0n, max: 1023n }), fc.integer({ min: 22, max: 32 })).map(([v, len]) => {
          const hostBits = BigInt(32 - len);
          return Cidr.fromRange(4, ((v >> hostBits) << hostBits) + (MAX4 - 2047n), len);
        }),
        fc.tuple(fc.bigInt({ min: 0n, max: 1023n }), fc.integer({ min: 118, max: 128 })).map(([v, len]) => {
          const hostBits = BigInt(128 - len);
          return Cidr.fromRange(6, ((v >> hostBits) << hostBits) + (1n << 32n) - 1024n, len);
        }),
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(cidrs, (input) => {
        const actual = toIntervals(input).map((s) => `${s.family}|${s.first}|${s.last}`);
        const expected = mergeSpans(input.map(spanOf)).map((s) => `${s.family}|${s.first}|${s.last}`);
        expect(actual).toEqual(expected);
        expect(minimalCover(input).map(blockOf).map(blockKey)).toEqual(oracleCover(input.map(spanOf)).map(blockKey));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("minimalCover edge cases", () => {
  test.each([
    [[], []],
    [["0.0.0.0/0"], ["0.0.0.0/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0/0"]],
    [["::/1", "8000::/1"], ["::/0"]],
    [["0.0.0.0", "0.0.0.1"], ["0.0.0.0/31"]],
    [["0.0.0.1", "0.0.0.2"], ["0.0.0.1/32", "0.0.0.2/32"]],
    [["255.255.255.254", "255.255.255.255"], ["255.255.255.254/31"]],
    [["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"], ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"]],
    // Same integers, different families: never merged.
    [["0.0.0.0", "::"], ["0.0.0.0/32", "::/128"]],
    [["255.255.255.255", "::1:0:0/96"], ["255.255.255.255/32", "::1:0:0/96"]],
    [["::ffff:ffff", "0.0.0.0/0"], ["0.0.0.0/0", "::ffff:ffff/128"]],
    [["1.2.3.0/25", "1.2.3.128/26", "1.2.3.192/26"], ["1.2.3.0/24"]],
    [["1.2.3.0/24", "1.2.3.7", "1.2.3.64/26"], ["1.2.3.0/24"]],
    [["1.2.3.128/25", "1.2.4.0/25"], ["1.2.3.128/25", "1.2.4.0/25"]],
  ] as const)("GIVEN %j THEN %j", (input, expected) => {
    expect(texts(minimalCover(input.map((t) => Cidr.of(t))))).toEqual(expected);
  });
});
