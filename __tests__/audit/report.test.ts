import { describe, expect, test } from "vitest";
import { Testing } from "cdktf";
import { CoverageError } from "../../lib/audit/coverage";
import { rowPlace } from "../../lib/audit/report-rows";
import { buildReport, type AwsReportRule, type FirewallReport } from "../../lib/audit/report";
import { csvField, renderReportCsv, renderReportJson, renderReportMarkdown } from "../../lib/artifacts/report-files";
import { addStacks } from "../../lib/aws/stacks";
import { Cidr } from "../../lib/model/cidr";
import type { Config } from "../../lib/model/config";
import { buildPolicy, type FirewallPolicy } from "../../lib/policy/firewall-policy";
import { renderArtifacts } from "../../lib/pipeline";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

interface TfRule {
  cidr_ipv4?: string;
  cidr_ipv6?: string;
  from_port: number;
  to_port: number;
  ip_protocol: string;
  tags: Record<string, string>;
}

/** Every ingress rule of every synthesized stack, by address, with its stack's region. */
function synthesizedRules(cfg: Config): Map<string, TfRule & { region: string; stack: string }> {
  const app = Testing.app();
  const found = new Map<string, TfRule & { region: string; stack: string }>();
  for (const stack of addStacks(app, buildPolicy(cfg))) {
    const parsed = JSON.parse(Testing.synth(stack)) as {
      provider: { aws: { region: string }[] };
      resource: { aws_vpc_security_group_ingress_rule?: Record<string, TfRule> };
    };
    for (const [name, rule] of Object.entries(parsed.resource.aws_vpc_security_group_ingress_rule ?? {})) {
      const address = `aws_vpc_security_group_ingress_rule.${name}`;
      expect(found.has(address), address).toBe(false);
      found.set(address, { ...rule, region: parsed.provider.aws[0].region, stack: stack.node.id });
    }
  }
  return found;
}

const CONFIGS: [string, Config][] = [
  ["the shipped example", config(
    [imapDomain("example.com", ["mail-use1"]), imapDomain("example.net", ["mail-use1"], { smtp: 465 }), imapDomain("example.io", []), exchangeDomain("corp.example.org", ["exchange-dmz"])],
    [createdGroup("mail-use1", "us-east-1", "hubspot-mail-ingress"), existingGroup("exchange-dmz")],
  )],
  ["a domain on two targets in two regions, shared ports", config(
    [imapDomain("a.example", ["east", "west"], { imap: 143, smtp: 143 }), exchangeDomain("b.example", ["west"], 143), imapDomain("c.example", ["east"])],
    [createdGroup("east", "us-east-1"), existingGroup("west", "eu-west-1")],
  )],
  ["custom IPv4 and IPv6 lists", config(
    [imapDomain("example.com", ["a"]), exchangeDomain("corp.example.org", ["a"], 8443)],
    [createdGroup("a", "ap-southeast-2")],
    { source: 'HubSpot "View connection IPs", account 1234', smtp: [Cidr.of("2600:1f18:1::/48"), Cidr.of("198.51.100.0/25")], imap: [Cidr.of("198.51.100.128/25"), Cidr.of("2600:1f18:2::/48")] },
  )],
];

