import { Cidr } from "../model/cidr";
import type { NetworkFirewallTarget } from "../model/config";
import type { FirewallRule, NetworkFirewallPolicy, StatefulRulePlan } from "./firewall-policy";
import { assignStableNumbers } from "./numbering";
import { sidKey, type TargetPlacement } from "./placements";
import { MAX_STATEFUL_CAPACITY } from "./quota";

/**
 * Capacity steps for a computed capacity. AWS: a stateful rule group needs at least one unit
 * per 5-tuple rule, its capacity is fixed at creation, and Terraform replaces the group when
 * `capacity` changes (a group still referenced by a firewall policy cannot be deleted, so such an
 * apply fails until it is detached). So the computed capacity is the smallest step that leaves
 * room for the rules to double, and changes only when the rule count crosses half a step (50,
 * 100, 250, 500, ...), not with every rule. Give `capacity` to pin it.
 */
export const CAPACITY_STEPS: readonly number[] = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, MAX_STATEFUL_CAPACITY];

export function computedCapacity(rules: number): number {
  return CAPACITY_STEPS.find((step) => step >= 2 * rules) ?? MAX_STATEFUL_CAPACITY;
}

/** Suricata convention: signature ids 1,000,000-1,999,999 are for local rules. */
export const SID_RANGE = { from: 1_000_000, to: 1_999_999 } as const;

/**
 * A Network Firewall target: per destination (a mail server's address), one PASS rule per
 * (port, HubSpot CIDR) of the destination's address family (an IPv4 source never reaches an
 * IPv6 server). Sorted by destination, port, CIDR; under STRICT_ORDER the order is evaluation
 * order, and all rules pass, so order never changes what is admitted. Signature ids are stable:
 * hashed from (destination, port, CIDR) like network ACL rule numbers.
 */
export function planNetworkFirewall(target: NetworkFirewallTarget, rules: readonly FirewallRule[], previous?: TargetPlacement): NetworkFirewallPolicy {
  const pairs: Omit<StatefulRulePlan, "sid">[] = [];
  for (const destination of [...target.destinations].sort(Cidr.compare)) {
    for (const rule of rules) if (rule.cidr.family === destination.family) pairs.push({ destination, rule });
  }
  const sids = assignStableNumbers(pairs.map(sidKey), SID_RANGE.from, SID_RANGE.to, previous?.sids);
  const statefulRules = pairs.map((pair) => ({ ...pair, sid: sids.get(sidKey(pair)) ?? 0 }));
  return {
    type: "aws-network-firewall",
    target,
    rules,
    capacity: target.capacity ?? computedCapacity(statefulRules.length),
    capacityGiven: target.capacity !== undefined,
    statefulRules,
  };
}
