import type { Cidr, IpFamily } from "../model/cidr";
import type { Endpoint, NetworkAclTarget, NetworkFirewallTarget, RuleOrder, SecurityGroupSources, SecurityGroupTarget } from "../model/config";
import type { HubSpotList, IpCatalog } from "../model/ip-catalog";
import type { OnPremPolicy } from "./onprem";
import type { PrefixListPlan } from "./prefix-lists";
import type { FirewallRule, RuleProvenance, UnservedNeed } from "./rule";

export type { FirewallRule, RuleProvenance, UnservedNeed } from "./rule";

/**
 * The plan's types, imported by every planner and by everything downstream: per target, the
 * exact rules (`FirewallRule`s) and how its type lays them out (groups, numbers, sids, files).
 */

/** Rules as AWS counts them against a quota, per address family. */
export interface FamilyCounts {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** One security group rule resource: a single CIDR, or a reference to a prefix list. */
export type IngressRule = CidrIngress | PrefixListIngress;

export interface CidrIngress {
  readonly kind: "cidr";
  readonly port: number;
  readonly family: IpFamily;
  /** A CIDR rule counts once. */
  readonly weight: 1;
  readonly rule: FirewallRule;
}

export interface PrefixListIngress {
  readonly kind: "prefix-list";
  readonly port: number;
  readonly family: IpFamily;
  /** AWS counts a rule referencing a prefix list as the list's `max_entries` rules. */
  readonly weight: number;
  readonly prefixList: PrefixListPlan;
  /** The (port, CIDR) pairs this rule admits: the list's entries, with their provenance. */
  readonly rules: readonly FirewallRule[];
  /** The union of the covered rules' provenance (the port's lists, domains and servers). */
  readonly provenance: RuleProvenance;
}

/** One security group of a target and the rules it holds. */
export interface SecurityGroupPlan {
  /** 1-based. Group n > 1 exists only for created targets, named `<name>-n`. */
  readonly index: number;
  /** The group's AWS name, for groups mailgate creates. */
  readonly groupName?: string;
  /** Sorted by port, then family, then CIDR or list. */
  readonly ingress: readonly IngressRule[];
  /** What the group's rules weigh against its quota. */
  readonly weight: FamilyCounts;
}

interface TargetPolicyBase {
  /**
   * The exact (port, source CIDR) pairs HubSpot needs, whatever renders them. Sorted by port,
   * then `Cidr.compare`. Unique per (port, cidr).
   */
  readonly rules: readonly FirewallRule[];
}

export interface SecurityGroupPolicy extends TargetPolicyBase {
  readonly type: "aws-security-group";
  readonly target: SecurityGroupTarget;
  /** `target.sources` with its default applied. */
  readonly sources: SecurityGroupSources;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One group for an existing group; as many as the quota needs for a created one. */
  readonly groups: readonly SecurityGroupPlan[];
  /**
   * The target name the created groups were made under, when the target was renamed since: a
   * group's description says it, and AWS cannot change a description without replacing the group.
   */
  readonly createdAs?: string;
}

/** A numbered network ACL rule admitting one (port, CIDR) pair. */
export interface NetworkAclInbound {
  readonly ruleNumber: number;
  readonly rule: FirewallRule;
}

/** A numbered outbound rule admitting TCP 1024-65535 to one source block: the return traffic. */
export interface NetworkAclReturn extends RuleProvenance {
  readonly ruleNumber: number;
  readonly cidr: Cidr;
}

export interface NetworkAclPolicy extends TargetPolicyBase {
  readonly type: "aws-network-acl";
  readonly target: NetworkAclTarget;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One per rule, sorted like `rules`. */
  readonly inbound: readonly NetworkAclInbound[];
  /** The minimal exact cover of every inbound source, sorted by `Cidr.compare`. */
  readonly outbound: readonly NetworkAclReturn[];
}

/** One 5-tuple PASS rule: TCP from `rule.cidr`, any port, to `destination` on `rule.port`. */
export interface StatefulRulePlan {
  readonly sid: number;
  readonly destination: Cidr;
  readonly rule: FirewallRule;
}

export interface NetworkFirewallPolicy extends TargetPolicyBase {
  readonly type: "aws-network-firewall";
  readonly target: NetworkFirewallTarget;
  /** The rule group's capacity: `target.capacity`, the capacity it was created with while its rules fit, or computed. */
  readonly capacity: number;
  readonly capacityGiven: boolean;
  /** Where `capacity` comes from: given in config, kept from an earlier synth, or computed now. */
  readonly capacitySource: "given" | "kept" | "computed";
  /** `target.ruleOrder`, else the order the group was created with, else AWS's default. */
  readonly ruleOrder: RuleOrder;
  /** Per destination, the rules of its address family; sorted by destination, port, CIDR. */
  readonly statefulRules: readonly StatefulRulePlan[];
  /**
   * Needs no rule serves: a list none of whose addresses shares a family with any destination
   * (IPv4-only lists, IPv6-only destinations). `checkLimits` refuses them. Sorted.
   */
  readonly unserved: readonly UnservedNeed[];
}


/** Policies of targets in AWS: their rules become Terraform resources in the target's stack. */
export type AwsTargetPolicy = SecurityGroupPolicy | NetworkAclPolicy | NetworkFirewallPolicy;

/** Targets outside AWS (nftables, Windows Firewall, allowlists) write artifacts instead (lib/policy/onprem.ts). */
export type TargetPolicy = AwsTargetPolicy | OnPremPolicy;

/** Whether a policy's target is in AWS (so in a stack); the others write files under `firewalls/`. */
export function isAwsPolicy(policy: TargetPolicy): policy is AwsTargetPolicy {
  return policy.type === "aws-security-group" || policy.type === "aws-network-acl" || policy.type === "aws-network-firewall";
}

export interface FirewallPolicy {
  readonly catalog: IpCatalog;
  /** Sorted by target name; only targets some domain references. */
  readonly targets: readonly TargetPolicy[];
  /** Every prefix list some target's rules reference, sorted by key. Stacks create those they use. */
  readonly prefixLists: readonly PrefixListPlan[];
}

/** One thing a domain needs from a target: a HubSpot list allowed to reach one server port. */
export interface Need {
  readonly list: HubSpotList;
  readonly domain: string;
  readonly endpoint: Endpoint;
}
