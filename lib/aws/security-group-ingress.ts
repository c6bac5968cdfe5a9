import { Construct } from "constructs";
import { TerraformOutput, Token } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { SecurityGroupPolicy } from "../policy/firewall-policy";
import {
  groupResourceName,
  prefixListRuleResourceName,
  ruleResourceName,
  securityGroupIdOutputName,
  securityGroupIdsOutputName,
} from "../terraform/names";
import { ruleDescription } from "../terraform/rule-text";
import { escapeTerraformString } from "../terraform/text";
import { moveFromOldName } from "./moved";

export interface SecurityGroupIngressProps {
  /** The target's plan: its groups (one, or several for a created target over its quota) and their rules. */
  readonly policy: SecurityGroupPolicy;
  /** Prefix list key -> the id of that list in this stack, for `sources: prefix-lists`. */
  readonly prefixListIds: ReadonlyMap<string, string>;
  /** Terraform address -> `sgr-` id: rules made by hand that the first apply imports (`mailgate adopt`). */
  readonly adopted?: ReadonlyMap<string, string>;
}

/**
 * HubSpot's ingress on one security group target: the groups themselves when mailgate creates
 * them, and one `aws_vpc_security_group_ingress_rule` per (CIDR, port) or per (prefix list,
 * port), as the provider recommends over inline `ingress` blocks (no perpetual diffs, no
 * duplicate-rule errors on edit).
 */
export class SecurityGroupIngress extends Construct {
  /** The groups' ids, in order: Terraform references for created groups, the literal id otherwise. */
  readonly securityGroupIds: string[] = [];

  constructor(scope: Construct, id: string, props: SecurityGroupIngressProps) {
    super(scope, id);
    const { target, groups } = props.policy;
    const was = target.renamedFrom;
    // AWS cannot change a group's description: it keeps the name the target had when it was made.
    const describedAs = props.policy.createdAs ?? target.name;

    for (const plan of groups) {
      let groupId: string;
      if (target.create) {
        const groupName = plan.groupName ?? target.create.groupName;
        const group = new SecurityGroup(this, plan.index === 1 ? "group" : `group-${plan.index}`, {
          name: escapeTerraformString(groupName),
          vpcId: target.create.vpcId,
          // AWS cannot change a group's description in place: it must not depend on how many
          // groups there are, or splitting would replace group 1 with every rule in it.
          description:
            plan.index === 1
              ? `HubSpot connected-email ingress managed by mailgate (target ${describedAs})`
              : `HubSpot connected-email ingress managed by mailgate (target ${describedAs}, group ${plan.index})`,
          // Rules live in their own resources; a group without inline rules never fights them.
          tags: { Name: escapeTerraformString(groupName), MailgateTarget: target.name },
          // No create_before_destroy: the name is fixed and unique per VPC, so a replacement
          // created first would collide with the group it replaces. Destroy-then-create fails
          // cleanly instead while interfaces still use the group (AWS refuses to delete it).
        });
        group.overrideLogicalId(groupResourceName(target.name, plan.index));
        moveFromOldName(group, was === undefined ? undefined : groupResourceName(was, plan.index));
        groupId = group.id;
      } else {
        groupId = target.securityGroupId;
      }
      this.securityGroupIds.push(groupId);

      for (const { content, lists } of plan.ingress) {
        const port = content.port;
        const common = { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port };
        const nameFor = (targetName: string) =>
          "cidr" in content ? ruleResourceName(targetName, content) : prefixListRuleResourceName(targetName, port, content.prefixList);
        const name = nameFor(target.name);
        const source =
          "cidr" in content
            ? content.cidr.family === 4
              ? { cidrIpv4: content.cidr.toString() }
              : { cidrIpv6: content.cidr.toString() }
            : { prefixListId: required(props.prefixListIds.get(content.prefixList.key), content.prefixList.key) };
        const resource = new VpcSecurityGroupIngressRule(this, name, {
          ...common,
          ...source,
          description: escapeTerraformString(ruleDescription({ lists, port, target: target.name })),
          tags: { MailgateTarget: target.name, MailgateLists: lists.join("+") },
          // A rule that moves to another group (a lower `maxRules`) is replaced: created in its new
          // group before it leaves the old one, so its addresses stay admitted throughout. AWS
          // allows the same rule in two groups; validate counts the moment both exist.
          lifecycle: { createBeforeDestroy: true },
        });
        // Readable, content-based names instead of cdktf's path hash: reordering YAML renames nothing.
        resource.overrideLogicalId(name);
        moveFromOldName(resource, was === undefined ? undefined : nameFor(was));
        // A rule made by hand with this content: a top-level `import` block, so the first apply
        // takes it over instead of meeting InvalidPermission.Duplicate. Ignored once state has it.
        const adoptedId = props.adopted?.get(`${resource.terraformResourceType}.${name}`);
        if (adoptedId !== undefined) resource.importFrom(adoptedId);
      }

      new TerraformOutput(this, plan.index === 1 ? "security-group-id" : `security-group-id-${plan.index}`, {
        value: groupId,
        description:
          groups.length === 1
            ? `Security group holding HubSpot's ingress for target ${target.name}`
            : `Security group ${plan.index} of ${groups.length} holding HubSpot's ingress for target ${target.name}`,
      }).overrideLogicalId(securityGroupIdOutputName(target.name, plan.index));
    }

    new TerraformOutput(this, "security-group-ids", {
      // A token, not the array: cdktf 0.21's TerraformOutput tests a plain object or array value
      // with the deprecated `util.isArray`, which Node 22+ reports on stderr (DEP0044) at every
      // synth (cdktf is archived; terraform-cdk#3860 was never fixed), and passes a token through
      // untested. The token resolves to the same list at synth: the same bytes.
      value: Token.asAny(this.securityGroupIds),
      description: `Every security group holding HubSpot's ingress for target ${target.name}: attach all of them`,
    }).overrideLogicalId(securityGroupIdsOutputName(target.name));
  }
}

function required(id: string | undefined, key: string): string {
  if (id === undefined) throw new Error(`internal: prefix list ${key} is not in the stack`);
  return id;
}
