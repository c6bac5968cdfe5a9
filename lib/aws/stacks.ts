import type { Construct } from "constructs";
import type { FirewallPolicy, TargetPolicy } from "../policy/firewall-policy";
import { RegionStack } from "./region-stack";

/** Adds one stack per region that has at least one target with rules. */
export function addStacks(app: Construct, policy: FirewallPolicy): RegionStack[] {
  const byRegion = new Map<string, TargetPolicy[]>();
  for (const targetPolicy of policy.targets) {
    const region = targetPolicy.target.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), targetPolicy]);
  }
  return [...byRegion.keys()].sort().map((region) => new RegionStack(app, { region, targets: byRegion.get(region) ?? [] }));
}
