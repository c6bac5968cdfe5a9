import { describe, expect, test } from "vitest";
import { Cidr } from "../../lib/model/cidr";
import type { Config, DomainSettings, ExchangeDomain, FirewallTarget, ImapDomain } from "../../lib/model/config";
import { buildPolicy, endpointText, needsOf, type FirewallRule } from "../../lib/policy/firewall-policy";

const SMTP_COVER = ["54.174.62.128/26", "54.174.62.192/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.12/30", "143.244.87.0/25"];
const IMAP_COVER = ["54.174.62.128/26", "54.174.62.196/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.8/30", "143.244.87.0/25"];
const UNION_COVER = ["54.174.62.128/26", "54.174.62.192/29", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.8/29", "143.244.87.0/25"];

const mailUse1: FirewallTarget = {
  name: "mail-use1",
  type: "aws-security-group",
  region: "us-east-1",
  create: { vpcId: "vpc-0a1b2c3d4e5f67890", groupName: "hubspot-mail-ingress" },
};
const exchangeDmz: FirewallTarget = {
  name: "exchange-dmz",
  type: "aws-security-group",
  region: "eu-central-1",
  securityGroupId: "sg-0123456789abcdef0",
};

function imap(name: string, incoming: [string, number], outgoing: [string, number], firewalls: string[]): ImapDomain {
  return {
    kind: "imap",
    name,
    incoming: { host: incoming[0], port: incoming[1] },
    outgoing: { host: outgoing[0], port: outgoing[1] },
    allowNonSecureCertificate: false,
    firewalls,
  };
}

function exchange(name: string, host: string, port: number, firewalls: string[]): ExchangeDomain {
  const url = `https://${host}${port === 443 ? "" : `:${port}`}/EWS/Exchange.asmx`;
  return { kind: "exchange", name, url, endpoint: { host, port }, firewalls };
}

function config(domains: DomainSettings[], firewalls: FirewallTarget[] = [mailUse1, exchangeDmz]): Config {
  return { domains, firewalls };
}

/** The rules of one target as plain data, for targeted assertions. */
function rulesOf(cfg: Config, targetName: string) {
  const target = buildPolicy(cfg).targets.find((t) => t.target.name === targetName);
  if (!target) throw new Error(`no policy for ${targetName}`);
  return target.rules.map((r: FirewallRule) => ({ ...r, cidr: r.cidr.toString() }));
}

describe("needsOf", () => {
  test("GIVEN an IMAP domain THEN the IMAP list reaches the IMAP server and the SMTP list the SMTP server", () => {
    const needs = needsOf(imap("example.com", ["imap.example.com", 993], ["smtp.example.com", 587], []));
    expect(needs).toEqual([
      { list: "imap", domain: "example.com", endpoint: { host: "imap.example.com", port: 993 } },
      { list: "smtp", domain: "example.com", endpoint: { host: "smtp.example.com", port: 587 } },
    ]);
  });

  test("GIVEN an Exchange domain THEN both lists reach the EWS endpoint", () => {
    const needs = needsOf(exchange("corp.example.org", "mail.corp.example.org", 443, []));
    expect(needs.map((n) => `${n.list}->${n.endpoint.host}:${n.endpoint.port}`)).toEqual([
      "imap->mail.corp.example.org:443",
      "smtp->mail.corp.example.org:443",
    ]);
  });
});

describe("buildPolicy with the shipped catalog", () => {
  test("GIVEN one IMAP domain on 993/587 WHEN built THEN 12 rules: the SMTP cover on 587, the IMAP cover on 993", () => {
    // GIVEN
    const cfg = config([imap("example.com", ["imap.example.com", 993], ["smtp.example.com", 587], ["mail-use1"])]);
    // WHEN
    const policy = buildPolicy(cfg);
    // THEN
    expect(policy.targets.map((t) => t.target.name)).toEqual(["mail-use1"]);
    expect(policy.catalog.published).toBe("2024-04-04");
    const rules = rulesOf(cfg, "mail-use1");
    expect(rules).toHaveLength(12);
    expect(rules.map((r) => `${r.port} ${r.cidr}`)).toEqual([
      ...SMTP_COVER.map((c) => `587 ${c}`),
      ...IMAP_COVER.map((c) => `993 ${c}`),
    ]);
    for (const rule of rules) {
      expect(rule.protocol).toBe("tcp");
      expect(rule.domains).toEqual(["example.com"]);
      if (rule.port === 587) expect(rule).toMatchObject({ lists: ["smtp"], hosts: ["smtp.example.com:587"] });
      else expect(rule).toMatchObject({ lists: ["imap"], hosts: ["imap.example.com:993"] });
    }
  });

  test("GIVEN one Exchange domain on 443 WHEN built THEN the 6-block union cover, every block serving both lists", () => {
    const cfg = config([exchange("corp.example.org", "mail.corp.example.org", 443, ["exchange-dmz"])]);
    const rules = rulesOf(cfg, "exchange-dmz");
    expect(rules.map((r) => r.cidr)).toEqual(UNION_COVER);
    // Every union block overlaps both lists: the shared /26, /27s and /25, and the two /29s
    // that each join four SMTP with four IMAP addresses. No block serves only one list.
    expect(rules.map((r) => [r.port, r.cidr, r.lists])).toEqual(UNION_COVER.map((c) => [443, c, ["imap", "smtp"]]));
    for (const rule of rules) {
      expect(rule.domains).toEqual(["corp.example.org"]);
      expect(rule.hosts).toEqual(["mail.corp.example.org:443"]);
    }
  });

  test("GIVEN an Exchange domain on a URL port WHEN built THEN the rules open that port only", () => {
    const cfg = config([exchange("corp.example.org", "mail.corp.example.org", 8443, ["exchange-dmz"])]);
    expect(new Set(rulesOf(cfg, "exchange-dmz").map((r) => r.port))).toEqual(new Set([8443]));
  });

  test("GIVEN IMAP and SMTP servers on the same port WHEN built THEN one merged union cover on that port", () => {
    const cfg = config([imap("example.com", ["mx.example.com", 993], ["smtp.example.com", 993], ["mail-use1"])]);
    const rules = rulesOf(cfg, "mail-use1");
    expect(rules.map((r) => `${r.port} ${r.cidr}`)).toEqual(UNION_COVER.map((c) => `993 ${c}`));
    const byCidr = Object.fromEntries(rules.map((r) => [r.cidr, r]));
    expect(byCidr["54.174.62.192/29"]).toMatchObject({
      lists: ["imap", "smtp"],
      domains: ["example.com"],
      hosts: ["mx.example.com:993", "smtp.example.com:993"],
    });
    expect(byCidr["143.244.82.8/29"].lists).toEqual(["imap", "smtp"]);
  });

  test("GIVEN one host serving IMAP and SMTP on one port WHEN built THEN that host is named once per rule", () => {
    const cfg = config([imap("example.com", ["mail.example.com", 993], ["mail.example.com", 993], ["mail-use1"])]);
    const rules = rulesOf(cfg, "mail-use1");
    expect(rules).toHaveLength(6);
    for (const rule of rules) expect(rule.hosts).toEqual(["mail.example.com:993"]);
  });

  test("GIVEN two domains sharing a target and port WHEN built THEN they share the rules and both appear in provenance", () => {
    // GIVEN a.example and b.example both read mail on 993 behind mail-use1, submit on different ports
    const cfg = config([
      imap("a.example", ["imap.a.example", 993], ["smtp.a.example", 587], ["mail-use1"]),
      imap("b.example", ["imap.b.example", 993], ["smtp.b.example", 465], ["mail-use1"]),
    ]);
    // WHEN
    const rules = rulesOf(cfg, "mail-use1");
    // THEN 993 is opened once per block, for both
    const on993 = rules.filter((r) => r.port === 993);
    expect(on993.map((r) => r.cidr)).toEqual(IMAP_COVER);
    for (const rule of on993) {
      expect(rule.domains).toEqual(["a.example", "b.example"]);
      expect(rule.hosts).toEqual(["imap.a.example:993", "imap.b.example:993"]);
      expect(rule.lists).toEqual(["imap"]);
    }
    // AND each SMTP port belongs to its own domain
    expect(rules.filter((r) => r.port === 465).map((r) => [r.cidr, r.domains])).toEqual(SMTP_COVER.map((c) => [c, ["b.example"]]));
    expect(rules.filter((r) => r.port === 587).map((r) => [r.cidr, r.domains])).toEqual(SMTP_COVER.map((c) => [c, ["a.example"]]));
    expect(rules).toHaveLength(18);
  });

  test("GIVEN an IMAP and an Exchange domain on one port WHEN built THEN the union, with each block naming who needs it", () => {
    const cfg = config([
      imap("a.example", ["mail.a.example", 443], ["mail.a.example", 587], ["mail-use1"]),
      exchange("corp.example.org", "mail.corp.example.org", 443, ["mail-use1"]),
    ]);
    const on443 = rulesOf(cfg, "mail-use1").filter((r) => r.port === 443);
    expect(on443.map((r) => r.cidr)).toEqual(UNION_COVER);
    // 54.174.62.192/29 and 143.244.82.8/29 also carry SMTP addresses, which only the Exchange
    // domain needs on 443; a.example's IMAP addresses overlap every block too.
    for (const rule of on443) {
      expect(rule.domains).toEqual(["a.example", "corp.example.org"]);
      expect(rule.lists).toEqual(["imap", "smtp"]);
    }
  });

  test("GIVEN domains without firewalls and an unreferenced target WHEN built THEN no policy for it", () => {
    const cfg = config([
      imap("example.com", ["imap.example.com", 993], ["smtp.example.com", 587], []),
      exchange("corp.example.org", "mail.corp.example.org", 443, ["exchange-dmz"]),
    ]);
    const policy = buildPolicy(cfg);
    expect(policy.targets.map((t) => t.target)).toEqual([exchangeDmz]);
    expect(buildPolicy(config([imap("example.com", ["i", 993], ["s", 587], [])])).targets).toEqual([]);
  });

  test("GIVEN two targets WHEN built THEN targets are sorted by name and each gets only its own domains", () => {
    const cfg = config([
      imap("example.com", ["imap.example.com", 993], ["smtp.example.com", 587], ["mail-use1"]),
      exchange("corp.example.org", "mail.corp.example.org", 443, ["exchange-dmz", "mail-use1"]),
    ]);
    const policy = buildPolicy(cfg);
    expect(policy.targets.map((t) => t.target.name)).toEqual(["exchange-dmz", "mail-use1"]);
    expect(new Set(rulesOf(cfg, "exchange-dmz").flatMap((r) => r.domains))).toEqual(new Set(["corp.example.org"]));
    expect(rulesOf(cfg, "mail-use1").map((r) => r.port)).toEqual([...Array(6).fill(443), ...Array(6).fill(587), ...Array(6).fill(993)]);
  });
});

describe("buildPolicy with the user's own ranges", () => {
  test("GIVEN custom lists WHEN built THEN only those addresses, aggregated, with the user's source", () => {
    const cfg: Config = {
      ipRanges: {
        source: "HubSpot 'View connection IPs', account 1234",
        smtp: ["141.193.184.0/25", "141.193.184.128/25", "2600:1f18::1"].map((t) => Cidr.of(t)),
        imap: ["141.193.184.0/26"].map((t) => Cidr.of(t)),
      },
      domains: [imap("example.com", ["imap.example.com", 993], ["smtp.example.com", 587], ["mail-use1"])],
      firewalls: [mailUse1],
    };
    const policy = buildPolicy(cfg);
    expect(policy.catalog.source).toBe("HubSpot 'View connection IPs', account 1234");
    expect(policy.catalog.published).toBeUndefined();
    expect(rulesOf(cfg, "mail-use1").map((r) => `${r.port} ${r.cidr} ${r.lists.join("+")}`)).toEqual([
      "587 141.193.184.0/24 smtp",
      "587 2600:1f18::1/128 smtp",
      "993 141.193.184.0/26 imap",
    ]);
  });

  test("GIVEN disjoint lists on one port WHEN built THEN each rule names only the list, host and domain it serves", () => {
    // GIVEN the SMTP and IMAP servers share 993, but the lists do not share addresses
    const cfg: Config = {
      ipRanges: {
        source: "custom",
        smtp: ["141.193.184.0/25"].map((t) => Cidr.of(t)),
        imap: ["143.244.87.0/25"].map((t) => Cidr.of(t)),
      },
      domains: [
        imap("a.example", ["imap.a.example", 993], ["smtp.a.example", 993], ["mail-use1"]),
        imap("b.example", ["imap.b.example", 993], ["smtp.b.example", 587], ["mail-use1"]),
      ],
      firewalls: [mailUse1],
    };
    // WHEN
    const rules = rulesOf(cfg, "mail-use1");
    // THEN
    expect(rules.map((r) => ({ port: r.port, cidr: r.cidr, lists: r.lists, domains: r.domains, hosts: r.hosts }))).toEqual([
      { port: 587, cidr: "141.193.184.0/25", lists: ["smtp"], domains: ["b.example"], hosts: ["smtp.b.example:587"] },
      { port: 993, cidr: "141.193.184.0/25", lists: ["smtp"], domains: ["a.example"], hosts: ["smtp.a.example:993"] },
      {
        port: 993,
        cidr: "143.244.87.0/25",
        lists: ["imap"],
        domains: ["a.example", "b.example"],
        hosts: ["imap.a.example:993", "imap.b.example:993"],
      },
    ]);
  });
});

describe("endpointText", () => {
  test.each([
    [{ host: "imap.example.com", port: 993 }, "imap.example.com:993"],
    [{ host: "198.51.99.7", port: 587 }, "198.51.99.7:587"],
    [{ host: "2600:1f18::25", port: 465 }, "[2600:1f18::25]:465"],
  ])("%o -> %s", (endpoint, text) => {
    expect(endpointText(endpoint)).toBe(text);
  });
});
