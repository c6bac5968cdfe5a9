import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import { catalogFor, HUBSPOT_LISTS, publishedCatalog } from "../../lib/model/ip-catalog";
import { minimalCover } from "../../lib/policy/aggregate";
import { FACTS_IMAP, FACTS_SMTP } from "./facts";

/** Dotted quad -> integer, without ipaddr.js or lib code. */
function v4(text: string): bigint {
  return text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Address count of the union of `a.b.c.d[/n]` texts: merge intervals, sum their lengths. */
function unionSize(texts: readonly string[]): bigint {
  const intervals = texts
    .map((text) => {
      const [address, len = "32"] = text.split("/");
      const first = v4(address);
      return [first, first + (1n << BigInt(32 - Number(len))) - 1n] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let total = 0n;
  let current: [bigint, bigint] | undefined;
  for (const [first, last] of intervals) {
    if (current && first <= current[1] + 1n) {
      if (last > current[1]) current[1] = last;
    } else {
      if (current) total += current[1] - current[0] + 1n;
      current = [first, last];
    }
  }
  if (current) total += current[1] - current[0] + 1n;
  return total;
}

const withPrefix = (text: string) => (text.includes("/") ? text : `${text}/32`);

describe("the shipped catalog (HubSpot article, 2024-04-04)", () => {
  const catalog = publishedCatalog();

  test("GIVEN FACTS.md THEN each list has 12 entries covering 264 addresses", () => {
    expect(FACTS_SMTP).toHaveLength(12);
    expect(FACTS_IMAP).toHaveLength(12);
    expect(unionSize(FACTS_SMTP)).toBe(264n);
    expect(unionSize(FACTS_IMAP)).toBe(264n);
  });

  test.each([
    ["smtp", FACTS_SMTP],
    ["imap", FACTS_IMAP],
  ] as const)("WHEN loaded THEN the %s list is exactly FACTS.md's, canonical and sorted", (list, facts) => {
    const entries = catalog.lists[list];
    expect(entries).toHaveLength(12);
    expect(new Set(entries.map(String))).toEqual(new Set(facts.map(withPrefix)));
    expect(entries.map(String)).toEqual([...entries].sort(Cidr.compare).map(String));
    expect(unionSize(entries.map(String))).toBe(264n);
    for (const entry of entries) expect(entry.publicProblem()).toBeUndefined();
  });

  test("THEN it says where it came from and when", () => {
    expect(catalog.published).toBe("2024-04-04");
    expect(catalog.source).toMatch(/knowledge\.hubspot\.com\/connected-email\/set-up-imap-settings-for-your-email-domain/);
    expect([...HUBSPOT_LISTS].sort()).toEqual(["imap", "smtp"]);
  });

  test.each([
    [
      "smtp",
      ["54.174.62.128/26", "54.174.62.192/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.12/30", "143.244.87.0/25"],
    ],
    [
      "imap",
      ["54.174.62.128/26", "54.174.62.196/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.8/30", "143.244.87.0/25"],
    ],
  ] as const)("WHEN aggregated THEN the %s list is these 6 blocks", (list, blocks) => {
    const cover = minimalCover(catalog.lists[list]).map(String);
    expect(cover).toEqual(blocks);
    expect(unionSize(cover)).toBe(264n);
  });

  test("WHEN both lists are aggregated together THEN the union is 6 blocks, 272 addresses", () => {
    const union = minimalCover([...catalog.lists.smtp, ...catalog.lists.imap]).map(String);
    expect(union).toEqual([
      "54.174.62.128/26",
      "54.174.62.192/29",
      "141.193.184.0/27",
      "141.193.185.0/27",
      "143.244.82.8/29",
      "143.244.87.0/25",
    ]);
    expect(unionSize(union)).toBe(unionSize([...FACTS_SMTP, ...FACTS_IMAP]));
    expect(unionSize(union)).toBe(272n);
  });

  test("each call returns a fresh catalog, so a caller cannot corrupt the next run", () => {
    const first = publishedCatalog();
    (first.lists.smtp as Cidr[]).length = 0;
    expect(publishedCatalog().lists.smtp).toHaveLength(12);
  });
});

describe("catalogFor", () => {
  test("GIVEN no custom ranges THEN the published catalog", () => {
    const catalog = catalogFor(undefined);
    expect(catalog.published).toBe("2024-04-04");
    expect(catalog.lists.smtp.map(String)).toEqual(publishedCatalog().lists.smtp.map(String));
    expect(catalog.lists.imap.map(String)).toEqual(publishedCatalog().lists.imap.map(String));
  });

  test("GIVEN custom ranges THEN exactly those, sorted and de-duplicated, with no published date", () => {
    const catalog = catalogFor({
      source: "HubSpot 'View connection IPs', account 1234",
      smtp: ["2600:1f18::/32", "8.8.8.8", "1.1.1.0/24", "8.8.8.8"].map(Cidr.of),
      imap: ["9.9.9.9"].map(Cidr.of),
    });
    expect(catalog.source).toBe("HubSpot 'View connection IPs', account 1234");
    expect(catalog.published).toBeUndefined();
    expect(catalog.lists.smtp.map(String)).toEqual(["1.1.1.0/24", "8.8.8.8/32", "2600:1f18::/32"]);
    expect(catalog.lists.imap.map(String)).toEqual(["9.9.9.9/32"]);
  });
});
