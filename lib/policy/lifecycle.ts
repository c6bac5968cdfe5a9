import { stackName } from "../model/stack";
import { isAwsPolicy, planPartOf } from "../kinds/plans";
import { placedBefore, type Placements } from "./placement-types";
import type { LifecycleProblem } from "./problems";
import type { FirewallPolicy } from "./types";

export type { LifecycleProblem } from "./problems";

/**
 * What this policy would do to what `previous` placed, that only the placements can show:
 * - a target whose stack name changed (an account or role added, a region changed) would start
 *   from empty state in the new stack while the old one's state still holds its rules: refused;
 * - a stack whose region (or account) changed under the same name: its state describes resources
 *   elsewhere: refused;
 * - a remembered prefix list that must grow while a referencing rule had to leave its group:
 *   AWS refuses ModifyManagedPrefixList while any referencing group would exceed its quota, and
 *   Terraform modifies the list before it moves the rule: refused with the figures;
 * - a Network Firewall rule group whose `ruleOrder` differs from the one it was created with:
 *   AWS cannot change it (refused, with the way to move to the other order);
 * - a rule group whose capacity changes (given, or outgrown): Terraform replaces it, which fails
 *   while a firewall policy references it: refused, unless `replaceRuleGroup` says it is detached;
 * - a created target that needs a new group (warning: it must be attached to work);
 * - a stack that no longer has targets (warning: apply it, then retire it).
 * Pure; sorted by target name, then stack.
 */
export function checkLifecycle(policy: FirewallPolicy, previous: Placements, emptyStacks: readonly string[]): LifecycleProblem[] {
  const problems: LifecycleProblem[] = [];
  for (const p of policy.targets) {
    // Placements remember AWS stacks only; a target that became an on-premises one leaves its
    // stack emptied (EMPTY_STACK below), which is what happens when it is removed.
    if (!isAwsPolicy(p)) continue;
    const target = p.target;
    const stack = stackName(target);
    const placed = placedBefore(previous, target);
    if (placed && placed.stack !== stack) {
      problems.push({ kind: "stack-move", target, from: placed.stack, to: stack });
      continue;
    }
    const record = previous.stacks.get(stack);
    if (record && record.region !== target.region) {
      problems.push({ kind: "stack-changed", target, stack, field: "region", was: record.region, now: target.region });
    } else if (record && record.account !== undefined && record.account !== target.account) {
      // Adding an account pins the provider (allowed_account_ids): safe. Changing or dropping one is not.
      problems.push({ kind: "stack-changed", target, stack, field: "account", was: record.account, now: target.account });
    }
    problems.push(...planPartOf(p).lifecycle(p, placed));
  }
  for (const stack of emptyStacks) problems.push({ kind: "empty-stack", stack });
  return problems;
}
