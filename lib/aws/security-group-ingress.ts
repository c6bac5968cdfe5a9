import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { SecurityGroupTarget } from "../model/config";
import type { FirewallRule } from "../policy/firewall-policy";
import { groupResourceName, ruleResourceName, securityGroupIdOutputName } from "./naming";
import { ruleDescription } from "./rule-text";
import { escapeTerraformString } from "./terraform-text";

export interface SecurityGroupIngressProps {
  /** The validated target: a group to create, or an existing group's id. */
  readonly target: SecurityGroupTarget;
  /** The exact rules from the policy, one resource each. */
  readonly rules: readonly FirewallRule[];
}

/**
 * HubSpot's ingress on one security group: the group itself when mailgate creates it, and one
 * `aws_vpc_security_group_ingress_rule` per (CIDR, port), as the provider recommends over inline
 * `ingress` blocks (no perpetual diffs, no duplicate-rule errors on edit).
 */
export class SecurityGroupIngress extends Construct {
  /** The group's id: a Terraform reference for created groups, the literal id otherwise. */
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: SecurityGroupIngressProps) {
    super(scope, id);
    const { target, rules } = props;

    if (target.create) {
      const group = new SecurityGroup(this, "group", {
        name: escapeTerraformString(target.create.groupName),
        vpcId: target.create.vpcId,
        description: `HubSpot connected-email ingress managed by mailgate (target ${target.name})`,
        // Rules live in their own resources; a group without inline rules never fights them.
        tags: { Name: escapeTerraformString(target.create.groupName), MailgateTarget: target.name },
        lifecycle: { createBeforeDestroy: true },
      });
      group.overrideLogicalId(groupResourceName(target.name));
      this.securityGroupId = group.id;
    } else {
      this.securityGroupId = target.securityGroupId;
    }

    for (const rule of rules) {
      const name = ruleResourceName(target.name, rule);
      const resource = new VpcSecurityGroupIngressRule(this, name, {
        securityGroupId: this.securityGroupId,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.port,
        ...(rule.cidr.family === 4 ? { cidrIpv4: rule.cidr.toString() } : { cidrIpv6: rule.cidr.toString() }),
        description: escapeTerraformString(ruleDescription(rule)),
        tags: { MailgateTarget: target.name, MailgateLists: rule.lists.join("+") },
      });
      // Readable, content-based names instead of cdktf's path hash: reordering YAML renames nothing.
      resource.overrideLogicalId(name);
    }

    new TerraformOutput(this, "security-group-id", {
      value: this.securityGroupId,
      description: `Security group holding HubSpot's ingress for target ${target.name}`,
    }).overrideLogicalId(securityGroupIdOutputName(target.name));
  }
}
