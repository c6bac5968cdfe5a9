import { afterAll, describe, expect, test } from "vitest";
import type { DiagnosticCode, Severity } from "../../lib/config/diagnostic";
import { domainUsing, exchangeDomain, firewall, hubspot, imapDomain } from "./builders";
import { DOMAIN_USING_FW, FIREWALL_FW, load, removeTempDirs, where, yaml } from "./helpers";

afterAll(removeTempDirs);

interface Row {
  readonly name: string;
  readonly files: Record<string, string | Buffer>;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** file:line:col of the single diagnostic expected. */
  readonly at: string;
  /** Text the message or hint must contain. */
  readonly says?: string;
}

const e = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says?: string): Row => ({
  name,
  files,
  code,
  severity: "error",
  at,
  ...(says ? { says } : {}),
});
const w = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says?: string): Row => ({
  ...e(name, files, code, at, says),
  severity: "warning",
});

const sg = (target: string[], name = "fw") => ({ "a.yaml": domainUsing(name), "fw.yaml": firewall({ name, target }) });
/** `firewalls:` of targets outside AWS (no region): per entry, its name then its lines (indented 4). */
const onPrem = (...entries: [string, ...string[]][]) => yaml("firewalls:", ...entries.flatMap(([name, ...lines]) => [`  ${name}:`, ...lines.map((l) => `    ${l}`)]));

