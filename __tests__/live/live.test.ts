import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { cliAsync } from "../cli/helpers";
import { tempDir } from "../support/run";
import { copy, exportsOf, live, synthesize, writeExports, type Exports, type Synthesized } from "./helpers";

// examples/advanced: a created group with prefix lists (mail-prefix-lists), a created group split
// in two (mail-split, ports 143/443/465/587/993/8443), a network ACL and a Network Firewall.
let synth: Synthesized;
let planned: Exports;
beforeAll(() => {
  synth = synthesize();
  planned = exportsOf(synth);
}, 120_000);

const args = (files: string[], ...more: string[]) => ["--config", synth.config, "--out", synth.out, ...more, ...files];
const groupOf = (e: Exports, name: string) => e.groups.SecurityGroups.find((g: { GroupName: string }) => g.GroupName === name).GroupId as string;
const rule = (over: Record<string, unknown>) => ({ SecurityGroupRuleId: "sgr-0ffffffffffffffff", GroupOwnerId: "000000000000", IsEgress: false, Tags: [], ...over });

describe("mailgate live: security groups", () => {
  test("GIVEN exports equal to what the config plans WHEN live THEN exit 0, every target and port exact", () => {
    const result = live(args(writeExports(planned)));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Summary: 4 AWS targets, 4 exact; 0 exposure, 0 missing, 0 drift: every port admits exactly HubSpot's lists.");
    expect(result.stdout).toContain("mail-split (aws-security-group; us-east-1, sg-");
    expect(result.stdout).toMatch(/ {2}tcp\/993: 264 addresses required, 264 admitted, exact\n/);
  });

  test("GIVEN one extra ingress rule 0.0.0.0/0 on tcp/993 in a target's group WHEN live THEN exit 1 naming its sgr- id and the port", () => {
    const e = copy(planned);
    e.rules.SecurityGroupRules.push(rule({ GroupId: groupOf(e, "hubspot-mail-split"), IpProtocol: "tcp", FromPort: 993, ToPort: 993, CidrIpv4: "0.0.0.0/0" }));
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("exposure: sgr-0ffffffffffffffff in sg-");
    expect(result.stdout).toContain("admits tcp/993 from 0.0.0.0/0: 4294967032 addresses outside HubSpot's lists");
    expect(result.stdout).toContain("    - sgr-0ffffffffffffffff: tcp/993 from 0.0.0.0/0 (exposure)");
  });

  test("GIVEN one planned rule missing from AWS WHEN live THEN exit 1 naming the planned rule's Terraform address", () => {
    const e = copy(planned);
    const i = e.rules.SecurityGroupRules.findIndex((r: { FromPort: number; CidrIpv4?: string }) => r.FromPort === 587 && r.CidrIpv4 === "141.193.184.0/27");
    e.rules.SecurityGroupRules.splice(i, 1);
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("missing: planned rule aws_vpc_security_group_ingress_rule.mail-split_tcp587_141-193-184-0-27 (tcp/587 from 141.193.184.0/27 in sg-");
    expect(result.stdout).toContain("not admitted: 141.193.184.0-141.193.184.31");
  });

  test("GIVEN an all-traffic rule from a HubSpot block WHEN live THEN exit 1: all traffic is exposure even from inside the lists", () => {
    const e = copy(planned);
    e.rules.SecurityGroupRules.push(rule({ GroupId: groupOf(e, "hubspot-mail-split"), IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "141.193.184.0/27" }));
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("allows all traffic (every protocol and port, so tcp/993) from 141.193.184.0/27");
  });

  test("GIVEN a port range containing the mail port WHEN live THEN outside addresses are exposure, and a range from inside the lists is listed but no difference", () => {
    const e = copy(planned);
    const group = groupOf(e, "hubspot-mail-split");
    e.rules.SecurityGroupRules.push(rule({ GroupId: group, IpProtocol: "tcp", FromPort: 900, ToPort: 1000, CidrIpv4: "203.0.113.0/24" }));
    const outside = live(args(writeExports(e)));
    expect(outside.status).toBe(1);
    expect(outside.stdout).toContain("admits tcp/993 from 203.0.113.0/24: 256 addresses outside HubSpot's lists (203.0.113.0-203.0.113.255)");

    const inside = copy(planned);
    inside.rules.SecurityGroupRules.push(rule({ GroupId: group, IpProtocol: "tcp", FromPort: 0, ToPort: 65535, CidrIpv4: "143.244.87.0/25" }));
    const result = live(args(writeExports(inside)));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("    - sgr-0ffffffffffffffff: tcp/0-65535 from 143.244.87.0/25 (inside HubSpot's lists, not planned)");
  });

  test("GIVEN an IPv6 rule ::/0 on tcp/993 and one referencing another account's group WHEN live THEN both are exposure, named", () => {
    const e = copy(planned);
    const group = groupOf(e, "hubspot-mail-split");
    e.rules.SecurityGroupRules.push(rule({ GroupId: group, IpProtocol: "tcp", FromPort: 993, ToPort: 993, CidrIpv6: "::/0" }));
    e.rules.SecurityGroupRules.push(rule({ SecurityGroupRuleId: "sgr-0eeeeeeeeeeeeeeee", GroupId: group, IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, ReferencedGroupInfo: { GroupId: "sg-0123456789abcdef0", UserId: "111122223333" } }));
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("sgr-0ffffffffffffffff in sg-");
    expect(result.stdout).toContain("admits tcp/993 from ::/0: 340282366920938463463374607431768211456 addresses outside HubSpot's lists (::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff)");
    expect(result.stdout).toContain("exposure: sgr-0eeeeeeeeeeeeeeee in sg-");
    expect(result.stdout).toContain("admits tcp/8443 from every interface in security group sg-0123456789abcdef0 of account 111122223333");
  });

  test("GIVEN an egress rule to everything and a 0.0.0.0/0 tcp/993 rule of another group in the same file WHEN live THEN both are ignored: exit 0", () => {
    const e = copy(planned);
    e.rules.SecurityGroupRules.push(rule({ GroupId: groupOf(e, "hubspot-mail-split"), IsEgress: true, IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" }));
    e.rules.SecurityGroupRules.push(rule({ SecurityGroupRuleId: "sgr-0eeeeeeeeeeeeeeee", GroupId: "sg-0999999999999999a", IpProtocol: "tcp", FromPort: 993, ToPort: 993, CidrIpv4: "0.0.0.0/0" }));
    const result = live(args(writeExports(e)));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain("sgr-0eeeeeeeeeeeeeeee");
  });

  test("GIVEN a rule tagged for the target whose CIDR was changed by hand WHEN live THEN drift names it, and the planned rule is missing", () => {
    const e = copy(planned);
    const changed = e.rules.SecurityGroupRules.find((r: { FromPort: number; CidrIpv4?: string }) => r.FromPort === 993 && r.CidrIpv4 === "143.244.87.0/25");
    changed.CidrIpv4 = "143.244.87.0/26";
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`drift: ${changed.SecurityGroupRuleId} in sg-`);
    expect(result.stdout).toContain("is tagged MailgateTarget=mail-split, and its content (tcp/993 from 143.244.87.0/26) is no rule the config plans");
    expect(result.stdout).toContain("missing: planned rule aws_vpc_security_group_ingress_rule.mail-split_tcp993_143-244-87-0-25");
  });

  test("GIVEN a planned rule made by hand (no MailgateTarget tag) WHEN live THEN exit 0 with a note that adopt can import it", () => {
    const e = copy(planned);
    const handMade = e.rules.SecurityGroupRules.find((r: { FromPort: number; CidrIpv4?: string }) => r.FromPort === 993 && r.CidrIpv4 === "143.244.87.0/25");
    handMade.Tags = [];
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`note: ${handMade.SecurityGroupRuleId} has the content of planned aws_vpc_security_group_ingress_rule.mail-split_tcp993_143-244-87-0-25`);
  });

  test("GIVEN mailgate's prefix list with an extra entry WHEN live THEN the list is drift and the entry is exposure on every port referencing it", () => {
    const e = copy(planned);
    const [id, entries] = [...e.entries].find(([, v]) => v.Entries.length === 6) as [string, { Entries: { Cidr: string }[] }];
    entries.Entries.push({ Cidr: "198.51.100.0/24" });
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`drift: prefix list ${id} (mailgate-hubspot-`);
    expect(result.stdout).toContain(`from prefix list ${id}: 256 addresses outside HubSpot's lists (198.51.100.0-198.51.100.255)`);
  });
});

