import { describe, expect, test } from "vitest";
import { App } from "cdktf";
import { CoverageError, describeCoverage, EmittedRuleError } from "../../lib/audit/coverage";
import { addStacks } from "../../lib/aws/stacks";
import { networkAclReturnResourceName } from "../../lib/terraform/names";
import type { Config } from "../../lib/model/config";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { readWrittenStacks, type WrittenStack } from "../../lib/verify/terraform-json";
import { expectationOf, verifyTerraform } from "../../lib/verify/verify-terraform";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";
import { tempDir } from "../support/run";

// The verifier main.ts runs on the JSON cdktf wrote to the staging directory: every test here
// synthesizes real stacks to disk, reads them back as main.ts does, and breaks the JSON the way a
// bug in the constructs (or in cdktf) would.

const cfg = config(
  [imapDomain("example.com", ["mail"]), imapDomain("example.net", ["mail"], { smtp: 465 }), exchangeDomain("corp.example.org", ["dmz"])],
  [createdGroup("mail", "us-east-1"), existingGroup("dmz", "eu-central-1")],
);

const EAST = "mailgate-us-east-1";
const WEST = "mailgate-eu-central-1";
const RULE = "aws_vpc_security_group_ingress_rule";

/** The stacks as main.ts verifies them: written by cdktf to a directory, read back from there. */
function written(c: Config = cfg, policy = buildPolicy(c)): WrittenStack[] {
  const outdir = tempDir("mailgate-verify-");
  const app = new App({ outdir });
  addStacks(app, policy);
  app.synth();
  return readWrittenStacks(outdir);
}

type Body = Record<string, unknown>;

/** A stack's resources of one type, to break in place. */
function resources(stacks: readonly WrittenStack[], stack: string, type: string): Record<string, Body> {
  const json = stacks.find((s) => s.name === stack)?.json as { resource: Record<string, Record<string, Body>> } | undefined;
  if (!json) throw new Error(`no stack ${stack}`);
  json.resource[type] ??= {};
  return json.resource[type];
}

/** An ingress rule that passes every structural check for target `mail` unless `props` say otherwise. */
function mailRule(props: Body = {}): Body {
  return {
    security_group_id: "${aws_security_group.mail_group.id}",
    ip_protocol: "tcp",
    from_port: 993,
    to_port: 993,
    cidr_ipv4: "141.193.186.0/27",
    tags: { MailgateTarget: "mail" },
    ...props,
  };
}

const verify = (stacks: readonly WrittenStack[], c: Config = cfg) => verifyTerraform(stacks, expectationOf(c));

