import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { addressCount, fewestBlocks, formatRange, rangeOf, subtract, union, type AddressRange } from "../../lib/audit/intervals";
import { Cidr } from "../../lib/model/cidr";

/** Blocks inside 10.0.0.0/24 (a window small enough to enumerate address by address). */
const BASE = 0x0a000000n;
const block = fc.integer({ min: 24, max: 32 }).chain((prefix) =>
  fc.integer({ min: 0, max: (1 << (32 - 24)) / (1 << (32 - prefix)) - 1 }).map((i) => Cidr.fromRange(4, BASE + BigInt(i) * (1n << BigInt(32 - prefix)), prefix)),
);

function addresses(ranges: readonly AddressRange[]): Set<bigint> {
  const set = new Set<bigint>();
  for (const r of ranges) for (let a = r.first; a <= r.last; a++) set.add(a);
  return set;
}

/** Brute force: the fewest aligned blocks covering exactly `set`, by trying every block top-down. */
function bruteFewest(set: Set<bigint>): number {
  let count = 0;
  const covered = new Set<bigint>();
  for (let prefix = 24; prefix <= 32; prefix++) {
    const size = 1n << BigInt(32 - prefix);
    for (let first = BASE; first < BASE + 256n; first += size) {
      let inside = true;
      let fresh = false;
      for (let a = first; a < first + size; a++) {
        if (!set.has(a)) inside = false;
        if (!covered.has(a)) fresh = true;
      }
      if (inside && fresh) {
        count++;
        for (let a = first; a < first + size; a++) covered.add(a);
      }
    }
  }
  return count;
}

describe("audit interval arithmetic (independent of lib/policy)", () => {
  test("union, subtract and count agree with address-by-address sets", () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), fc.array(block, { maxLength: 8 }), (a, b) => {
        const ua = union(a.map(rangeOf));
        const ub = union(b.map(rangeOf));
        const setA = addresses(a.map(rangeOf));
        const setB = addresses(b.map(rangeOf));
        expect(addresses(ua)).toEqual(setA);
        expect(addressCount(ua)).toBe(BigInt(setA.size));
        // Normalised: sorted, disjoint and not touching.
        for (let i = 1; i < ua.length; i++) expect(ua[i].first > ua[i - 1].last + 1n).toBe(true);
        expect(addresses(subtract(ua, ub))).toEqual(new Set([...setA].filter((x) => !setB.has(x))));
      }),
    );
  });

  test("fewestBlocks equals a brute-force count of maximal aligned blocks", () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), (a) => {
        const set = addresses(a.map(rangeOf));
        expect(fewestBlocks(union(a.map(rangeOf)))).toBe(bruteFewest(set));
      }),
    );
  });

  test.each([
    ["0.0.0.0/0", 1],
    ["::/0", 1],
    ["255.255.255.255/32", 1],
  ])("fewestBlocks at the edges of the address space: %s -> %i", (text, count) => {
    expect(fewestBlocks(union([rangeOf(Cidr.of(text))]))).toBe(count);
  });

  test("IPv4 and IPv6 ranges with equal integers never merge", () => {
    const merged = union([rangeOf(Cidr.of("0.0.0.0/24")), rangeOf(Cidr.of("::/120"))]);
    expect(merged.map(formatRange)).toEqual(["0.0.0.0-0.0.0.255", "::-::ff"]);
  });

  test("formatRange names lone addresses without a dash", () => {
    expect(formatRange(rangeOf(Cidr.of("143.244.82.12/32")))).toBe("143.244.82.12");
    expect(formatRange(rangeOf(Cidr.of("2600:1f18::/127")))).toBe("2600:1f18::-2600:1f18::1");
  });
});
