import type { Config, FirewallTarget } from "../model/config";
import { catalogFor, type HubSpotList } from "../model/ip-catalog";
import { planNetworkAcl } from "./network-acl";
import { planNetworkFirewall, unservedNeeds } from "./network-firewall";
import { needsOf, rulesFor, unique, compareText } from "./needs";
import { planOnPrem } from "./onprem";
import { NO_PLACEMENTS, placedBefore, type Placements, type TargetPlacement } from "./placements";
import type { PrefixListPlan } from "./prefix-lists";
import { planSecurityGroup, PrefixListRegistry } from "./security-group";
import type { FirewallPolicy, Need, TargetPolicy } from "./types";

/**
 * Pure: from validated config to the exact rules per target, and how each target type renders
 * them (groups, prefix lists, rule numbers, stateful rules). Never fails: what a target cannot
 * hold (quotas, rule numbers, capacity) is left in the plan for `checkLimits` to report.
 * `previous` (the placements file of the last synth) keeps every surviving rule in its group,
 * with its rule number or sid, and every prefix list's `max_entries`.
 */
export function buildPolicy(config: Config, previous: Placements = NO_PLACEMENTS): FirewallPolicy {
  const catalog = catalogFor(config.ipRanges);
  const needsByTarget = new Map<string, Need[]>();
  for (const domain of config.domains) {
    for (const targetName of domain.firewalls) {
      const needs = needsByTarget.get(targetName) ?? [];
      needs.push(...needsOf(domain));
      needsByTarget.set(targetName, needs);
    }
  }
  const prefixLists = new PrefixListRegistry(catalog, previous.prefixLists);
  const targets = [...config.firewalls, ...(config.idleFirewalls ?? [])]
    .sort((a, b) => compareText(a.name, b.name))
    .filter((target) => needsByTarget.has(target.name) || keptWhileDefined(target, placedBefore(previous, target)))
    .map((target): TargetPolicy => {
      const needs = needsByTarget.get(target.name) ?? [];
      const rules = rulesFor(needs, catalog);
      const placed = placedBefore(previous, target);
      switch (target.type) {
        case "aws-security-group": {
          const planned = planSecurityGroup(target, rules, listsByPort(needs), prefixLists, placed);
          const createdAs = target.create && placed ? (placed.createdAs ?? (previous.targets.has(target.name) ? undefined : target.renamedFrom)) : undefined;
          return createdAs !== undefined && createdAs !== target.name ? { ...planned, createdAs } : planned;
        }
        case "aws-network-acl":
          return planNetworkAcl(target, rules, placed);
        case "aws-network-firewall":
          return { ...planNetworkFirewall(target, rules, placed), unserved: unservedNeeds(target.destinations, needs, catalog) };
        case "nftables":
          // Without `destinations` a rule matches any address of the host: every need is served.
          return planOnPrem(target, rules, target.destinations === undefined ? [] : unservedNeeds(target.destinations, needs, catalog));
        case "windows-firewall":
        case "allowlist":
          return planOnPrem(target, rules);
      }
    });
  return { catalog, targets, prefixLists: prefixLists.all() };
}

/**
 * A target left without domains stays in the plan, without rules, while it is defined and was
 * placed: a created security group lives as long as its target (servers are attached to it, and
 * AWS refuses to delete an attached group halfway through an apply), and the rules it held leave
 * in the contract phase, after the expand phase (lib/policy/leaving.ts), like any leaving rule.
 * Deleting the target is how a created group goes (validate says so, TARGET_REMOVED). A Network
 * Firewall rule group cannot be empty: its target is dropped, with TARGET_REMOVED.
 */
function keptWhileDefined(target: FirewallTarget, placed: TargetPlacement | undefined): boolean {
  if (!placed) return false;
  return target.type === "aws-network-acl" || (target.type === "aws-security-group" && (placed.groups?.length ?? 0) > 0);
}

/** Per port, the HubSpot lists some need sends there (sorted). */
function listsByPort(needs: readonly Need[]): Map<number, HubSpotList[]> {
  const byPort = new Map<number, HubSpotList[]>();
  for (const need of needs) byPort.set(need.endpoint.port, unique([...(byPort.get(need.endpoint.port) ?? []), need.list]));
  return byPort;
}

/** The lists some rule of these targets references (a stack creates exactly these), in `all`'s order. */
export function prefixListsUsedBy(targets: readonly TargetPolicy[], all: readonly PrefixListPlan[]): PrefixListPlan[] {
  const used = new Set(
    targets.flatMap((t) =>
      t.type === "aws-security-group" ? t.groups.flatMap((g) => g.ingress.flatMap((r) => (r.kind === "prefix-list" ? [r.prefixList.key] : []))) : [],
    ),
  );
  return all.filter((p) => used.has(p.key));
}