/** The verifier's message, or "" when it passes. */
function failure(stacks: readonly WrittenStack[], c: Config = cfg): string {
  try {
    verify(stacks, c);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("the verifier over the written Terraform JSON", () => {
  test("GIVEN the stacks as written WHEN read back THEN both stacks are found and every port is proven exact", () => {
    const stacks = written();
    expect(stacks.map((s) => `${s.name} ${s.folder}`)).toEqual([`${WEST} stacks/${WEST}`, `${EAST} stacks/${EAST}`]);
    expect(Object.keys(resources(stacks, EAST, RULE))).toHaveLength(18);
    expect(verify(stacks).map((c) => `${c.target} ${describeCoverage(c)}`)).toEqual([
      "dmz tcp/443: 272 addresses required, 272 opened, exact (6 rules, minimal)",
      "mail tcp/465: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "mail tcp/587: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "mail tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)",
    ]);
  });

  test("GIVEN an extra CIDR slipped into a target WHEN verified THEN a CoverageError names the extra addresses", () => {
    const stacks = written();
    resources(stacks, EAST, RULE).sneaky = mailRule();
    expect(() => verify(stacks)).toThrow(CoverageError);
    expect(failure(stacks)).toBe(
      "the generated rules for target mail port 993 open 296 addresses but HubSpot's lists require 264: missing none, extra 141.193.186.0-141.193.186.31 (32 addresses)",
    );
  });

  test("GIVEN a rule missing from the JSON WHEN verified THEN a CoverageError names the missing addresses", () => {
    const stacks = written();
    const rules = resources(stacks, EAST, RULE);
    expect(rules["mail_tcp465_143-244-87-0-25"]).toBeDefined();
    delete rules["mail_tcp465_143-244-87-0-25"];
    expect(failure(stacks)).toMatch(/^the generated rules for target mail port 465 open 136 addresses .* missing 143\.244\.87\.0-143\.244\.87\.127/);
  });

  test("GIVEN a rule on the wrong port WHEN verified THEN the port it left misses its addresses and the port it took has extra", () => {
    const stacks = written();
    const rule = resources(stacks, EAST, RULE)["mail_tcp993_143-244-87-0-25"];
    Object.assign(rule, { from_port: 994, to_port: 994 });
    const message = failure(stacks);
    expect(message).toMatch(/target mail port 993 open 136 addresses .* missing 143\.244\.87\.0-143\.244\.87\.127/);
    expect(message).toMatch(/target mail port 994 open 128 addresses .* extra 143\.244\.87\.0-143\.244\.87\.127/);
  });

  test("GIVEN an all-traffic rule (protocol -1, no ports) WHEN verified THEN both are refused", () => {
    const stacks = written();
    resources(stacks, EAST, RULE).open = mailRule({ ip_protocol: "-1", from_port: undefined, to_port: undefined });
    const message = failure(stacks);
    expect(message).toContain(`the emitted resource ${EAST}/${RULE}.open opens protocol -1, not tcp`);
    expect(message).toContain(`the emitted resource ${EAST}/${RULE}.open has no port`);
  });

  test.each([
    ["no target tag", { tags: {} }, "has no MailgateTarget tag"],
    ["an unknown target", { tags: { MailgateTarget: "nobody" } }, "is tagged for target nobody, which the config does not define"],
    ["a port range", { from_port: 0, to_port: 65535 }, "opens ports 0-65535, not a single port"],
    ["a port written as text", { from_port: "993", to_port: "993" }, "has no port"],
    ["udp", { ip_protocol: "udp" }, "opens protocol udp, not tcp"],
    ["a non-canonical CIDR", { cidr_ipv4: "141.193.184.1/27" }, 'has CIDR "141.193.184.1/27", which is not canonical'],
    ["an IPv6 CIDR in the IPv4 field", { cidr_ipv4: "2600:1f18::/32" }, "has an IPv6 CIDR 2600:1f18::/32 in the wrong field"],
    ["two CIDRs", { cidr_ipv6: "2600:1f18::/32" }, "must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id"],
    ["a CIDR and a prefix list", { prefix_list_id: "pl-123" }, "must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id"],
    ["someone else's prefix list", { cidr_ipv4: undefined, prefix_list_id: "pl-123" }, "references prefix list pl-123, which is not one mailgate creates in this stack"],
    ["another group as source", { cidr_ipv4: undefined, referenced_security_group_id: "sg-0fffffffffffffff0" }, "admits sg-0fffffffffffffff0, which is not a CIDR"],
    ["another group", { security_group_id: "sg-0fffffffffffffff0" }, "is attached to security group sg-0fffffffffffffff0, not target mail's group"],
    ["the other target's group", { security_group_id: "sg-0a1b2c3d4e5f67890" }, "is attached to security group sg-0a1b2c3d4e5f67890, not target mail's group"],
    ["a group of this stack that is not mailgate's", { security_group_id: "${aws_security_group.other.id}" }, "is attached to security group ${aws_security_group.other.id}, not target mail's group"],
  ])("GIVEN a rule with %s WHEN verified THEN an EmittedRuleError says so", (_, props, problem) => {
    const stacks = written();
    resources(stacks, EAST, RULE).odd = mailRule(props);
    expect(() => verify(stacks)).toThrow(EmittedRuleError);
    expect(failure(stacks)).toBe(`the emitted resource ${EAST}/${RULE}.odd ${problem}`);
  });

  test("GIVEN a broken rule cdktf wrote with its metadata WHEN verified THEN the error names its construct path", () => {
    const stacks = written();
    resources(stacks, EAST, RULE)["mail_tcp993_143-244-87-0-25"].ip_protocol = "udp";
    expect(failure(stacks)).toBe(`the emitted resource ${EAST}/firewalls/mail/mail_tcp993_143-244-87-0-25 opens protocol udp, not tcp`);
  });

  test("GIVEN a target's rule in another region's stack WHEN verified THEN the region mismatch is named", () => {
    const stacks = written();
    // Same CIDR as a real dmz rule, in dmz's region: coverage alone would pass, and so does the rest.
    resources(stacks, WEST, RULE).twin = { ...resources(stacks, WEST, RULE)["dmz_tcp443_143-244-87-0-25"], "//": undefined };
    expect(failure(stacks)).toBe("");
    resources(stacks, WEST, RULE).far = mailRule();
    expect(failure(stacks)).toContain(`${WEST}/${RULE}.far is in a stack for region eu-central-1, but target mail is in us-east-1`);
  });

  test("GIVEN another kind of resource WHEN verified THEN it is refused", () => {
    const stacks = written();
    resources(stacks, EAST, "aws_security_group_rule").legacy = { type: "ingress", security_group_id: "sg-1", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/0"] };
    expect(failure(stacks)).toBe(`the emitted resource ${EAST}/aws_security_group_rule.legacy is an aws_security_group_rule, which mailgate never emits`);
  });

  test("GIVEN inline ingress on mailgate's group WHEN verified THEN it is refused", () => {
    const stacks = written();
    resources(stacks, EAST, "aws_security_group").mail_group.ingress = [{ from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"] }];
    expect(failure(stacks)).toBe(`the emitted resource ${EAST}/firewalls/mail/group has inline ingress rules, which mailgate never emits`);
  });

  test("GIVEN a stack whose provider is gone WHEN verified THEN its rules are in no region", () => {
    const stacks = written();
    (stacks.find((s) => s.name === EAST)?.json as { provider?: unknown }).provider = undefined;
    expect(failure(stacks)).toContain(`${EAST}/firewalls/mail/mail_tcp465_141-193-184-0-27 is in a stack for region (none), but target mail is in us-east-1`);
  });
});

// ---------------------------------------------------------------------------------------------
// Every kind of AWS target, broken in the JSON.

const ALL_TYPES = config(
  [imapDomain("example.com", ["pl", "acl", "nfw", "split"]), exchangeDomain("corp.example.org", ["pl", "nfw", "split"])],
  [
    createdGroup("pl", "us-east-1", "hubspot-pl", { sources: "prefix-lists" }),
    createdGroup("split", "us-east-1", "hubspot-split", { maxRules: 12 }),
    networkAcl("acl", { region: "eu-west-1" }),
    networkFirewall("nfw", { region: "eu-west-1", destinations: ["10.0.1.25/32", "10.0.2.0/28"] }),
  ],
);
const EU = "mailgate-eu-west-1";
const ACL_RULE = "aws_network_acl_rule";

describe("the verifier over the written Terraform JSON, per target type", () => {
  test("GIVEN every target type as written WHEN verified THEN each is proven exact", () => {
    // pl and split: 3 ports each; acl: 2 ports; nfw: 3 ports x 2 destinations.
    expect(verify(written(ALL_TYPES), ALL_TYPES).filter((c) => c.exact)).toHaveLength(3 + 3 + 2 + 6);
  });

  const aclRule = (props: Body = {}): Body => ({
    network_acl_id: "acl-0a1b2c3d4e5f67890",
    rule_number: 100,
    egress: false,
    protocol: "6",
    rule_action: "allow",
    from_port: 993,
    to_port: 993,
    cidr_block: "143.244.87.0/25",
    ...props,
  });

  test.each([
    ["a rule number outside the range", { rule_number: 200 }, "has rule number 200, outside target acl's 100-199"],
    ["a deny rule", { rule_action: "deny", rule_number: 198, egress: true, from_port: 1024, to_port: 65535 }, "has action deny, not allow"],
    ["all protocols", { protocol: "-1", rule_number: 198 }, "opens protocol -1, not TCP (6)"],
    ["another ACL", { network_acl_id: "acl-0fffffff" }, "is in network ACL acl-0fffffff, which no network ACL target of the config names"],
    ["no direction", { egress: undefined, rule_number: 198 }, "does not say its direction (egress)"],
    ["replies let out on every port", { egress: true, rule_number: 198, from_port: 0, to_port: 65535 }, "lets replies out on ports 0-65535, not 1024-65535"],
  ])("GIVEN an ACL rule with %s WHEN verified THEN an EmittedRuleError says so", (_, props, problem) => {
    const stacks = written(ALL_TYPES);
    resources(stacks, EU, ACL_RULE).odd = aclRule(props);
    expect(() => verify(stacks, ALL_TYPES)).toThrow(EmittedRuleError);
    expect(failure(stacks, ALL_TYPES)).toContain(`the emitted resource ${EU}/${ACL_RULE}.odd ${problem}`);
  });

  test("GIVEN two ACL rules with one number in one direction WHEN verified THEN the second is refused", () => {
    const stacks = written(ALL_TYPES);
    const taken = Object.values(resources(stacks, EU, ACL_RULE)).find((r) => r.egress === false)?.rule_number as number;
    resources(stacks, EU, ACL_RULE).twin = aclRule({ rule_number: taken });
    expect(failure(stacks, ALL_TYPES)).toMatch(new RegExp(`${ACL_RULE}\\.twin has inbound rule number ${taken}, which ${EU}/firewalls/acl/acl_in_\\S+ has too`));
  });

  test("GIVEN an ACL whose return rule is gone WHEN verified THEN the return-traffic proof fails", () => {
    const stacks = written(ALL_TYPES);
    const rules = resources(stacks, EU, ACL_RULE);
    const name = networkAclReturnResourceName("acl", "143.244.87.0/25");
    expect(rules[name]).toBeDefined();
    delete rules[name];
    expect(failure(stacks, ALL_TYPES)).toMatch(/return-traffic rules for target acl reach 144 addresses but the target lets in 272: missing 143\.244\.87\.0-143\.244\.87\.127/);
  });

  test("GIVEN a rule group with a repeated sid, a capacity too small, a stranger destination or a DROP WHEN verified THEN each is refused", () => {
    const rule = (sid: string, destination = "10.0.1.25/32", action = "PASS") => ({
      action,
      header: { protocol: "TCP", source: "143.244.87.0/25", source_port: "ANY", destination, destination_port: "993", direction: "FORWARD" },
      rule_option: [{ keyword: "sid", settings: [sid] }],
    });
    const stacks = written(ALL_TYPES);
    resources(stacks, EU, "aws_networkfirewall_rule_group").extra = {
      name: "hubspot-nfw",
      type: "STATEFUL",
      capacity: 3,
      rule_group: { stateful_rule_options: { rule_order: "STRICT_ORDER" }, rules_source: { stateful_rule: [rule("7"), rule("7"), rule("8", "10.9.9.9/32"), rule("9", "10.0.1.25/32", "DROP")] } },
      tags: { MailgateTarget: "nfw" },
    };
    const message = failure(stacks, ALL_TYPES);
    const at = `the emitted resource ${EU}/aws_networkfirewall_rule_group.extra`;
    expect(message).toContain(`${at} has capacity 3 for 4 stateful rules`);
    expect(message).toContain(`${at} has stateful rule 2 that repeats sid 7`);
    expect(message).toContain(`${at} has stateful rule 3 that goes to 10.9.9.9/32, which is not a destination of target nfw`);
    expect(message).toContain(`${at} has stateful rule 4 that has action DROP, not PASS`);
  });

  test("GIVEN a rule group's rule order changed WHEN the target asks for another THEN it is refused", () => {
    const asked = config(ALL_TYPES.domains as never, ALL_TYPES.firewalls.map((t) => (t.type === "aws-network-firewall" ? { ...t, ruleOrder: "DEFAULT_ACTION_ORDER" as const } : t)));
    const stacks = written(asked);
    expect(failure(stacks, asked)).toBe("");
    const group = resources(stacks, EU, "aws_networkfirewall_rule_group").nfw_rule_group as { rule_group: { stateful_rule_options: { rule_order: string } } };
    group.rule_group.stateful_rule_options.rule_order = "STRICT_ORDER";
    expect(failure(stacks, asked)).toBe(`the emitted resource ${EU}/firewalls/nfw/rule-group has rule order STRICT_ORDER, but target nfw asks for DEFAULT_ACTION_ORDER`);
  });

  test("GIVEN an extra entry in a prefix list WHEN verified THEN every port referencing it admits too much", () => {
    const stacks = written(ALL_TYPES);
    const list = resources(stacks, "mailgate-us-east-1", "aws_ec2_managed_prefix_list").hubspot_imap_ipv4 as { entry: { cidr: string }[] };
    list.entry.push({ cidr: "44.10.0.0/24" });
    expect(failure(stacks, ALL_TYPES)).toMatch(/target pl port 993 open 520 addresses .* extra 44\.10\.0\.0-44\.10\.0\.255/);
  });

  test("GIVEN a rule slipped into a full split group WHEN verified THEN the group's quota is refused", () => {
    const stacks = written(ALL_TYPES);
    const rules = resources(stacks, "mailgate-us-east-1", RULE);
    const [name, first] = Object.entries(rules).find(([, r]) => (r.tags as Record<string, string>).MailgateTarget === "split") ?? [];
    rules.thirteenth = { ...first, "//": undefined };
    expect(name).toBeDefined();
    expect(failure(stacks, ALL_TYPES)).toMatch(/security group mailgate-us-east-1 \$\{aws_security_group\.split_group(_2)?\.id\} weigh 13 IPv4 rules, over its quota of 12/);
  });
});
