import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { IpCatalog } from "../../lib/model/ip-catalog";
import { compareRanges } from "../../lib/ranges/compare";
import { SERVICES, type Direction, type PublishedRange, type Service } from "../../lib/ranges/published";

function catalog(imap: string[], smtp: string[] = imap): IpCatalog {
  return { source: "test", lists: { imap: imap.map(Cidr.of).sort(Cidr.compare), smtp: smtp.map(Cidr.of).sort(Cidr.compare) } };
}

function range(cidr: string, service: Service = "EMAIL", direction: Direction = "EGRESS", description = `${service} range`): PublishedRange {
  return { index: 0, cidr: Cidr.of(cidr), description, direction, service };
}

const text = (cidrs: readonly Cidr[]) => cidrs.map(String);

describe("compareRanges", () => {
  test("GIVEN a catalog /27 inside a published /24 of an unchosen service WHEN compared THEN it is not stale and the /24 is not missing", () => {
    const report = compareRanges(catalog(["141.193.184.0/27"]), [range("141.193.184.0/24", "WEB_SCRAPING")], ["EMAIL", "API"]);
    expect(report.lists.map((l) => l.stale)).toEqual([[], []]);
    expect(report.missing).toEqual([]);
    expect(report.upToDate).toBe(true);
    expect(report.response.otherServices).toEqual(["WEB_SCRAPING"]);
  });

  test("GIVEN a block published as two halves under two services WHEN compared THEN it is covered", () => {
    const report = compareRanges(catalog(["143.244.87.0/25"]), [range("143.244.87.0/26", "EMAIL"), range("143.244.87.64/26", "API")]);
    expect(report.upToDate).toBe(true);
  });

  test("GIVEN a block of which HubSpot publishes only the middle WHEN compared THEN the stale parts are exactly both ends", () => {
    const report = compareRanges(catalog(["10.1.0.0/24"], []), [range("10.1.0.64/26"), range("10.1.0.128/27")]);
    const [imap, smtp] = report.lists;
    expect(imap.list).toBe("imap");
    expect(imap.stale).toHaveLength(1);
    expect(text(imap.stale[0].stale)).toEqual(["10.1.0.0/26", "10.1.0.160/27", "10.1.0.192/26"]);
    expect(imap.stale[0].staleAddresses).toBe(160n);
    expect(imap.stale[0].whole).toBe(false);
    expect(smtp).toEqual({ list: "smtp", entries: 0, stale: [] });
  });

  test("GIVEN a published range half in the IMAP list and half in the SMTP list WHEN compared THEN nothing is missing", () => {
    const report = compareRanges(catalog(["10.2.0.0/25"], ["10.2.0.128/25"]), [range("10.2.0.0/24")]);
    expect(report.missing).toEqual([]);
    expect(report.upToDate).toBe(true);
  });

  test("GIVEN an INGRESS range over the catalog WHEN compared THEN the catalog is stale and the range is not missing", () => {
    const report = compareRanges(catalog(["10.3.0.0/24"]), [range("10.3.0.0/16", "EMAIL", "INGRESS")]);
    expect(report.lists[0].stale.map((s) => s.whole)).toEqual([true]);
    expect(report.missing).toEqual([]);
    expect(report.response).toMatchObject({ ranges: 1, egress: 0, ingress: 1, checked: 0 });
  });

  test("GIVEN the same block published twice under one service and once under another WHEN missing THEN one row per service", () => {
    const report = compareRanges(catalog(["10.4.1.0/24"]), [range("10.4.0.0/24", "API"), range("10.4.0.0/24", "EMAIL"), range("10.4.0.0/24", "API")]);
    expect(report.missing.map((m) => `${m.cidr} ${m.service}`)).toEqual(["10.4.0.0/24 API", "10.4.0.0/24 EMAIL"]);
  });

  test("GIVEN IPv4 and IPv6 with the same numeric addresses WHEN compared THEN the families never cover each other", () => {
    // ::a04:0/120 is numerically 10.4.0.0/24 inside IPv6.
    const report = compareRanges(catalog(["10.4.0.0/24"]), [range("2600::a04:0/120")]);
    expect(report.lists[0].stale.map((s) => s.entry.toString())).toEqual(["10.4.0.0/24"]);
    expect(report.missing.map((m) => m.cidr.toString())).toEqual(["2600::a04:0/120"]);
  });

  test("GIVEN a service list in any order WHEN compared THEN the report lists services alphabetically", () => {
    expect(compareRanges(catalog(["10.5.0.0/24"]), [], ["TEST_SERVICE", "EMAIL", "API"]).services).toEqual(["API", "EMAIL", "TEST_SERVICE"]);
  });

  // A second pair of eyes: address by address in a /24, what must be stale and missing.
  test("GIVEN random lists and responses inside 10.9.0.0/24 WHEN compared THEN stale and missing are exactly the addresses a brute-force count finds", () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 26, max: 32 })).map(([start, prefix]) => {
      const size = 2 ** (32 - prefix);
      return `10.9.0.${Math.floor(start / size) * size}/${prefix}`;
    });
    const published = fc.record({
      cidr: block,
      service: fc.constantFrom(...SERVICES),
      direction: fc.constantFrom<Direction>("EGRESS", "INGRESS"),
    });
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 6 }),
        fc.array(block, { maxLength: 6 }),
        fc.array(published, { maxLength: 8 }),
        fc.subarray([...SERVICES], { minLength: 1 }),
        (imap, smtp, response, services) => {
          const ranges = response.map((r) => range(r.cidr, r.service, r.direction));
          const report = compareRanges(catalog(imap, smtp), ranges, services);
          const addresses = (cidr: Cidr) => Array.from({ length: Number(cidr.size) }, (_, i) => Number(cidr.first) + i);
          const set = (cidrs: readonly Cidr[]) => new Set(cidrs.flatMap(addresses));
          const egress = set(ranges.filter((r) => r.direction === "EGRESS").map((r) => r.cidr));
          const lists = set([...imap, ...smtp].map(Cidr.of));
          for (const [i, list] of [imap, smtp].entries()) {
            const expected = [...new Set(list)]
              .map(Cidr.of)
              .sort(Cidr.compare)
              .map((entry) => ({ entry: entry.toString(), stale: addresses(entry).filter((a) => !egress.has(a)) }))
              .filter((e) => e.stale.length > 0);
            const actual = report.lists[i].stale.map((s) => ({ entry: s.entry.toString(), stale: [...set(s.stale)].sort((a, b) => a - b) }));
            expect(actual).toEqual(expected);
          }
          const chosen = ranges.filter((r) => r.direction === "EGRESS" && services.includes(r.service));
          const expectedMissing = new Set(
            chosen.filter((r) => addresses(r.cidr).some((a) => !lists.has(a))).map((r) => `${r.cidr} ${r.service}`),
          );
          expect(new Set(report.missing.map((m) => `${m.cidr} ${m.service}`))).toEqual(expectedMissing);
          for (const m of report.missing) expect([...set(m.uncovered)].sort((a, b) => a - b)).toEqual(addresses(m.cidr).filter((a) => !lists.has(a)));
          expect(report.upToDate).toBe(report.missing.length === 0 && report.lists.every((l) => l.stale.length === 0));
        },
      ),
      { numRuns: 300 },
    );
  });
});
