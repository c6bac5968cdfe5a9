import { describe, expect, test } from "vitest";
import { didYouMean, levenshtein } from "../../lib/config/suggest";

describe("levenshtein", () => {
  test.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["region", "region", 0],
    ["regoin", "region", 2],
    ["kitten", "sitting", 3],
    ["vpcid", "vpcId", 1],
  ])("%j -> %j is %i", (a, b, distance) => {
    expect(levenshtein(a, b)).toBe(distance);
    expect(levenshtein(b, a)).toBe(distance);
  });
});

describe("didYouMean", () => {
  const keys = ["domain", "imap", "exchange", "firewalls"];

  test.each([
    ["firewall", "firewalls"],
    ["exchnage", "exchange"],
    ["DOMAIN", "domain"],
    ["imaps", "imap"],
  ])("suggests %s -> %s", (input, expected) => {
    expect(didYouMean(input, keys)).toBe(expected);
  });

  test("distance 2 is close enough, 3 is not", () => {
    expect(didYouMean("firewal", keys)).toBe("firewalls");
    expect(didYouMean("firewa", keys)).toBeUndefined();
  });

  test("a case-insensitive match wins over a closer edit", () => {
    expect(didYouMean("ab", ["AB", "ab1"])).toBe("AB");
  });

  test("ties go to the first candidate, so output is stable", () => {
    expect(didYouMean("us-east-3", ["us-east-1", "us-east-2"])).toBe("us-east-1");
  });

  test("the input itself is never suggested", () => {
    expect(didYouMean("imap", ["imap"])).toBeUndefined();
  });
});
