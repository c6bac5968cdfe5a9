import { describe, expect, test } from "vitest";
import "../support/cdktf-matchers";
import { Testing } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { addStacks } from "../../lib/aws/stacks";
import { isAwsDescription } from "../../lib/terraform/text";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { Cidr } from "../../lib/model/cidr";
import type { Config } from "../../lib/model/config";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

interface SynthesizedStack {
  provider: { aws: { region: string }[] };
  resource: {
    aws_security_group?: Record<string, { name: string; vpc_id: string; description: string }>;
    aws_vpc_security_group_ingress_rule?: Record<
      string,
      { cidr_ipv4?: string; cidr_ipv6?: string; from_port: number; to_port: number; ip_protocol: string; description: string; security_group_id: string }
    >;
  };
  terraform: { backend: { local: { path: string } } };
  output: Record<string, { value: string }>;
}

function synthStacks(cfg: Config): Map<string, { json: string; parsed: SynthesizedStack }> {
  const app = Testing.app();
  const stacks = addStacks(app, buildPolicy(cfg));
  return new Map(
    stacks.map((stack) => {
      const json = Testing.synth(stack);
      return [stack.node.id, { json, parsed: JSON.parse(json) as SynthesizedStack }];
    }),
  );
}

function rules(stack: SynthesizedStack) {
  return Object.entries(stack.resource.aws_vpc_security_group_ingress_rule ?? {});
}

