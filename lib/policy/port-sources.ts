import { Cidr } from "../model/cidr";
import type { HubSpotList } from "../model/ip-catalog";
import type { SourceListKey } from "../model/source-lists";
import type { FirewallRule, RequiredRules } from "./rule";

/**
 * Targets outside AWS: their rules are files under `<artifacts>/firewalls/` that someone loads on
 * the firewall (nftables, a PowerShell script, address lists), not Terraform. Same rules as every
 * other target (the per-port minimal exact cover of the lists the port needs); what differs is
 * how a file groups them (lib/kinds/<kind>/plan.ts), from the rules per port here.
 */

/** The key of a port's lists: one list, or both. */
export function sourceListKey(lists: readonly HubSpotList[]): SourceListKey {
  return [...new Set(lists)].sort().join("-") as SourceListKey;
}

/** One port of a target: the lists it needs and its rules (the minimal exact cover of their union). */
export interface PortSources {
  readonly port: number;
  readonly key: SourceListKey;
  readonly lists: readonly HubSpotList[];
  /** Sorted by `Cidr.compare`. */
  readonly rules: readonly FirewallRule[];
}

/**
 * The target's rules per port. A block's `lists` are the lists it overlaps, and every list a port
 * needs overlaps some block of the port's cover, so the union of the blocks' lists is exactly what
 * the port needs.
 */
export function portSources(rules: readonly FirewallRule[]): PortSources[] {
  const byPort = new Map<number, FirewallRule[]>();
  for (const rule of rules) byPort.set(rule.port, [...(byPort.get(rule.port) ?? []), rule]);
  return [...byPort.keys()]
    .sort((a, b) => a - b)
    .map((port) => {
      const portRules = [...(byPort.get(port) ?? [])].sort((a, b) => Cidr.compare(a.cidr, b.cidr));
      const lists = [...new Set(portRules.flatMap((r) => r.lists))].sort();
      return { port, key: sourceListKey(lists), lists, rules: portRules };
    });
}

/** What the plan of every target outside AWS holds. */
export interface OnPremPlan extends RequiredRules {
  /** Every file the target writes, relative to the artifacts directory, sorted. */
  readonly artifacts: readonly string[];
}
