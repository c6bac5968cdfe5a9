import { Cidr } from "../../model/cidr";
import type { NetworkFirewallTarget, RuleOrder } from "../../model/config";
import { ruleIdentity } from "../../model/rule-identity";
import { assignStableNumbers } from "../../policy/numbering";
import { type TargetIdentity, type TargetPlacement } from "../../policy/placement-types";
import type { LifecycleProblem, LimitProblem } from "../../policy/problems";
import { cidrRule, placedNumbers, type CidrContent, type PlannedRule } from "../../policy/planned-rule";
import type { FirewallRule, RequiredRules, UnservedNeed } from "../../policy/rule";
import { nothingAdmitted, unservedNeeds } from "../../policy/unserved";
import { identityReplaced, type LimitContext, type PlanPart } from "../plan-part";

/** AWS: a stateful rule group's capacity is at most 30,000. */
export const MAX_STATEFUL_CAPACITY = 30_000;

/** One 5-tuple PASS rule: TCP from one block, any port, to `destination` on the port; its place is its sid. */
export type StatefulRule = PlannedRule<{ readonly sid: number }, CidrContent> & { readonly destination: Cidr };

export interface NetworkFirewallPolicy extends RequiredRules {
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
  readonly plannedRules: readonly StatefulRule[];
  /**
   * Needs no rule serves: a list none of whose addresses shares a family with any destination
   * (IPv4-only lists, IPv6-only destinations). `checkLimits` refuses them. Sorted.
   */
  readonly unserved: readonly UnservedNeed[];
}

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
  const pairs: { destination: Cidr; rule: FirewallRule; key: string }[] = [];
  for (const destination of [...target.destinations].sort(Cidr.compare)) {
    for (const rule of rules) if (rule.cidr.family === destination.family) pairs.push({ destination, rule, key: ruleIdentity(rule, destination) });
  }
  const sids = assignStableNumbers(pairs.map((pair) => pair.key), SID_RANGE.from, SID_RANGE.to, previous?.sids);
  // cidrRule as it stands, not spread into a copy: V8 gives each object spread and then extended
  // a hidden class of its own, and a group holds up to 30,000 rules.
  const plannedRules = pairs.map(({ destination, rule, key }) => cidrRule(rule, { sid: sids.get(key) ?? 0 }, destination));
  const remembered = rememberedRuleGroup(previous);
  const kept = remembered !== undefined && plannedRules.length <= remembered.capacity ? remembered.capacity : undefined;
  const computed = computedCapacity(plannedRules.length);
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
    plannedRules,
    unserved: [],
  };
}

/** A destination family no list shares admits nothing; the stateful rules must fit the capacity. */
function networkFirewallLimits(p: NetworkFirewallPolicy, { catalog }: LimitContext): LimitProblem[] {
  const problems: LimitProblem[] = [];
  if (p.unserved.length > 0) problems.push(nothingAdmitted(p.target, p.unserved, catalog));
  if (p.plannedRules.length > p.capacity) {
    problems.push({ kind: "capacity", target: p.target, rules: p.plannedRules.length, capacity: p.capacity, given: p.capacityGiven });
  }
  return problems;
}

/** A rule group's order and capacity are fixed at creation: AWS cannot change the order, and replacing it fails while a policy references it. */
function networkFirewallLifecycle(p: NetworkFirewallPolicy, placed: TargetPlacement | undefined): LifecycleProblem[] {
  const created = rememberedRuleGroup(placed);
  if (!created) return [];
  const problems: LifecycleProblem[] = [];
  if (p.ruleOrder !== created.ruleOrder) {
    problems.push({ kind: "rule-order-changed", target: p.target, was: created.ruleOrder, now: p.ruleOrder, inferred: created.inferred });
  }
  if (p.capacity !== created.capacity) {
    problems.push({ kind: "rule-group-replaced", target: p.target, was: created.capacity, now: p.capacity, rules: p.plannedRules.length });
  } else if (p.target.replaceRuleGroup) {
    problems.push({ kind: "replacement-not-needed", target: p.target });
  }
  return problems;
}

export const networkFirewallPlan: PlanPart<NetworkFirewallTarget, NetworkFirewallPolicy> = {
  plan: (target, { needs, rules, placed, catalog }) => ({ ...planNetworkFirewall(target, rules, placed), unserved: unservedNeeds(target.destinations, needs, catalog) }),
  // A rule group cannot be empty: the target is dropped (TARGET_REMOVED).
  keptWhileDefined: () => false,
  prefixListsUsed: () => [],
  claims: () => [],
  limits: networkFirewallLimits,
  lifecycle: networkFirewallLifecycle,
  placement: (p, stack) => ({ stack, ...networkFirewallIdentity(p.target), sids: placedNumbers(p.plannedRules, (place) => place.sid), ruleOrder: p.ruleOrder, capacity: p.capacity }),
  identity: networkFirewallIdentity,
  identityChange: identityReplaced(
    "rule group name",
    "AWS cannot rename a rule group: Terraform would destroy it while a firewall policy references it (AWS refuses that, and the apply stops).",
  ),
  // A rule group changes in place, in one request: no peak, nothing leaves.
  applyPeaks: () => [],
  placedKeys: () => [],
  keyedPairs: () => [],
  expand: (p) => p,
  fromLeaving: () => undefined,
};

function networkFirewallIdentity(target: NetworkFirewallTarget): TargetIdentity {
  return { name: target.ruleGroupName };
}
