// Terraform names of everything mailgate emits, in one place and free of cdktf imports, so the
// audit report can name the exact `cdk.tf.json` address of each rule without synthesizing.
// Every name is built from content (target, port, CIDR, list), never from position in the YAML,
// so reordering the config replaces nothing.
import type { FirewallRule } from "../policy/firewall-policy";
import type { PrefixListPlan } from "../policy/prefix-lists";
import { terraformName } from "./text";

export const RULE_RESOURCE_TYPE = "aws_vpc_security_group_ingress_rule";
export const GROUP_RESOURCE_TYPE = "aws_security_group";
export const PREFIX_LIST_RESOURCE_TYPE = "aws_ec2_managed_prefix_list";
export const NETWORK_ACL_RULE_RESOURCE_TYPE = "aws_network_acl_rule";
export const RULE_GROUP_RESOURCE_TYPE = "aws_networkfirewall_rule_group";

// ---- security groups

/** Built from content (target, protocol, port, CIDR), never from position in the YAML. */
export function ruleResourceName(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return terraformName(targetName, `${rule.protocol}${rule.port}`, rule.cidr.toString());
}

/** `<target>_tcp993_pl-imap-ipv4`: a rule referencing a prefix list; one per (port, list). */
export function prefixListRuleResourceName(targetName: string, port: number, prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return terraformName(targetName, `tcp${port}`, `pl-${prefixList.lists.join("-")}-ipv${prefixList.family}`);
}

/** Group 1 keeps the name it had before splitting existed; group n is `<target>_group_<n>`. */
export function groupResourceName(targetName: string, index = 1): string {
  return index === 1 ? terraformName(targetName, "group") : terraformName(targetName, "group", String(index));
}

export function securityGroupIdOutputName(targetName: string, index = 1): string {
  return index === 1 ? terraformName(targetName, "security_group_id") : terraformName(targetName, "security_group_id", String(index));
}

/** Every group of the target, in order, as one list (what an instance's `vpc_security_group_ids` takes). */
export function securityGroupIdsOutputName(targetName: string): string {
  return terraformName(targetName, "security_group_ids");
}

/** `aws_vpc_security_group_ingress_rule.<name>`, as `terraform plan` and `cdk.tf.json` show it. */
export function ruleAddress(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return `${RULE_RESOURCE_TYPE}.${ruleResourceName(targetName, rule)}`;
}

export function prefixListRuleAddress(targetName: string, port: number, prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return `${RULE_RESOURCE_TYPE}.${prefixListRuleResourceName(targetName, port, prefixList)}`;
}

export function groupAddress(targetName: string, index = 1): string {
  return `${GROUP_RESOURCE_TYPE}.${groupResourceName(targetName, index)}`;
}

// ---- prefix lists (one per HubSpot list and address family, per stack)

/** `hubspot_imap-smtp_ipv4` */
export function prefixListResourceName(prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return terraformName("hubspot", prefixList.lists.join("-"), `ipv${prefixList.family}`);
}

/** The list's name in AWS: `mailgate-hubspot-imap-smtp-ipv4`. */
export function prefixListName(prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return `mailgate-hubspot-${prefixList.lists.join("-")}-ipv${prefixList.family}`;
}

export function prefixListAddress(prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return `${PREFIX_LIST_RESOURCE_TYPE}.${prefixListResourceName(prefixList)}`;
}

export function prefixListIdOutputName(prefixList: Pick<PrefixListPlan, "lists" | "family">): string {
  return terraformName(prefixListResourceName(prefixList), "prefix_list_id");
}

// ---- network ACLs

/** `<target>_in_tcp993_143-244-87-0-25`; the rule number is deliberately not part of the name. */
export function networkAclInboundResourceName(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return terraformName(targetName, "in", `${rule.protocol}${rule.port}`, rule.cidr.toString());
}

/** `<target>_out_tcp1024-65535_143-244-87-0-25`: the return traffic to one source block. */
export function networkAclReturnResourceName(targetName: string, cidr: { toString(): string }): string {
  return terraformName(targetName, "out", "tcp1024-65535", cidr.toString());
}

export function networkAclInboundAddress(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return `${NETWORK_ACL_RULE_RESOURCE_TYPE}.${networkAclInboundResourceName(targetName, rule)}`;
}

export function networkAclReturnAddress(targetName: string, cidr: { toString(): string }): string {
  return `${NETWORK_ACL_RULE_RESOURCE_TYPE}.${networkAclReturnResourceName(targetName, cidr)}`;
}

export function networkAclIdOutputName(targetName: string): string {
  return terraformName(targetName, "network_acl_id");
}

// ---- Network Firewall

export function ruleGroupResourceName(targetName: string): string {
  return terraformName(targetName, "rule_group");
}

/** One resource holds every stateful rule; report rows add the rule's `sid`. */
export function ruleGroupAddress(targetName: string): string {
  return `${RULE_GROUP_RESOURCE_TYPE}.${ruleGroupResourceName(targetName)}`;
}

export function ruleGroupArnOutputName(targetName: string): string {
  return terraformName(targetName, "rule_group_arn");
}
