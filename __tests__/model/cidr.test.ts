import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cidr, isCidr, type CidrProblem } from "../../lib/model/cidr";

/** Parses text the test table says is valid, failing with the problem when it is not. */
function valid(text: string): Cidr {
  const parsed = Cidr.parse(text);
  if (!isCidr(parsed)) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe("Cidr.parse", () => {
  test.each([
    // IPv4 blocks and single addresses; a bare address is a /32.
    ["141.193.184.0/27", "141.193.184.0/27", 4, 27],
    ["143.244.82.12", "143.244.82.12/32", 4, 32],
    ["143.244.82.12/32", "143.244.82.12/32", 4, 32],
    ["0.0.0.0/0", "0.0.0.0/0", 4, 0],
    ["255.255.255.255", "255.255.255.255/32", 4, 32],
    ["8.0.0.0/5", "8.0.0.0/5", 4, 5],
    // Surrounding whitespace is not part of the value.
    ["  54.174.62.128/26 ", "54.174.62.128/26", 4, 26],
    // IPv6: RFC 5952 text (lower case, leading zeros dropped, longest zero run compressed).
    ["2600:1f18::/32", "2600:1f18::/32", 6, 32],
    ["2600:1F18::/32", "2600:1f18::/32", 6, 32],
    ["2600:1f18:0000:0000:0000:0000:0000:0000/32", "2600:1f18::/32", 6, 32],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128", 6, 128],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128", 6, 128],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3/128", 6, 128],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1/128", 6, 128],
    ["2a00:1450:4001:0800::/56", "2a00:1450:4001:800::/56", 6, 56],
    ["::", "::/128", 6, 128],
    ["::/0", "::/0", 6, 0],
    ["::1", "::1/128", 6, 128],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6, 128],
  ] as const)("GIVEN %j WHEN parsed THEN canonical %s", (text, canonical, family, prefixLength) => {
    const cidr = valid(text);
    expect(cidr.toString()).toBe(canonical);
    expect(cidr.family).toBe(family);
    expect(cidr.prefixLength).toBe(prefixLength);
    expect(cidr.isHost).toBe(prefixLength === (family === 4 ? 32 : 128));
    // Canonical text is a fixed point.
    expect(valid(canonical).equals(cidr)).toBe(true);
  });

  test.each([
    ["141.193.184.1/27", "141.193.184.0/27"],
    ["143.244.82.13/30", "143.244.82.12/30"],
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["1.2.3.4/0", "0.0.0.0/0"],
    ["255.255.255.255/31", "255.255.255.254/31"],
    ["2600:1f18::1/32", "2600:1f18::/32"],
    ["2001:DB8::1/127", "2001:db8::/127"],
    ["::1/0", "::/0"],
  ])("GIVEN %j with host bits WHEN parsed THEN host-bits suggesting %s", (text, canonical) => {
    expect(Cidr.parse(text)).toEqual({ kind: "host-bits", text, canonical });
  });

  test.each([
    [""],
    ["   "],
    ["1.2.3"],
    ["1.2.3.4/33"],
    ["::/129"],
    ["1.2.3.4/-1"],
    ["1.2.3.4/ 8"],
    ["1.2.3.4/"],
    ["/8"],
    ["1.2.3.4/32/5"],
    ["01.2.3.4"],
    ["1.2.3.04"],
    ["0x7f.0.0.1"],
    ["127.1"],
    ["1"],
    ["256.1.1.1"],
    ["fe80::1%eth0"],
    ["fe80::1%eth0/64"],
    ["1.2.3.4/08"],
    ["2600:1f18::/032"],
    ["a.b.c.d"],
    ["1:2:3:4:5:6:7:8:9"],
    ["2001:db8:::1"],
    ["example.com"],
  ])("GIVEN junk %j WHEN parsed THEN invalid", (text) => {
    expect(Cidr.parse(text)).toEqual({ kind: "invalid", text });
  });

  test("GIVEN junk WHEN Cidr.of THEN it throws naming the text and the problem", () => {
    expect(() => Cidr.of("1.2.3.4/24")).toThrow(/1\.2\.3\.4\/24.*host-bits/);
    expect(() => Cidr.of("a.b.c.d")).toThrow(/a\.b\.c\.d.*invalid/);
  });
});

