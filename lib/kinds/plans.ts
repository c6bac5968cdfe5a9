import type { FirewallPolicy, PolicyOf, TargetPolicy, AwsTargetPolicy } from "../policy/types";
import { allowlistPlan } from "./allowlist/plan";
import { networkAclPlan } from "./network-acl/plan";
import { networkFirewallPlan } from "./network-firewall/plan";
import { nftablesPlan } from "./nftables/plan";
import type { PlanPart } from "./plan-part";
import { securityGroupPlan } from "./security-group/plan";
import { isAwsTarget, partOf, type FirewallTarget, type FirewallType, type TargetOf } from "./targets";
import { windowsFirewallPlan } from "./windows-firewall/plan";

/** The policy's part of every kind (lib/kinds/targets.ts says what a kind is made of). */
export const PLANS: { readonly [K in FirewallType]: PlanPart<TargetOf<K>, PolicyOf<K>> } = {
  "aws-security-group": securityGroupPlan,
  "aws-network-acl": networkAclPlan,
  "aws-network-firewall": networkFirewallPlan,
  nftables: nftablesPlan,
  "windows-firewall": windowsFirewallPlan,
  allowlist: allowlistPlan,
};

/** The plan part of a target's or a plan's kind; the table guarantees the part reads this kind. */
export function planPartOf(of: { readonly type: FirewallType }): PlanPart<FirewallTarget, TargetPolicy> {
  return partOf(PLANS, of);
}

/** Whether a policy's target is in AWS (so in a stack); the others write files under `firewalls/`. */
export function isAwsPolicy(policy: TargetPolicy): policy is AwsTargetPolicy {
  return isAwsTarget(policy.target);
}

export type { FirewallPolicy };