describe("audit report", () => {
  test.each(CONFIGS)("GIVEN %s WHEN reported and synthesized THEN every Terraform rule has exactly one matching row", (_, cfg) => {
    const report = buildReport(cfg, buildPolicy(cfg));
    const synthesized = synthesizedRules(cfg);
    expect(report.rules).toHaveLength(synthesized.size);
    expect(new Set((report.rules as AwsReportRule[]).map((r) => r.terraformAddress)).size).toBe(report.rules.length);
    for (const row of report.rules as AwsReportRule[]) {
      const tf = synthesized.get(row.terraformAddress);
      expect(tf, row.terraformAddress).toBeDefined();
      expect([tf!.cidr_ipv4 ?? tf!.cidr_ipv6, tf!.from_port, tf!.to_port, tf!.ip_protocol, tf!.region, tf!.stack, tf!.tags.MailgateTarget, tf!.tags.MailgateLists]).toEqual([
        row.cidr,
        row.fromPort,
        row.toPort,
        row.protocol,
        row.region,
        row.stack,
        row.target,
        row.lists.join("+"),
      ]);
    }
  });

  test("GIVEN two IMAP domains sharing a port WHEN reported THEN rows name their lists and each target's needs name the domains and servers", () => {
    const cfg = CONFIGS[0][1];
    const report = buildReport(cfg, buildPolicy(cfg));
    const byKey = (target: string, port: number, cidr: string) => report.rules.find((r) => r.target === target && r.fromPort === port && r.cidr === cidr);
    expect(byKey("mail-use1", 993, "143.244.82.8/30")).toMatchObject({
      lists: ["imap"],
      type: "aws-security-group",
      terraformAddress: "aws_vpc_security_group_ingress_rule.mail-use1_tcp993_143-244-82-8-30",
    });
    expect(byKey("mail-use1", 465, "143.244.82.12/30")).toMatchObject({ lists: ["smtp"] });
    expect(byKey("exchange-dmz", 443, "54.174.62.192/29")).toMatchObject({ lists: ["imap", "smtp"] });
    const needs = Object.fromEntries(report.targets.map((t) => [t.target, t.needs]));
    expect(needs["mail-use1"]).toEqual([
      { port: 465, list: "smtp", domains: ["example.net"], hosts: ["smtp.example.net:465"] },
      { port: 587, list: "smtp", domains: ["example.com"], hosts: ["smtp.example.com:587"] },
      { port: 993, list: "imap", domains: ["example.com", "example.net"], hosts: ["imap.example.com:993", "imap.example.net:993"] },
    ]);
    expect(needs["exchange-dmz"]).toEqual([
      { port: 443, list: "imap", domains: ["corp.example.org"], hosts: ["mail.corp.example.org:443"] },
      { port: 443, list: "smtp", domains: ["corp.example.org"], hosts: ["mail.corp.example.org:443"] },
    ]);
    // example.io names no firewall: it needs nothing anywhere.
    expect(report.targets.some((t) => t.needs.some((n) => n.domains.includes("example.io")))).toBe(false);
  });

  test("GIVEN domains sharing one mail server WHEN reported THEN their need lists the server once, among the others in text order", () => {
    const shared = (name: string, host: string) => ({ ...imapDomain(name, ["mail"]), incoming: { host, port: 993 } });
    // `mx.example` sorts before `mx.example-b` as a host, after it as `host:port` (`:` > `-`).
    const cfg = config([shared("a.example", "mx.example"), shared("b.example", "mx.example-b"), shared("c.example", "mx.example")], [createdGroup("mail")]);
    const imap = buildReport(cfg, buildPolicy(cfg)).targets[0].needs.find((n) => n.list === "imap");
    expect(imap?.domains).toEqual(["a.example", "b.example", "c.example"]);
    expect(imap?.hosts).toEqual(["mx.example-b:993", "mx.example:993"]);
  });

  test("GIVEN any config WHEN reported THEN every rule's port and lists are needed by some domain, and every need has a rule", () => {
    for (const [, cfg] of CONFIGS) {
      const report = buildReport(cfg, buildPolicy(cfg));
      for (const target of report.targets) {
        const rules = report.rules.filter((r) => r.target === target.target && r.direction === "ingress");
        const needed = new Set(target.needs.map((n) => `${n.port} ${n.list}`));
        for (const rule of rules) for (const list of rule.lists) expect(needed, `${rowPlace(rule)} ${list}`).toContain(`${rule.fromPort} ${list}`);
        for (const need of target.needs) expect(rules.some((r) => r.fromPort === need.port && r.lists.includes(need.list)), `${target.target} ${need.port} ${need.list}`).toBe(true);
      }
    }
  });

  test("GIVEN the shipped example WHEN rendered THEN firewall-needs.csv has one line per target, port, list and domain", () => {
    const cfg = CONFIGS[0][1];
    const csv = renderArtifacts(cfg, buildPolicy(cfg)).get("firewall-needs.csv");
    expect(csv).toBe(
      [
        "target,type,region,stack,port,list,domain",
        "exchange-dmz,aws-security-group,eu-central-1,mailgate-eu-central-1,443,imap,corp.example.org",
        "exchange-dmz,aws-security-group,eu-central-1,mailgate-eu-central-1,443,smtp,corp.example.org",
        "mail-use1,aws-security-group,us-east-1,mailgate-us-east-1,465,smtp,example.net",
        "mail-use1,aws-security-group,us-east-1,mailgate-us-east-1,587,smtp,example.com",
        "mail-use1,aws-security-group,us-east-1,mailgate-us-east-1,993,imap,example.com",
        "mail-use1,aws-security-group,us-east-1,mailgate-us-east-1,993,imap,example.net",
        "",
      ].join("\n"),
    );
  });

  test("rows are sorted by target, port, then CIDR (IPv4 before IPv6, by address)", () => {
    const cfg = CONFIGS[2][1];
    const rows = buildReport(cfg, buildPolicy(cfg)).rules;
    expect(rows.map((r) => `${r.fromPort} ${r.cidr}`)).toEqual([
      "587 198.51.100.0/25",
      "587 2600:1f18:1::/48",
      "993 198.51.100.128/25",
      "993 2600:1f18:2::/48",
      "8443 198.51.100.0/24",
      "8443 2600:1f18:1::/48",
      "8443 2600:1f18:2::/48",
    ]);
  });

  test("GIVEN the same config in another order WHEN rendered THEN the report files are byte-identical", () => {
    const cfg = CONFIGS[1][1];
    const reversed: Config = { ...cfg, domains: [...cfg.domains].reverse(), firewalls: [...cfg.firewalls].reverse() };
    expect([...renderArtifacts(reversed, buildPolicy(reversed))]).toEqual([...renderArtifacts(cfg, buildPolicy(cfg))]);
  });

  test("the JSON has schemaVersion 2, the rules, and the coverage proof per target and port", () => {
    const cfg = CONFIGS[0][1];
    const json = JSON.parse(renderReportJson(buildReport(cfg, buildPolicy(cfg)))) as FirewallReport;
    expect(json.schemaVersion).toBe(2);
    expect(json.rules).toHaveLength(24);
    expect(json.coverage.map((c) => [c.target, c.port, c.required.addresses, c.opened.addresses, c.exact, c.rules])).toEqual([
      ["exchange-dmz", 443, "272", "272", true, 6],
      ["mail-use1", 465, "264", "264", true, 6],
      ["mail-use1", 587, "264", "264", true, 6],
      ["mail-use1", 993, "264", "264", true, 6],
    ]);
  });

  test("GIVEN a policy with a rule dropped on purpose WHEN the artifacts are rendered THEN the coverage proof throws", () => {
    const cfg = CONFIGS[0][1];
    const honest = buildPolicy(cfg);
    const tampered: FirewallPolicy = {
      ...honest,
      targets: honest.targets.map((t) =>
        t.type === "aws-security-group" && t.target.name === "mail-use1"
          ? { ...t, groups: t.groups.map((g) => ({ ...g, ingress: g.ingress.filter((r) => !("cidr" in r.content && r.content.port === 587 && r.content.cidr.toString() === "143.244.87.0/25")) })) }
          : t,
      ),
    };
    expect(() => renderArtifacts(cfg, tampered)).toThrow(CoverageError);
    expect(() => renderArtifacts(cfg, tampered)).toThrow(
      "the generated rules for target mail-use1 port 587 open 136 addresses but HubSpot's lists require 264: missing 143.244.87.0-143.244.87.127 (128 addresses), extra none",
    );
  });

  test("GIVEN a policy whose rule serves a wider block WHEN rendered THEN the proof throws naming the extra addresses", () => {
    const cfg = CONFIGS[0][1];
    const honest = buildPolicy(cfg);
    const widened: FirewallPolicy = {
      ...honest,
      targets: honest.targets.map((t) =>
        t.type !== "aws-security-group"
          ? t
          : {
              ...t,
              groups: t.groups.map((g) => ({
                ...g,
                ingress: g.ingress.map((r) =>
                  "cidr" in r.content && r.content.port === 993 && r.content.cidr.toString() === "143.244.87.0/25" ? { ...r, content: { ...r.content, cidr: Cidr.of("143.244.86.0/23") } } : r,
                ),
              })),
            },
      ),
    };
    expect(() => renderArtifacts(cfg, widened)).toThrow(
      "target mail-use1 port 993 open 648 addresses but HubSpot's lists require 264: missing none, extra 143.244.86.0-143.244.86.255 143.244.87.128-143.244.87.255 (384 addresses)",
    );
  });

  describe("CSV", () => {
    test.each([
      ["plain", "plain"],
      ["a,b", '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ["two\nlines", '"two\nlines"'],
      ["cr\r", '"cr\r"'],
      ["=cmd()", "'=cmd()"],
      ["+1", "'+1"],
      ["-1,x", "\"'-1,x\""],
      ["@sum", "'@sum"],
      ["", ""],
    ])("field %j is written as %j", (value, expected) => {
      expect(csvField(value)).toBe(expected);
    });

    test("GIVEN custom IPv4 and IPv6 lists WHEN rendered THEN a header and one line per rule, in the JSON's order", () => {
      const cfg = CONFIGS[2][1];
      const report = buildReport(cfg, buildPolicy(cfg));
      const csv = renderReportCsv(report);
      const lines = csv.trimEnd().split("\n");
      expect(lines[0]).toBe("target,type,region,stack,protocol,fromPort,toPort,cidr,lists,terraformAddress,direction,securityGroup,prefixList,ruleNumber,destination,sid,artifact,nftSet,windowsRule");
      expect(lines).toHaveLength(report.rules.length + 1);
      expect(lines[1]).toBe("a,aws-security-group,ap-southeast-2,mailgate-ap-southeast-2,tcp,587,587,198.51.100.0/25,smtp,aws_vpc_security_group_ingress_rule.a_tcp587_198-51-100-0-25,ingress,hubspot-a,,,,,,,");
      expect(lines.slice(1).map((l) => l.split(",")[9])).toEqual((report.rules as AwsReportRule[]).map((r) => r.terraformAddress));
      expect(lines.find((l) => l.includes(",8443,198.51.100.0/24,"))).toContain(",imap smtp,");
    });
  });

  describe("Markdown", () => {
    const cfg = CONFIGS[0][1];
    const md = renderReportMarkdown(buildReport(cfg, buildPolicy(cfg)));

    test("per target: heading, region, group, who needs which port, a rules table, the proof per port, a summary", () => {
      const mail = md.slice(md.indexOf("## mail-use1"));
      expect(mail).toContain("- Region: us-east-1");
      expect(mail).toContain("- Security group: created by mailgate: `hubspot-mail-ingress` in `vpc-0a1b2c3d4e5f67890`");
      expect(mail).toContain("| tcp/993 | IMAP | example.com, example.net | imap.example.com:993, imap.example.net:993 |");
      expect(mail).toContain("| tcp/993 | 143.244.82.8/30 | IMAP | `aws_vpc_security_group_ingress_rule.mail-use1_tcp993_143-244-82-8-30` |");
      expect(mail.indexOf("Needed by:")).toBeLessThan(mail.indexOf("| tcp/993 | 143.244.82.8/30 |"));
      expect(mail).toContain("- tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)");
      expect(mail).toContain("Summary: 18 rules on 3 ports (tcp/465, tcp/587, tcp/993) for 2 domains on 4 mail servers.");
      expect(md).toContain("- Security group: existing `sg-0a1b2c3d4e5f67890` (mailgate adds rules only)");
      expect(md.indexOf("## exchange-dmz")).toBeLessThan(md.indexOf("## mail-use1"));
    });

    test("the summary counts each target's ports apart, a port two targets share twice", () => {
      expect(md).toContain("Summary: 24 rules on 4 ports of 2 targets; 4 of 4 ports proven exact.");
      // east opens 143, 587 and 993; west 143 again.
      const shared = CONFIGS[1][1];
      expect(renderReportMarkdown(buildReport(shared, buildPolicy(shared)))).toMatch(/^Summary: \d+ rules on 4 ports of 2 targets;/m);
    });

    test("free text from config cannot inject Markdown", () => {
      const custom = config([imapDomain("example.com", ["a"])], [createdGroup("a")], {
        source: "see [here](http://evil) | <b>",
        smtp: [Cidr.of("198.51.100.0/25")],
        imap: [Cidr.of("198.51.100.128/25")],
      });
      expect(renderReportMarkdown(buildReport(custom, buildPolicy(custom)))).toContain(
        "HubSpot source ranges: see \\[here\\](http://evil) \\| \\<b\\> (your own lists).",
      );
    });
  });
});
