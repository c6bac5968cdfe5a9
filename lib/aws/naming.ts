// Terraform names of everything mailgate emits, in one place and free of cdktf imports, so the
// audit report can name the exact `cdk.tf.json` address of each rule without synthesizing.
import type { FirewallRule } from "../policy/firewall-policy";
import { terraformName } from "./terraform-text";

/** Stack name for a region: one Terraform state and provider each; CI runs `cdktf plan <name>`. */
export function regionStackName(region: string): string {
  return `mailgate-${region}`;
}

export const RULE_RESOURCE_TYPE = "aws_vpc_security_group_ingress_rule";
export const GROUP_RESOURCE_TYPE = "aws_security_group";

/** Built from content (target, protocol, port, CIDR), never from position in the YAML. */
export function ruleResourceName(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return terraformName(targetName, `${rule.protocol}${rule.port}`, rule.cidr.toString());
}

export function groupResourceName(targetName: string): string {
  return terraformName(targetName, "group");
}

export function securityGroupIdOutputName(targetName: string): string {
  return terraformName(targetName, "security_group_id");
}

/** `aws_vpc_security_group_ingress_rule.<name>`, as `terraform plan` and `cdk.tf.json` show it. */
export function ruleAddress(targetName: string, rule: Pick<FirewallRule, "protocol" | "port" | "cidr">): string {
  return `${RULE_RESOURCE_TYPE}.${ruleResourceName(targetName, rule)}`;
}
