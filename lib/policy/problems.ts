import type { IpFamily } from "../model/cidr";
import type { AllowlistTarget, FirewallTarget, NetworkAclTarget, NetworkFirewallTarget, NftablesTarget, RuleOrder, SecurityGroupTarget } from "../model/config";
import type { PrefixListPlan } from "./prefix-lists";
import type { UnservedNeed } from "./rule";

/**
 * What the policy finds wrong with a plan, before anything is written: the kinds' limits
 * (`checkLimits`) and lifecycles (`checkLifecycle`) return these, and validation turns each into a
 * located diagnostic. Declared apart from the checks so each kind's folder can produce them.
 */

/** Something a target's plan asks of AWS that AWS would refuse at apply. */
export type LimitProblem =
  | {
      readonly kind: "security-group-quota";
      readonly target: SecurityGroupTarget & { readonly securityGroupId: string };
      readonly family: IpFamily;
      readonly needed: number;
      readonly allowed: number;
      readonly cidrRules: number;
      readonly prefixListRules: readonly { readonly prefixList: PrefixListPlan; readonly rules: number }[];
      /** What the same (port, CIDR) pairs would weigh as CIDR rules. */
      readonly cidrAlternative: number;
    }
  | {
      readonly kind: "rule-heavier-than-quota";
      readonly target: SecurityGroupTarget;
      readonly port: number;
      readonly prefixList: PrefixListPlan;
      readonly allowed: number;
    }
  | {
      readonly kind: "network-acl-quota";
      readonly target: NetworkAclTarget;
      readonly direction: "inbound" | "outbound";
      readonly family: IpFamily;
      readonly needed: number;
      /** The ACL's quota; mailgate may use one fewer (`usableNetworkAclRules`). */
      readonly maxRules: number;
    }
  | {
      readonly kind: "network-acl-numbers";
      readonly target: NetworkAclTarget;
      readonly direction: "inbound" | "outbound";
      readonly needed: number;
    }
  | {
      readonly kind: "capacity";
      readonly target: NetworkFirewallTarget;
      readonly rules: number;
      readonly capacity: number;
      readonly given: boolean;
    }
  | { readonly kind: "prefix-list-too-large"; readonly target: SecurityGroupTarget; readonly prefixList: PrefixListPlan }
  | { readonly kind: "allowlist-too-large"; readonly target: AllowlistTarget; readonly file: string; readonly entries: number; readonly allowed: number }
  | { readonly kind: "nft-family-mismatch"; readonly target: NftablesTarget; readonly family: IpFamily }
  | { readonly kind: "split-name-too-long"; readonly target: SecurityGroupTarget; readonly groupName: string; readonly groups: number }
  | {
      readonly kind: "split-name-taken";
      readonly target: SecurityGroupTarget;
      readonly groupName: string;
      readonly vpcId: string;
      readonly otherTarget: string;
    }
  /** More groups than a network interface takes: an error above `limit`, a warning above AWS's default of 5. */
  | { readonly kind: "too-many-groups"; readonly target: SecurityGroupTarget; readonly groups: number; readonly limit: number; readonly maxRules: number }
  /** A Network Firewall or nftables target whose `destinations` leave some list without a rule. */
  | {
      readonly kind: "nothing-admitted";
      readonly target: NetworkFirewallTarget | (NftablesTarget & { readonly destinations: NonNullable<NftablesTarget["destinations"]> });
      readonly unserved: readonly UnservedNeed[];
      readonly listFamilies: readonly IpFamily[];
      /** Where the rules would be when it is not a rule group: an nftables chain (`inet filter hubspot_mail`). */
      readonly chain?: string;
    };

/** A change from the last synth's placements that AWS or Terraform would not take safely. */
export type LifecycleProblem =
  | { readonly kind: "stack-move"; readonly target: FirewallTarget; readonly from: string; readonly to: string }
  | {
      readonly kind: "stack-changed";
      readonly target: FirewallTarget;
      readonly stack: string;
      readonly field: "region" | "account";
      readonly was?: string;
      readonly now?: string;
    }
  | { readonly kind: "new-group"; readonly target: SecurityGroupTarget; readonly groupName: string; readonly index: number }
  | {
      readonly kind: "prefix-list-growth";
      readonly target: SecurityGroupTarget;
      readonly prefixList: PrefixListPlan;
      readonly was: number;
      readonly allowed: number;
    }
  | { readonly kind: "empty-stack"; readonly stack: string }
  | {
      readonly kind: "rule-order-changed";
      readonly target: NetworkFirewallTarget;
      readonly was: RuleOrder;
      readonly now: RuleOrder;
      /** True when `was` is inferred (a placement from before rule order was remembered). */
      readonly inferred: boolean;
    }
  | { readonly kind: "rule-group-replaced"; readonly target: NetworkFirewallTarget; readonly was: number; readonly now: number; readonly rules: number }
  | { readonly kind: "replacement-not-needed"; readonly target: NetworkFirewallTarget };

/** What an apply of this change does while it runs that AWS or Terraform would not take (lib/policy/apply-safety.ts). */
export type ApplyProblem =
  | { readonly kind: "identity-changed"; readonly target: FirewallTarget; readonly what: string; readonly was: string; readonly now: string; readonly why: string }
  | { readonly kind: "rename-unconfirmed"; readonly target: FirewallTarget; readonly was: string; readonly what: string }
  | {
      readonly kind: "target-removed";
      readonly name: string;
      readonly stack: string;
      readonly destroyed: string;
      readonly detach?: string;
      /** Still defined, but no domain uses it: a rule group goes (a created group stays). */
      readonly target?: FirewallTarget;
    }
  | {
      readonly kind: "apply-peak";
      readonly target: FirewallTarget;
      readonly where: string;
      readonly peak: number;
      readonly after: number;
      readonly allowed: number;
      readonly leaving: number;
    }
  | { readonly kind: "two-phase"; readonly target: FirewallTarget; readonly stack: string; readonly leaving: number; readonly created: number };

/** Anything the policy finds wrong with a planned config, tagged with the check that found it. */
export type PolicyProblem =
  | { readonly from: "limit"; readonly problem: LimitProblem }
  | { readonly from: "lifecycle"; readonly problem: LifecycleProblem }
  | { readonly from: "apply"; readonly problem: ApplyProblem };