describe("security group stacks", () => {
  test("GIVEN one IMAP domain on a created group WHEN synthesized THEN the group and the 12 exact rules exist", () => {
    const stacks = synthStacks(config([imapDomain("example.com", ["mail"])], [createdGroup("mail")]));
    const { json, parsed } = stacks.get("mailgate-us-east-1")!;

    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "hubspot-mail", vpc_id: "vpc-0a1b2c3d4e5f67890" });
    expect(json).toHaveProviderWithProperties(AwsProvider, { region: "us-east-1" });
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      cidr_ipv4: "143.244.82.12/30",
      from_port: 587,
      to_port: 587,
      ip_protocol: "tcp",
      security_group_id: "${aws_security_group.mail_group.id}",
    });
    const byPort = new Map<number, string[]>();
    for (const [, rule] of rules(parsed)) byPort.set(rule.from_port, [...(byPort.get(rule.from_port) ?? []), rule.cidr_ipv4!]);
    expect(byPort.get(587)?.sort()).toEqual(
      ["141.193.184.0/27", "141.193.185.0/27", "143.244.82.12/30", "143.244.87.0/25", "54.174.62.128/26", "54.174.62.192/30"].sort(),
    );
    expect(byPort.get(993)?.sort()).toEqual(
      ["141.193.184.0/27", "141.193.185.0/27", "143.244.82.8/30", "143.244.87.0/25", "54.174.62.128/26", "54.174.62.196/30"].sort(),
    );
    expect([...byPort.keys()].sort()).toEqual([587, 993]);
  });

  test("GIVEN an existing group WHEN synthesized THEN no group is created and rules use the literal id", () => {
    const { json, parsed } = synthStacks(config([exchangeDomain("corp.example.org", ["dmz"])], [existingGroup("dmz")])).get(
      "mailgate-eu-central-1",
    )!;
    expect(json).not.toHaveResource(SecurityGroup);
    expect(rules(parsed).map(([, r]) => r.security_group_id)).toEqual(Array(6).fill("sg-0a1b2c3d4e5f67890"));
    expect(rules(parsed).every(([, r]) => r.from_port === 443 && r.to_port === 443)).toBe(true);
    expect(parsed.output.dmz_security_group_id.value).toBe("sg-0a1b2c3d4e5f67890");
  });

  test("GIVEN targets in two regions WHEN synthesized THEN one stack per region, each with its own provider region", () => {
    const stacks = synthStacks(
      config(
        [imapDomain("example.com", ["a", "b"]), exchangeDomain("corp.example.org", ["c"])],
        [createdGroup("a", "us-east-1"), createdGroup("b", "us-east-1", "other"), existingGroup("c", "eu-west-1")],
      ),
    );
    expect([...stacks.keys()]).toEqual(["mailgate-eu-west-1", "mailgate-us-east-1"]);
    for (const [name, { parsed }] of stacks) expect(`mailgate-${parsed.provider.aws[0].region}`).toBe(name);
    expect(rules(stacks.get("mailgate-us-east-1")!.parsed)).toHaveLength(24);
  });

  test("GIVEN the same config in another order WHEN synthesized THEN the JSON is byte-identical", () => {
    const domains = [imapDomain("example.com", ["a"]), imapDomain("example.net", ["a", "b"], { smtp: 465 }), exchangeDomain("x.example.org", ["b"])];
    const targets = [createdGroup("a"), existingGroup("b", "us-east-1")];
    const forward = synthStacks(config(domains, targets));
    const reversed = synthStacks({ domains: [...domains].reverse(), firewalls: [...targets].reverse() });
    expect([...reversed].map(([k, v]) => [k, v.json])).toEqual([...forward].map(([k, v]) => [k, v.json]));
  });

  test("GIVEN a new domain on another port WHEN synthesized THEN existing rule names are unchanged (no replacements)", () => {
    const before = synthStacks(config([imapDomain("example.com", ["a"])], [createdGroup("a")])).get("mailgate-us-east-1")!.parsed;
    const after = synthStacks(config([imapDomain("example.com", ["a"]), imapDomain("example.net", ["a"], { smtp: 2525 })], [createdGroup("a")])).get(
      "mailgate-us-east-1",
    )!.parsed;
    const beforeNames = rules(before).map(([name]) => name);
    const afterNames = new Set(rules(after).map(([name]) => name));
    expect(beforeNames.filter((name) => !afterNames.has(name))).toEqual([]);
    expect(afterNames.size).toBe(beforeNames.length + 6);
  });

  test("rule names are built from content; descriptions stay inside AWS's alphabet and never name the domains", () => {
    const many = Array.from({ length: 40 }, (_, i) => imapDomain(`domain-number-${i}.example.com`, ["a"]));
    const { parsed } = synthStacks(config(many, [createdGroup("a")])).get("mailgate-us-east-1")!;
    for (const [name, rule] of rules(parsed)) {
      expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_-]*$/);
      expect(name).toContain(`tcp${rule.from_port}`);
      expect(isAwsDescription(rule.description)).toBe(true);
      expect(rule.description.length).toBeLessThanOrEqual(255);
    }
    expect(rules(parsed).find(([name]) => name === "a_tcp993_143-244-87-0-25")?.[1].description).toBe("HubSpot IMAP source range to tcp/993, mailgate target a");
    expect(JSON.stringify(parsed)).not.toContain("domain-number-");
  });

  test("IPv6 ranges from a custom list become cidr_ipv6 rules", () => {
    const ipRanges = { source: "test", smtp: [Cidr.of("2600:1f18:1::/48")], imap: [Cidr.of("203.0.114.0/24")] };
    const { parsed } = synthStacks(config([imapDomain("example.com", ["a"])], [createdGroup("a")], ipRanges)).get("mailgate-us-east-1")!;
    expect(rules(parsed).map(([, r]) => [r.from_port, r.cidr_ipv4 ?? r.cidr_ipv6])).toEqual([
      [587, "2600:1f18:1::/48"],
      [993, "203.0.114.0/24"],
    ]);
  });

  test("the local backend path is relative, so output does not depend on the machine", () => {
    const { parsed } = synthStacks(config([imapDomain("example.com", ["a"])], [createdGroup("a")])).get("mailgate-us-east-1")!;
    expect(parsed.terraform.backend.local.path).toBe("../../../terraform.mailgate-us-east-1.tfstate");
  });

  test("a group name with Terraform template syntax reaches the JSON escaped", () => {
    const { parsed } = synthStacks(config([imapDomain("example.com", ["a"])], [createdGroup("a", "us-east-1", "mail ${var.x} %{if 1}")])).get(
      "mailgate-us-east-1",
    )!;
    expect(parsed.resource.aws_security_group?.a_group.name).toBe("mail $${var.x} %%{if 1}");
  });
});
