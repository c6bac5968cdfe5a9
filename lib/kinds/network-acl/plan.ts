import { Cidr, type IpFamily } from "../../model/cidr";
import type { NetworkAclTarget } from "../../model/config";
import { parseRuleIdentity, ruleIdentity } from "../../model/rule-identity";
import { minimalCover } from "../../policy/aggregate";
import { mergeProvenance } from "../../policy/needs";
import { assignStableNumbers } from "../../policy/numbering";
import { FAMILIES } from "../../policy/packing";
import { type LeavingRules, type TargetIdentity, type TargetPlacement } from "../../policy/placement-types";
import type { ApplyProblem, LimitProblem } from "../../policy/problems";
import { cidrRule, keyedPairs, placedNumbers, plannedIdentity, returnRule, type CidrContent, type PlannedRule, type ReturnContent } from "../../policy/planned-rule";
import type { FirewallRule, RequiredRules } from "../../policy/rule";
import { identityReplaced, type PlanPart, type StackAccess } from "../plan-part";

/** AWS default: rules per network ACL, per direction and address family (at most 40). */
export const DEFAULT_NETWORK_ACL_MAX_RULES = 20;

/**
 * The rules mailgate may add to a network ACL whose quota (per direction and family) is
 * `maxRules`: AWS counts the ACL's default deny rule (`*`, one per direction and family) against
 * the quota, so one fewer: 19 by default, 39 after the largest increase.
 */
export function usableNetworkAclRules(maxRules: number): number {
  return maxRules - 1;
}

/** Where a network ACL rule is: its number (inbound and outbound are numbered apart). */
export interface NetworkAclPlace {
  readonly ruleNumber: number;
}

export interface NetworkAclPolicy extends RequiredRules {
  readonly type: "aws-network-acl";
  readonly target: NetworkAclTarget;
  /** `target.maxRules` with its default applied. */
  readonly maxRules: number;
  /** One numbered rule per (port, CIDR) rule, sorted like `rules`. */
  readonly inbound: readonly PlannedRule<NetworkAclPlace, CidrContent>[];
  /** The return traffic: one numbered rule per block of the minimal exact cover of every inbound source, sorted by `Cidr.compare`. */
  readonly outbound: readonly PlannedRule<NetworkAclPlace, ReturnContent>[];
}

/**
 * A network ACL target: one inbound allow rule per (port, CIDR), and, because ACLs are
 * stateless, outbound allow rules for TCP 1024-65535 (the ephemeral ports HubSpot's side of each
 * connection uses) back to every source. The outbound sources are the minimal exact cover of all
 * inbound sources together, one rule per block: the same addresses as one rule per distinct
 * inbound CIDR, in fewer rules (the ACL quota is 20 per direction).
 *
 * Rule numbers come from `assignStableNumbers` inside `ruleNumbers`; AWS keeps separate numbered
 * lists for inbound and outbound rules, so each direction uses the whole range independently.
 */
export function planNetworkAcl(target: NetworkAclTarget, rules: readonly FirewallRule[], previous?: TargetPlacement): NetworkAclPolicy {
  const { from, to } = target.ruleNumbers;
  // Every number the last synth used is taken until this apply ends: kept by its rule, or
  // leaving with a rule that is removed or renumbered (assignStableNumbers' `reserved`).
  const inboundNumbers = assignStableNumbers(rules.map((rule) => ruleIdentity(rule)), from, to, previous?.inbound, previous?.inbound?.values());
  const inbound = rules.map((rule) => cidrRule(rule, { ruleNumber: inboundNumbers.get(ruleIdentity(rule)) ?? 0 }));

  const returnBlocks = minimalCover(rules.map((r) => r.cidr));
  const outboundNumbers = assignStableNumbers(returnBlocks.map((cidr) => ruleIdentity({ returnTo: cidr })), from, to, previous?.outbound, previous?.outbound?.values());
  const outbound = returnBlocks.map((cidr) =>
    returnRule(cidr, mergeProvenance(rules.filter((r) => r.cidr.overlaps(cidr))), { ruleNumber: outboundNumbers.get(ruleIdentity({ returnTo: cidr })) ?? 0 }),
  );
  return {
    type: "aws-network-acl",
    target,
    maxRules: target.maxRules ?? DEFAULT_NETWORK_ACL_MAX_RULES,
    rules,
    inbound,
    outbound: outbound.sort((a, b) => Cidr.compare(a.content.returnTo, b.content.returnTo)),
  };
}

/** Per direction: the ACL's quota (less its default deny rule) per family, and the numbers given to mailgate. */
function networkAclLimits(p: NetworkAclPolicy): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const { from, to } = p.target.ruleNumbers;
  const directions = [
    ["inbound", p.inbound.map((r) => ({ family: r.content.cidr.family, ruleNumber: r.place.ruleNumber }))],
    ["outbound", p.outbound.map((r) => ({ family: r.content.returnTo.family, ruleNumber: r.place.ruleNumber }))],
  ] as const;
  for (const [direction, rules] of directions) {
    for (const family of FAMILIES) {
      const needed = rules.filter((r) => r.family === family).length;
      if (needed > usableNetworkAclRules(p.maxRules)) problems.push({ kind: "network-acl-quota", target: p.target, direction, family, needed, maxRules: p.maxRules });
    }
    if (rules.some((r) => r.ruleNumber < from || r.ruleNumber > to)) {
      problems.push({ kind: "network-acl-numbers", target: p.target, direction, needed: rules.length });
    }
  }
  return problems;
}