describe("Cidr.publicProblem", () => {
  test.each([["0.0.0.0/0"], ["::/0"]])("GIVEN %s THEN everything", (text) => {
    expect(Cidr.of(text).publicProblem()).toEqual({ kind: "everything", text });
  });

  test.each([
    ["10.0.0.0/8"],
    ["10.0.0.0/7"], // only half private, still unacceptable
    ["127.0.0.1"],
    ["169.254.1.1"],
    ["100.64.0.0/10"],
    ["192.168.0.0/16"],
    ["172.16.0.0/12"],
    ["224.0.0.0/4"],
    ["240.0.0.0/4"],
    ["0.0.0.0/8"],
    ["255.255.255.255"],
    ["192.0.2.0/24"],
    ["198.51.100.7"],
    ["203.0.113.0/24"],
    ["fc00::/7"],
    ["fe80::/10"],
    ["::1"],
    ["::"],
    ["2001:db8::/32"],
    ["ff02::1"],
    ["::ffff:8.8.8.8"], // IPv4-mapped
    ["4000::/3"], // outside global unicast
  ])("GIVEN %s THEN non-public, naming an overlapping special range", (text) => {
    const cidr = Cidr.of(text);
    const problem = cidr.publicProblem();
    expect(problem).toMatchObject({ kind: "non-public", text: cidr.toString() });
    // The message names a real special range that the block overlaps (or falls outside of).
    const range = (problem as Extract<CidrProblem, { kind: "non-public" }>).range;
    const named = Cidr.of(range.split(" ").pop() ?? "");
    if (range.startsWith("outside ")) expect(named.contains(cidr)).toBe(false);
    else expect(cidr.overlaps(named)).toBe(true);
  });

  test.each([["4000::1"], ["e000::/4"], ["200::1"], ["1000::/4"]])(
    "GIVEN %s, in no special range but outside 2000::/3 THEN non-public as outside global unicast",
    (text) => {
      const cidr = Cidr.of(text);
      expect(cidr.publicProblem()).toEqual({ kind: "non-public", text: cidr.toString(), range: "outside global unicast 2000::/3" });
    },
  );

  test.each([["141.193.184.0/27"], ["143.244.82.12"], ["54.174.62.128/26"], ["8.8.8.8"], ["2600:1f18::/32"], ["2a00:1450::/32"]])(
    "GIVEN public %s THEN no problem",
    (text) => {
      expect(Cidr.of(text).publicProblem()).toBeUndefined();
    },
  );
});

describe("Cidr.compare", () => {
  test("GIVEN a shuffled mix WHEN sorted THEN IPv4 before IPv6, by address, wider first", () => {
    const expected = [
      "0.0.0.0/0",
      "10.0.0.0/8",
      "10.0.0.0/24",
      "10.0.0.0/32",
      "10.0.0.1/32",
      "54.174.62.128/26",
      "141.193.184.0/27",
      "255.255.255.255/32",
      "::/0",
      "::1/128",
      "2600:1f18::/32",
      "2600:1f18::/64",
      "2600:1f18::1/128",
      "2600:1f19::/32",
    ];
    const shuffled = [...expected].reverse();
    [shuffled[0], shuffled[5]] = [shuffled[5], shuffled[0]];
    expect(shuffled.map(Cidr.of).sort(Cidr.compare).map(String)).toEqual(expected);
  });

  test.each([
    ["255.255.255.255", "::", -1],
    ["::", "0.0.0.0/0", 1],
    ["1.2.3.0/24", "1.2.3.0/25", -1],
    ["1.2.3.128/25", "1.2.3.0/24", 1],
    ["2600:1f18::/32", "2600:1f18::/32", 0],
  ] as const)("compare(%s, %s) has sign %d", (a, b, sign) => {
    expect(Math.sign(Cidr.compare(Cidr.of(a), Cidr.of(b)))).toBe(sign);
  });
});

describe("Cidr properties", () => {
  const v4 = fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 32 }))
    .map(([value, len]) => ({ family: 4 as const, value, len }));
  const v6 = fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
    .map(([value, len]) => ({ family: 6 as const, value, len }));
  const aligned = fc.oneof(v4, v6).map(({ family, value, len }) => {
    const width = family === 4 ? 32 : 128;
    const hostBits = BigInt(width - len);
    return Cidr.fromRange(family, (value >> hostBits) << hostBits, len);
  });

  test("toString round-trips through parse", () => {
    fc.assert(
      fc.property(aligned, (cidr) => {
        const again = valid(cidr.toString());
        expect(again.equals(cidr)).toBe(true);
        expect(again.toString()).toBe(cidr.toString());
        expect(cidr.last - cidr.first + 1n).toBe(cidr.size);
      }),
      { numRuns: 300 },
    );
  });

  test("contains, overlaps and compare agree with integer arithmetic", () => {
    fc.assert(
      fc.property(aligned, aligned, (a, b) => {
        const sameFamily = a.family === b.family;
        expect(a.contains(b)).toBe(sameFamily && a.first <= b.first && b.last <= a.last);
        expect(a.overlaps(b)).toBe(sameFamily && a.first <= b.last && b.first <= a.last);
        expect(a.overlaps(b)).toBe(b.overlaps(a));
        expect(Cidr.compare(a, b) === 0).toBe(a.equals(b));
        // Antisymmetric (`+ 0` folds -0 into 0).
        expect(Math.sign(Cidr.compare(a, b)) + 0).toBe(-Math.sign(Cidr.compare(b, a)) + 0);
      }),
      { numRuns: 300 },
    );
  });

  test("fromRange rejects a misaligned start", () => {
    expect(() => Cidr.fromRange(4, 1n, 31)).toThrow(/not aligned/);
    expect(Cidr.fromRange(4, 2n, 31).toString()).toBe("0.0.0.2/31");
  });
});

describe("Cidr.publicProblem names the range that holds the block", () => {
  test.each([
    ["240.0.0.0/4", "reserved 240.0.0.0/4"],
    ["10.1.0.0/16", "private 10.0.0.0/8"],
    ["127.0.0.1", "loopback 127.0.0.0/8"],
  ])("%s -> %s", (text, range) => {
    expect(Cidr.of(text).publicProblem()).toEqual({ kind: "non-public", text: Cidr.of(text).toString(), range });
  });
});
