import type { IpCatalog } from "../model/ip-catalog";
import type { AllowlistPolicy } from "../kinds/allowlist/plan";
import type { NetworkAclPolicy } from "../kinds/network-acl/plan";
import type { NetworkFirewallPolicy } from "../kinds/network-firewall/plan";
import type { NftablesPolicy } from "../kinds/nftables/plan";
import type { SecurityGroupPolicy } from "../kinds/security-group/plan";
import type { WindowsFirewallPolicy } from "../kinds/windows-firewall/plan";
import type { PrefixListPlan } from "./prefix-lists";

/**
 * The plan's types, imported by everything downstream: per target, the exact rules
 * (`FirewallRule`s), the rules its firewall holds (`PlannedRule`s, each placed where its kind
 * writes it: a rule number, a sid, a set, a file) and its kind's aggregates
 * (lib/kinds/<kind>/plan.ts: groups and their weights, sets, files, capacity).
 */
export type { FirewallRule, Need, RequiredRules, RuleProvenance, UnservedNeed } from "./rule";
export type { PlannedContent, PlannedRule } from "./planned-rule";
export type { FamilyCounts } from "./packing";
export type { IngressRule, SecurityGroupPlace, SecurityGroupPlan, SecurityGroupPolicy } from "../kinds/security-group/plan";
export type { NetworkAclPlace, NetworkAclPolicy } from "../kinds/network-acl/plan";
export type { NetworkFirewallPolicy, StatefulRule } from "../kinds/network-firewall/plan";
export type { NftablesPolicy, NftSetPlan } from "../kinds/nftables/plan";
export type { WindowsFirewallPolicy } from "../kinds/windows-firewall/plan";
export type { AllowlistFile, AllowlistPolicy } from "../kinds/allowlist/plan";

/** Policies of targets in AWS: their rules become Terraform resources in the target's stack. */
export type AwsTargetPolicy = SecurityGroupPolicy | NetworkAclPolicy | NetworkFirewallPolicy;

/** Targets outside AWS (nftables, Windows Firewall, allowlists) write artifacts instead. */
export type OnPremPolicy = NftablesPolicy | WindowsFirewallPolicy | AllowlistPolicy;

export type TargetPolicy = AwsTargetPolicy | OnPremPolicy;

/** The plan of a target of kind `K`. */
export type PolicyOf<K extends TargetPolicy["type"]> = Extract<TargetPolicy, { readonly type: K }>;

export interface FirewallPolicy {
  readonly catalog: IpCatalog;
  /** Sorted by target name; only targets some domain references. */
  readonly targets: readonly TargetPolicy[];
  /** Every prefix list some target's rules reference, sorted by key. Stacks create those they use. */
  readonly prefixLists: readonly PrefixListPlan[];
}