// ---- what an apply does while it runs

/** Per direction and family: the numbered rules while a removed or renumbered rule still holds its number. */
function networkAclPeaks(p: NetworkAclPolicy, placed: TargetPlacement, left: LeavingRules | undefined): ApplyProblem[] {
  const problems: ApplyProblem[] = [];
  const usable = usableNetworkAclRules(p.maxRules);
  const directions = [
    { name: "inbound", now: numbered(p.inbound), was: [placed.inbound, left?.inbound] },
    { name: "outbound", now: numbered(p.outbound), was: [placed.outbound, left?.outbound] },
  ] as const;
  for (const { name, now, was } of directions) {
    // A (key, number) pair is one rule: the same pair in both maps is counted once.
    const held = new Map<string, { key: string; n: number }>();
    for (const numbers of was) for (const [key, n] of numbers ?? []) held.set(`${n} ${key}`, { key, n });
    for (const family of [4, 6] as const) {
      const ofFamily = (key: string) => familyOfKey(key) === family;
      const after = [...now.keys()].filter(ofFamily).length;
      const leaving = [...held.values()].filter(({ key, n }) => ofFamily(key) && now.get(key) !== n).length;
      if (after + leaving > usable && after <= usable) {
        const where = `network ACL ${p.target.networkAclId} (${name}, IPv${family})`;
        problems.push({ kind: "apply-peak", target: p.target, where, peak: after + leaving, after, allowed: usable, leaving });
      }
    }
  }
  return problems;
}

function familyOfKey(key: string): IpFamily | undefined {
  const parsed = parseRuleIdentity(key);
  if (parsed) return parsed.kind === "cidr" ? parsed.cidr.family : parsed.family;
  const cidr = Cidr.parse(key);
  return cidr instanceof Cidr ? cidr.family : undefined;
}

function expandNetworkAcl(p: NetworkAclPolicy, rules: LeavingRules): NetworkAclPolicy {
  const inboundKeys = new Set(p.inbound.map(plannedIdentity));
  const outboundKeys = new Set(p.outbound.map(plannedIdentity));
  const inbound = [...(rules.inbound ?? [])]
    .filter(([key]) => !inboundKeys.has(key))
    .flatMap(([key, ruleNumber]) => {
      const parsed = parseRuleIdentity(key);
      return parsed && parsed.kind === "cidr" ? [cidrRule(leavingRule(parsed.port, parsed.cidr), { ruleNumber })] : [];
    });
  const outbound = [...(rules.outbound ?? [])]
    .filter(([key]) => !outboundKeys.has(key))
    .flatMap(([key, ruleNumber]) => {
      const cidr = Cidr.parse(key);
      return cidr instanceof Cidr ? [returnRule(cidr, { lists: [], domains: [], hosts: [] }, { ruleNumber })] : [];
    });
  if (inbound.length === 0 && outbound.length === 0) return p;
  return { ...p, inbound: [...p.inbound, ...inbound], outbound: [...p.outbound, ...outbound], rules: [...p.rules, ...inbound.flatMap((r) => r.admits)] };
}

/** A rule rebuilt from its key: it no longer serves a domain. */
function leavingRule(port: number, cidr: Cidr): FirewallRule {
  return { protocol: "tcp", port, cidr, lists: [], domains: [], hosts: [] };
}

/** A removed network ACL target, rebuilt from its leaving record: the numbers it held bound its range. */
function networkAclFromLeaving(_name: string, rules: LeavingRules, access: StackAccess): NetworkAclPolicy | undefined {
  if (rules.networkAclId === undefined) return undefined;
  const numbers = [...(rules.inbound?.values() ?? []), ...(rules.outbound?.values() ?? [])];
  const target = { ...access, type: "aws-network-acl" as const, networkAclId: rules.networkAclId, ruleNumbers: { from: Math.min(...numbers), to: Math.max(...numbers) } };
  return { type: "aws-network-acl", target, maxRules: 40, rules: [], inbound: [], outbound: [] };
}

export const networkAclPlan: PlanPart<NetworkAclTarget, NetworkAclPolicy> = {
  plan: (target, { rules, placed }) => planNetworkAcl(target, rules, placed),
  // An ACL's rules leave in the contract phase like any leaving rule; the ACL itself is not mailgate's.
  keptWhileDefined: () => true,
  prefixListsUsed: () => [],
  claims: () => [],
  limits: networkAclLimits,
  lifecycle: () => [],
  placement: (p, stack) => ({
    stack,
    ...networkAclIdentity(p.target),
    inbound: numbered(p.inbound),
    outbound: numbered(p.outbound),
  }),
  identity: networkAclIdentity,
  identityChange: identityReplaced("network ACL", "Every rule would be destroyed in the old ACL and created in the new one, in no particular order."),
  applyPeaks: (p, placed, left) => networkAclPeaks(p, placed, left),
  placedKeys: (p) => p.inbound.map(plannedIdentity),
  keyedPairs: (p) => keyedPairs(p.inbound),
  expand: expandNetworkAcl,
  fromLeaving: networkAclFromLeaving,
};

/** A direction's numbers by rule identity, as placements record them. */
function numbered(rules: readonly PlannedRule<NetworkAclPlace, CidrContent | ReturnContent>[]): Map<string, number> {
  return placedNumbers(rules, (place) => place.ruleNumber);
}

function networkAclIdentity(target: NetworkAclTarget): TargetIdentity {
  return { networkAclId: target.networkAclId };
}
