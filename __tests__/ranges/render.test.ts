import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { IpCatalog } from "../../lib/model/ip-catalog";
import { compareRanges } from "../../lib/ranges/compare";
import type { PublishedRange } from "../../lib/ranges/published";
import { DECISION_LINE, renderJson, renderText } from "../../lib/ranges/render";

const catalog: IpCatalog = { source: "own lists", lists: { imap: [Cidr.of("10.1.0.0/24")], smtp: [Cidr.of("10.1.0.0/24")] } };

function published(cidr: string, description: string, direction: "EGRESS" | "INGRESS" = "EGRESS"): PublishedRange {
  return { index: 0, cidr: Cidr.of(cidr), description, direction, service: "EMAIL" };
}

describe("renderText", () => {
  test("GIVEN HubSpot's description with a newline, a backtick and a terminal escape WHEN rendered THEN it stays on its line, quoted and escaped", () => {
    const report = compareRanges(catalog, [published("10.1.0.0/24", ""), published("10.2.0.0/24", "line one\n- fake: `x`\u001b[2J")]);
    const text = renderText(report, "r.json");
    expect(text).toContain('- 10.2.0.0/24 EMAIL "line one\\n- fake: \\u0060x\\u0060\\u001b[2J": all of it\n');
    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("`");
    // JSON keeps HubSpot's text as it is: the JSON encoding is the escaping.
    expect(JSON.parse(renderJson(report, "r.json")).missing[0].description).toBe("line one\n- fake: `x`\u001b[2J");
  });

  test("GIVEN a description of 100,000 characters WHEN rendered THEN the text shows its first 200 and says it was cut; the JSON keeps it whole", () => {
    const long = "d".repeat(100_000);
    const report = compareRanges(catalog, [published("10.1.0.0/24", "x"), published("10.2.0.0/24", long)]);
    const text = renderText(report, "r.json");
    expect(text).toContain(`- 10.2.0.0/24 EMAIL "${"d".repeat(200)}" (the first 200 of 100000 characters): all of it\n`);
    expect(text.length).toBeLessThan(2000);
    expect(JSON.parse(renderJson(report, "r.json")).missing[0].description).toBe(long);
  });

  test("GIVEN a missing range without description WHEN rendered THEN it says so", () => {
    const text = renderText(compareRanges(catalog, [published("10.1.0.0/24", "x"), published("10.3.0.0/24", "")]), "r.json");
    expect(text).toContain("- 10.3.0.0/24 EMAIL (no description): all of it\n");
  });

  test("GIVEN a response with only INGRESS ranges WHEN rendered THEN a note says the response had no EGRESS ranges, and the last line leaves the decision to a person", () => {
    const text = renderText(compareRanges(catalog, [published("10.1.0.0/24", "x", "INGRESS")]), "r.json");
    expect(text).toContain("Note: The response had no EGRESS ranges (was it fetched with direction=INGRESS?)");
    expect(text).toContain("- none: the response has no EGRESS range of API, EMAIL\n");
    expect(text.endsWith(`\n${DECISION_LINE}\n`)).toBe(true);
  });

  test("GIVEN a custom catalog without a date WHEN rendered THEN the catalog line shows its source only", () => {
    const text = renderText(compareRanges(catalog, [published("10.1.0.0/24", "x")]), "r.json");
    expect(text.split("\n")[1]).toBe("Catalog: own lists");
    expect(text).toContain("Summary: nothing stale, nothing missing: the catalog matches HubSpot's published ranges.\n");
  });
});
