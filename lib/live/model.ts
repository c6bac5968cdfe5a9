// The neutral model of "what is open" in AWS, whatever export it came from: the readers
// (exports.ts) fill it, the comparison (compare.ts) reads only it.
import type { Cidr } from "../model/cidr";

/** Where a security group rule admits from. */
export type SgSource =
  | { readonly kind: "cidr"; readonly cidr: Cidr }
  | { readonly kind: "prefix-list"; readonly id: string }
  /** Every interface in another group: addresses no export of this group can tell. */
  | { readonly kind: "group"; readonly groupId: string; readonly userId?: string; readonly vpcId?: string; readonly peering?: string };

/** One rule of `describe-security-group-rules`. */
export interface SgRule {
  /** `sgr-...` */
  readonly id: string;
  readonly groupId: string;
  readonly egress: boolean;
  /** As AWS prints it: `tcp`, `udp`, `icmp`, `-1` (every protocol), or a number. */
  readonly protocol: string;
  /** Absent for `-1` (every port). ICMP's type and code otherwise. */
  readonly ports?: { readonly from: number; readonly to: number };
  readonly source: SgSource;
  readonly tags: ReadonlyMap<string, string>;
}

/** A group of `describe-security-groups` (found by VPC and name for the groups mailgate creates). */
export interface LiveSecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly vpcId?: string;
  /** Sources of its inbound permissions, counted: a group with some must have rules in the rules export. */
  readonly ingressPermissions: number;
}

export interface AclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: "allow" | "deny";
  /** `6` TCP, `-1` every protocol, other numbers. */
  readonly protocol: string;
  readonly cidr: Cidr;
  readonly ports?: { readonly from: number; readonly to: number };
}

export interface LiveNetworkAcl {
  readonly id: string;
  readonly vpcId?: string;
  readonly entries: readonly AclEntry[];
}

export interface LivePrefixList {
  readonly id: string;
  readonly name: string;
  /** From `PrefixListArn`, when printed. */
  readonly region?: string;
  readonly account?: string;
}

/** One 5-tuple stateful rule, its header as printed. */
export interface StatefulRuleLive {
  /** Position in `StatefulRules`, for a rule without a sid. */
  readonly index: number;
  readonly action: string;
  readonly protocol: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly direction: string;
  readonly destination: string;
  readonly destinationPort: string;
  readonly sid?: string;
}

export interface LiveRuleGroup {
  readonly name: string;
  readonly arn: string;
  readonly region?: string;
  readonly account?: string;
  readonly rules: readonly StatefulRuleLive[];
  /** Rule sources other than 5-tuples (`RulesString`, ...): present, and unreadable here. */
  readonly unreadable: readonly string[];
}

/** Everything the files said, sorted by id (same files in any order: same model). */
export interface LiveExports {
  readonly rules: readonly SgRule[];
  readonly groups: readonly LiveSecurityGroup[];
  readonly acls: readonly LiveNetworkAcl[];
  readonly prefixLists: readonly LivePrefixList[];
  /** Prefix list id -> its entries (`get-managed-prefix-list-entries`). */
  readonly entries: ReadonlyMap<string, readonly Cidr[]>;
  readonly ruleGroups: readonly LiveRuleGroup[];
  /** Which exports were given at all: a target whose export kind is absent cannot be judged. */
  readonly kinds: ReadonlySet<"rules" | "groups" | "acls" | "prefixLists" | "entries" | "ruleGroup">;
}
