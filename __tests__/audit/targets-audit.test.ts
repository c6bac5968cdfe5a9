import { describe, expect, test } from "vitest";
import { Testing, type App, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Ec2ManagedPrefixList } from "@cdktf/provider-aws/lib/ec2-managed-prefix-list";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { NetworkfirewallRuleGroup } from "@cdktf/provider-aws/lib/networkfirewall-rule-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { CoverageError, describeCoverage, describeReturnCoverage, EmittedRuleError } from "../../lib/audit/coverage";
import { diffConfigs } from "../../lib/diff";
import { buildReport, type AwsReportRule } from "../../lib/audit/report";
import { renderReportCsv, renderReportMarkdown } from "../../lib/artifacts/report-files";
import { readWrittenStacks } from "../../lib/verify/terraform-json";
import { expectationOf, verifyTerraform } from "../../lib/verify/verify-terraform";
import { networkAclReturnResourceName } from "../../lib/terraform/names";
import { targetConstruct } from "../../lib/aws/region-stack";
import { addStacks } from "../../lib/aws/stacks";
import type { Config } from "../../lib/model/config";
import { buildPolicy, type FirewallPolicy } from "../../lib/policy/firewall-policy";
import { renderArtifacts } from "../../lib/pipeline";
import { config, createdGroup, exchangeDomain, imapDomain, networkAcl, networkFirewall } from "../support/configs";
import type { TfJson } from "../support/tf-reader";

const ALL_TYPES = config(
  [imapDomain("example.com", ["pl", "acl", "nfw", "split"]), exchangeDomain("corp.example.org", ["pl", "nfw", "split"])],
  [
    createdGroup("pl", "us-east-1", "hubspot-pl", { sources: "prefix-lists" }),
    createdGroup("split", "us-east-1", "hubspot-split", { maxRules: 12 }),
    networkAcl("acl", { region: "eu-west-1" }),
    networkFirewall("nfw", { region: "eu-west-1", destinations: ["10.0.1.25/32", "10.0.2.0/28"] }),
  ],
);

function synth(cfg: Config): Record<string, TfJson> {
  const app = Testing.app();
  return Object.fromEntries(addStacks(app, buildPolicy(cfg)).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson]));
}

