import { Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { targetConstruct } from "../../lib/aws/region-stack";
import { addStacks } from "../../lib/aws/stacks";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { NO_PLACEMENTS, placementsOf, type Placements } from "../../lib/policy/placements";
import { config, createdGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";

interface TfJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
}

function synth(cfg: ReturnType<typeof config>, placements: Placements = NO_PLACEMENTS): Record<string, TfJson> {
  const app = Testing.app();
  const stacks = addStacks(app, buildPolicy(cfg, placements));
  return Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson]));
}

describe("construct ids: no valid firewall name collides with a stack's own children", () => {
  // `aws` is the provider's id, `backend` cdktf's own for the backend, `hubspot-prefix-lists` the
  // prefix lists'; before targets had a scope of their own, each of these names made synth exit 70.
  const names = ["aws", "backend", "hubspot-prefix-lists", "firewalls"];
  const cfg = config(
    [imapDomain("example.com", names)],
    [
      createdGroup("aws", "us-east-1", "mail-aws"),
      networkAcl("backend"),
      createdGroup("hubspot-prefix-lists", "us-east-1", "mail-pl", { sources: "prefix-lists" }),
      networkFirewall("firewalls"),
    ],
  );

  test("GIVEN targets named aws, backend, hubspot-prefix-lists and firewalls WHEN synthesized THEN each has its resources, named as always", () => {
    const json = synth(cfg)["mailgate-us-east-1"];
    const addresses = Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    expect(addresses).toEqual(
      expect.arrayContaining([
        "aws_security_group.aws_group",
        "aws_vpc_security_group_ingress_rule.aws_tcp993_143-244-87-0-25",
        "aws_network_acl_rule.backend_in_tcp993_143-244-87-0-25",
        "aws_security_group.hubspot-prefix-lists_group",
        "aws_vpc_security_group_ingress_rule.hubspot-prefix-lists_tcp993_pl-imap-ipv4",
        "aws_ec2_managed_prefix_list.hubspot_imap_ipv4",
        "aws_networkfirewall_rule_group.firewalls_rule_group",
      ]),
    );
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining(["aws_security_group_id", "backend_network_acl_id", "hubspot-prefix-lists_security_group_ids", "firewalls_rule_group_arn", "hubspot_imap_ipv4_prefix_list_id"]),
    );
  });

  test("GIVEN any target WHEN synthesized THEN only its construct path (cdk.tf.json's metadata) names the scope: `<stack>/firewalls/<target>/...`", () => {
    const app = Testing.app();
    const [stack] = addStacks(app, buildPolicy(cfg));
    expect(targetConstruct(stack, "aws").node.path).toBe("mailgate-us-east-1/firewalls/aws");
    expect(stack.node.children.map((c) => c.node.id).sort()).toEqual(["aws", "backend", "firewalls", "hubspot-prefix-lists"]);
    expect(
      targetConstruct(stack, "firewalls")
        .node.children.map((c) => c.node.id)
        .sort(),
    ).toEqual(["rule-group", "rule-group-arn"]);
  });
});

describe("a Network Firewall rule group's rule order", () => {
  const order = (json: Record<string, TfJson>) =>
    (json["mailgate-us-east-1"].resource?.aws_networkfirewall_rule_group?.nfw_rule_group?.rule_group as { stateful_rule_options: { rule_order: string } }).stateful_rule_options.rule_order;
  const cfg = config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw")]);

  test("GIVEN a new group WHEN synthesized THEN DEFAULT_ACTION_ORDER, what AWS defaults firewall policies to", () => {
    expect(order(synth(cfg))).toBe("DEFAULT_ACTION_ORDER");
  });

  test("GIVEN `ruleOrder: STRICT_ORDER` WHEN synthesized THEN STRICT_ORDER", () => {
    expect(order(synth(config([imapDomain("example.com", ["nfw"])], [{ ...networkFirewall("nfw"), ruleOrder: "STRICT_ORDER" }])))).toBe("STRICT_ORDER");
  });

  test("GIVEN a group an older version placed (sids, no order) WHEN synthesized THEN it stays STRICT_ORDER", () => {
    const placed = placementsOf(buildPolicy(cfg), NO_PLACEMENTS);
    const older = new Map([...placed.targets].map(([name, t]) => [name, { stack: t.stack, ...(t.sids ? { sids: t.sids } : {}) }]));
    expect(order(synth(cfg, { ...placed, targets: older }))).toBe("STRICT_ORDER");
  });
});
