import type { Cidr, IpFamily } from "../../model/cidr";
import type { NftablesTarget } from "../../model/config";
import type { HubSpotList } from "../../model/ip-catalog";
import type { SourceListKey } from "../../model/source-lists";
import { compareText } from "../../model/text";
import { FAMILIES } from "../../policy/packing";
import { portSources, type OnPremPlan } from "../../policy/port-sources";
import type { LimitProblem } from "../../policy/problems";
import { sourcesRule, type PlannedRule, type SourcesContent } from "../../policy/planned-rule";
import type { FirewallRule, UnservedNeed } from "../../policy/rule";
import { nothingAdmitted, unservedNeeds } from "../../policy/unserved";
import { OUTSIDE_AWS, type PlanPart } from "../plan-part";
import { nftFamilies, nftOwnedSets, nftSetName, nftablesTarget } from "./target";

/** A named interval set the .nft file owns: one per (lists, family), named after the chain. */
export interface NftSetPlan {
  readonly name: string;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  readonly family: IpFamily;
  /** The minimal exact cover of the lists, of this family. */
  readonly entries: readonly Cidr[];
}

/**
 * Where a rule of mailgate's chain is written, `tcp dport <port> [ip daddr {...}] ip saddr @<set> accept`:
 * the set it matches (its entries are what the rule admits), the family of both, and the
 * destinations of that family it is limited to (empty: any address of the host).
 */
export interface NftRulePlace {
  readonly set: string;
  readonly family: IpFamily;
  readonly destinations: readonly Cidr[];
}

export interface NftablesPolicy extends OnPremPlan {
  readonly type: "nftables";
  readonly target: NftablesTarget;
  /** Sets some rule references, sorted by name. */
  readonly sets: readonly NftSetPlan[];
  /**
   * Every set name the file owns in the table (`add set` + `flush set`), used or not: a set a
   * config no longer needs is emptied on the next load rather than left holding old addresses.
   */
  readonly ownedSets: readonly { readonly name: string; readonly family: IpFamily }[];
  /** The chain's rules, sorted by port, then family. */
  readonly plannedRules: readonly PlannedRule<NftRulePlace, SourcesContent>[];
  /**
   * With `destinations`: the needs no rule serves, as for Network Firewall (a list with no
   * address of any destination's family). `checkLimits` refuses them (`NOTHING_ADMITTED`). Sorted.
   */
  readonly unserved: readonly UnservedNeed[];
}

/**
 * An nftables target: one set per (lists, family) the ports need, holding the minimal cover, and
 * per port and family one rule matching the port's set (and the destinations of that family,
 * when given: a family without a destination gets no rule, as an IPv4 source never reaches an
 * IPv6 address). Rules of a family the table cannot match are left out here and reported by
 * `checkLimits` (`NFT_FAMILY_MISMATCH`).
 */
export function planNftables(target: NftablesTarget, rules: readonly FirewallRule[], unserved: readonly UnservedNeed[]): NftablesPolicy {
  const families = nftFamilies(target);
  const sets = new Map<string, NftSetPlan>();
  const plannedRules: PlannedRule<NftRulePlace, SourcesContent>[] = [];
  for (const port of portSources(rules)) {
    for (const family of families) {
      const familyRules = port.rules.filter((r) => r.cidr.family === family);
      if (familyRules.length === 0) continue;
      const destinations = (target.destinations ?? []).filter((d) => d.family === family);
      if (target.destinations !== undefined && destinations.length === 0) continue;
      const name = nftSetName(target.chain, port.key, family);
      if (!sets.has(name)) sets.set(name, { name, key: port.key, lists: port.lists, family, entries: familyRules.map((r) => r.cidr) });
      plannedRules.push(sourcesRule(port.port, port.key, familyRules, { set: name, family, destinations }));
    }
  }
  return {
    type: "nftables",
    target,
    rules,
    artifacts: nftablesTarget.files(target),
    sets: [...sets.values()].sort((a, b) => compareText(a.name, b.name)),
    ownedSets: nftOwnedSets(target),
    plannedRules,
    unserved,
  };
}

export const nftablesPlan: PlanPart<NftablesTarget, NftablesPolicy> = {
  // Without `destinations` a rule matches any address of the host: every need is served.
  plan: (target, { needs, rules, catalog }) => planNftables(target, rules, target.destinations === undefined ? [] : unservedNeeds(target.destinations, needs, catalog)),
  ...OUTSIDE_AWS,
  limits(p, { catalog }) {
    const problems: LimitProblem[] = [];
    const destinations = p.target.destinations;
    if (p.unserved.length > 0 && destinations !== undefined) problems.push(nothingAdmitted({ ...p.target, destinations }, p.unserved, catalog, `${p.target.table.family} ${p.target.table.name} ${p.target.chain}`));
    // An `ip` table cannot match IPv6 sources (nor `ip6` IPv4 ones): the plan leaves such rules out.
    const matched = nftFamilies(p.target);
    for (const family of FAMILIES) {
      if (!matched.includes(family) && p.rules.some((r) => r.cidr.family === family)) problems.push({ kind: "nft-family-mismatch", target: p.target, family });
    }
    return problems;
  },
};
