import { describe, expect, test } from "vitest";
import { parsePublished, type PublishedResult } from "../../lib/ranges/published";

const entry = (fields: Record<string, unknown>) => ({ cidr: "141.193.184.0/27", description: "Email", direction: "EGRESS", service: "EMAIL", ...fields });
const response = (...results: unknown[]) => JSON.stringify({ results });

function message(result: PublishedResult): string {
  if (result.ok) throw new Error("expected a problem");
  return result.message;
}

describe("parsePublished", () => {
  test("GIVEN a valid response with extra fields, a BOM and an IPv6 range WHEN parsed THEN every entry, with its index and canonical block", () => {
    const text = `\uFEFF${JSON.stringify({
      results: [entry({ extra: 1 }), entry({ cidr: "2600:1F18:4C00:0000::/44", service: "API", direction: "INGRESS", description: undefined })],
      paging: {},
    })}`;
    const result = parsePublished(text, "r.json");
    if (!result.ok) throw new Error(result.message);
    expect(result.ranges.map((r) => [r.index, r.cidr.toString(), r.service, r.direction, r.description])).toEqual([
      [0, "141.193.184.0/27", "EMAIL", "EGRESS", "Email"],
      [1, "2600:1f18:4c00::/44", "API", "INGRESS", ""],
    ]);
  });

  test("GIVEN a single address as cidr WHEN parsed THEN it is a /32", () => {
    const result = parsePublished(response(entry({ cidr: "143.244.82.12" })), "r.json");
    expect(result.ok && result.ranges[0].cidr.toString()).toBe("143.244.82.12/32");
  });

  test.each([
    ["::ffff:143.244.82.8/126", "143.244.82.8/30"],
    ["::FFFF:8ff4:5208/126", "143.244.82.8/30"],
    ["0:0:0:0:0:ffff:143.244.82.12", "143.244.82.12/32"],
    ["::ffff:141.193.184.0/123", "141.193.184.0/27"],
  ])("GIVEN the IPv4-mapped IPv6 block %s WHEN parsed THEN it is read as the IPv4 block %s, and the text as published is kept", (cidr, ipv4) => {
    const result = parsePublished(response(entry({ cidr })), "r.json");
    if (!result.ok) throw new Error(result.message);
    expect(result.ranges[0].cidr.toString()).toBe(ipv4);
    expect(result.ranges[0].mappedFrom).toBe(cidr);
  });

  test.each(["64:ff9b::143.244.82.8/128", "2600:1f18:4c00::/44"])("GIVEN the IPv6 block %s, not IPv4-mapped WHEN parsed THEN it stays IPv6", (cidr) => {
    const result = parsePublished(response(entry({ cidr })), "r.json");
    expect(result.ok && [result.ranges[0].cidr.family, result.ranges[0].mappedFrom]).toEqual([6, undefined]);
  });

  test.each([
    ["   \n", "r.json is empty; "],
    ["[1]", "r.json is not a network-origins response: the top level is a list, not an object with \"results\""],
    ["null", "the top level is null, not an object"],
    [response(entry({}), 3), "results[1] is the number 3, not an object"],
    [response(entry({ cidr: undefined })), 'results[0] has no "cidr"'],
    [response(entry({ cidr: 42 })), "results[0].cidr is the number 42, not a string"],
    [response(entry({ cidr: "141.193.184.7/27" })), 'results[0].cidr "141.193.184.7/27" has host bits set (the block would be 141.193.184.0/27)'],
    [response(entry({ cidr: "0.0.0.0/0" })), 'results[0].cidr "0.0.0.0/0" covers every address'],
    [response(entry({ cidr: "::/0" })), 'results[0].cidr "::/0" covers every address'],
    [response(entry({ cidr: "::ffff:0.0.0.0/96" })), 'results[0].cidr "::ffff:0.0.0.0/96" covers every address'],
    [response(entry({ cidr: "010.1.2.3" })), 'results[0].cidr "010.1.2.3" is not an IPv4 or IPv6 block or address'],
    [response(entry({ description: ["x"] })), "results[0] (cidr 141.193.184.0/27).description is a list, not a string"],
    [response(entry({ direction: undefined })), "results[0] (cidr 141.193.184.0/27).direction is missing; expected one of EGRESS, INGRESS"],
    [response(entry({ direction: "egress" })), 'results[0] (cidr 141.193.184.0/27).direction is the string "egress"; expected one of EGRESS, INGRESS'],
    [response(entry({}), entry({ service: null })), "results[1] (cidr 141.193.184.0/27).service is null; expected one of API, DNS, EMAIL, WEB_SCRAPING, TEST_SERVICE"],
  ])("GIVEN %s WHEN parsed THEN the problem is named and located", (text, expected) => {
    const problem = message(parsePublished(text, "r.json"));
    expect(problem).toContain(expected);
    expect(problem).not.toContain("\n");
  });

  test("GIVEN several bad entries WHEN parsed THEN the first one is named", () => {
    const problem = message(parsePublished(response(entry({}), entry({ direction: "UP" }), entry({ cidr: "x" })), "r.json"));
    expect(problem).toContain("results[1]");
    expect(problem).not.toContain("results[2]");
  });

  test("GIVEN a value with control characters WHEN named in a message THEN they are escaped", () => {
    const problem = message(parsePublished(response(entry({ service: "EMAIL\u001b[2J\u009b" })), "r.json"));
    expect(problem).toContain('"EMAIL\\u001b[2J\\u009b"');
    expect(problem).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
