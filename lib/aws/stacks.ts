import type { Construct } from "constructs";
import type { TerraformSettings } from "../model/config";
import { stackName } from "../model/stack";
import type { FirewallPolicy, TargetPolicy } from "../policy/firewall-policy";
import { prefixListsUsedBy } from "../policy/prefix-lists";
import { RegionStack } from "./region-stack";

/**
 * Adds one stack per (account, region) that has at least one target with rules. Prefix lists
 * are per stack: each stack creates the lists its own security group rules reference. Roles
 * agree within a stack (validation checks it), so the first target's role is the stack's.
 */
export function addStacks(app: Construct, policy: FirewallPolicy, terraform?: TerraformSettings): RegionStack[] {
  const byStack = new Map<string, TargetPolicy[]>();
  for (const targetPolicy of policy.targets) {
    const name = stackName(targetPolicy.target);
    byStack.set(name, [...(byStack.get(name) ?? []), targetPolicy]);
  }
  return [...byStack.keys()].sort().map((name) => {
    const targets = byStack.get(name) ?? [];
    const { region, account, roleArn } = targets[0].target;
    return new RegionStack(app, {
      name,
      region,
      account,
      roleArn,
      backend: terraform?.backend,
      targets,
      prefixLists: prefixListsUsedBy(targets, policy.prefixLists),
    });
  });
}