describe("the audit report covers every target type", () => {
  const report = buildReport(ALL_TYPES, buildPolicy(ALL_TYPES));
  const stacks = synth(ALL_TYPES);

  test("every Terraform rule resource has exactly one row, and every Network Firewall stateful rule one row with its sid", () => {
    const resources = new Map<string, Record<string, unknown>>();
    for (const tf of Object.values(stacks)) {
      for (const type of ["aws_vpc_security_group_ingress_rule", "aws_network_acl_rule"]) {
        for (const [name, r] of Object.entries(tf.resource?.[type] ?? {})) resources.set(`${type}.${name}`, r);
      }
    }
    const ruleRows = (report.rules as AwsReportRule[]).filter((r) => r.type !== "aws-network-firewall");
    expect(ruleRows.map((r) => r.terraformAddress).sort()).toEqual([...resources.keys()].sort());
    for (const row of ruleRows.filter((r) => r.type === "aws-network-acl")) {
      const tf = resources.get(row.terraformAddress)!;
      expect([tf.cidr_block, tf.rule_number, tf.egress, tf.from_port, tf.to_port]).toEqual([row.cidr, row.ruleNumber, row.direction === "egress", row.fromPort, row.toPort]);
    }
    const group = stacks["mailgate-eu-west-1"].resource?.aws_networkfirewall_rule_group?.["nfw_rule_group"] as {
      rule_group: { rules_source: { stateful_rule: { header: Record<string, string>; rule_option: { settings: string[] }[] }[] } };
    };
    const tfRules = group.rule_group.rules_source.stateful_rule.map((r) => `${r.rule_option[0].settings[0]} ${r.header.destination} ${r.header.destination_port} ${r.header.source}`);
    const rows = (report.rules as AwsReportRule[]).filter((r) => r.type === "aws-network-firewall");
    expect(rows.map((r) => `${r.sid} ${r.destination} ${r.fromPort} ${r.cidr}`).sort()).toEqual([...tfRules].sort());
    expect(new Set(rows.map((r) => r.terraformAddress))).toEqual(new Set(["aws_networkfirewall_rule_group.nfw_rule_group"]));
  });

  test("prefix-list rows name the list and its entries, as synthesized", () => {
    const row = report.rules.find((r) => r.target === "pl" && r.fromPort === 993)!;
    expect(row).toMatchObject({ cidr: null, terraformAddress: "aws_vpc_security_group_ingress_rule.pl_tcp993_pl-imap-ipv4", securityGroup: "hubspot-pl" });
    const pl = stacks["mailgate-us-east-1"].resource?.aws_ec2_managed_prefix_list?.["hubspot_imap_ipv4"] as { entry: { cidr: string }[]; max_entries: number };
    expect(row.prefixList).toEqual({
      name: "mailgate-hubspot-imap-ipv4",
      terraformAddress: "aws_ec2_managed_prefix_list.hubspot_imap_ipv4",
      maxEntries: pl.max_entries,
      entries: pl.entry.map((e) => e.cidr),
    });
    expect(report.prefixLists.map((p) => `${p.stack} ${p.name} ${p.maxEntries}`)).toEqual([
      "mailgate-us-east-1 mailgate-hubspot-imap-smtp-ipv4 10",
      "mailgate-us-east-1 mailgate-hubspot-imap-ipv4 10",
      "mailgate-us-east-1 mailgate-hubspot-smtp-ipv4 10",
    ]);
  });

  test("the proof covers prefix lists (expanded), ACL return traffic, and each Network Firewall destination", () => {
    expect(report.coverage.filter((c) => c.target === "pl").map(describeCoverage)).toEqual([
      "tcp/443: 272 addresses required, 272 opened, exact (6 rules, minimal)",
      "tcp/587: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)",
    ]);
    expect(report.returnTraffic.map(describeReturnCoverage)).toEqual(["return traffic tcp/1024-65535: 272 addresses required, 272 opened, exact (6 rules, minimal)"]);
    expect(report.coverage.filter((c) => c.target === "nfw").map((c) => `${c.destination} ${c.port} ${c.exact}`)).toEqual([
      "10.0.1.25/32 443 true",
      "10.0.1.25/32 587 true",
      "10.0.1.25/32 993 true",
      "10.0.2.0/28 443 true",
      "10.0.2.0/28 587 true",
      "10.0.2.0/28 993 true",
    ]);
  });

  test("targets describe their type: split groups with their weights, the ACL's numbers and counts, the rule group's capacity", () => {
    expect(report.targets.map((t) => t.type)).toEqual(["aws-network-acl", "aws-network-firewall", "aws-security-group", "aws-security-group"]);
    const split = report.targets.find((t) => t.target === "split");
    expect(split?.type === "aws-security-group" && split.groups.map((g) => [g.group, g.terraformAddress, g.weight.ipv4])).toEqual([
      ["hubspot-split", "aws_security_group.split_group", 12],
      ["hubspot-split-2", "aws_security_group.split_group_2", 6],
    ]);
    const acl = report.targets.find((t) => t.target === "acl");
    expect(acl?.type === "aws-network-acl" && acl.networkAcl).toEqual({
      id: "acl-0a1b2c3d4e5f67890",
      ruleNumbers: { from: 100, to: 199 },
      maxRules: 20,
      usableRules: 19,
      inbound: { ipv4: 12, ipv6: 0 },
      outbound: { ipv4: 6, ipv6: 0 },
    });
    const nfw = report.targets.find((t) => t.target === "nfw");
    expect(nfw?.type === "aws-network-firewall" && [nfw.networkFirewall.capacity, nfw.networkFirewall.capacitySource, nfw.rules]).toEqual([80, "computed", 36]);
  });

  test("Markdown and CSV carry the type-specific columns", () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain("- Security groups: created by mailgate in `vpc-0a1b2c3d4e5f67890`, split into 2 to stay within 12 rules per family; attach all of them:");
    expect(md).toMatch(/\| inbound \| \d+ \| tcp\/993 \| 143\.244\.87\.0\/25 \| IMAP \| `aws_network_acl_rule\.acl_in_tcp993_143-244-87-0-25` \|/);
    expect(md).toMatch(/\| outbound \(return\) \| \d+ \| tcp\/1024-65535 \| 143\.244\.82\.8\/29 \| IMAP \+ SMTP \| `aws_network_acl_rule\.acl_out_/);
    expect(md).toMatch(/\| \d{7} \| 10\.0\.2\.0\/28 \| tcp\/443 \| 54\.174\.62\.192\/29 \| IMAP \+ SMTP \|$/m);
    expect(md).toContain("| tcp/993 | prefix list `mailgate-hubspot-imap-ipv4` (6 entries, max 10) | IMAP | `aws_vpc_security_group_ingress_rule.pl_tcp993_pl-imap-ipv4` |");
    expect(md).toContain("- return traffic tcp/1024-65535: 272 addresses required, 272 opened, exact (6 rules, minimal)");
    const csv = renderReportCsv(report).split("\n");
    expect(csv.find((l) => l.startsWith("acl,") && l.includes(",egress,"))).toMatch(/,1024,65535,.*,egress,,,\d+,,,,,$/);
    expect(csv.find((l) => l.startsWith("nfw,"))).toMatch(/,ingress,,,,10\.0\.1\.25\/32,\d{7},,,$/);
    expect(csv.find((l) => l.startsWith("pl,"))).toMatch(/,443,443,,imap smtp,.*,ingress,hubspot-pl,mailgate-hubspot-imap-smtp-ipv4,,,,,,$/);
  });
});

describe("the proof refuses plans that do not admit exactly what is required", () => {
  const honest = buildPolicy(ALL_TYPES);
  const tamper = (change: (p: FirewallPolicy) => FirewallPolicy) => () => renderArtifacts(ALL_TYPES, change(honest));

  test("GIVEN an ACL plan missing a return rule WHEN rendered THEN the return-traffic proof throws", () => {
    const run = tamper((p) => ({ ...p, targets: p.targets.map((t) => (t.type === "aws-network-acl" ? { ...t, outbound: t.outbound.slice(1) } : t)) }));
    expect(run).toThrow(CoverageError);
    expect(run).toThrow("the generated return-traffic rules for target acl reach 208 addresses but the target lets in 272: missing 54.174.62.128-54.174.62.191 (64 addresses), extra none");
  });

  test("GIVEN a prefix list whose entries lost a block WHEN rendered THEN every port referencing it fails", () => {
    const run = tamper((p) => ({
      ...p,
      targets: p.targets.map((t) =>
        t.type !== "aws-security-group"
          ? t
          : { ...t, groups: t.groups.map((g) => ({ ...g, ingress: g.ingress.map((r) => ("prefixList" in r.content ? { ...r, content: { ...r.content, prefixList: { ...r.content.prefixList, entries: r.content.prefixList.entries.slice(1) } } } : r)) })) },
      ),
    }));
    expect(run).toThrow(/target pl port 443 open 208 addresses .* missing 54\.174\.62\.128-54\.174\.62\.191/);
  });

  test("GIVEN a Network Firewall plan missing a destination's rules WHEN rendered THEN that destination fails", () => {
    const run = tamper((p) => ({
      ...p,
      targets: p.targets.map((t) => (t.type === "aws-network-firewall" ? { ...t, plannedRules: t.plannedRules.filter((r) => !(r.destination.toString() === "10.0.2.0/28" && r.content.port === 587)) } : t)),
    }));
    expect(run).toThrow("the generated rules for target nfw port 587 to 10.0.2.0/28 open 0 addresses but HubSpot's lists require 264");
  });
});

/** What synth does after cdktf writes: the app synthesized to its outdir, the JSON read back and verified. */
function verifyEmittedRules(app: App, config: Config) {
  app.synth();
  return verifyTerraform(readWrittenStacks(app.outdir), expectationOf(config));
}

describe("verification of the written Terraform JSON, per target type", () => {
  function built() {
    const app = Testing.app();
    const stacks = new Map(addStacks(app, buildPolicy(ALL_TYPES)).map((s) => [s.node.id, s as TerraformStack]));
    const west = stacks.get("mailgate-eu-west-1")!;
    const east = stacks.get("mailgate-us-east-1")!;
    return { app, west, east, acl: targetConstruct(west, "acl"), nfw: targetConstruct(west, "nfw") };
  }

  test("GIVEN the app as built WHEN verified THEN every target type is proven exact", () => {
    const { app } = built();
    // pl and split: 3 ports each; acl: 2 ports; nfw: 3 ports x 2 destinations.
    expect(verifyEmittedRules(app, ALL_TYPES).filter((c) => c.exact)).toHaveLength(3 + 3 + 2 + 6);
  });

  const aclRule = (scope: Construct, id: string, props: Partial<ConstructorParameters<typeof NetworkAclRule>[2]> = {}) =>
    new NetworkAclRule(scope, id, {
      networkAclId: "acl-0a1b2c3d4e5f67890",
      ruleNumber: 100,
      egress: false,
      protocol: "6",
      ruleAction: "allow",
      fromPort: 993,
      toPort: 993,
      cidrBlock: "143.244.87.0/25",
      ...props,
    });

  test.each([
    ["a rule number outside the range", { ruleNumber: 200 }, "has rule number 200, outside target acl's 100-199"],
    ["a deny rule", { ruleAction: "deny", ruleNumber: 198, egress: true, fromPort: 1024, toPort: 65535 }, "has action deny, not allow"],
    ["all protocols", { protocol: "-1", ruleNumber: 198 }, "opens protocol -1, not TCP (6)"],
    ["another ACL", { networkAclId: "acl-0fffffff" }, "is in network ACL acl-0fffffff, which no network ACL target of the config names"],
  ])("GIVEN an ACL rule with %s WHEN verified THEN an EmittedRuleError says so", (_, props, problem) => {
    const { app, acl } = built();
    aclRule(acl, "odd", props);
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(EmittedRuleError);
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(`the emitted resource mailgate-eu-west-1/firewalls/acl/odd ${problem}`);
  });

  test("GIVEN two ACL rules with one number in one direction WHEN verified THEN the second is refused", () => {
    const { app, acl, west } = built();
    const taken = (west.node.findAll().find((c) => c instanceof NetworkAclRule && c.egressInput === false) as NetworkAclRule).ruleNumberInput;
    aclRule(acl, "twin", { ruleNumber: taken });
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(`has inbound rule number ${taken}, which`);
  });

  test("GIVEN an ACL whose return rule is gone WHEN verified THEN the return-traffic proof fails", () => {
    const { app, acl } = built();
    expect(acl.node.tryRemoveChild(networkAclReturnResourceName("acl", "143.244.87.0/25"))).toBe(true);
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(/return-traffic rules for target acl reach 144 addresses but the target lets in 272: missing 143\.244\.87\.0-143\.244\.87\.127/);
  });

  test("GIVEN a rule group with a repeated sid, a capacity too small or a stranger destination WHEN verified THEN each is refused", () => {
    const rule = (sid: string, destination = "10.0.1.25/32") => ({
      action: "PASS",
      header: { protocol: "TCP", source: "143.244.87.0/25", sourcePort: "ANY", destination, destinationPort: "993", direction: "FORWARD" },
      ruleOption: [{ keyword: "sid", settings: [sid] }],
    });
    const { app, nfw } = built();
    new NetworkfirewallRuleGroup(nfw, "extra", {
      name: "hubspot-nfw",
      type: "STATEFUL",
      capacity: 2,
      ruleGroup: { statefulRuleOptions: { ruleOrder: "STRICT_ORDER" }, rulesSource: { statefulRule: [rule("7"), rule("7"), rule("8", "10.9.9.9/32")] } },
      tags: { MailgateTarget: "nfw" },
    });
    const message = (() => {
      try {
        verifyEmittedRules(app, ALL_TYPES);
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain("mailgate-eu-west-1/firewalls/nfw/extra has capacity 2 for 3 stateful rules");
    expect(message).toContain("mailgate-eu-west-1/firewalls/nfw/extra has stateful rule 2 that repeats sid 7");
    expect(message).toContain("mailgate-eu-west-1/firewalls/nfw/extra has stateful rule 3 that goes to 10.9.9.9/32, which is not a destination of target nfw");
  });

  test("GIVEN an extra entry in a prefix list WHEN verified THEN every port referencing it admits too much", () => {
    const { app, east } = built();
    const list = east.node.findAll().find((c) => c instanceof Ec2ManagedPrefixList && c.nameInput === "mailgate-hubspot-imap-ipv4") as Ec2ManagedPrefixList;
    list.putEntry([...(list.entryInput as { cidr: string }[]), { cidr: "44.10.0.0/24" }]);
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(/target pl port 993 open 520 addresses .* extra 44\.10\.0\.0-44\.10\.0\.255/);
  });

  test("GIVEN a rule slipped into a full split group WHEN verified THEN the group's quota is refused", () => {
    const { app, east } = built();
    const split = targetConstruct(east, "split");
    const rule = east.node.findAll().find((c) => c instanceof VpcSecurityGroupIngressRule && c.tagsInput?.MailgateTarget === "split") as VpcSecurityGroupIngressRule;
    new VpcSecurityGroupIngressRule(split, "thirteenth", {
      securityGroupId: rule.securityGroupIdInput!,
      ipProtocol: "tcp",
      fromPort: rule.fromPortInput!,
      toPort: rule.fromPortInput!,
      cidrIpv4: rule.cidrIpv4Input,
      tags: { MailgateTarget: "split" },
    });
    expect(() => verifyEmittedRules(app, ALL_TYPES)).toThrow(/weigh 13 IPv4 rules, over its quota of 12/);
  });
});

describe("diff across target types", () => {
  test("GIVEN a lower port added to a split group WHEN diffed THEN the port that moves to the next group is shown as replaced", () => {
    const before = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1", "hubspot-mail", { maxRules: 12 })]);
    const after = config([imapDomain("example.com", ["mail"]), imapDomain("example.net", ["mail"], { imap: 465, smtp: 465 })], [createdGroup("mail", "us-east-1", "hubspot-mail", { maxRules: 12 })]);
    const text = diffConfigs({ label: "base", config: before }, { label: "head", config: after });
    expect(text).toContain("Firewall rules: 6 added, 0 removed, 6 changed on 1 target.");
    expect(text).toContain("| tcp/993 | 143.244.87.0/25 | moves from group hubspot-mail to hubspot-mail-2 (replaced) |");
    expect(text).toContain("Security group: created by mailgate, `hubspot-mail` in `vpc-0a1b2c3d4e5f67890` → created by mailgate, `hubspot-mail` in `vpc-0a1b2c3d4e5f67890` (2 groups: `hubspot-mail`, `hubspot-mail-2`).");
  });

  test("GIVEN a network ACL and a rule group WHEN a domain is added THEN the diff lists the new rules with their numbers and destinations", () => {
    const targets = [networkAcl("acl"), networkFirewall("nfw")];
    const before = config([imapDomain("example.com", ["acl", "nfw"])], targets);
    const after = config([imapDomain("example.com", ["acl", "nfw"]), exchangeDomain("corp.example.org", ["acl", "nfw"])], targets);
    const text = diffConfigs({ label: "base", config: before }, { label: "head", config: after });
    expect(text).toMatch(/\| tcp\/443 \| 143\.244\.87\.0\/25 \(rule \d+\) \| IMAP \+ SMTP \|$/m);
    expect(text).toMatch(/\| tcp\/443 \| 143\.244\.87\.0\/25 to 10\.0\.1\.25\/32 \(sid \d+\) \| IMAP \+ SMTP \|$/m);
    expect(text).toContain("- tcp/443 SMTP: domains added corp.example.org; servers added mail.corp.example.org:443");
    expect(text).toContain("Addresses HubSpot may connect from: tcp/443 to 10.0.1.25/32 0 → 272.");
  });
});
