import type { Construct } from "constructs";
import type { TerraformSettings } from "../model/config";
import { stackName, type StackIdentity } from "../model/stack";
import { isAwsPolicy, type AwsTargetPolicy, type FirewallPolicy } from "../policy/firewall-policy";
import type { Placements } from "../policy/placements";
import { prefixListsUsedBy } from "../policy/build";
import { RegionStack } from "./region-stack";

/** Which role each stack's provider assumes: the deploy role, or the read-only plan role. */
export type AssumeMode = "deploy" | "plan";

export interface AddStacksOptions {
  readonly terraform?: TerraformSettings;
  /** Every stack mailgate has made: those without targets are still synthesized, empty. */
  readonly placements?: Placements;
  /** @default "deploy" */
  readonly assume?: AssumeMode;
  /**
   * Stack -> Terraform address -> `sgr-` id: rules made by hand that the first apply imports
   * instead of creating (`mailgate adopt`, adopted.json). @default none
   */
  readonly adopted?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * Adds one stack per (account, region) that has at least one target with rules, and one per
 * stack of `placements` whose targets are all gone: holding only its provider and backend, its
 * plan destroys what its state still holds (until `mailgate retire` removes it). Prefix lists
 * are per stack: each stack creates the lists its own security group rules reference. Roles
 * agree within a stack (validation checks it), so the first target's role is the stack's.
 */
export function addStacks(app: Construct, policy: FirewallPolicy, options: AddStacksOptions = {}): RegionStack[] {
  const byStack = new Map<string, { identity: StackIdentity; targets: AwsTargetPolicy[] }>();
  // Targets outside AWS (nftables, Windows Firewall, allowlists) are artifacts, never a stack.
  for (const targetPolicy of policy.targets.filter(isAwsPolicy)) {
    const name = stackName(targetPolicy.target);
    const entry = byStack.get(name) ?? { identity: targetPolicy.target, targets: [] };
    entry.targets.push(targetPolicy);
    byStack.set(name, entry);
  }
  for (const [name, record] of options.placements?.stacks ?? []) {
    if (!byStack.has(name)) byStack.set(name, { identity: record, targets: [] });
  }
  return [...byStack.keys()].sort().map((name) => {
    const { identity, targets } = byStack.get(name) ?? { identity: { region: "" }, targets: [] };
    const roleArn = options.assume === "plan" ? identity.planRoleArn : identity.roleArn;
    return new RegionStack(app, {
      name,
      region: identity.region,
      account: identity.account,
      roleArn,
      backend: options.terraform?.backend,
      awsProviderVersion: options.terraform?.awsProviderVersion,
      targets,
      prefixLists: prefixListsUsedBy(targets, policy.prefixLists),
      adopted: options.adopted?.get(name),
    });
  });
}
