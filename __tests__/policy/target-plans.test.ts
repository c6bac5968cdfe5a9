import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { Config } from "../../lib/model/config";
import { buildPolicy, type NetworkAclPolicy, type NetworkFirewallPolicy, type SecurityGroupPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";

const plan = <T>(cfg: Config, name: string) => buildPolicy(cfg).targets.find((t) => t.target.name === name) as T;

describe("security groups with prefix-list sources", () => {
  test("GIVEN IMAP, SMTP and Exchange ports WHEN planned THEN each port references the list of exactly the lists it needs", () => {
    const cfg = config(
      [imapDomain("example.com", ["pl"]), exchangeDomain("corp.example.org", ["pl"])],
      [createdGroup("pl", "us-east-1", "hubspot-pl", { sources: "prefix-lists" })],
    );
    const policy = buildPolicy(cfg);
    const sg = policy.targets[0] as SecurityGroupPolicy;
    expect(sg.groups[0].ingress.map((r) => ("prefixList" in r.content ? `${r.content.port} ${r.content.prefixList.key} weight ${r.place.weight}` : "cidr"))).toEqual([
      "443 imap+smtp/ipv4 weight 10",
      "587 smtp/ipv4 weight 10",
      "993 imap/ipv4 weight 10",
    ]);
    expect(policy.prefixLists.map((p) => [p.key, p.entries.length, p.maxEntries])).toEqual([
      ["imap+smtp/ipv4", 6, 10],
      ["imap/ipv4", 6, 10],
      ["smtp/ipv4", 6, 10],
    ]);
    // The lists hold the same blocks as the CIDR rules would, and the rules keep their provenance.
    expect(policy.prefixLists.find((p) => p.key === "imap/ipv4")?.entries.map(String)).toEqual(
      sg.rules.filter((r) => r.port === 993).map((r) => r.cidr.toString()),
    );
    expect(sg.groups[0].weight).toEqual({ ipv4: 30, ipv6: 0 });
  });

  test("GIVEN a list with IPv6 ranges WHEN planned THEN the port gets one rule and one list per family", () => {
    const ipRanges = { source: "t", smtp: [Cidr.of("44.10.0.0/24"), Cidr.of("2600:1f18:1::/48")], imap: [Cidr.of("44.11.0.0/24")] };
    const cfg = config([exchangeDomain("corp.example.org", ["pl"])], [existingGroup("pl", "eu-central-1", "sg-0a1b2c3d4e5f67890", { sources: "prefix-lists" })], ipRanges);
    const sg = plan<SecurityGroupPolicy>(cfg, "pl");
    expect(sg.groups[0].ingress.map((r) => ("prefixList" in r.content ? `${r.content.prefixList.key} ${r.content.prefixList.entries.join(" ")}` : ""))).toEqual([
      "imap+smtp/ipv4 44.10.0.0/24 44.11.0.0/24",
      "imap+smtp/ipv6 2600:1f18:1::/48",
    ]);
    expect(sg.groups[0].weight).toEqual({ ipv4: 5, ipv6: 5 });
  });

  test("GIVEN two targets needing the same list WHEN planned THEN the list is planned once and shared", () => {
    const cfg = config(
      [imapDomain("example.com", ["a", "b"])],
      [createdGroup("a", "us-east-1", "a", { sources: "prefix-lists" }), createdGroup("b", "eu-west-1", "b", { sources: "prefix-lists" })],
    );
    expect(buildPolicy(cfg).prefixLists.map((p) => p.key)).toEqual(["imap/ipv4", "smtp/ipv4"]);
  });
});

describe("network ACLs", () => {
  test("GIVEN an IMAP domain WHEN planned THEN inbound per (port, CIDR) and outbound to the minimal cover of all sources", () => {
    const acl = plan<NetworkAclPolicy>(config([imapDomain("example.com", ["acl"])], [networkAcl("acl")]), "acl");
    expect(acl.inbound).toHaveLength(12);
    // IMAP 143.244.82.8/30 and SMTP 143.244.82.12/30 merge into one return rule: 6, not 8.
    expect(acl.outbound.map((r) => r.content.returnTo.toString())).toEqual([
      "54.174.62.128/26",
      "54.174.62.192/29",
      "141.193.184.0/27",
      "141.193.185.0/27",
      "143.244.82.8/29",
      "143.244.87.0/25",
    ]);
    expect(acl.outbound.find((r) => r.content.returnTo.toString() === "143.244.82.8/29")).toMatchObject({ lists: ["imap", "smtp"], domains: ["example.com"] });
    expect(acl.maxRules).toBe(20);
  });
});

describe("Network Firewall rule groups", () => {
  test("GIVEN two destinations WHEN planned THEN one PASS rule per (destination, port, CIDR), sorted, with the computed capacity", () => {
    const nfw = plan<NetworkFirewallPolicy>(
      config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { destinations: ["10.0.2.0/28", "10.0.1.25/32"] })]),
      "nfw",
    );
    expect(nfw.plannedRules).toHaveLength(24);
    expect(nfw.plannedRules.slice(0, 2).map((r) => `${r.destination} ${r.content.port} ${r.content.cidr}`)).toEqual([
      "10.0.1.25/32 587 54.174.62.128/26",
      "10.0.1.25/32 587 54.174.62.192/30",
    ]);
    expect([nfw.capacity, nfw.capacityGiven, nfw.capacitySource, nfw.ruleOrder]).toEqual([50, false, "computed", "DEFAULT_ACTION_ORDER"]);
  });

  test("GIVEN a capacity WHEN planned THEN it is used as given", () => {
    const nfw = plan<NetworkFirewallPolicy>(config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { capacity: 500 })]), "nfw");
    expect([nfw.capacity, nfw.capacityGiven]).toEqual([500, true]);
  });
});
