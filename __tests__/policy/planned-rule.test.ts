import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import { cidrRule, keyedPairs, placedNumbers, plannedIdentity, returnRule, sourcesRule } from "../../lib/policy/planned-rule";
import type { FirewallRule } from "../../lib/policy/rule";

const rule = (port: number, cidr: string, lists: FirewallRule["lists"], domain: string): FirewallRule => ({
  protocol: "tcp",
  port,
  cidr: Cidr.of(cidr),
  lists,
  domains: [domain],
  hosts: [`mail.${domain}:${port}`],
});

describe("one planned-rule shape for every kind", () => {
  const a = rule(993, "143.244.87.0/25", ["imap"], "b.example");
  const b = rule(993, "54.174.62.128/26", ["smtp"], "a.example");

  test("GIVEN a (port, CIDR) rule WHEN planned from one block THEN it writes the block, admits the rule and serves what it serves", () => {
    const planned = cidrRule(a, { ruleNumber: 100 });
    expect(planned.content).toEqual({ protocol: "tcp", port: 993, cidr: a.cidr });
    expect(planned.admits).toEqual([a]);
    expect([planned.lists, planned.domains, planned.hosts]).toEqual([["imap"], ["b.example"], ["mail.b.example:993"]]);
    expect(planned.destination).toBeUndefined();
    expect(plannedIdentity(planned)).toBe("tcp/993 143.244.87.0/25");
    expect(plannedIdentity(cidrRule(a, { sid: 1 }, Cidr.of("10.0.1.25/32")))).toBe("10.0.1.25/32 tcp/993 143.244.87.0/25");
  });

  test("GIVEN a port's cover WHEN planned as one rule from its sources THEN it admits every block and serves the union, sorted", () => {
    const planned = sourcesRule(993, "imap-smtp", [a, b], { set: "s" });
    expect(planned.content).toEqual({ port: 993, sources: "imap-smtp" });
    expect(planned.admits).toEqual([a, b]);
    expect([planned.lists, planned.domains]).toEqual([["imap", "smtp"], ["a.example", "b.example"]]);
  });

  test("GIVEN a return block WHEN planned THEN it admits nothing in, serves what it was given and is keyed by the block alone", () => {
    const planned = returnRule(a.cidr, { lists: ["imap"], domains: [], hosts: [] }, { ruleNumber: 7 });
    expect(planned.admits).toEqual([]);
    expect(planned.lists).toEqual(["imap"]);
    expect(plannedIdentity(planned)).toBe("143.244.87.0/25");
  });

  test("GIVEN numbered rules WHEN placed THEN each number is under its identity; the pairs they admit carry the identity", () => {
    const rules = [cidrRule(a, { ruleNumber: 100 }), cidrRule(b, { ruleNumber: 101 })];
    expect([...placedNumbers(rules, (p) => p.ruleNumber)]).toEqual([
      ["tcp/993 143.244.87.0/25", 100],
      ["tcp/993 54.174.62.128/26", 101],
    ]);
    const list = { key: "imap+smtp/ipv4", lists: ["imap" as const, "smtp" as const], family: 4 as const, entries: [a.cidr, b.cidr], maxEntries: 10 };
    const referencing = { content: { port: 993, prefixList: list }, admits: [a, b], lists: list.lists, domains: [], hosts: [], place: {} };
    expect(keyedPairs([rules[0], referencing]).map((p) => `${p.key} | ${p.port} ${p.cidr}`)).toEqual([
      "tcp/993 143.244.87.0/25 | 993 143.244.87.0/25",
      "tcp/993 prefix-list imap+smtp/ipv4 | 993 143.244.87.0/25",
      "tcp/993 prefix-list imap+smtp/ipv4 | 993 54.174.62.128/26",
    ]);
  });
});
