import { planPartOf } from "../kinds/plans";
import type { LimitProblem } from "./problems";
import type { FirewallPolicy } from "./types";

/**
 * The check that runs once the policy has laid out every target: each kind says what AWS or the
 * firewall would refuse of its plan (lib/kinds/<kind>/plan.ts, with the quotas it counts). Pure;
 * validation turns the problems into located diagnostics.
 */
export type { LimitProblem } from "./problems";
export { countByFamily, FAMILIES, familyKey, groupsNeeded, packGroups, type Packable } from "./packing";
export { DEFAULT_SECURITY_GROUP_MAX_RULES, groupNameKey, groupsPerInterfaceLimit, SECURITY_GROUPS_PER_INTERFACE } from "../kinds/security-group/plan";
export { DEFAULT_NETWORK_ACL_MAX_RULES, usableNetworkAclRules } from "../kinds/network-acl/plan";
export { MAX_STATEFUL_CAPACITY } from "../kinds/network-firewall/plan";

/**
 * Everything in the plan AWS would refuse: a group over its quota, an ACL over its quota or out
 * of rule numbers, a rule group over its capacity, a prefix list too large to create, split group
 * names that do not fit or collide. Sorted by target name, in the order found.
 */
export function checkLimits(policy: FirewallPolicy): LimitProblem[] {
  const claimed = new Map<string, string>();
  for (const p of policy.targets) for (const claim of planPartOf(p).claims(p)) claimed.set(claim.key, claim.target);
  return policy.targets.flatMap((p) => planPartOf(p).limits(p, { catalog: policy.catalog, claimed }));
}
