import type { Config } from "../model/config";
import { catalogFor } from "../model/ip-catalog";
import { compareText } from "../model/text";
import { planPartOf } from "../kinds/plans";
import { needsOf, rulesFor } from "./needs";
import { NO_PLACEMENTS, placedBefore, type Placements } from "./placement-types";
import { PrefixListRegistry, type PrefixListPlan } from "./prefix-lists";
import type { FirewallPolicy, Need, TargetPolicy } from "./types";

/**
 * Pure: from validated config to the exact rules per target, and how each target's kind lays them
 * out (groups, prefix lists, rule numbers, stateful rules, files: lib/kinds/<kind>/plan.ts). Never
 * fails: what a target cannot hold (quotas, rule numbers, capacity) is left in the plan for
 * `checkLimits` to report. `previous` (the placements file of the last synth) keeps every
 * surviving rule in its group, with its rule number or sid, and every prefix list's `max_entries`.
 *
 * A target left without domains stays in the plan, without rules, while it is defined and was
 * placed, when its kind says so (`keptWhileDefined`): a created security group lives as long as
 * its target (servers are attached to it, and AWS refuses to delete an attached group halfway
 * through an apply), and the rules it held leave in the contract phase, after the expand phase
 * (lib/policy/leaving.ts), like any leaving rule. Deleting the target is how a created group goes
 * (validate says so, TARGET_REMOVED). A Network Firewall rule group cannot be empty: its target
 * is dropped, with TARGET_REMOVED.
 */
export function buildPolicy(config: Config, previous: Placements = NO_PLACEMENTS): FirewallPolicy {
  const catalog = catalogFor(config.ipRanges);
  const needsByTarget = new Map<string, Need[]>();
  // Indexed loops: this runs once per domain while the code is still cold, and an unoptimised
  // for-of allocates an iterator and a result per step (~4 MB of garbage at 10,000 domains).
  const domains = config.domains;
  for (let d = 0; d < domains.length; d++) {
    // Once per domain, not per (domain, target): needs are read-only, so targets can share them.
    const domainNeeds = needsOf(domains[d]);
    const firewalls = domains[d].firewalls;
    for (let f = 0; f < firewalls.length; f++) {
      const needs = needsByTarget.get(firewalls[f]);
      if (needs) for (let n = 0; n < domainNeeds.length; n++) needs.push(domainNeeds[n]);
      else needsByTarget.set(firewalls[f], domainNeeds.slice());
    }
  }
  const prefixLists = new PrefixListRegistry(catalog, previous.prefixLists);
  const targets = [...config.firewalls, ...(config.idleFirewalls ?? [])]
    .sort((a, b) => compareText(a.name, b.name))
    .filter((target) => {
      if (needsByTarget.has(target.name)) return true;
      const placed = placedBefore(previous, target);
      return placed !== undefined && planPartOf(target).keptWhileDefined(target, placed);
    })
    .map((target): TargetPolicy => {
      const needs = needsByTarget.get(target.name) ?? [];
      const placed = placedBefore(previous, target);
      return planPartOf(target).plan(target, {
        needs,
        rules: rulesFor(needs, catalog),
        catalog,
        placed,
        placedUnderOwnName: previous.targets.has(target.name),
        prefixLists,
      });
    });
  return { catalog, targets, prefixLists: prefixLists.all() };
}

/** The lists some rule of these targets references (a stack creates exactly these), in `all`'s order. */
export function prefixListsUsedBy(targets: readonly TargetPolicy[], all: readonly PrefixListPlan[]): PrefixListPlan[] {
  const used = new Set(targets.flatMap((t) => planPartOf(t).prefixListsUsed(t).map((pl) => pl.key)));
  return all.filter((p) => used.has(p.key));
}
