import type { Construct } from "constructs";
import type { FirewallPolicy, TargetPolicy } from "../policy/firewall-policy";
import { prefixListsUsedBy } from "../policy/prefix-lists";
import { RegionStack } from "./region-stack";

/**
 * Adds one stack per region that has at least one target with rules. Prefix lists are per
 * stack: each stack creates the lists its own security group rules reference.
 */
export function addStacks(app: Construct, policy: FirewallPolicy): RegionStack[] {
  const byRegion = new Map<string, TargetPolicy[]>();
  for (const targetPolicy of policy.targets) {
    const region = targetPolicy.target.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), targetPolicy]);
  }
  return [...byRegion.keys()].sort().map((region) => {
    const targets = byRegion.get(region) ?? [];
    return new RegionStack(app, { region, targets, prefixLists: prefixListsUsedBy(targets, policy.prefixLists) });
  });
}
