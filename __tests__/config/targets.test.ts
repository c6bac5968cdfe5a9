import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic, DiagnosticCode, Severity } from "../../lib/config/diagnostic";
import { formatDiagnostic } from "../../lib/config/format";
import { validateConfig } from "../../lib/validate";
import { cli } from "../cli/helpers";
import { domainUsing, firewall, hubspot } from "./builders";
import { load, removeTempDirs, where, writeConfigDir, yaml } from "./helpers";

afterAll(removeTempDirs);

/** Like `load`, but with the checks that need the policy's counts (quotas, numbers, capacity). */
function validate(files: Record<string, string>) {
  const dir = writeConfigDir(files);
  const result = validateConfig(dir);
  const strip = (text: string): string => text.split(`${dir}/`).join("");
  return {
    ...result,
    diagnostics: result.diagnostics.map((d): Diagnostic => ({ ...d, message: strip(d.message), position: { ...d.position, file: strip(d.position.file) } })),
  };
}

const ACL = ["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 100, to: 199 }"];
const NFW = ["name: hubspot-mail", "destinations: [10.0.1.25/32]"];
const acl = (target: string[], name = "fw") => ({ "a.yaml": domainUsing(name), "fw.yaml": firewall({ name, type: "aws-network-acl", target }) });
const nfw = (target: string[], name = "fw") => ({ "a.yaml": domainUsing(name), "fw.yaml": firewall({ name, type: "aws-network-firewall", target }) });
const sg = (target: string[]) => ({ "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target }) });

interface Row {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly at: string;
  readonly says?: string;
}
const e = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says?: string): Row => ({ name, files, code, severity: "error", at, ...(says ? { says } : {}) });
const w = (name: string, files: Row["files"], code: DiagnosticCode, at: string, says?: string): Row => ({ ...e(name, files, code, at, says), severity: "warning" });

const ROWS: Row[] = [
  // ---- security groups: the new keys
  e("sources misspelt", sg(["securityGroupId: sg-0a1b2c3d", "sources: prefix-list"]), "WRONG_TYPE", "fw.yaml:6:14", "did you mean `prefix-lists`?"),
  e("maxRules 0", sg(["securityGroupId: sg-0a1b2c3d", "maxRules: 0"]), "INVALID_MAX_RULES", "fw.yaml:6:15", "the least allowed is 1"),
  e("maxRules over AWS's 1000", sg(["securityGroupId: sg-0a1b2c3d", "maxRules: 1001"]), "INVALID_MAX_RULES", "fw.yaml:6:15", "the most allowed is 1000"),
  e("maxRules as a string", sg(["securityGroupId: sg-0a1b2c3d", 'maxRules: "60"']), "WRONG_TYPE", "fw.yaml:6:15", "write the number without quotes"),

  // ---- network ACLs
  e("ACL id without its prefix", acl(["networkAclId: 0a1b2c3d", "ruleNumbers: { from: 100, to: 199 }"]), "INVALID_NETWORK_ACL_ID", "fw.yaml:5:19", '"0a1b2c3d"'),
  e("rule numbers reversed", acl(["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 199, to: 100 }"]), "INVALID_RULE_NUMBERS", "fw.yaml:6:18", "{ from: 100, to: 199 }"),
  e("rule number 0", acl(["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 0, to: 100 }"]), "INVALID_RULE_NUMBERS", "fw.yaml:6:26", "1 to 32766"),
  e("rule number 32767", acl(["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 1, to: 32767 }"]), "INVALID_RULE_NUMBERS", "fw.yaml:6:33", "the most allowed is 32766"),
  e("ACL maxRules over AWS's 40", acl([...ACL, "maxRules: 41"]), "INVALID_MAX_RULES", "fw.yaml:7:15", "up to 40"),
  e("ACL without rule numbers", acl(["networkAclId: acl-0a1b2c3d"]), "MISSING_FIELD", "fw.yaml:3:5", "`ruleNumbers`"),
  e("misspelt maxRules on an ACL", acl([...ACL, "maxRule: 40"]), "UNKNOWN_KEY", "fw.yaml:7:5", "did you mean `maxRules`?"),
  e("a security group key on an ACL", acl([...ACL, "vpcId: vpc-0a1b2c3d"]), "UNKNOWN_KEY", "fw.yaml:7:5", "allowed keys here: type, region, account, roleArn, planRoleArn, stack, renamedFrom, networkAclId, ruleNumbers, maxRules"),
  e(
    "two firewalls on one ACL",
    { "a.yaml": domainUsing("one", "two"), "one.yaml": firewall({ name: "one", type: "aws-network-acl", target: ACL }), "two.yaml": firewall({ name: "two", type: "aws-network-acl", target: ACL }) },
    "DUPLICATE_NETWORK_ACL",
    "two.yaml:5:19",
    "`one` at one.yaml:5:19",
  ),

  // ---- Network Firewall
  e("rule group name with an underscore", nfw(["name: hubspot_mail", "destinations: [10.0.1.25/32]"]), "INVALID_RULE_GROUP_NAME", "fw.yaml:5:11", '"_"'),
  e("rule group name too long", nfw([`name: ${"m".repeat(129)}`, "destinations: [10.0.1.25/32]"]), "INVALID_RULE_GROUP_NAME", "fw.yaml:5:11", "129 characters"),
  e("no destinations", nfw(["name: hubspot-mail", "destinations: []"]), "EMPTY_LIST", "fw.yaml:6:19", "mail server"),
  e("destination with host bits", nfw(["name: hubspot-mail", "destinations: [10.0.1.25/24]"]), "CIDR_HOST_BITS", "fw.yaml:6:20", "did you mean 10.0.1.0/24?"),
  e("destination not an address", nfw(["name: hubspot-mail", "destinations: [mail.example.com]"]), "INVALID_CIDR", "fw.yaml:6:20", "firewalls.fw.destinations"),
  e("every destination", nfw(["name: hubspot-mail", "destinations: [0.0.0.0/0]"]), "CIDR_TOO_BROAD", "fw.yaml:6:20", "every server behind the firewall"),
  w("one destination twice", nfw(["name: hubspot-mail", "destinations: [10.0.1.25, 10.0.1.25/32]"]), "DUPLICATE_CIDR", "fw.yaml:6:31", "fw.yaml:6:20"),
  e("capacity over 30000", nfw([...NFW, "capacity: 30001"]), "INVALID_CAPACITY", "fw.yaml:7:15", "1-30000"),
  e(
    "two firewalls creating one rule group",
    { "a.yaml": domainUsing("one", "two"), "one.yaml": firewall({ name: "one", type: "aws-network-firewall", target: NFW }), "two.yaml": firewall({ name: "two", type: "aws-network-firewall", target: NFW }) },
    "DUPLICATE_RULE_GROUP",
    "two.yaml:5:11",
    "`one` at one.yaml:5:11",
  ),
  e("unknown firewall type suggests the new ones", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ type: "aws-network-acls", target: ACL }) }, "WRONG_TYPE", "fw.yaml:3:11", "did you mean `aws-network-acl`?"),
];

