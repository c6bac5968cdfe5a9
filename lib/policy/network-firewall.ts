import { Cidr } from "../model/cidr";
import type { NetworkFirewallTarget, RuleOrder } from "../model/config";
import type { IpCatalog } from "../model/ip-catalog";
import type { FirewallRule, Need, NetworkFirewallPolicy, StatefulRulePlan, UnservedNeed } from "./types";
import { assignStableNumbers } from "./numbering";
import { sidKey, type TargetPlacement } from "./placements";
import { MAX_STATEFUL_CAPACITY } from "./quota";

/**
 * A computed capacity: twice the rules (at least the rules plus 10), rounded up to a multiple of
 * 10, at most 30,000. AWS: a stateful rule group needs one unit per 5-tuple rule, its capacity is
 * fixed at creation, Terraform replaces the group when `capacity` changes, and AWS refuses to
 * delete a group a firewall policy references: outgrowing the capacity is refused at validate
 * (RULE_GROUP_REPLACED), so the headroom must last. 25% lasted one step in five of a team
 * adding 40 domains at a time, a second mail server, or HubSpot adding three blocks; doubling
 * takes the rule count doubling. Every group's capacity counts against its policy's 30,000
 * stateful units, so it is not more. The capacity a group was created with is kept while its
 * rules fit (`planNetworkFirewall`), so this changes no existing group. Give `capacity` to pin it.
 */
export function computedCapacity(rules: number): number {
  const headroom = Math.max(CAPACITY_HEADROOM.min, Math.ceil(rules * CAPACITY_HEADROOM.fraction));
  return Math.min(MAX_STATEFUL_CAPACITY, Math.ceil((rules + headroom) / CAPACITY_HEADROOM.multiple) * CAPACITY_HEADROOM.multiple);
}

export const CAPACITY_HEADROOM = { fraction: 1, min: 10, multiple: 10 } as const;

/**
 * What mailgate computed before capacities were remembered: the smallest of these steps at least
 * twice the rule count. A group placed by such a version (no capacity in its placement) was
 * created with `legacyCapacity(its sid count)`, so that is the capacity it keeps.
 */
const LEGACY_CAPACITY_STEPS: readonly number[] = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, MAX_STATEFUL_CAPACITY];

export function legacyCapacity(rules: number): number {
  return LEGACY_CAPACITY_STEPS.find((step) => step >= 2 * rules) ?? MAX_STATEFUL_CAPACITY;
}

/** AWS's default for stateful rule groups and firewall policies alike. */
export const DEFAULT_RULE_ORDER: RuleOrder = "DEFAULT_ACTION_ORDER";

/** Rule groups mailgate made before rule order was a field were all STRICT_ORDER. */
export const LEGACY_RULE_ORDER: RuleOrder = "STRICT_ORDER";

/** The order and capacity an earlier synth created the target's rule group with; undefined for a new group. */
export function rememberedRuleGroup(previous: TargetPlacement | undefined): { ruleOrder: RuleOrder; inferred: boolean; capacity: number } | undefined {
  // Only a Network Firewall placement has sids; a name reused from another type is a new group.
  if (!previous?.sids) return undefined;
  return {
    ruleOrder: previous.ruleOrder ?? LEGACY_RULE_ORDER,
    inferred: previous.ruleOrder === undefined,
    capacity: previous.capacity ?? legacyCapacity(previous.sids.size),
  };
}

/** Suricata convention: signature ids 1,000,000-1,999,999 are for local rules. */
export const SID_RANGE = { from: 1_000_000, to: 1_999_999 } as const;

/**
 * A Network Firewall target: per destination (a mail server's address), one PASS rule per
 * (port, HubSpot CIDR) of the destination's address family (an IPv4 source never reaches an
 * IPv6 server). Sorted by destination, port, CIDR; all rules pass, so neither order changes what
 * is admitted. Signature ids are stable: hashed from (destination, port, CIDR) like network ACL
 * rule numbers. Rule order and capacity are fixed when the group is created, so an existing
 * group (`previous`) keeps its own, the capacity while its rules fit; a new group gets AWS's
 * default order and the computed capacity. A given `capacity` or `ruleOrder` wins (lifecycle.ts
 * says what changing one does).
 */
export function planNetworkFirewall(target: NetworkFirewallTarget, rules: readonly FirewallRule[], previous?: TargetPlacement): NetworkFirewallPolicy {
  const pairs: Omit<StatefulRulePlan, "sid">[] = [];
  for (const destination of [...target.destinations].sort(Cidr.compare)) {
    for (const rule of rules) if (rule.cidr.family === destination.family) pairs.push({ destination, rule });
  }
  const sids = assignStableNumbers(pairs.map(sidKey), SID_RANGE.from, SID_RANGE.to, previous?.sids);
  const statefulRules = pairs.map((pair) => ({ ...pair, sid: sids.get(sidKey(pair)) ?? 0 }));
  const remembered = rememberedRuleGroup(previous);
  const kept = remembered !== undefined && statefulRules.length <= remembered.capacity ? remembered.capacity : undefined;
  const computed = computedCapacity(statefulRules.length);
  return {
    type: "aws-network-firewall",
    target,
    rules,
    capacity: target.capacity ?? kept ?? computed,
    capacityGiven: target.capacity !== undefined,
    // "kept" only where keeping made a difference: a synth that reads the placements it wrote
    // itself must render the same report (`check` right after synth is fresh).
    capacitySource: target.capacity !== undefined ? "given" : kept !== undefined && kept !== computed ? "kept" : "computed",
    ruleOrder: target.ruleOrder ?? remembered?.ruleOrder ?? DEFAULT_RULE_ORDER,
    statefulRules,
    unserved: [],
  };
}

/**
 * The needs a target with these `destinations` cannot serve (Network Firewall, nftables): a rule
 * pairs a source only with destinations of its own family, so a list with no address of any
 * destination's family reaches none of them (IPv4-only lists and IPv6-only destinations would
 * synthesize `stateful_rule: []`, or an nftables chain without a rule). Sorted by domain, list,
 * port; unique.
 */
export function unservedNeeds(destinations: readonly Cidr[], needs: readonly Need[], catalog: IpCatalog): UnservedNeed[] {
  const served = new Set(destinations.map((d) => d.family));
  const unserved = new Map<string, UnservedNeed>();
  for (const need of needs) {
    if (catalog.lists[need.list].some((cidr) => served.has(cidr.family))) continue;
    const entry = { domain: need.domain, list: need.list, port: need.endpoint.port };
    unserved.set(`${entry.domain} ${entry.list} ${String(entry.port).padStart(5, "0")}`, entry);
  }
  return [...unserved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, need]) => need);
}
