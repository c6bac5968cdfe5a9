import type { SourcePosition } from "../diagnostic";
import { KIND_LABEL, didYouMean, error, formatPosition, quote, warning, weightBreakdown, type SecurityGroupQuotaFigures, type SettingsKind } from "./text";

/** A top-level section (`terraform`, `hubspot`) that a second file defines again. */
function duplicateSection(code: "DUPLICATE_TERRAFORM" | "DUPLICATE_HUBSPOT", section: string, first: SourcePosition) {
  return error(code, `The \`${section}\` section is defined here and at ${formatPosition(first)}; only one file may define it.`, "merge the two sections into one file");
}

export const quotaMessages = {
  // ---- quotas (found once the policy has counted the rules; reported at the firewall's name)
  securityGroupOverQuota: (p: SecurityGroupQuotaFigures) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${p.target}\` needs ${p.needed} ${p.family} inbound rules in existing security group ${p.securityGroupId}, but \`maxRules\` allows ${p.allowed}` +
        (p.prefixListRules.length > 0 ? ` (${weightBreakdown(p)}).` : "."),
      [
        "AWS would refuse the rules at apply, and rules already in the group count too. Remedies:",
        "let mailgate create groups instead, which splits the rules over as many as needed: add a firewall under a new name with `vpcId` and `name` for these domains, apply it, attach its groups, then remove this one (switching this firewall itself would move every rule to groups nothing is attached to yet);",
        `raise \`maxRules\` if AWS raised this group's quota (Service Quotas: "Inbound or outbound rules per security group"; rules per group x groups per network interface must stay <= 1000);`,
        ...(p.prefixListRules.length > 0 ? [`use \`sources: cidrs\` (a rule that references a prefix list weighs its max_entries, ${p.cidrAlternative} rules here with CIDRs);`] : []),
        "or move some domains to another firewall",
      ].join(" "),
    ),
  ruleHeavierThanQuota: (target: string, port: number, prefixList: string, weight: number, allowed: number) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${target}\`'s rule for tcp/${port} references prefix list ${prefixList}, which weighs ${weight} rules (its max_entries), but \`maxRules\` allows ${allowed} per group.`,
      "raise `maxRules` if AWS raised your quota, or use `sources: cidrs` (one rule per CIDR)",
    ),
  networkAclOverQuota: (target: string, networkAclId: string, direction: "inbound" | "outbound", family: string, needed: number, maxRules: number) =>
    error(
      "RULE_QUOTA_EXCEEDED",
      `Firewall \`${target}\` needs ${needed} ${direction} ${family} rules in network ACL ${networkAclId}, but \`maxRules\` ${maxRules} leaves room for ${maxRules - 1}: the ACL's default deny rule (*) counts against the quota too.`,
      "AWS counts every rule of the ACL per direction and address family (default quota 20, at most 40 after an increase), and the ACL's other rules count too: " +
        "raise `maxRules` if AWS raised the quota and the other rules leave room, or move some domains to a firewall on another ACL or to a security group",
    ),
  networkAclRuleNumbers: (target: string, direction: "inbound" | "outbound", needed: number, from: number, to: number) =>
    error(
      "RULE_NUMBERS_EXHAUSTED",
      `Firewall \`${target}\` needs ${needed} ${direction} rule numbers, but \`ruleNumbers\` ${from}-${to} has only ${to - from + 1}.`,
      `widen the range (e.g. from: ${from}, to: ${Math.min(32766, from + Math.max(2 * needed, 100) - 1)}) and keep the ACL's other rules outside it; mailgate spreads its rules over the range with gaps, so that adding a CIDR rarely renumbers other rules`,
    ),
  ruleGroupCapacity: (target: string, ruleGroupName: string, rules: number, capacity: number, given: boolean) =>
    error(
      "CAPACITY_EXCEEDED",
      given
        ? `Firewall \`${target}\` needs ${rules} stateful rules in rule group ${quote(ruleGroupName)}, but \`capacity\` is ${capacity}.`
        : `Firewall \`${target}\` needs ${rules} stateful rules in rule group ${quote(ruleGroupName)}; a stateful rule group holds at most ${capacity}.`,
      given
        ? "a rule group's capacity is fixed at creation: give a larger `capacity` (changing it replaces the rule group), or omit it to let mailgate size it with room to grow"
        : "split the domains over several firewalls, or list fewer destinations",
    ),
  prefixListTooLarge: (lists: string, family: string, entries: number, max: number) =>
    error(
      "PREFIX_LIST_TOO_LARGE",
      `The HubSpot ${lists} prefix list would have ${entries} ${family} entries; Terraform creates a prefix list in one EC2 request, which takes at most ${max}.`,
      "use `sources: cidrs` on this firewall (one rule per CIDR), or shorten `hubspot.ipRanges`",
    ),
  splitGroupNameTooLong: (target: string, groupName: string, groups: number) =>
    error(
      "INVALID_GROUP_NAME",
      `Firewall \`${target}\` needs ${groups} security groups, named ${quote(groupName)}, ${quote(`${groupName}-2`)} and so on; ${quote(`${groupName}-${groups}`)} would be longer than AWS's 255 characters.`,
      "shorten `name`",
    ),
  splitGroupNameTaken: (target: string, groupName: string, vpcId: string, region: string, otherTarget: string) =>
    error(
      "DUPLICATE_GROUP_NAME",
      `Firewall \`${target}\` needs more than one security group, and one of them would be named ${quote(groupName)} in ${vpcId} (${region}), which firewall \`${otherTarget}\` also creates.`,
      "AWS group names are unique per VPC: rename one of the groups",
    ),
  // ---- references and cross-file
  missingSettings: (domain: string) =>
    error(
      "MISSING_SETTINGS",
      `Domain ${domain} has neither \`imap\` nor \`exchange\` settings.`,
      "add `imap:` (incoming and outgoing servers) or `exchange:` (the EWS url)",
    ),
  imapExchangeConflict: (domain: string, here: SettingsKind, there: SettingsKind, other: SourcePosition) =>
    error(
      "IMAP_EXCHANGE_CONFLICT",
      `Domain ${domain} has ${KIND_LABEL[here]} settings here and ${KIND_LABEL[there]} settings at ${formatPosition(other)}; HubSpot allows IMAP or Exchange settings for a domain, not both.`,
      `keep one: remove the \`${here}\` settings here or the \`${there}\` settings at ${formatPosition(other)}`,
    ),
  duplicateDomain: (domain: string, kind: SettingsKind, first: SourcePosition) =>
    error(
      "DUPLICATE_DOMAIN",
      `Domain ${domain} already has ${KIND_LABEL[kind]} settings at ${formatPosition(first)}.`,
      "HubSpot keeps one settings entry per domain: merge the two entries",
    ),
  duplicateFirewall: (name: string, first: SourcePosition) =>
    error(
      "DUPLICATE_FIREWALL",
      `Firewall \`${name}\` is defined here and at ${formatPosition(first)}.`,
      "rename one of them, or delete the copy",
    ),
  duplicateTerraform: (first: SourcePosition) => duplicateSection("DUPLICATE_TERRAFORM", "terraform", first),
  invalidAccountId: (text: string) =>
    error(
      "INVALID_ACCOUNT_ID",
      `Invalid AWS account id ${quote(text)}; an account id is exactly 12 digits.`,
      'copy it from the AWS console (top right) and quote it, e.g. account: "012345678901" (unquoted, YAML drops leading zeros)',
    ),
  invalidRoleArn: (text: string) =>
    error(
      "INVALID_ROLE_ARN",
      `Invalid IAM role ARN ${quote(text)}.`,
      "write arn:aws:iam::<12-digit account>:role/<name> (arn:aws-cn:... or arn:aws-us-gov:... in those partitions)",
    ),
  roleAccountMismatch: (account: string, roleAccount: string) =>
    error(
      "ROLE_ACCOUNT_MISMATCH",
      `\`roleArn\` is a role in account ${roleAccount}, but \`account\` says ${account}; the provider would refuse to run.`,
      "make them agree, or drop `account` (it is taken from the role)",
    ),
  conflictingStackRole: (stack: string, role: string | undefined, otherRole: string | undefined, first: SourcePosition) =>
    error(
      "CONFLICTING_STACK_ROLE",
      `This firewall is in stack ${stack} with ${role ? `role ${role}` : "no role"}, but the firewall at ${formatPosition(first)} in the same stack has ${otherRole ? `role ${otherRole}` : "no role"}; a stack has one AWS provider, so one role.`,
      "give every firewall of one account and region the same `roleArn`",
    ),
  backendShape: (present: readonly string[]) =>
    error(
      "BACKEND_SHAPE",
      `\`terraform.backend\` has ${present.length === 0 ? "no backend" : present.map((k) => `\`${k}\``).join(" and ")}; it needs exactly one.`,
      "write `backend: { s3: { bucket, region } }` for remote state, or leave `terraform` out for local state files",
    ),
  invalidStateBucket: (text: string) =>
    error(
      "INVALID_STATE_BUCKET",
      `Invalid S3 bucket name ${quote(text)}: 3-63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
    ),
  invalidStateKeyPrefix: (text: string, reason: string) =>
    error("INVALID_STATE_KEY_PREFIX", `Invalid state key prefix ${quote(text)}: ${reason}.`, 'use a path like "mailgate/" or "network/mailgate/"'),
  invalidProviderVersion: (text: string, reason: string) =>
    error(
      "INVALID_PROVIDER_VERSION",
      `Invalid \`awsProviderVersion\` ${quote(text)}: ${reason}.`,
      'write a Terraform version constraint for hashicorp/aws 5 or later, e.g. "5.100.0" (exactly the version your mirror holds) or "~> 6.25"',
    ),
  duplicateHubspot: (first: SourcePosition) => duplicateSection("DUPLICATE_HUBSPOT", "hubspot", first),
  duplicateSecurityGroup: (id: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_SECURITY_GROUP",
      `Firewall \`${name}\` targets security group ${id}, which firewall \`${otherName}\` at ${formatPosition(first)} also targets.`,
      "use one firewall name for the group and list it in every domain that needs it",
    ),
  duplicateGroupName: (groupName: string, vpcId: string, region: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_GROUP_NAME",
      `Firewall \`${name}\` would create security group ${quote(groupName)} in ${vpcId} (${region}), as firewall \`${otherName}\` at ${formatPosition(first)} does.`,
      "AWS group names are unique per VPC: use one firewall for both, or give the groups different names",
    ),
  duplicateNetworkAcl: (id: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_NETWORK_ACL",
      `Firewall \`${name}\` targets network ACL ${id}, which firewall \`${otherName}\` at ${formatPosition(first)} also targets.`,
      "use one firewall name for the ACL (rule numbers would collide) and list it in every domain that needs it",
    ),
  duplicateRuleGroup: (ruleGroupName: string, region: string, name: string, otherName: string, first: SourcePosition) =>
    error(
      "DUPLICATE_RULE_GROUP",
      `Firewall \`${name}\` would create rule group ${quote(ruleGroupName)} in ${region}, as firewall \`${otherName}\` at ${formatPosition(first)} does.`,
      "AWS rule group names are unique per account and region: use one firewall for both, or give the rule groups different names",
    ),
  undefinedFirewall: (name: string, suggestion: string | undefined) =>
    error(
      "UNDEFINED_FIREWALL",
      `Firewall \`${name}\` is not defined in any config file.`,
      didYouMean(suggestion) ?? "define it under `firewalls:` in some file",
    ),
  duplicateFirewallReference: (name: string, first: SourcePosition) =>
    warning(
      "DUPLICATE_FIREWALL_REFERENCE",
      `Firewall \`${name}\` is already listed at ${formatPosition(first)}.`,
      "remove the repeat",
    ),
  invalidStackName: (text: string) =>
    error(
      "INVALID_STACK_NAME",
      `Invalid stack name ${quote(text)}: it becomes a directory under cdktf.out/stacks and a state key.`,
      "write mailgate- followed by lower-case letters, digits and '-', e.g. mailgate-us-east-1 (at most 72 characters)",
    ),
  stackNameRegion: (stack: string, named: string, region: string) =>
    warning(
      "STACK_NAME_REGION",
      `Stack name ${quote(stack)} reads as region ${named}, but this firewall is in ${region}: whoever reads the plan, the stack list or the state key would look for its rules in the wrong region.`,
      `name the stack after the region it deploys to (e.g. mailgate-${region}), or check \`region\``,
    ),
  conflictingStack: (stack: string, field: "region" | "account" | "planRoleArn", value: string | undefined, other: string | undefined, first: SourcePosition) =>
    error(
      "CONFLICTING_STACK",
      `This firewall is in stack ${stack} with ${field === "region" ? "region" : `\`${field}\``} ${value ?? "unset"}, but the firewall at ${formatPosition(first)} in the same stack has ${other ?? "none"}; a stack has one AWS provider.`,
      `give every firewall of stack ${stack} the same \`${field}\`, or a \`stack\` of its own`,
    ),
};