const ROWS: Row[] = [
  // ---- YAML
  // yaml reports a missing quote where the file ends.
  e("unterminated quote", { "a.yaml": imapDomain({ domain: "'example.com" }) }, "YAML_SYNTAX", "a.yaml:10:1", "Missing closing"),
  e("tab indentation", { "a.yaml": yaml("domains:", "\t- domain: example.com") }, "YAML_SYNTAX", "a.yaml:2:1", "indent with spaces"),
  e("two documents in one file", { "a.yaml": imapDomain() + yaml("---", "firewalls: {}") }, "YAML_SYNTAX", "a.yaml:10:1"),
  e("firewall name twice in one file", { "a.yaml": domainUsing("fw"), "fw.yaml": FIREWALL_FW + yaml("  fw:", "    type: aws-security-group") }, "DUPLICATE_KEY", "fw.yaml:6:3", "`fw`"),
  e("unknown YAML tag", { "a.yaml": imapDomain({ domain: "!custom example.com" }) }, "YAML_SYNTAX", "a.yaml:2:13", "The tag `!custom` is not one mailgate reads"),
  e("file not UTF-8", { "a.yaml": Buffer.from([0x64, 0x6f, 0x6d, 0xff, 0x3a, 0x0a]) }, "NOT_UTF8", "a.yaml:1:4", "byte 0xff at byte offset 3"),

  // ---- shape
  e("unknown top-level key", { "a.yaml": yaml("domain:", "  - domain: example.com") }, "UNKNOWN_KEY", "a.yaml:1:1", "did you mean `domains`?"),
  e("unknown key in a domain entry", { "a.yaml": imapDomain({ entryExtra: ["firewall: [fw]"] }) }, "UNKNOWN_KEY", "a.yaml:10:5", "did you mean `firewalls`?"),
  e("unknown key in imap", { "a.yaml": imapDomain({ imapExtra: ["allowNonSecureCertificat: true"] }) }, "UNKNOWN_KEY", "a.yaml:10:7", "`allowNonSecureCertificate`"),
  e("unknown key in a firewall, other case", sg(["securityGroupId: sg-0a1b2c3d", "Type: aws-security-group"]), "UNKNOWN_KEY", "fw.yaml:6:5", "did you mean `type`?"),
  e("port as a string", { "a.yaml": imapDomain({ inPort: '"993"' }) }, "WRONG_TYPE", "a.yaml:6:15", 'must be an integer; received "993"'),
  e("port not an integer", { "a.yaml": imapDomain({ outPort: "587.5" }) }, "WRONG_TYPE", "a.yaml:9:15", "received 587.5"),
  e("IP list entry is a YAML number", { "a.yaml": hubspot({ smtp: ["141.193.184.0/27", "10"] }) }, "WRONG_TYPE", "a.yaml:6:9", 'put it in quotes, "10"'),
  e("allowNonSecureCertificate not a boolean", { "a.yaml": imapDomain({ imapExtra: ["allowNonSecureCertificate: yes"] }) }, "WRONG_TYPE", "a.yaml:10:34", "true or false"),
  e("file is a list", { "a.yaml": yaml("- domain: example.com") }, "WRONG_TYPE", "a.yaml:1:1", "must be a mapping"),
  e("file is a scalar", { "a.yaml": yaml("example.com") }, "WRONG_TYPE", "a.yaml:1:1", 'received "example.com"'),
  e("domains is a mapping", { "a.yaml": yaml("domains:", "  domain: example.com") }, "WRONG_TYPE", "a.yaml:2:3", "must be a list"),
  e("unknown firewall type", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ type: "aws-securitygroup" }) }, "WRONG_TYPE", "fw.yaml:3:11", "did you mean `aws-security-group`?"),
  e("missing port", { "a.yaml": imapDomain().replace("        port: 993\n", "") }, "MISSING_FIELD", "a.yaml:5:9", "`port`"),
  e("missing domain", { "a.yaml": imapDomain().replace("- domain: example.com\n    imap:", "- imap:") }, "MISSING_FIELD", "a.yaml:2:5", "`domain`"),
  e("missing region", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall().replace("    region: us-east-1\n", "") }, "MISSING_FIELD", "fw.yaml:3:5", "`region`"),
  e("missing firewall type", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall().replace("    type: aws-security-group\n", "") }, "MISSING_FIELD", "fw.yaml:3:5", "`type`"),
  e("port 0", { "a.yaml": imapDomain({ inPort: "0" }) }, "INVALID_PORT", "a.yaml:6:15", "Port 0"),
  e("port 65536", { "a.yaml": imapDomain({ outPort: "65536" }) }, "INVALID_PORT", "a.yaml:9:15", "1-65535"),
  // Numbers written loosely read as integers in YAML 1.2, not in everyone's head (or YAML 1.1).
  e("port 993.0", { "a.yaml": imapDomain({ inPort: "993.0" }) }, "NON_CANONICAL_NUMBER", "a.yaml:6:15", "write 993,"),
  e("port 5.87e2", { "a.yaml": imapDomain({ outPort: "5.87e2" }) }, "NON_CANONICAL_NUMBER", "a.yaml:9:15", "write 587,"),
  e("port 0993", { "a.yaml": imapDomain({ inPort: "0993" }) }, "NON_CANONICAL_NUMBER", "a.yaml:6:15", "write 993,"),
  e("port +993", { "a.yaml": imapDomain({ inPort: "+993" }) }, "NON_CANONICAL_NUMBER", "a.yaml:6:15", "write 993,"),
  e("port 0x3e1", { "a.yaml": imapDomain({ inPort: "0x3e1" }) }, "NON_CANONICAL_NUMBER", "a.yaml:6:15", "write 993,"),
  e("empty IP list", { "a.yaml": yaml("hubspot:", "  ipRanges:", "    source: x", "    smtp: [141.193.184.0/27]", "    imap: []") }, "EMPTY_LIST", "a.yaml:5:11", "`hubspot.ipRanges.imap`"),
  e("empty source text", { "a.yaml": hubspot({ source: '""' }) }, "INVALID_SOURCE_TEXT", "a.yaml:3:13", "is empty"),
  e("whitespace source text", { "a.yaml": hubspot({ source: '"   "' }) }, "INVALID_SOURCE_TEXT", "a.yaml:3:13", "whitespace"),
  e("source text with a line break", { "a.yaml": hubspot({ source: '"line one\\nline two"' }) }, "INVALID_SOURCE_TEXT", "a.yaml:3:13", "control character"),
  e("source text too long", { "a.yaml": hubspot({ source: "x".repeat(501) }) }, "INVALID_SOURCE_TEXT", "a.yaml:3:13", "501 characters"),

  // ---- domains and hosts
  e("domain with a leading space", { "a.yaml": imapDomain({ domain: '" example.com"' }) }, "INVALID_DOMAIN", "a.yaml:2:13", "whitespace"),
  e("domain is an email address", { "a.yaml": imapDomain({ domain: "bob@example.com" }) }, "INVALID_DOMAIN", "a.yaml:2:13", "use the part after @: example.com"),
  e("domain is a URL", { "a.yaml": imapDomain({ domain: "http://example.com" }) }, "INVALID_DOMAIN", "a.yaml:2:13", "URL"),
  e("domain with an empty label", { "a.yaml": imapDomain({ domain: "example..com" }) }, "INVALID_DOMAIN", "a.yaml:2:13", "empty label"),
  e("domain with one label", { "a.yaml": imapDomain({ domain: "localhost" }) }, "INVALID_DOMAIN", "a.yaml:2:13", "one label"),
  e("domain with a space inside", { "a.yaml": imapDomain({ domain: "exa mple.com" }) }, "INVALID_DOMAIN", "a.yaml:2:13", "whitespace"),
  e("host with an underscore", { "a.yaml": imapDomain({ inHost: "imap_1.example.com" }) }, "INVALID_HOST", "a.yaml:5:15", '"_"'),
  e("host with a port", { "a.yaml": imapDomain({ outHost: "smtp.example.com:587" }) }, "INVALID_HOST", "a.yaml:8:15", "did you mean smtp.example.com?"),
  e("host that is almost an IPv4 address", { "a.yaml": imapDomain({ inHost: "10.0.0.256" }) }, "INVALID_HOST", "a.yaml:5:15", "IPv4"),
  w("private IPv4 host", { "a.yaml": imapDomain({ inHost: "192.168.1.10" }) }, "NON_PUBLIC_HOST", "a.yaml:5:15", "192.168.0.0/16"),
  w("loopback IPv6 host", { "a.yaml": imapDomain({ outHost: '"::1"' }) }, "NON_PUBLIC_HOST", "a.yaml:8:15", "loopback"),

  // ---- Exchange URLs
  e("Exchange URL without a scheme", { "a.yaml": exchangeDomain({ url: "mail.example.org/EWS/Exchange.asmx" }) }, "INVALID_EXCHANGE_URL", "a.yaml:4:12", "not a valid absolute URL"),
  e("Exchange URL over http", { "a.yaml": exchangeDomain({ url: "http://mail.example.org/EWS/Exchange.asmx" }) }, "INVALID_EXCHANGE_URL", "a.yaml:4:12", "HTTPS"),
  e("Exchange URL with credentials", { "a.yaml": exchangeDomain({ url: "https://me:secret@mail.example.org/EWS/Exchange.asmx" }) }, "INVALID_EXCHANGE_URL", "a.yaml:4:12", "credentials never belong in config"),
  e("Exchange URL with a bad host", { "a.yaml": exchangeDomain({ url: "https://mail_1.example.org/EWS/Exchange.asmx" }) }, "INVALID_EXCHANGE_URL", "a.yaml:4:12", '"_"'),
  w("Exchange URL to a private address", { "a.yaml": exchangeDomain({ url: "https://10.1.2.3/EWS/Exchange.asmx" }) }, "NON_PUBLIC_HOST", "a.yaml:4:12", "private 10.0.0.0/8"),
  w("Exchange URL to Outlook Web App", { "a.yaml": exchangeDomain({ url: "https://mail.example.org/owa/" }) }, "NON_STANDARD_EWS_PATH", "a.yaml:4:12", '"/owa/"'),

  // ---- firewalls
  e("region without its last hyphen", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ region: "us-east1" }) }, "INVALID_REGION", "fw.yaml:4:13", "did you mean `us-east-1`?"),
  e("region in upper case", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ region: "US-EAST-1" }) }, "INVALID_REGION", "fw.yaml:4:13", "did you mean `us-east-1`?"),
  w("region mailgate does not know", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ region: "eu-central-7" }) }, "UNKNOWN_REGION", "fw.yaml:4:13", "did you mean `eu-central-1`?"),
  e("VPC id too short", sg(["vpcId: vpc-0a1b2c", "name: mail"]), "INVALID_VPC_ID", "fw.yaml:5:12", '"vpc-0a1b2c"'),
  e("security group id in upper case", sg(["securityGroupId: sg-0A1B2C3D"]), "INVALID_SECURITY_GROUP_ID", "fw.yaml:5:22", "sg-0A1B2C3D"),
  e("firewall name with capitals and underscore", sg(["securityGroupId: sg-0a1b2c3d"], "Mail_1"), "INVALID_FIREWALL_NAME", "fw.yaml:2:3", "did you mean `mail-1`?"),
  e("firewall name starting with a digit", sg(["securityGroupId: sg-0a1b2c3d"], "1mail"), "INVALID_FIREWALL_NAME", "fw.yaml:2:3", "start with a lower-case letter"),
  e("group name starting with sg-", sg(["vpcId: vpc-0a1b2c3d", "name: sg-mail"]), "INVALID_GROUP_NAME", "fw.yaml:6:11", "sg-"),
  e("group name with a bad character", sg(["vpcId: vpc-0a1b2c3d", "name: mail|ingress"]), "INVALID_GROUP_NAME", "fw.yaml:6:11", '"|"'),
  e("group name with a Terraform interpolation", sg(["vpcId: vpc-0a1b2c3d", 'name: "mail-${var.env}"']), "INVALID_GROUP_NAME", "fw.yaml:6:11", "`${`"),
  e("group name with a cdktf token marker", sg(["vpcId: vpc-0a1b2c3d", 'name: "x${TfToken[TOKEN.1]}"']), "INVALID_GROUP_NAME", "fw.yaml:6:11", "`${`"),
  e("group name with a Terraform directive (% is outside AWS's alphabet)", sg(["vpcId: vpc-0a1b2c3d", 'name: "mail %{if true}"']), "INVALID_GROUP_NAME", "fw.yaml:6:11", '"%"'),
  e("group id and VPC both", sg(["securityGroupId: sg-0a1b2c3d", "vpcId: vpc-0a1b2c3d", "name: mail"]), "FIREWALL_TARGET_SHAPE", "fw.yaml:3:5", "`securityGroupId` and `vpcId` and `name`"),
  e("neither group id nor VPC", sg([]), "FIREWALL_TARGET_SHAPE", "fw.yaml:3:5", "neither"),
  e("VPC without a group name", sg(["vpcId: vpc-0a1b2c3d"]), "FIREWALL_TARGET_SHAPE", "fw.yaml:3:5", "has `vpcId`"),
  e("group name without a VPC", sg(["name: mail"]), "FIREWALL_TARGET_SHAPE", "fw.yaml:3:5", "has `name`"),

  // ---- IP lists
  e("not a CIDR", { "a.yaml": hubspot({ smtp: ["141.193.184.0/27", "141.193.184/27"] }) }, "INVALID_CIDR", "a.yaml:6:9", "hubspot.ipRanges.smtp"),
  e("CIDR with host bits", { "a.yaml": hubspot({ smtp: ["141.193.184.5/27"] }) }, "CIDR_HOST_BITS", "a.yaml:5:9", "did you mean 141.193.184.0/27?"),
  e("IPv4 everything", { "a.yaml": hubspot({ smtp: ["0.0.0.0/0"] }) }, "CIDR_TOO_BROAD", "a.yaml:5:9", "every address"),
  e("IPv6 everything", { "a.yaml": hubspot({ imap: ['"::/0"'] }) }, "CIDR_TOO_BROAD", "a.yaml:7:9", "every address"),
  e("private range", { "a.yaml": hubspot({ smtp: ["10.0.0.0/8"] }) }, "NON_PUBLIC_CIDR", "a.yaml:5:9", "private 10.0.0.0/8"),
  w("same address twice, written differently", { "a.yaml": hubspot({ smtp: ["143.244.82.12", "143.244.82.12/32"] }) }, "DUPLICATE_CIDR", "a.yaml:6:9", "a.yaml:5:9"),

  // ---- across entries and files
  e("IMAP in one file, Exchange in another", { "a.yaml": imapDomain({ domain: "corp.example.org" }), "b.yaml": exchangeDomain() }, "IMAP_EXCHANGE_CONFLICT", "b.yaml:3:5", "IMAP settings at a.yaml:3:5"),
  e("IMAP and Exchange in one entry", { "a.yaml": imapDomain({ entryExtra: ["exchange:", "  url: https://mail.example.com/EWS/Exchange.asmx"] }) }, "IMAP_EXCHANGE_CONFLICT", "a.yaml:10:5", "IMAP settings at a.yaml:3:5"),
  e("same domain twice", { "a.yaml": imapDomain({ domain: "Example.COM." }), "b.yaml": imapDomain() }, "DUPLICATE_DOMAIN", "b.yaml:2:13", "a.yaml:2:13"),
  e("domain without settings", { "a.yaml": yaml("domains:", "  - domain: example.com") }, "MISSING_SETTINGS", "a.yaml:2:5", "neither"),
  e("firewall defined in two files", { "a.yaml": domainUsing("fw"), "fw.yaml": FIREWALL_FW, "fw2.yaml": FIREWALL_FW }, "DUPLICATE_FIREWALL", "fw2.yaml:2:3", "fw.yaml:2:3"),
  e("hubspot section in two files", { "a.yaml": hubspot(), "b.yaml": hubspot() }, "DUPLICATE_HUBSPOT", "b.yaml:1:1", "a.yaml:1:1"),
  e(
    "two firewalls with one group id",
    { "a.yaml": domainUsing("fw", "fw2"), "fw.yaml": FIREWALL_FW, "fw2.yaml": firewall({ name: "fw2" }) },
    "DUPLICATE_SECURITY_GROUP",
    "fw2.yaml:5:22",
    "`fw` at fw.yaml:5:22",
  ),
  e(
    "two firewalls creating one group",
    {
      "a.yaml": domainUsing("one", "two"),
      "fw.yaml": firewall({ name: "one", target: ["vpcId: vpc-0a1b2c3d", "name: mail"] }),
      "fw2.yaml": firewall({ name: "two", target: ["vpcId: vpc-0a1b2c3d", "name: mail"] }),
    },
    "DUPLICATE_GROUP_NAME",
    "fw2.yaml:6:11",
    "`one` at fw.yaml:6:11",
  ),
  // targets outside AWS owning one chain, set, group or file (issue 18)
  e(
    "two nftables targets filling one chain",
    { "a.yaml": domainUsing("one", "two"), "fw.yaml": onPrem(["one", "type: nftables"], ["two", "type: nftables", "table: inet filter", "chain: hubspot_mail"]) },
    "DUPLICATE_NFT_CHAIN",
    "fw.yaml:7:12",
    "as firewall `one` at fw.yaml:2:3 does",
  ),
  e(
    "two nftables chains making one set name",
    { "a.yaml": domainUsing("one", "two"), "fw.yaml": onPrem(["one", "type: nftables", "chain: hub_mail"], ["two", "type: nftables", "chain: hub_mail_imap"]) },
    "DUPLICATE_NFT_SET",
    "fw.yaml:7:12",
    "sets hub_mail_imap_smtp_v4 and hub_mail_imap_smtp_v6",
  ),
  e(
    "two Windows targets with one group",
    { "a.yaml": domainUsing("one", "two"), "fw.yaml": onPrem(["one", "type: windows-firewall", "group: Mail"], ["two", "type: windows-firewall", "group: MAIL"]) },
    "DUPLICATE_WINDOWS_GROUP",
    "fw.yaml:7:12",
    "without regard to case",
  ),
  e(
    "two allowlists writing one file",
    { "a.yaml": domainUsing("edge", "edge-imap"), "fw.yaml": onPrem(["edge", "type: allowlist"], ["edge-imap", "type: allowlist"]) },
    "DUPLICATE_ARTIFACT_FILE",
    "fw.yaml:4:3",
    "firewalls/edge-imap-smtp.txt",
  ),
  e("nftables table that is an nft keyword", { "a.yaml": domainUsing("fw"), "fw.yaml": onPrem(["fw", "type: nftables", "table: inet counter"]) }, "INVALID_NFT_NAME", "fw.yaml:4:12", "one of nft's keywords"),
  e("IPv4-mapped destination", { "a.yaml": domainUsing("fw"), "fw.yaml": onPrem(["fw", "type: nftables", 'destinations: ["::ffff:10.0.1.25"]']) }, "IPV4_MAPPED_ADDRESS", "fw.yaml:4:20", "write the IPv4 address: 10.0.1.25"),
  w("stack named after another region", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ region: "eu-west-1", target: ["securityGroupId: sg-0a1b2c3d", "stack: mailgate-us-east-1"] }) }, "STACK_NAME_REGION", "fw.yaml:6:12", "reads as region us-east-1"),
  e("reference to an undefined firewall", { "a.yaml": domainUsing("fw", "fw1"), "fw.yaml": FIREWALL_FW }, "UNDEFINED_FIREWALL", "a.yaml:10:21", "did you mean `fw`?"),
  w("firewall listed twice", { "a.yaml": domainUsing("fw", "fw"), "fw.yaml": FIREWALL_FW }, "DUPLICATE_FIREWALL_REFERENCE", "a.yaml:10:21", "a.yaml:10:17"),
  w("firewall nobody uses", { "a.yaml": imapDomain(), "fw.yaml": FIREWALL_FW }, "UNUSED_FIREWALL", "fw.yaml:2:3", "`fw`"),
  w("unused firewall in a sub-folder", { "a.yaml": imapDomain(), "sub/fw.yml": FIREWALL_FW }, "UNUSED_FIREWALL", "sub/fw.yml:2:3", "`fw`"),
];

describe("each bad input yields exactly one diagnostic, at its position", () => {
  test.each(ROWS.map((row) => [row.name, row] as const))("%s", (_, row) => {
    // GIVEN a config whose only problem is the one the row names
    // WHEN it is loaded
    const { config, diagnostics } = load(row.files);
    // THEN that problem is reported once, with its code, severity and position
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual([`${row.severity} ${row.code} ${row.at}`]);
    if (row.says) expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(row.says);
    // AND a config exists exactly when the problem is only a warning
    expect(config !== undefined).toBe(row.severity === "warning");
  });
});

describe("the clean building blocks", () => {
  test.each([
    ["IMAP domain with its firewall", { "a.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW }],
    ["Exchange domain", { "a.yaml": exchangeDomain() }],
    ["HubSpot lists", { "a.yaml": hubspot(), "b.yaml": imapDomain() }],
  ])("%s load without diagnostics", (_, files) => {
    // GIVEN the fragments the table varies; WHEN loaded; THEN nothing is reported
    const { config, diagnostics } = load(files);
    expect(diagnostics).toEqual([]);
    expect(config).toBeDefined();
  });
});
