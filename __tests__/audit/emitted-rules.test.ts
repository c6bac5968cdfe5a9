import { describe, expect, test } from "vitest";
import { Testing, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { CoverageError, describeCoverage, EmittedRuleError } from "../../lib/audit/coverage";
import { emittedRules, verifyEmittedRules } from "../../lib/aws/emitted-rules";
import { ruleResourceName } from "../../lib/terraform/names";
import { targetConstruct } from "../../lib/aws/region-stack";
import { addStacks } from "../../lib/aws/stacks";
import { Cidr } from "../../lib/model/cidr";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

const cfg = config(
  [imapDomain("example.com", ["mail"]), imapDomain("example.net", ["mail"], { smtp: 465 }), exchangeDomain("corp.example.org", ["dmz"])],
  [createdGroup("mail", "us-east-1"), existingGroup("dmz", "eu-central-1")],
);

/** A freshly built app (not synthesized), its stacks by region, and the target constructs. */
function built() {
  const app = Testing.app();
  const stacks = new Map(addStacks(app, buildPolicy(cfg)).map((s) => [s.node.id, s as TerraformStack]));
  const east = stacks.get("mailgate-us-east-1")!;
  const mail = targetConstruct(east, "mail");
  const mailGroupId = (mail.node.findChild("group") as SecurityGroup).id;
  return { app, east, west: stacks.get("mailgate-eu-central-1")!, mail, mailGroupId };
}

/** An ingress rule that passes every structural check for target `mail` unless `props` say otherwise. */
function rule(scope: Construct, id: string, mailGroupId: string, props: Partial<ConstructorParameters<typeof VpcSecurityGroupIngressRule>[2]> = {}) {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: mailGroupId,
    ipProtocol: "tcp",
    fromPort: 993,
    toPort: 993,
    cidrIpv4: "141.193.186.0/27",
    tags: { MailgateTarget: "mail" },
    ...props,
  });
}

describe("verification of the emitted constructs", () => {
  test("GIVEN the app as built WHEN verified THEN every emitted rule is read and every port is proven exact", () => {
    const { app } = built();
    expect(emittedRules(app).rules).toHaveLength(24);
    expect(verifyEmittedRules(app, cfg).map((c) => `${c.target} ${describeCoverage(c)}`)).toEqual([
      "dmz tcp/443: 272 addresses required, 272 opened, exact (6 rules, minimal)",
      "mail tcp/465: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "mail tcp/587: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "mail tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)",
    ]);
  });

  test("GIVEN an extra tagged ingress rule slipped into a target WHEN verified THEN a CoverageError names the extra addresses", () => {
    const { app, mail, mailGroupId } = built();
    rule(mail, "sneaky", mailGroupId);
    expect(() => verifyEmittedRules(app, cfg)).toThrow(CoverageError);
    expect(() => verifyEmittedRules(app, cfg)).toThrow(
      "target mail port 993 open 296 addresses but HubSpot's lists require 264: missing none, extra 141.193.186.0-141.193.186.31 (32 addresses)",
    );
  });

  test("GIVEN a rule removed from the tree WHEN verified THEN a CoverageError names the missing addresses", () => {
    const { app, mail } = built();
    expect(mail.node.tryRemoveChild(ruleResourceName("mail", { protocol: "tcp", port: 465, cidr: Cidr.of("143.244.87.0/25") }))).toBe(true);
    expect(() => verifyEmittedRules(app, cfg)).toThrow(/target mail port 465 open 136 addresses .* missing 143\.244\.87\.0-143\.244\.87\.127/);
  });

  test.each([
    ["no target tag", { tags: {} }, "has no MailgateTarget tag"],
    ["an unknown target", { tags: { MailgateTarget: "nobody" } }, "is tagged for target nobody, which the config does not define"],
    ["a port range", { fromPort: 0, toPort: 65535 }, "opens ports 0-65535, not a single port"],
    ["udp", { ipProtocol: "udp" }, "opens protocol udp, not tcp"],
    ["all protocols", { ipProtocol: "-1" }, "opens protocol -1, not tcp"],
    ["a non-canonical CIDR", { cidrIpv4: "141.193.184.1/27" }, 'has CIDR "141.193.184.1/27", which is not canonical'],
    ["two CIDRs", { cidrIpv6: "2600:1f18::/32" }, "must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id"],
    ["a CIDR and a prefix list", { prefixListId: "pl-123" }, "must have exactly one of cidr_ipv4, cidr_ipv6 and prefix_list_id"],
    ["someone else's prefix list", { cidrIpv4: undefined, prefixListId: "pl-123" }, "references prefix list pl-123, which is not one mailgate creates in this stack"],
    ["another group as source", { cidrIpv4: undefined, referencedSecurityGroupId: "sg-0fffffffffffffff0" }, "admits sg-0fffffffffffffff0, which is not a CIDR"],
    ["another group", { securityGroupId: "sg-0fffffffffffffff0" }, "is attached to security group sg-0fffffffffffffff0, not target mail's group"],
  ])("GIVEN a rule with %s WHEN verified THEN an EmittedRuleError says so", (_, props, problem) => {
    const { app, mail, mailGroupId } = built();
    rule(mail, "odd", mailGroupId, props);
    expect(() => verifyEmittedRules(app, cfg)).toThrow(EmittedRuleError);
    expect(() => verifyEmittedRules(app, cfg)).toThrow(`the emitted resource mailgate-us-east-1/firewalls/mail/odd ${problem}`);
  });

  test("GIVEN a target's rule in another region's stack WHEN verified THEN the region mismatch is named", () => {
    const { app, west, mailGroupId } = built();
    rule(west, "lost", mailGroupId, { securityGroupId: "sg-0a1b2c3d4e5f67890", tags: { MailgateTarget: "dmz" }, fromPort: 443, toPort: 443, cidrIpv4: "143.244.87.0/25" });
    // Same CIDR as a real dmz rule: coverage alone would pass, the structural check must not.
    expect(() => verifyEmittedRules(app, cfg)).not.toThrow();
    rule(west, "far", mailGroupId);
    expect(() => verifyEmittedRules(app, cfg)).toThrow("mailgate-eu-central-1/far is in a stack for region eu-central-1, but target mail is in us-east-1");
  });

  test("GIVEN another kind of ingress resource WHEN verified THEN it is refused", () => {
    const { app, east } = built();
    new SecurityGroupRule(east, "legacy", { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] });
    expect(() => verifyEmittedRules(app, cfg)).toThrow("mailgate-us-east-1/legacy is an aws_security_group_rule, which mailgate never emits");
  });
});