describe("the new target keys: each bad input yields exactly one diagnostic, at its position", () => {
  test.each(ROWS.map((row) => [row.name, row] as const))("%s", (_, row) => {
    const { config, diagnostics } = load(row.files);
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${where(d)}`)).toEqual([`${row.severity} ${row.code} ${row.at}`]);
    if (row.says) expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(row.says);
    expect(config !== undefined).toBe(row.severity === "warning");
  });

  test.each([
    ["a network ACL", acl([...ACL, "maxRules: 40"])],
    ["a Network Firewall with private destinations", nfw(["name: hubspot-mail", "destinations: [10.0.1.25/32, 192.168.7.0/28, 2600:1f18:ff::25]", "capacity: 200"])],
    ["a security group on prefix lists", sg(["vpcId: vpc-0a1b2c3d", "name: mail", "sources: prefix-lists", "maxRules: 120"])],
  ])("%s loads without diagnostics, positions kept for later checks", (_, files) => {
    const { config, diagnostics } = validate(files);
    expect(diagnostics).toEqual([]);
    expect(config?.firewalls.map((f) => [f.name, f.position && `${f.position.line}:${f.position.column}`])).toEqual([["fw", "2:3"]]);
  });

  test("the loaded targets carry the values as written, defaults left to the policy", () => {
    const { config } = validate(nfw(["name: hubspot-mail", "destinations: [10.0.2.0/28, 10.0.1.25]"]));
    expect(config?.firewalls[0]).toMatchObject({ type: "aws-network-firewall", ruleGroupName: "hubspot-mail", region: "us-east-1" });
    expect(config?.firewalls[0].type === "aws-network-firewall" && config.firewalls[0].destinations.map(String)).toEqual(["10.0.1.25/32", "10.0.2.0/28"]);
  });
});

/** A HubSpot list of `n` public addresses two apart (no two aggregate): `n` rules per port. */
function manyAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `44.10.${Math.floor((2 * i) / 256)}.${(2 * i) % 256}`);
}

describe("quotas: found once the policy has counted, reported at the firewall", () => {
  const big = hubspot({ smtp: manyAddresses(61), imap: manyAddresses(61) });

  test("GIVEN an existing group that would exceed its quota WHEN validated THEN an error at the firewall states needed vs allowed and the remedies", () => {
    const { config, diagnostics } = validate({ "h.yaml": big, "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target: ["securityGroupId: sg-0a1b2c3d"] }) });
    expect(config).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic).join("\n\n")).toMatchInlineSnapshot(`
      "fw.yaml:2:3: error RULE_QUOTA_EXCEEDED: Firewall \`fw\` needs 122 IPv4 inbound rules in existing security group sg-0a1b2c3d, but \`maxRules\` allows 60.
          2 |   fw:
            |   ^^
        hint: AWS would refuse the rules at apply, and rules already in the group count too. Remedies: let mailgate create groups instead, which splits the rules over as many as needed: add a firewall under a new name with \`vpcId\` and \`name\` for these domains, apply it, attach its groups, then remove this one (switching this firewall itself would move every rule to groups nothing is attached to yet); raise \`maxRules\` if AWS raised this group's quota (Service Quotas: "Inbound or outbound rules per security group"; rules per group x groups per network interface must stay <= 1000); or move some domains to another firewall"
    `);
  });

  test("GIVEN an existing group on prefix lists over its quota WHEN validated THEN the figures show each list's weight and the CIDR alternative", () => {
    const domains = yaml(
      "domains:",
      ...[
        [993, 587],
        [143, 465],
        [10993, 25],
      ].flatMap(([imap, smtp], i) => [
        `  - domain: d${i}.example`,
        "    imap:",
        `      incoming: { host: mail.d${i}.example, port: ${imap} }`,
        `      outgoing: { host: mail.d${i}.example, port: ${smtp} }`,
        "    firewalls: [fw]",
      ]),
    );
    const { diagnostics } = validate({ "a.yaml": domains, "fw.yaml": firewall({ target: ["securityGroupId: sg-0a1b2c3d", "sources: prefix-lists", "maxRules: 50"] }) });
    expect(diagnostics.map((d) => `${where(d)} ${d.code}: ${d.message}`)).toEqual([
      "fw.yaml:2:3 RULE_QUOTA_EXCEEDED: Firewall `fw` needs 60 IPv4 inbound rules in existing security group sg-0a1b2c3d, but `maxRules` allows 50 (60 = 3 rules x 10 entries of prefix list mailgate-hubspot-imap-ipv4 + 3 rules x 10 entries of prefix list mailgate-hubspot-smtp-ipv4).",
    ]);
    expect(diagnostics[0].hint).toContain("use `sources: cidrs` (a rule that references a prefix list weighs its max_entries, 36 rules here with CIDRs)");
  });

  test("GIVEN the same rules on a group mailgate creates WHEN validated THEN valid: the group is split", () => {
    const { diagnostics } = validate({ "h.yaml": big, "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target: ["vpcId: vpc-0a1b2c3d", "name: mail"] }) });
    expect(diagnostics).toEqual([]);
  });

  test.each([
    ["a network ACL over its quota", "RULE_QUOTA_EXCEEDED", acl(ACL), "needs 42 inbound IPv4 rules in network ACL acl-0a1b2c3d, but `maxRules` 20 leaves room for 19: the ACL's default deny rule (*) counts against the quota too", 21],
    ["a network ACL out of rule numbers", "RULE_NUMBERS_EXHAUSTED", acl(["networkAclId: acl-0a1b2c3d", "ruleNumbers: { from: 100, to: 110 }", "maxRules: 40"]), "needs 12 inbound rule numbers, but `ruleNumbers` 100-110 has only 11", 6],
    ["a rule group over its given capacity", "CAPACITY_EXCEEDED", nfw([...NFW, "capacity: 10"]), "needs 12 stateful rules in rule group \"hubspot-mail\", but `capacity` is 10", 6],
  ] as const)("GIVEN %s WHEN validated THEN %s at the firewall", (_, code, files, says, n) => {
    const lists = hubspot({ smtp: manyAddresses(n), imap: manyAddresses(n) });
    const { diagnostics } = validate({ ...files, "h.yaml": lists });
    expect(diagnostics.map((d) => `${where(d)} ${d.code}`)).toContain(`fw.yaml:2:3 ${code}`);
    expect(diagnostics.filter((d) => d.code === code).map((d) => d.message)).toContainEqual(expect.stringContaining(says));
  });

  test("GIVEN an over-quota config WHEN `mailgate validate` runs THEN exit 1 with the located error (no cdktf needed)", async () => {
    const dir = writeConfigDir({ "h.yaml": big, "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ target: ["securityGroupId: sg-0a1b2c3d"] }) });
    const result = await cli(["validate", "--config", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${dir}/fw.yaml:2:3: error RULE_QUOTA_EXCEEDED: Firewall \`fw\` needs 122 IPv4 inbound rules`);
  });
});
