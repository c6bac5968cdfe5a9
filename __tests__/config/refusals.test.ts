import { afterAll, describe, expect, test } from "vitest";
import { buildReport } from "../../lib/audit/report";
import { renderReportMarkdown } from "../../lib/artifacts/report-files";
import type { DiagnosticCode, Severity } from "../../lib/config/diagnostic";
import { formatDiagnostic } from "../../lib/config/format";
import { Cidr } from "../../lib/model/cidr";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, imapDomain as supportImap } from "../support/configs";
import { validateFiles } from "../support/validate-dir";
import { domainUsing, exchangeDomain, firewall, hubspot, imapDomain } from "./builders";
import { removeTempDirs, where, yaml } from "./helpers";

// Issue 11, part 2: what AWS or HubSpot would refuse (an error) or what is only suspicious (a
// warning), each shown by the config that has it, at its file and line, with its hint. The
// refusals that need the policy's counts are in __tests__/policy/aws-limits.test.ts and
// rule-group-lifecycle.test.ts.

afterAll(removeTempDirs);

interface Row {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly at: string;
  /** Text the message or hint must contain. */
  readonly says: string;
}
const e = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says: string): Row => ({ name, files, code, severity: "error", at, says });
const w = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says: string): Row => ({ ...e(name, files, code, at, says), severity: "warning" });