describe("mailgate live: network ACLs and Network Firewall", () => {
  const acl = (e: Exports) => e.acls.NetworkAcls[0].Entries as Record<string, unknown>[];

  test("GIVEN an inbound deny numbered below mailgate's allow rules WHEN live THEN the deny is named as hiding HubSpot's addresses", () => {
    const e = copy(planned);
    acl(e).push({ RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "141.193.184.0/24", PortRange: { From: 993, To: 993 } });
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("missing: acl-0a1b2c3d4e5f67890 inbound rule 90 (deny tcp/993 from 141.193.184.0/24) denies 32 addresses HubSpot needs on tcp/993 (141.193.184.0-141.193.184.31)");
  });

  test("GIVEN an allow-all rule after mailgate's and one before WHEN live THEN only the one read first for outside addresses is exposure", () => {
    const late = copy(planned);
    // Above the range: addresses HubSpot's rules do not decide reach it, on every port.
    acl(late).push({ RuleNumber: 200, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" });
    const result = live(args(writeExports(late)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("exposure: acl-0a1b2c3d4e5f67890 inbound rule 200 (allow all traffic from 0.0.0.0/0) admits tcp/993 with every other protocol and port: 4294967032 addresses outside HubSpot's lists");
  });

  test("GIVEN a rule in mailgate's numbers that the config does not plan WHEN live THEN drift names its number", () => {
    const e = copy(planned);
    const taken = new Set(acl(e).map((x) => x.RuleNumber));
    const free = [...Array(100).keys()].map((i) => 100 + i).find((n) => !taken.has(n));
    acl(e).push({ RuleNumber: free, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "141.193.184.0/27", PortRange: { From: 25, To: 25 } });
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`drift: acl-0a1b2c3d4e5f67890 inbound rule ${free} (allow tcp/25 from 141.193.184.0/27) is in mailgate's numbers 100-199`);
  });

  test("GIVEN a PASS rule from ANY to a mail server in mailgate's rule group WHEN live THEN exposure names its sid", () => {
    const e = copy(planned);
    const group = [...e.ruleGroups.values()][0];
    group.RuleGroup.RulesSource.StatefulRules.push({
      Action: "PASS",
      Header: { Protocol: "TCP", Source: "ANY", SourcePort: "ANY", Direction: "FORWARD", Destination: "10.0.1.25/32", DestinationPort: "993" },
      RuleOptions: [{ Keyword: "sid", Settings: ["1999999"] }],
    });
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("exposure: sid 1999999 (PASS TCP ANY ANY -> 10.0.1.25/32 993) admits tcp/993 to 10.0.1.25/32: 4294967032 addresses outside HubSpot's lists");
  });
});

describe("mailgate live: unusable input and pagination", () => {
  test("GIVEN a truncated export WHEN live THEN exit 2, one paragraph naming the file", () => {
    const files = writeExports(planned);
    const rules = files.find((f) => f.endsWith("security-group-rules.json")) as string;
    fs.writeFileSync(rules, fs.readFileSync(rules, "utf8").slice(0, 500));
    const result = live(args(files));
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^mailgate: ${rules.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not JSON \\(.*\\): truncated, or not printed with --output json\\?`));
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("GIVEN a file that is not JSON (an AWS CLI error message) WHEN live THEN exit 2 naming it", () => {
    const file = path.join(tempDir(), "rules.json");
    fs.writeFileSync(file, "An error occurred (UnauthorizedOperation) when calling the DescribeSecurityGroupRules operation\n");
    const result = live(args([file]));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`mailgate: ${file} is not JSON`);
  });

  test("GIVEN a rule without IsEgress WHEN live THEN exit 2 naming the file, the rule's index and its id", () => {
    const e = copy(planned);
    delete e.rules.SecurityGroupRules[3].IsEgress;
    const result = live(args(writeExports(e)));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`security-group-rules.json: SecurityGroupRules[3] (${e.rules.SecurityGroupRules[3].SecurityGroupRuleId}): "IsEgress" is absent, not true or false`);
  });

  test("GIVEN the rules in two pages, the first with NextToken WHEN live THEN they are read as one export: exit 0; the first page alone is exit 2", () => {
    const e = copy(planned);
    const files = writeExports(e);
    const rules = files.find((f) => f.endsWith("security-group-rules.json")) as string;
    const all = e.rules.SecurityGroupRules;
    const dir = tempDir();
    const first = path.join(dir, "rules-page-1.json");
    const second = path.join(dir, "rules-page-2.json");
    fs.writeFileSync(first, JSON.stringify({ SecurityGroupRules: all.slice(0, 10), NextToken: "eyJOZXh0VG9rZW4iOiBudWxsfQ==" }));
    fs.writeFileSync(second, JSON.stringify({ SecurityGroupRules: all.slice(10) }));
    const others = files.filter((f) => f !== rules);
    expect(live(args([...others, second, first])).status).toBe(0);
    const alone = live(args([...others, first]));
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain(`${first} has "NextToken": the answer of aws ec2 describe-security-group-rules continues beyond it`);
  });

  test("GIVEN a rule referencing a prefix list whose entries were not exported WHEN live THEN exit 2 saying which command saves them", () => {
    const files = writeExports(planned).filter((f) => !path.basename(f).startsWith("prefix-list-entries-"));
    const result = live(args(files));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/admits from prefix list (pl-[0-9a-f]+), whose entries no file holds: save them with aws ec2 get-managed-prefix-list-entries --prefix-list-id \1/);
  });

  test("GIVEN the same exports in another order WHEN live --format json THEN the same bytes, listing every target", () => {
    const files = writeExports(planned);
    const a = live(args(files, "--format", "json"));
    const b = live(args([...files].reverse(), "--format", "json"));
    expect(a.stdout).toBe(b.stdout);
    const document = JSON.parse(a.stdout);
    expect(document.exact).toBe(true);
    expect(document.targets.map((t: { target: string }) => t.target)).toEqual(["mail-acl", "mail-nfw", "mail-prefix-lists", "mail-split"]);
  });
});

describe("mailgate live: commands and the command line", () => {
  test("GIVEN the config WHEN live --commands THEN read-only AWS CLI commands per region name the ACL, the rule group and the VPC", () => {
    const result = live(["--config", synth.config, "--out", synth.out, "--commands"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("aws ec2 describe-network-acls --region eu-west-1 --output json --network-acl-ids acl-0a1b2c3d4e5f67890 > network-acls-eu-west-1.json");
    expect(result.stdout).toContain("aws network-firewall describe-rule-group --region eu-west-1 --output json --type STATEFUL --rule-group-name hubspot-mail-ingress");
    expect(result.stdout).toContain("aws ec2 describe-security-groups --region us-east-1 --output json --filters Name=vpc-id,Values=vpc-0a1b2c3d4e5f67890");
    // Nothing that writes: every AWS command is a describe or a get.
    const verbs = [...result.stdout.matchAll(/aws (?:ec2|network-firewall) ([a-z-]+)/g)].map((m) => m[1]);
    expect(verbs.length).toBeGreaterThan(4);
    expect(verbs.every((v) => v.startsWith("describe-") || v.startsWith("get-"))).toBe(true);
  });

  test("GIVEN the mailgate CLI WHEN live is run through main THEN it dispatches: exit 0 on the planned exports", async () => {
    const result = await cliAsync(["live", ...args(writeExports(planned))]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("every port admits exactly HubSpot's lists");
  });

  test("GIVEN no files WHEN live THEN a usage error (exit 2)", () => {
    const result = live(["--config", synth.config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("live needs the AWS CLI exports");
  });
});

describe("mailgate live: the audit report's section", () => {
  test("GIVEN exports equal to the plan WHEN live --format markdown THEN the audit report synth wrote, byte for byte, then a live section with every target exact: exit 0", () => {
    const result = live(args(writeExports(planned), "--format", "markdown"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const written = fs.readFileSync(path.join(synth.out, "firewall-rules.md"), "utf8");
    expect(result.stdout.startsWith(`${written}\n## What is live in AWS\n`)).toBe(true);
    const section = result.stdout.slice(written.length);
    expect(section).toContain("Result: 4 AWS targets, 4 exact; 0 exposure, 0 missing, 0 drift. Every port admits exactly HubSpot's lists.");
    expect(section.match(/^### /gm)).toHaveLength(4);
    expect(section).toMatch(/^\| tcp\/993 \| 264 \| 264 \| exact \| `sgr-[0-9a-f]+` /m);
    expect(section).not.toContain("differs");
  });

  test("GIVEN an extra 0.0.0.0/0 tcp/993 rule WHEN live --format markdown THEN exit 1: the port's row differs and names the rule, and the exposure is listed under its target", () => {
    const e = copy(planned);
    e.rules.SecurityGroupRules.push(rule({ GroupId: groupOf(e, "hubspot-mail-split"), IpProtocol: "tcp", FromPort: 993, ToPort: 993, CidrIpv4: "0.0.0.0/0" }));
    const result = live(args(writeExports(e), "--format", "markdown"));
    expect(result.status).toBe(1);
    const section = result.stdout.slice(result.stdout.indexOf("## What is live in AWS"));
    expect(section).toContain("Result: 4 AWS targets, 3 exact; 1 exposure, 0 missing, 0 drift. AWS differs from the config.");
    const split = section.slice(section.indexOf("### mail-split"), section.indexOf("\n### ", section.indexOf("### mail-split") + 1));
    expect(split).toMatch(/^\| tcp\/993 \| 264 \| 4294967296 \| differs \| .*`sgr-0ffffffffffffffff` tcp\/993 from 0\.0\.0\.0\/0 \(exposure\)/m);
    expect(split).toMatch(/^- \*\*exposure\*\*: sgr-0ffffffffffffffff in sg-[0-9a-f]+ admits tcp\/993 from 0\.0\.0\.0\/0/m);
  });
});
