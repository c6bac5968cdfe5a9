import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import { parseRuleIdentity, ruleIdentity } from "../../lib/model/rule-identity";
import { ingressKey } from "../../lib/policy/placements";
import { cidrRule } from "../../lib/policy/planned-rule";

describe("a planned rule's one identity (placements.json's keys)", () => {
  const cidr = Cidr.of("143.244.87.0/25");
  const rule = { protocol: "tcp" as const, port: 993, cidr, lists: ["imap" as const], domains: [], hosts: [] };

  test("GIVEN the same (port, CIDR) WHEN keyed as a security group, network ACL or stateful rule THEN the same identity, a stateful rule's led by its destination", () => {
    expect(ingressKey(cidrRule(rule, { family: 4, weight: 1 }))).toBe("tcp/993 143.244.87.0/25");
    expect(ruleIdentity(rule)).toBe("tcp/993 143.244.87.0/25");
    expect(ruleIdentity(rule, Cidr.of("10.0.1.25/32"))).toBe("10.0.1.25/32 tcp/993 143.244.87.0/25");
  });

  test("GIVEN a security group rule referencing a prefix list, and a network ACL's return rule WHEN keyed THEN the list's key, and the block alone", () => {
    const prefixList = { key: "imap+smtp/ipv4", lists: ["imap" as const, "smtp" as const], family: 4 as const, entries: [cidr], maxEntries: 10 };
    const provenance = { lists: prefixList.lists, domains: [], hosts: [] };
    expect(ingressKey({ content: { port: 993, prefixList }, admits: [rule], ...provenance, place: { family: 4, weight: 10 } })).toBe("tcp/993 prefix-list imap+smtp/ipv4");
    expect(ruleIdentity({ returnTo: cidr })).toBe("143.244.87.0/25");
  });

  test.each([
    ["tcp/993 143.244.87.0/25", { kind: "cidr", port: 993, cidr: "143.244.87.0/25" }],
    ["tcp/587 prefix-list imap+smtp/ipv6", { kind: "prefix-list", port: 587, lists: ["imap", "smtp"], family: 6 }],
  ])("GIVEN %s WHEN parsed THEN its parts, which make the same identity again", (key, parts) => {
    const parsed = parseRuleIdentity(key);
    expect(parsed && (parsed.kind === "cidr" ? { ...parsed, cidr: parsed.cidr.toString() } : parsed)).toEqual(parts);
    const port = parsed?.port ?? 0;
    expect(ruleIdentity(parsed?.kind === "cidr" ? { port, cidr: parsed.cidr } : { port, prefixList: { key: `${parsed?.lists.join("+")}/ipv${parsed?.family}` } })).toBe(key);
  });

  test.each(["tcp/993", "udp/993 143.244.87.0/25", "tcp/993 prefix-list pop3/ipv4", "tcp/993 143.244.87.1/25"])("GIVEN %s (no rule's identity) WHEN parsed THEN nothing", (key) => {
    expect(parseRuleIdentity(key)).toBeUndefined();
  });
});