const nfw = (target: string[], name = "fw") => ({ "a.yaml": domainUsing(name), "fw.yaml": firewall({ name, type: "aws-network-firewall", target }) });
const sg = (target: string[], region?: string) => ({ "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target, ...(region ? { region } : {}) }) });

/** A `hubspot.ipRanges` with `allowBroadRanges` (line 5, value at 5:23) and one-line lists (smtp 6:11, imap 7:11). */
function broadAllowed(reason: string, smtp = "[1.0.0.0/8]", imap = "[141.193.184.0/27]"): string {
  return yaml("hubspot:", "  ipRanges:", "    source: HubSpot connection IPs", "    # confirmed with HubSpot support", `    allowBroadRanges: ${reason}`, `    smtp: ${smtp}`, `    imap: ${imap}`);
}

const ROWS: Row[] = [
  // ---- addresses read exactly: ipaddr.js reads ::a.b.c.d as ::ffff:a.b.c.d
  e("IPv4-compatible destination", nfw(["name: hubspot-mail", 'destinations: ["::10.0.1.25"]']), "IPV4_COMPATIBLE_ADDRESS", "fw.yaml:6:20", "write the IPv4 address: 10.0.1.25"),
  e("IPv4-compatible block as a destination", nfw(["name: hubspot-mail", 'destinations: ["::10.0.1.0/120"]']), "IPV4_COMPATIBLE_ADDRESS", "fw.yaml:6:20", "10.0.1.0/24"),
  e("IPv4-compatible host", { "a.yaml": imapDomain({ inHost: '"::203.0.113.25"' }) }, "IPV4_COMPATIBLE_ADDRESS", "a.yaml:5:15", "write the IPv4 address: 203.0.113.25"),
  e("IPv4-compatible entry in a HubSpot list", { "a.yaml": hubspot({ imap: ['"::143.244.87.0/121"'] }) }, "IPV4_COMPATIBLE_ADDRESS", "a.yaml:7:9", "143.244.87.0/25"),
  // ---- IPv4-mapped addresses (::ffff:0:0/96) are IPv4 on the wire: a rule for them matches nothing (issue 18)
  e("IPv4-mapped destination", nfw(["name: hubspot-mail", 'destinations: ["::ffff:10.0.1.25"]']), "IPV4_MAPPED_ADDRESS", "fw.yaml:6:20", "write the IPv4 address: 10.0.1.25"),
  e("IPv4-mapped destination in hex", nfw(["name: hubspot-mail", 'destinations: [10.0.2.0/24, "::ffff:a00:119"]']), "IPV4_MAPPED_ADDRESS", "fw.yaml:6:33", "write the IPv4 address: 10.0.1.25"),
  e("IPv4-mapped block as a destination", nfw(["name: hubspot-mail", 'destinations: ["::ffff:10.0.1.0/120"]']), "IPV4_MAPPED_ADDRESS", "fw.yaml:6:20", "write the IPv4 block: 10.0.1.0/24"),
  e(
    "IPv4-mapped nftables destination",
    { "a.yaml": domainUsing("fw"), "fw.yaml": yaml("firewalls:", "  fw:", "    type: nftables", '    destinations: ["::FFFF:10.0.1.25"]') },
    "IPV4_MAPPED_ADDRESS",
    "fw.yaml:4:20",
    "write the IPv4 address: 10.0.1.25",
  ),
  e("IPv4-mapped entry in a HubSpot list", { "a.yaml": hubspot({ smtp: ['"::ffff:143.244.82.8/126"'] }) }, "IPV4_MAPPED_ADDRESS", "a.yaml:5:9", "write the IPv4 block: 143.244.82.8/30"),
  e("IPv4-mapped host", { "a.yaml": imapDomain({ outHost: '"::ffff:203.0.113.25"' }) }, "IPV4_MAPPED_ADDRESS", "a.yaml:8:15", "write the IPv4 address: 203.0.113.25"),
  e("IPv4-mapped Exchange URL host", { "a.yaml": exchangeDomain({ url: '"https://[::ffff:203.0.113.25]/EWS/Exchange.asmx"' }) }, "IPV4_MAPPED_ADDRESS", "a.yaml:4:12", "write the IPv4 address: 203.0.113.25"),

  // ---- lists that are not HubSpot's
  e("an IPv4 block broader than /16", { "a.yaml": hubspot({ smtp: ["1.0.0.0/8"] }) }, "BROAD_IP_LIST", "a.yaml:5:9", "broader than /16 (16,777,216 addresses)"),
  e("an IPv6 block broader than /32", { "a.yaml": hubspot({ imap: ['"2a00::/8"'] }) }, "BROAD_IP_LIST", "a.yaml:7:9", "broader than /32"),
  e("a list of more than 65,536 IPv4 addresses", { "a.yaml": hubspot({ smtp: ["44.0.0.0/17", "44.0.128.0/17", "44.1.0.0/17"] }) }, "BROAD_IP_LIST", "a.yaml:4:5", "opens 98,304 IPv4 addresses"),
  w("a reason to allow broad lists that are not broad", { "a.yaml": broadAllowed("checked", "[141.193.184.0/27]") }, "BROAD_RANGES_NOT_NEEDED", "a.yaml:5:23", "remove it"),
  e("a reason of only spaces", { "a.yaml": broadAllowed('"   "') }, "INVALID_REASON_TEXT", "a.yaml:5:23", "is only whitespace"),
  e("an empty reason", { "a.yaml": broadAllowed('""') }, "INVALID_REASON_TEXT", "a.yaml:5:23", "is empty"),
  w("a destination broader than a VPC", nfw(["name: hubspot-mail", "destinations: [0.0.0.0/1]"]), "BROAD_DESTINATION", "fw.yaml:6:20", "broader than /16"),
  w("an IPv6 destination broader than a VPC's", nfw(["name: hubspot-mail", 'destinations: [10.0.1.25, "::/1"]']), "BROAD_DESTINATION", "fw.yaml:6:31", "broader than /56"),

  // ---- ports from URLs follow the port rule
  e("Exchange URL on port 0", { "a.yaml": exchangeDomain({ url: "https://mail.corp.example.org:0/EWS/Exchange.asmx" }) }, "INVALID_PORT", "a.yaml:4:12", "names port 0"),
  e("Exchange URL on port 65536", { "a.yaml": exchangeDomain({ url: "https://mail.corp.example.org:65536/EWS/Exchange.asmx" }) }, "INVALID_PORT", "a.yaml:4:12", "1-65535"),

  // ---- whitespace in list entries is refused, as in domains and hosts
  e("a HubSpot list entry with spaces", { "a.yaml": hubspot({ smtp: ['" 143.244.82.12 "'] }) }, "ENTRY_WHITESPACE", "a.yaml:5:9", 'write "143.244.82.12"'),
  e("a destination with a trailing space", nfw(["name: hubspot-mail", 'destinations: ["10.0.1.25 "]']), "ENTRY_WHITESPACE", "fw.yaml:6:20", 'write "10.0.1.25"'),

  // ---- AWS names
  e(
    "group names that differ only in case",
    {
      "a.yaml": domainUsing("one", "two"),
      "fw.yaml": firewall({ name: "one", target: ["vpcId: vpc-0a1b2c3d", "name: Hubspot-Mail"] }),
      "fw2.yaml": firewall({ name: "two", target: ["vpcId: vpc-0a1b2c3d", "name: hubspot-mail"] }),
    },
    "DUPLICATE_GROUP_NAME",
    "fw2.yaml:6:11",
    '"hubspot-mail"',
  ),
  e("a commercial role for a China region", sg(["securityGroupId: sg-0a1b2c3d", "roleArn: arn:aws:iam::123456789012:role/deploy"], "cn-north-1"), "ROLE_PARTITION_MISMATCH", "fw.yaml:6:14", "arn:aws-cn:iam::<account>:role/<name>"),
  w("a stack named after another region", sg(["securityGroupId: sg-0a1b2c3d", "stack: mailgate-us-east-1"], "eu-west-1"), "STACK_NAME_REGION", "fw.yaml:6:12", "reads as region us-east-1, but this firewall is in eu-west-1"),
  w("a stack naming another region among other words", sg(["securityGroupId: sg-0a1b2c3d", "stack: mailgate-prod-ap-southeast-2-mail"], "ap-southeast-1"), "STACK_NAME_REGION", "fw.yaml:6:12", "region ap-southeast-2"),
  e("a China plan role for a GovCloud region", sg(["securityGroupId: sg-0a1b2c3d", "planRoleArn: arn:aws-cn:iam::123456789012:role/plan"], "us-gov-west-1"), "ROLE_PARTITION_MISMATCH", "fw.yaml:6:18", "region us-gov-west-1 is in partition aws-us-gov"),

  // ---- mistakes a newcomer makes
  w("an empty file", { "a.yaml": imapDomain(), "b.yaml": "" }, "EMPTY_FILE", "b.yaml:1:1", "nothing in it is read"),
  w("a file of comments only", { "a.yaml": imapDomain(), "b.yaml": yaml("# domains:", "#   - domain: example.org", "---") }, "EMPTY_FILE", "b.yaml:1:1", "nothing in it is read"),
  w("an empty mapping", { "a.yaml": imapDomain(), "b.yaml": "{}\n" }, "EMPTY_FILE", "b.yaml:1:1", "it is an empty mapping"),
  w("only empty sections", { "a.yaml": imapDomain(), "b.yaml": yaml("domains: []", "firewalls: {}") }, "EMPTY_FILE", "b.yaml:1:1", "`domains` is an empty list and `firewalls` is an empty mapping"),
  w("an IMAP server on the submission port", { "a.yaml": imapDomain({ inPort: "587" }) }, "PORT_LOOKS_SWAPPED", "a.yaml:6:15", "the submission port of SMTP"),
  w("an SMTP server on the IMAP port", { "a.yaml": imapDomain({ outPort: "993" }) }, "PORT_LOOKS_SWAPPED", "a.yaml:9:15", "an SMTP server for HubSpot usually listens on 587 or 465"),

];

describe("what AWS or HubSpot would refuse, or what is only suspicious: one diagnostic each, at its place", () => {
  test.each(ROWS.map((row) => [row.name, row] as const))("%s", (_, row) => {
    // GIVEN a config whose only problem is the one the row names; WHEN validated
    const { config, diagnostics } = validateFiles(row.files);
    // THEN that problem is reported once, with its code, severity, position and fix
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual([`${row.severity} ${row.code} ${row.at}`]);
    expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(row.says);
    expect(config !== undefined).toBe(row.severity === "warning");
  });
});

describe("what is accepted, read exactly", () => {
  test("GIVEN broad lists with a reason WHEN validated THEN valid, without a word", () => {
    const { config, diagnostics } = validateFiles({ "a.yaml": broadAllowed('"HubSpot support, ticket 4711: this account connects from 1.0.0.0/8"') });
    expect(diagnostics).toEqual([]);
    expect(config?.ipRanges?.smtp.map(String)).toEqual(["1.0.0.0/8"]);
  });

  test("GIVEN broad lists with a reason in YAML WHEN loaded THEN the config carries the reason, for the report", () => {
    const { config } = validateFiles({ "a.yaml": broadAllowed('"HubSpot support, ticket 4711"') });
    expect(config?.ipRanges?.allowBroadRanges).toBe("HubSpot support, ticket 4711");
  });

  test("GIVEN an IPv6 destination with an embedded IPv4 tail WHEN validated THEN it is the address written (::a.b.c.d misread no more)", () => {
    const { config, diagnostics } = validateFiles(nfw(["name: hubspot-mail", 'destinations: [10.0.1.25, "2600:1f18::10.0.1.25"]']));
    expect(diagnostics).toEqual([]);
    const target = config?.firewalls[0];
    expect(target?.type === "aws-network-firewall" && target.destinations.map(String)).toEqual(["10.0.1.25/32", "2600:1f18::a00:119/128"]);
  });

  test("GIVEN IPv6 destinations, hosts and list entries outside ::ffff:0:0/96 WHEN validated THEN none is read as IPv4-mapped", () => {
    const { diagnostics } = validateFiles({
      ...nfw(["name: hubspot-mail", 'destinations: [10.0.1.25, "2600:1f18::ffff:a00:119", "::fffe:a00:119", "::ffff:0:a00:119"]']),
      "b.yaml": imapDomain({ domain: "example.org", outHost: '"2600:1f18::ffff:cb00:7119"' }),
    });
    expect(diagnostics).toEqual([]);
  });

  test.each([
    ["mailgate-eu-west-1", "eu-west-1"],
    ["mailgate-eu-west-1-legacy", "eu-west-1"],
    ["mailgate-123456789012-us-east-1", "us-east-1"],
    ["mailgate-mail", "eu-west-1"],
    ["mailgate-us-east-12", "eu-west-1"], // no region us-east-12, and us-east-1 is not a whole part of it
    ["mailgate-us-gov-east-1", "us-gov-east-1"], // us-gov-east-1 holds east-1, not us-east-1
  ])("GIVEN stack %s in %s WHEN validated THEN no STACK_NAME_REGION", (stack, region) => {
    expect(validateFiles(sg(["securityGroupId: sg-0a1b2c3d", `stack: ${stack}`], region)).diagnostics).toEqual([]);
  });

  test("GIVEN incoming and outgoing ports swapped WHEN validated THEN a warning at each, saying they look swapped", () => {
    const { config, diagnostics } = validateFiles({ "a.yaml": imapDomain({ inPort: "465", outPort: "143" }) });
    expect(config).toBeDefined();
    expect(diagnostics.map((d) => `${d.code} ${where(d)}: ${d.message}`)).toEqual([
      "PORT_LOOKS_SWAPPED a.yaml:6:15: The IMAP server's port is 465, the implicit-TLS submission port of SMTP; HubSpot reads mail over IMAP here.",
      "PORT_LOOKS_SWAPPED a.yaml:9:15: The SMTP server's port is 143, the port of IMAP; HubSpot sends mail over SMTP here.",
    ]);
    expect(new Set(diagnostics.map((d) => d.hint))).toEqual(
      new Set(["did you swap `incoming` and `outgoing`? `incoming` is the IMAP server (usually 993), `outgoing` the SMTP server (usually 587 or 465)"]),
    );
  });
});

describe("the messages, word for word", () => {
  test("a list that is not HubSpot's", () => {
    const { diagnostics } = validateFiles({ "a.yaml": hubspot({ smtp: ["1.0.0.0/8"] }) });
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "a.yaml:5:9: error BROAD_IP_LIST: CIDR "1.0.0.0/8" in hubspot.ipRanges.smtp is broader than /16 (16,777,216 addresses); HubSpot's published lists are 264 addresses in blocks of /25 and smaller, so this is not a list of HubSpot's servers.
          5 |       - 1.0.0.0/8
            |         ^^^^^^^^^
        hint: copy the lists from HubSpot's "View connection IPs"; if HubSpot really shows this, add \`allowBroadRanges: "<why>"\` to \`hubspot.ipRanges\` (the reason is shown in the audit report)"
    `);
  });

  test("an IPv4-compatible address", () => {
    const { diagnostics } = validateFiles(nfw(["name: hubspot-mail", 'destinations: ["::10.0.1.25"]']));
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:6:20: error IPV4_COMPATIBLE_ADDRESS: "::10.0.1.25" in firewalls.fw.destinations is an IPv4-compatible IPv6 address (a dotted quad after 96 zero bits), a form RFC 4291 deprecates: no network routes it, and tools disagree on what it means (ipaddr.js reads it as ::ffff:10.0.1.25, another address).
          6 |     destinations: ["::10.0.1.25"]
            |                    ^^^^^^^^^^^^^
        hint: write the IPv4 address: 10.0.1.25; an IPv6 address is written in hex"
    `);
  });

  test("a role of another partition", () => {
    const { diagnostics } = validateFiles(sg(["securityGroupId: sg-0a1b2c3d", "roleArn: arn:aws:iam::123456789012:role/deploy"], "cn-north-1"));
    expect(diagnostics.map(formatDiagnostic).join("\n")).toMatchInlineSnapshot(`
      "fw.yaml:6:14: error ROLE_PARTITION_MISMATCH: \`roleArn\` is a role in partition aws, but region cn-north-1 is in partition aws-cn; a provider cannot assume a role of another partition.
          6 |     roleArn: arn:aws:iam::123456789012:role/deploy
            |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        hint: write the role as arn:aws-cn:iam::<account>:role/<name>, or use a region of partition aws"
    `);
  });
});

describe("the audit report says when the lists are broader than HubSpot's", () => {
  test("GIVEN lists allowed broad, with a reason WHEN the report is built THEN its JSON and Markdown show the reason", () => {
    const cfg = config([supportImap("example.com", ["sg"])], [createdGroup("sg")], {
      source: "HubSpot connection IPs",
      smtp: [Cidr.of("1.0.0.0/8")],
      imap: [Cidr.of("141.193.184.0/27")],
      allowBroadRanges: "HubSpot support, ticket 4711",
    });
    const report = buildReport(cfg, buildPolicy(cfg));
    expect(report.catalog).toEqual({ source: "HubSpot connection IPs", published: null, allowBroadRanges: "HubSpot support, ticket 4711" });
    expect(renderReportMarkdown(report)).toContain("**Broader than HubSpot's own lists**, allowed by the config (`allowBroadRanges`): HubSpot support, ticket 4711");
  });

  test("GIVEN HubSpot's published lists WHEN the report is built THEN no such line", () => {
    const cfg = config([supportImap("example.com", ["sg"])], [createdGroup("sg")]);
    const report = buildReport(cfg, buildPolicy(cfg));
    expect(report.catalog).not.toHaveProperty("allowBroadRanges");
    expect(renderReportMarkdown(report)).not.toContain("Broader than HubSpot's own lists");
  });
});
